import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command, Option } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bufferIo } from '../src/io.ts';
import { main } from '../src/main.ts';
import { buildProgram } from '../src/program.ts';
import { hostileDocuments } from './fuzz/hostile-corpus.ts';
import { outcomeProblems } from './fuzz/outcome.ts';

/**
 * The fuzz suite of the hardening issue: hostile files through every place a command reads a file (found
 * by walking the commander program, so a new command or file flag is fuzzed or the suite fails), and
 * random flag values through the estimate commands. Targets: no crash, no hang over 10 s, exit 0/1/2 only, and
 * one error line (or an indented problem list) with no stack trace.
 */
const tmp = mkdtempSync(join(tmpdir(), 'clearbox-fuzz-'));
const good = join(tmp, 'good.jsonl');
writeFileSync(good, '{"promptId":"1","text":"a b c d"}\n{"promptId":"2","text":"e f g h"}\n');

const data = (path: string) => new URL(`../../core/data/${path}`, import.meta.url).pathname;
const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const logs = join(tmp, 'logs.jsonl');
writeFileSync(
  logs,
  Array.from(
    { length: 40 },
    (_, i) =>
      `{"ts":"2025-01-01T00:00:${String(i).padStart(2, '0')}Z","account":"a${i % 25}","prompt":"hello ${i}","inputTokens":5,"outputTokens":7}`,
  ).join('\n'),
);
let fresh = 0;

/**
 * A run of each file-reading command that works (so a refusal is the hostile file's doing). A command
 * that reads a file and is missing here fails the suite until it is added.
 */
const baselines: Record<string, () => string[]> = {
  'estimate train': () => ['--model', 'llama-3.1-8b', '--hardware', 'h100-sxm'],
  'estimate infer': () => ['--model', 'llama-3.1-8b', '--hardware', 'h100-sxm'],
  audit: () => [data('claims/deepseek-briefing.yaml')],
  watch: () => [data('signals/nvidia-gross-margin.yaml')],
  decide: () => [data('workloads/support-bot.yaml')],
  'disclose check': () => [data('disclosures/granite-3-8b.yaml')],
  'disclose report': () => [data('disclosures/granite-3-8b.yaml'), '--draws', '100'],
  'disclose compare': () => [data('disclosures/granite-3-8b.yaml'), data('disclosures/llama-3.1-405b.yaml')],
  'disclose import-focus': () => [fixture('disclose-focus-bill.csv')],
  'prices import-litellm': () => [fixture('litellm-prices.json'), '--effective', '2025-01-01'],
  'prices update': () => [fixture('genai-prices-newer.json'), '--db', join(tmp, `prices-${fresh++}.db`)],
  'investigate logs': () => [logs, '--reference', logs, '--memory-limit', '512MB'],
  'investigate overlap': () => ['--teacher', good, '--suspect', good, '--baseline', good],
};

/** Argument names and option placeholders that name a file the command reads. */
const fileArguments = new Set(['file', 'files', 'workload', 'bill', 'source', 'file-or-url']);
const otherArguments = new Set(['section', 'kind']);
const fileOptions = new Set(['file', 'id|path', 'list']);
/**
 * Options that take a path but do not read a document: outputs, and the SQLite store (a file the
 * store opens or creates; a foreign file there is refused by user-mistakes.test.ts), and serve, whose
 * run does not end.
 */
const notRead = new Set(['--out', '--db']);
const notFuzzed = new Set(['serve', 'investigate synth', 'disclose init']);

/** What a slot reads, which decides the hostile documents it is given. */
function readsAs(command: string): 'lines' | 'csv' | 'document' {
  if (command.startsWith('investigate ')) return 'lines';
  if (command === 'disclose import-focus') return 'csv';
  return 'document';
}

interface Slot {
  command: string;
  /** The positional argument replaced, or the option given the hostile path. */
  at: { argument: number } | { option: string };
}

/** Every place a command of the program reads a file, found by walking the commander program. */
async function fileSlots(): Promise<{ slots: Slot[]; problems: string[] }> {
  const program = await buildProgram(bufferIo());
  const slots: Slot[] = [];
  const problems: string[] = [];
  const walk = (command: Command, path: string[]) => {
    const name = path.join(' ');
    const found: Slot[] = [];
    command.registeredArguments.forEach((argument, index) => {
      if (fileArguments.has(argument.name())) found.push({ command: name, at: { argument: index } });
      else if (!otherArguments.has(argument.name()))
        problems.push(`${name} <${argument.name()}>: classify the argument (a file it reads, or not)`);
    });
    for (const option of command.options as Option[]) {
      const placeholder = /<([^>]+)>/.exec(option.flags)?.[1];
      // A <list> is a file only where the flag says it may be one (--reference-accounts, not --concurrency).
      const file =
        placeholder === 'list' ? /\bfile\b/.test(option.description) : fileOptions.has(placeholder ?? '');
      if (file && option.long && !notRead.has(option.long))
        found.push({ command: name, at: { option: option.long } });
    }
    if (found.length > 0 && !notFuzzed.has(name)) {
      if (!baselines[name]) problems.push(`${name}: reads files but has no baseline run in the fuzz suite`);
      else slots.push(...found);
    }
    for (const sub of command.commands) walk(sub, [...path, sub.name()]);
  };
  walk(program, []);
  return { slots, problems };
}

/** The baseline with the slot pointing at `path`. */
function argvFor(slot: Slot, path: string): string[] {
  const base = (baselines[slot.command] as () => string[])();
  const argv = [...slot.command.split(' '), ...base];
  const offset = slot.command.split(' ').length;
  if ('argument' in slot.at) {
    let seen = -1;
    for (let i = offset; i < argv.length; i++) {
      if ((argv[i] as string).startsWith('--')) {
        i++;
        continue;
      }
      if (++seen === slot.at.argument) {
        argv[i] = path;
        return argv;
      }
    }
    return [...argv, path];
  }
  const i = argv.indexOf(slot.at.option);
  if (i >= 0) argv[i + 1] = path;
  else argv.push(slot.at.option, path);
  return argv;
}

/** Every slot gets these whatever it reads: garbage is not polite about formats. */
const universal = new Set(['empty', 'nul-bytes', 'invalid-utf8', 'huge-field', 'deep-array-10k', 'bom']);

function hostileCases(slots: Slot[]): Array<{ command: string; argv: string[]; doc: string }> {
  const cases: Array<{ command: string; argv: string[]; doc: string }> = [];
  const docs = hostileDocuments().map((doc) => {
    const path = join(tmp, `${doc.name}.${doc.ext}`);
    writeFileSync(path, doc.content);
    return { ...doc, path };
  });
  for (const slot of slots) {
    const reads = readsAs(slot.command);
    const where = 'argument' in slot.at ? `argument ${slot.at.argument + 1}` : slot.at.option;
    for (const doc of docs) {
      const fits =
        reads === 'document'
          ? doc.ext === 'json' || doc.ext === 'yaml'
          : reads === 'csv'
            ? doc.ext === 'csv'
            : doc.ext === 'jsonl' || doc.ext === 'csv';
      if (!fits && !universal.has(doc.name)) continue;
      cases.push({ command: slot.command, argv: argvFor(slot, doc.path), doc: `${doc.name} as ${where}` });
    }
  }
  const huge = docs.find((d) => d.name === 'huge-field');
  if (huge)
    cases.push({
      command: 'disclose check',
      argv: ['--max-input-size', '1MB', 'disclose', 'check', huge.path],
      doc: 'huge-field over --max-input-size',
    });
  return cases;
}

interface CaseResult {
  i: number;
  code: number;
  err: string;
}

/**
 * Runs the cases in a child process (so a V8 abort or a hang is seen, not suffered), restarting it
 * after the case that took it down. A case with no result line within `hangMs` is a hang.
 */
async function runIsolated(
  cases: string[][],
  hangMs: number,
): Promise<{ results: CaseResult[]; crashes: Array<{ i: number; how: string }> }> {
  const file = join(tmp, 'cases.json');
  writeFileSync(file, JSON.stringify(cases));
  const results: CaseResult[] = [];
  const crashes: Array<{ i: number; how: string }> = [];
  let next = 0;
  while (next < cases.length) {
    const from = next;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', new URL('./fuzz/run-cases.ts', import.meta.url).pathname, file, String(from)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let current = from;
    let buffered = '';
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        crashes.push({ i: current, how: `hang over ${hangMs} ms` });
        child.kill('SIGKILL');
      }, hangMs);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl = buffered.indexOf('\n');
      while (nl >= 0) {
        const line = JSON.parse(buffered.slice(0, nl)) as { start?: number } & Partial<CaseResult>;
        buffered = buffered.slice(nl + 1);
        if (line.start !== undefined) {
          current = line.start;
          arm();
        } else results.push(line as CaseResult);
        nl = buffered.indexOf('\n');
      }
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    arm(); // the first case includes the child's start-up
    const exit = await new Promise<{ code: number | null; signal: string | null }>((done) =>
      child.on('close', (code, signal) => done({ code, signal })),
    );
    clearTimeout(timer);
    const finished = results.some((r) => r.i === current);
    if (!finished && !crashes.some((c) => c.i === current))
      crashes.push({ i: current, how: `child exited ${exit.code ?? exit.signal}: ${stderr.slice(-300)}` });
    next = finished ? current + 1 : current + 1;
    if (results.length + crashes.length >= cases.length) break;
  }
  return { results, crashes };
}

describe('fuzz: hostile files through every file-reading command', () => {
  it('every file the program reads is fuzzed: each command that reads one has a baseline', async () => {
    const { slots, problems } = await fileSlots();
    expect(problems).toEqual([]);
    expect(new Set(slots.map((s) => s.command)).size).toBe(Object.keys(baselines).length);
  });

  it('no crash, no hang over 10 s, exit 0/1/2, one error line', { timeout: 240_000 }, async () => {
    const cases = hostileCases((await fileSlots()).slots);
    expect(cases.length).toBeGreaterThan(300);
    const { results, crashes } = await runIsolated(
      cases.map((c) => c.argv),
      10_000,
    );
    const failures: string[] = crashes.map((c) => `${cases[c.i]?.command} on ${cases[c.i]?.doc}: ${c.how}`);
    for (const r of results) {
      const c = cases[r.i];
      if (!c) continue;
      for (const p of outcomeProblems(c.command, r)) failures.push(`${c.command} on ${c.doc}: ${p}`);
    }
    expect(failures).toEqual([]);
    expect(results.length).toBe(cases.length);
  });
});

describe('every document a command reads is bounded by --max-input-size (issue 15: 200 MB ran past 60 s)', () => {
  it('refused before parsing, exit 2, one line naming the limit, in every document slot', {
    timeout: 60_000,
  }, async () => {
    const { slots } = await fileSlots();
    const documentSlots = slots.filter((slot) => readsAs(slot.command) === 'document');
    expect(documentSlots.length).toBeGreaterThan(10);
    const failures: string[] = [];
    for (const slot of documentSlots) {
      const io = bufferIo();
      const argv = ['--max-input-size', '64', ...argvFor(slot, data('disclosures/granite-3-8b.yaml'))];
      const code = await main(argv, io);
      if (code !== 2 || !/^clearbox: error: [^\n]*input limit of 64 bytes[^\n]*\n$/.test(io.stderr()))
        failures.push(`${argv.join(' ')} → ${code} ${io.stderr().slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('fuzz: random flag values (fast-check)', () => {
  const numericFlags: Array<[string[], string]> = [
    [['estimate', 'infer', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm'], '--usd-per-hour'],
    [['estimate', 'infer', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm'], '--output'],
    [['estimate', 'infer', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm'], '--batch'],
    [['estimate', 'infer', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm'], '--utilization'],
    [['estimate', 'train', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm'], '--pue'],
    [['estimate', 'train', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm'], '--seq'],
    [['estimate', 'train', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm'], '--mfu'],
    [['estimate', 'train', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm'], '--micro-batch'],
    [['estimate', 'train', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm'], '--tokens'],
  ];
  const value = fc.oneof(
    fc.constantFrom(
      '-1',
      '0',
      '1e999',
      '-1e999',
      'NaN',
      'Infinity',
      '0.5',
      '1e308',
      '2.5M',
      '',
      ' ',
      'abc',
      '1e-400',
    ),
    fc.double().map(String),
    fc.integer({ min: -1e6, max: 1e6 }).map(String),
    fc.string({ maxLength: 12 }),
  );

  it('exit 0 with finite numbers, or exit 2 with one line naming the flag', {
    timeout: 120_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...numericFlags), value, async ([base, flag], text) => {
        const io = bufferIo();
        const code = await main([...base, flag, text, '--json'], io);
        const problems = outcomeProblems('estimate', { code, err: io.stderr() });
        expect(problems).toEqual([]);
        if (code === 2) expect(io.stderr()).toMatch(/^clearbox: error: /);
        if (code === 0) expect(io.stdout()).not.toMatch(/\b(NaN|Infinity)\b/);
      }),
      { numRuns: 25, seed: 15 },
    );
  });
});
