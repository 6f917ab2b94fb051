import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summariseEval } from './investigate.ts';

const run = (scenario: string, seed: number, q01: object, q05: object) =>
  JSON.stringify({ scenario, referenceAccounts: 1000, seed, volume: 0.3, byQ: { '0.01': q01, '0.05': q05 } });

describe('the bench summary of committed eval results', () => {
  it('reads every results file, the newest one per scenario and reference size, and judges the targets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearbox-eval-summary-'));
    const hit = { flagged: 2, falseFlags: 1, detected: { naive: true }, falseKinds: { benign: 1 } };
    const miss = { flagged: 0, falseFlags: 0, detected: { naive: false }, falseKinds: {} };
    const batch = { flagged: 1, falseFlags: 1, detected: {}, falseKinds: { batch: 1 } };
    writeFileSync(
      join(dir, 'investigate-eval-2026-12-04.jsonl'),
      `${[run('prose', 1, miss, miss), run('prose-benign', 1, batch, batch)].join('\n')}\n`,
    );
    writeFileSync(
      join(dir, 'investigate-eval-2026-12-05.jsonl'),
      `${[run('prose', 1, hit, hit), run('prose', 2, miss, hit)].join('\n')}\n`,
    );
    writeFileSync(join(dir, 'unrelated.jsonl'), 'not read\n');
    const lines = summariseEval(dir);
    expect(lines[0]).toContain('investigate-eval-2026-12-04.jsonl, investigate-eval-2026-12-05.jsonl');
    const prose = lines.find((l) => l.startsWith('  prose, ')) as string;
    // The 12-05 file replaces the 12-04 runs of prose: 1 of 2 runs detected at q 0.01, 2 of 2 at 0.05.
    expect(prose).toContain('2 runs');
    expect(prose).toContain('(investigate-eval-2026-12-05.jsonl)');
    expect(prose).toContain('naive 1/2; FDP 0.250 FAIL; any false 50%');
    expect(prose).toContain('naive 2/2; FDP 0.500 FAIL; any false 100%');
    const benign = lines.find((l) => l.startsWith('  prose-benign, ')) as string;
    expect(benign).toContain('no campaigns; any false 100% FAIL (0% without batch pipelines)');
    // How likely that many flagged runs are for a calibrated test (rate q per run): 1 of 1 at q 0.01.
    expect(benign).toContain('1/1 runs, P(>= 1 | rate q) 0.010, without batch pipelines 0/1, P 1.0');
    expect(summariseEval(mkdtempSync(join(tmpdir(), 'clearbox-eval-none-')))).toEqual([
      'eval: no committed results (docs/investigate-eval-*.jsonl)',
    ]);
  });
});
