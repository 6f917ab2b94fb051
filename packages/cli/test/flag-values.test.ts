import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { bufferIo } from '../src/io.ts';
import { main } from '../src/main.ts';
import { buildProgram } from '../src/program.ts';

/**
 * Every value flag of every command, read from the commander program itself (a new flag is covered the
 * day it is added): numeric and date flags are given NaN, Infinity, 1e999, words, negatives, zero and
 * impossible dates, and each must be refused with exit 2 and one line naming the flag (issue 15:
 * "refuse NaN, Infinity, negatives where meaningless, zero where it divides, impossible dates").
 * A flag's kind comes from its value placeholder (`<n>`, `<date>`, ...); a placeholder this table does
 * not know fails the test until it is classified.
 */
type Kind = 'number' | 'date' | 'choice' | 'text';

const kindOfPlaceholder: Record<string, Kind> = {
  n: 'number',
  x: 'number',
  h: 'number',
  d: 'number',
  s: 'number',
  q: 'number',
  a: 'number',
  g: 'number',
  u: 'number',
  usd: 'number',
  kg: 'number',
  tokens: 'number',
  acceptance: 'number',
  share: 'number',
  rate: 'number',
  size: 'number',
  bytes: 'number',
  'n|max': 'number',
  range: 'number',
  date: 'date',
  '0|1|2|3': 'choice',
  'bf16|fp16|fp8': 'choice',
  format: 'choice',
  fmt: 'choice',
  engine: 'choice',
  // An engine release: refused unless the data knows it for the engine class (exit 2, the known versions).
  version: 'choice',
  url: 'text',
  class: 'choice',
  stage: 'choice',
  basis: 'choice',
  mode: 'text',
  'id|path': 'text',
  id: 'text',
  name: 'text',
  file: 'text',
  path: 'text',
  dir: 'text',
  address: 'text',
  pairs: 'text',
  list: 'text',
  // ClickHouse table names and table-function calls: checked by the logs package's tokenizer (its own tests).
  table: 'text',
  call: 'text',
};

/** Flags whose placeholder says less than their meaning. */
const kindOfFlag: Record<string, Kind> = {
  'estimate infer --concurrency': 'number',
};

/** Numeric flags where zero means something (a seed, a port that picks a free one, a rate of none). */
const zeroMeans: Record<string, string> = {
  'estimate infer --usd-per-hour': 'a device already paid for',
  'estimate infer --mtp': 'drafts never accepted: no speed-up',
  'catalog --months': 'every entry older than --as-of is stale',
  'estimate train --grid': 'a grid with no emissions',
  'investigate logs --seed': 'a seed',
  'investigate overlap --seed': 'a seed',
  'investigate overlap --watermark-key': 'a key',
  'investigate synth --seed': 'a seed',
  'investigate synth --memorisation': 'a corpus with no copying',
  'investigate synth --phrase-inheritance': 'no inherited phrases',
  'investigate synth --watermark-inheritance': 'no watermark',
  'disclose report --seed': 'a seed',
  'disclose compare --seed': 'a seed',
  'serve --port': 'a free port',
};

const tmp = mkdtempSync(join(tmpdir(), 'clearbox-flags-'));
const data = (path: string) => new URL(`../../core/data/${path}`, import.meta.url).pathname;
const corpus = join(tmp, 'corpus.jsonl');
writeFileSync(corpus, '{"promptId":"1","text":"a b c d e f"}\n{"promptId":"2","text":"g h i j k l"}\n');
const logs = join(tmp, 'logs.jsonl');
writeFileSync(
  logs,
  Array.from(
    { length: 40 },
    (_, i) =>
      `{"ts":"2025-01-01T00:00:${String(i).padStart(2, '0')}Z","account":"a${i % 25}","prompt":"hello ${i}","inputTokens":5,"outputTokens":7}`,
  ).join('\n'),
);
const litellm = new URL('./fixtures/litellm-prices.json', import.meta.url).pathname;
const genai = new URL('./fixtures/genai-prices-newer.json', import.meta.url).pathname;
const bill = new URL('./fixtures/disclose-focus-bill.csv', import.meta.url).pathname;
const disclosure = data('disclosures/granite-3-8b.yaml');
let fresh = 0;
const freshPath = (name: string) => join(tmp, `${fresh++}-${name}`);

/** Arguments that make each command run, so that a refused value is the flag's own fault. */
function baseArgs(command: string, description: string): string[] {
  switch (command) {
    case 'estimate train':
    case 'estimate infer':
      return ['--model', 'llama-3.1-8b', '--hardware', 'h100-sxm'];
    case 'catalog':
      return ['--stale'];
    case 'audit':
      return [data('claims/deepseek-briefing.yaml')];
    case 'watch':
      return [data('signals/nvidia-gross-margin.yaml')];
    case 'decide':
      return [data('workloads/support-bot.yaml')];
    case 'disclose report':
      return [disclosure, '--draws', '100'];
    case 'disclose compare':
      return [disclosure, data('disclosures/llama-3.1-405b.yaml')];
    case 'disclose import-focus':
      return [bill];
    case 'prices import-litellm':
      return [litellm];
    case 'prices update':
      return [genai, '--db', freshPath('prices.db')];
    case 'serve':
      return ['--port', '0', '--db', freshPath('serve.db')];
    case 'investigate logs':
      return [logs, '--reference', logs];
    case 'investigate overlap':
      return ['--teacher', corpus, '--suspect', corpus, '--baseline', corpus];
    case 'investigate synth':
      return [description.startsWith('traffic:') ? 'traffic' : 'corpora', '--out', freshPath('synth')];
    default:
      return [];
  }
}

interface ValueFlag {
  command: string;
  flag: string;
  kind: Kind;
  description: string;
}

async function valueFlags(): Promise<{ flags: ValueFlag[]; unknown: string[] }> {
  const program = await buildProgram(bufferIo());
  const flags: ValueFlag[] = [];
  const unknown: string[] = [];
  const walk = (command: Command, path: string[]) => {
    for (const option of command.options as Option[]) {
      if (!(option.required || option.optional) || !option.long) continue;
      const name = [...path].join(' ');
      const placeholder = /<([^>]+)>|\[([^\]]+)\]/.exec(option.flags);
      const key = placeholder?.[1] ?? placeholder?.[2] ?? '';
      const kind = kindOfFlag[`${name} ${option.long}`] ?? kindOfPlaceholder[key];
      if (kind === undefined) unknown.push(`${name} ${option.long} <${key}>`);
      else flags.push({ command: name, flag: option.long, kind, description: option.description });
    }
    for (const sub of command.commands) walk(sub, [...path, sub.name()]);
  };
  walk(program, []);
  return { flags, unknown };
}

function hostileValues(f: ValueFlag): string[] {
  switch (f.kind) {
    case 'number': {
      const values = ['NaN', 'Infinity', '-Infinity', '1e999', 'abc', '', '-1'];
      if (!(`${f.command} ${f.flag}` in zeroMeans)) values.push('0');
      return values;
    }
    case 'date':
      return ['2025-02-30', '2025-13-45', '2025-00-10', 'abc', '', '1e999'];
    case 'choice':
      return ['NaN', '-1', '99', ''];
    default:
      return [];
  }
}

async function run(argv: string[]): Promise<{ code: number; err: string }> {
  const io = bufferIo();
  // A value wrongly accepted by `serve` would start a server: the run is given up after 20 s.
  const code = await Promise.race([
    main(argv, io),
    new Promise<number>((done) => setTimeout(() => done(-1), 20_000).unref()),
  ]);
  return { code, err: io.stderr() };
}

describe('every numeric and date flag of every command refuses impossible values (exit 2, one line naming it)', async () => {
  const { flags, unknown } = await valueFlags();

  it('every value flag of the program is classified', () => {
    expect(unknown).toEqual([]);
    expect(flags.filter((f) => f.kind === 'number').length).toBeGreaterThan(50);
    expect(flags.filter((f) => f.kind === 'date').length).toBeGreaterThanOrEqual(4);
  });

  const cases = flags.flatMap((f) =>
    hostileValues(f).map((value) => ({
      ...f,
      value,
      name: `${f.command} ${f.flag} ${JSON.stringify(value)}`,
    })),
  );
  it.each(cases)('$name', { timeout: 30_000 }, async (c) => {
    // The program's own flags (--max-input-size) go before a command that reads a document.
    const argv =
      c.command === ''
        ? [`${c.flag}=${c.value}`, 'disclose', 'check', disclosure]
        : [...c.command.split(' '), ...baseArgs(c.command, c.description), `${c.flag}=${c.value}`];
    const r = await run(argv);
    expect(r.code, `${argv.join(' ')} → ${r.err}`).toBe(2);
    expect(r.err).toMatch(/^clearbox: error: [^\n]+\n$/);
    expect(r.err).toContain(c.flag);
  });
});
