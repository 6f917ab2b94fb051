import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferIo } from '../src/io.ts';
import { main } from '../src/main.ts';

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const tmp = mkdtempSync(join(tmpdir(), 'clearbox-watch-'));
const nvidia = 'packages/core/data/signals/nvidia-gross-margin.yaml';

describe('clearbox watch', () => {
  it('the shipped NVIDIA series: rules fired in the past are listed; no alert at the latest quarter, exit 0', async () => {
    const r = await run('watch', nvidia);
    expect(r.code).toBe(0);
    expect(r.out).toContain('gross-margin-below-65');
    expect(r.out).toContain('2025-04-27  60.5%');
    expect(r.out).toMatch(/0 alerts at the latest period/);
  });

  it('--since makes earlier firings alerts: exit 1 (for cron and CI), JSON lists when and the values', async () => {
    const r = await run('watch', nvidia, '--since', '2025-01-01', '--json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    const below = json.results.find((x: { rule: string }) => x.rule === 'gross-margin-below-65');
    expect(below.alert).toBe(true);
    expect(below.firings.at(-1)).toMatchObject({ date: '2025-04-27', value: 0.605 });
  });

  it('a CSV series beside the signals file; an alert at the latest period exits 1', async () => {
    writeFileSync(join(tmp, 'gm.csv'), 'date,value\n2025-01,0.72\n2025-04,0.64\n');
    const file = join(tmp, 'signals.yaml');
    writeFileSync(
      file,
      'version: 1\nsignals:\n  - id: gm\n    name: Gross margin\n    unit: fraction\n    series: { csv: gm.csv }\n    rules:\n      - { id: below-65, below: 0.65, severity: critical }\n',
    );
    const r = await run('watch', file);
    expect(r.code).toBe(1);
    expect(r.out).toContain('ALERT');
  });

  it('bad input exits 2 with the file and line', async () => {
    writeFileSync(join(tmp, 'bad.csv'), 'date,value\n2025-01,lots\n');
    const file = join(tmp, 'bad.yaml');
    writeFileSync(
      file,
      'version: 1\nsignals:\n  - id: gm\n    name: GM\n    unit: x\n    series: { csv: bad.csv }\n    rules: [{ id: r, below: 1 }]\n',
    );
    const r = await run('watch', file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.csv:2: expected a number/);
    const noRules = join(tmp, 'norules.yaml');
    writeFileSync(
      noRules,
      'version: 1\nsignals:\n  - id: gm\n    name: GM\n    unit: x\n    series: { points: [{ date: 2025-01, value: 1 }] }\n    rules: []\n',
    );
    const r2 = await run('watch', noRules);
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/norules\.yaml:\d+ signals\[0\]\.rules/);
  });
});
