import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bufferIo } from '../src/io.ts';
import { main } from '../src/main.ts';
import { hostileDocuments } from './fuzz/hostile-corpus.ts';
import { outcomeProblems } from './fuzz/outcome.ts';

/**
 * The fuzz suite of the hardening issue: hostile files through every file-reading command, and random
 * flag values through the estimate commands. Targets: no crash, no hang over 10 s, exit 0/1/2 only, and
 * one error line (or an indented problem list) with no stack trace.
 */
const tmp = mkdtempSync(join(tmpdir(), 'clearbox-fuzz-'));
const good = join(tmp, 'good.jsonl');
writeFileSync(good, '{"promptId":"1","text":"a b c d"}\n{"promptId":"2","text":"e f g h"}\n');

/** The commands that read a document, each as argv for a path (and the command's name for its exit 1). */
const documentCommands: Array<[command: string, argv: (path: string) => string[]]> = [
  ['disclose check', (p) => ['disclose', 'check', p]],
  ['disclose report', (p) => ['disclose', 'report', p, '--draws', '100']],
  ['audit', (p) => ['audit', p]],
  ['watch', (p) => ['watch', p]],
  ['decide', (p) => ['decide', p]],
  ['prices import-litellm', (p) => ['prices', 'import-litellm', p, '--effective', '2025-01-01']],
  ['estimate infer', (p) => ['estimate', 'infer', '--model', p, '--hardware', 'h100-sxm']],
  ['estimate train', (p) => ['estimate', 'train', '--model', 'llama-3.1-8b', '--hardware', p]],
];
const lineCommands: Array<[command: string, argv: (path: string) => string[]]> = [
  [
    'investigate overlap',
    (p) => ['investigate', 'overlap', '--teacher', p, '--suspect', good, '--baseline', good],
  ],
  ['investigate logs', (p) => ['investigate', 'logs', p, '--reference', p, '--memory-limit', '512MB']],
];
const csvCommands: Array<[command: string, argv: (path: string) => string[]]> = [
  ['disclose import-focus', (p) => ['disclose', 'import-focus', p]],
  ['investigate logs', (p) => ['investigate', 'logs', p, '--reference', p, '--memory-limit', '512MB']],
];

function hostileCases(): Array<{ command: string; argv: string[]; doc: string }> {
  const cases: Array<{ command: string; argv: string[]; doc: string }> = [];
  for (const doc of hostileDocuments()) {
    const path = join(tmp, `${doc.name}.${doc.ext}`);
    writeFileSync(path, doc.content);
    const commands = doc.ext === 'jsonl' ? lineCommands : doc.ext === 'csv' ? csvCommands : documentCommands;
    for (const [command, argv] of commands) cases.push({ command, argv: argv(path), doc: doc.name });
    if (doc.name === 'huge-field')
      cases.push({
        command: 'disclose check',
        argv: ['--max-input-size', '1MB', 'disclose', 'check', path],
        doc: `${doc.name} over --max-input-size`,
      });
  }
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
  it('no crash, no hang over 10 s, exit 0/1/2, one error line', { timeout: 240_000 }, async () => {
    const cases = hostileCases();
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
