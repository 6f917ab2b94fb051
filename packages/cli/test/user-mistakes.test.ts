import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferIo } from '../src/io.ts';
import { main } from '../src/main.ts';

/**
 * User mistakes from the hardening issue: each exits 2 with one `clearbox: error:` line naming the
 * flag or file, never 0 with a wrong answer and never 1 with "internal error".
 */
const tmp = mkdtempSync(join(tmpdir(), 'clearbox-mistakes-'));
const corpus = join(tmp, 'corpus.jsonl');
writeFileSync(corpus, '{"promptId":"1","text":"a b c"}\n');
const existing = join(tmp, 'existing.txt');
writeFileSync(existing, 'x');
const notDb = join(tmp, 'not-a-store.db');
writeFileSync(
  notDb,
  'this is plain text, not a SQLite database, and long enough to have a header\n'.repeat(4),
);
const litellm = join(tmp, 'litellm.json');
writeFileSync(
  litellm,
  '{"gpt-x": {"input_cost_per_token": 1e999, "output_cost_per_token": 1e-6, "mode": "chat", "litellm_provider": "openai"}}',
);
const deep = join(tmp, 'deep.json');
writeFileSync(deep, `{"version": 1, "claims": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
const badLines = join(tmp, 'bad.jsonl');
writeFileSync(badLines, Array.from({ length: 100 }, () => '{not json').join('\n'));
const signals = new URL('../../core/data/signals/nvidia-gross-margin.yaml', import.meta.url).pathname;
const workload = new URL('../../core/data/workloads/support-bot.yaml', import.meta.url).pathname;
const disclosure = new URL('../../core/data/disclosures/granite-3-8b.yaml', import.meta.url).pathname;
mkdirSync(join(tmp, 'a-folder'));
const granite = readFileSync(disclosure, 'utf8');
const overflowing = join(tmp, 'overflow.yaml');
writeFileSync(
  overflowing,
  granite.replace('amount: 4000000', 'amount: 1e308').replace('amount: 2000000', 'amount: 1e308'),
);
const impossibleDate = join(tmp, 'impossible-date.yaml');
writeFileSync(
  impossibleDate,
  readFileSync(signals, 'utf8').replace('        - date: 2022-07-31\n', '        - date: 2025-13-45\n'),
);
const logs = join(tmp, 'logs.jsonl');
writeFileSync(
  logs,
  '{"ts":"2025-01-01T00:00:00Z","account":"a","prompt":"hi","inputTokens":1,"outputTokens":2}\n',
);
const unknownModel = join(tmp, 'unknown-model.yaml');
writeFileSync(unknownModel, granite.replace(/^model:\n/m, 'model:\n  catalogId: granite-9-imaginary\n'));

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const infer = ['estimate', 'infer', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm'];
const train = ['estimate', 'train', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm'];
const overlap = ['investigate', 'overlap', '--suspect', corpus, '--baseline', corpus];

const cases: Array<[name: string, argv: string[], message: RegExp]> = [
  ['--usd-per-hour -1', [...infer, '--usd-per-hour', '-1'], /--usd-per-hour: must not be negative/],
  ['--output 0', [...infer, '--output', '0'], /--output: must be at least 1/],
  ['--pue 0.5', [...train, '--pue', '0.5'], /--pue: PUE is facility power over IT power/],
  ['--seq -1', [...train, '--seq', '-1'], /--seq: must be at least 1/],
  ['--micro-batch -1', [...train, '--micro-batch', '-1'], /--micro-batch: must be at least 1/],
  ['--tokens 1e999', [...train, '--tokens', '1e999'], /--tokens: is not finite/],
  ['--alpha 0', [...overlap, '--teacher', corpus, '--alpha', '0'], /--alpha: expected a number between 0/],
  [
    '--phrase-min-prompts -1',
    [...overlap, '--teacher', corpus, '--phrase-min-prompts', '-1'],
    /must be at least 1/,
  ],
  ['a directory as --teacher', [...overlap, '--teacher', tmp], /is a directory/],
  [
    '--min-shared-templates -1',
    ['investigate', 'logs', corpus, '--reference', corpus, '--min-shared-templates', '-1'],
    /--min-shared-templates: must be at least 1/,
  ],
  [
    '--memory-limit abc',
    ['investigate', 'logs', corpus, '--reference', corpus, '--memory-limit', 'abc'],
    /--memory-limit: expected a size/,
  ],
  [
    'synth --prompts -1',
    ['investigate', 'synth', 'corpora', '--out', join(tmp, 's'), '--prompts', '-1'],
    /--prompts/,
  ],
  ['synth --out onto a file', ['investigate', 'synth', 'corpora', '--out', existing], /is a file/],
  ['--since 2025-02-30', ['watch', signals, '--since', '2025-02-30'], /--since: is not a calendar date/],
  [
    '--out into a missing folder',
    ['decide', workload, '--out', join(tmp, 'missing', 'r.html')],
    /does not exist/,
  ],
  ['serve --db a directory', ['serve', '--port', '0', '--db', tmp], /is a directory/],
  ['serve --db a text file', ['serve', '--port', '0', '--db', notDb], /is not a SQLite database/],
  ['a document nested 10,000 deep', ['audit', deep], /nested too deep/],
  [
    'a document over --max-input-size',
    ['--max-input-size', '1KB', 'disclose', 'check', disclosure],
    /input limit of 1 KB/,
  ],
  ['--max-input-size abc', ['--max-input-size', 'abc', 'disclose', 'check', disclosure], /--max-input-size/],
  [
    'a quantity of 1e308 that overflows a total',
    ['disclose', 'report', overflowing],
    /overflows the range of numbers/,
  ],
  ['100 invalid JSON lines', [...overlap, '--teacher', badLines], /line 1|:1\b/],
  [
    '100 invalid JSON lines as logs: the lines were refused, not an "empty file"',
    ['investigate logs', badLines, '--reference', logs].flatMap((a) => a.split(' ')),
    /bad\.jsonl: no request rows: all 100 non-blank lines were refused: 100 not valid JSON \(lines 1, 2, 3, …\)/,
  ],
  [
    'a signal point dated 2025-13-45 (it fired an alert)',
    ['watch', impossibleDate],
    /is not a calendar date \(month 01-12, day within the month\), got "2025-13-45"/,
  ],
];

describe('user mistakes exit 2 with one line', () => {
  it.each(cases)('%s', async (_name, argv, message) => {
    const r = await run(...argv);
    expect(r.err).toMatch(/^clearbox: error: [^\n]+\n$/);
    expect(r.err).toMatch(message);
    expect(r.code).toBe(2);
  });

  it('a 2 MB field is not echoed back whole: the error line stays short', async () => {
    const huge = join(tmp, 'huge-field.yaml');
    writeFileSync(huge, `version: 1\nid: ${'x'.repeat(2_000_000)}\n`);
    for (const argv of [
      ['disclose', 'check', huge],
      ['audit', huge],
      ['watch', huge],
      ['decide', huge],
    ]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.length, argv.join(' ')).toBeLessThan(1000);
    }
  });

  it('an unknown model.catalogId is reported, not dropped', async () => {
    const r = await run('disclose', 'report', unknownModel, '--json', '--draws', '100');
    expect(r.code).toBe(0);
    const findings = JSON.parse(r.out).findings as Array<{ id: string; message: string }>;
    expect(findings.find((f) => f.id === 'unknown-catalog-model')?.message).toMatch(
      /"granite-9-imaginary" is not in the catalog/,
    );
  });

  it('a LiteLLM price of 1e999 is called not finite, not null', async () => {
    const r = await run('prices', 'import-litellm', litellm);
    expect(r.err).toMatch(/is not finite/);
    expect(r.err).not.toMatch(/got null/);
  });
});
