/**
 * The README's tour, generated: every ```text block whose first line is a `$ npx clearbox ...` command
 * holds that command's real output. `npm run docs:tour` reruns each command and rewrites the blocks; the
 * README test reruns them and fails where the README differs. Shortening is written in the command
 * itself, as a shell comment the generator obeys (`# lines 1-4, 9`) or a real pipe (`| tail -1`), and
 * every cut is marked in the output (`... (12 lines not shown)`), so nothing is trimmed by hand.
 *
 * Commands run from a fresh folder in which `packages` links to the repository's, so the README's
 * relative paths (packages/core/data/...) resolve and whatever a command writes (--out out/...) lands
 * in that throwaway folder, never in the checkout.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const bin = join(repoRoot, 'packages/cli/bin/clearbox.js');

export interface TourCommand {
  /** The command as the README shows it, after `$ `. */
  line: string;
  args: string[];
  /** 1-based inclusive line ranges to keep (`# lines 1-4, 9`); absent keeps everything. */
  keep?: Array<[number, number]>;
  /** `| tail -N` / `| head -N`. */
  pipe?: { kind: 'head' | 'tail'; count: number };
}

export interface TourBlock {
  /** Index of the block's first content line in the README's lines. */
  start: number;
  /** Index of the closing fence. */
  end: number;
  commands: Array<TourCommand & { shown: string[] }>;
}

/** Splits a command line as a POSIX shell would for the quoting the tour uses ('...' and "..."). */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | undefined;
  let inWord = false;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} in: ${text}`);
  if (inWord) words.push(word);
  return words;
}

export function parseTourCommand(line: string): TourCommand {
  let rest = line;
  let keep: Array<[number, number]> | undefined;
  const comment = /\s+#\s*lines\s+([\d,\s-]+)$/.exec(rest);
  if (comment) {
    keep = (comment[1] as string)
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0)
      .map((part) => {
        const [from, to] = part.split('-').map(Number) as [number, number | undefined];
        return [from, to ?? from] as [number, number];
      });
    rest = rest.slice(0, comment.index);
  }
  let pipe: TourCommand['pipe'];
  const piped = /\s*\|\s*(head|tail)\s+-(?:n\s*)?(\d+)$/.exec(rest);
  if (piped) {
    pipe = { kind: piped[1] as 'head' | 'tail', count: Number(piped[2]) };
    rest = rest.slice(0, piped.index);
  }
  const words = shellWords(rest);
  if (words[0] !== 'npx' || words[1] !== 'clearbox')
    throw new Error(`a tour command must start with "npx clearbox": ${line}`);
  return { line, args: words.slice(2), ...(keep ? { keep } : {}), ...(pipe ? { pipe } : {}) };
}

/** The tour blocks of a README: fenced `text` blocks that start with a `$ npx clearbox` line. */
export function findTourBlocks(readme: string): TourBlock[] {
  const lines = readme.split('\n');
  const blocks: TourBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```text' || !lines[i + 1]?.startsWith('$ npx clearbox ')) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== '```') end++;
    const commands: TourBlock['commands'] = [];
    for (let j = start; j < end; j++) {
      const line = lines[j] as string;
      if (line.startsWith('$ ')) commands.push({ ...parseTourCommand(line.slice(2)), shown: [] });
      else commands.at(-1)?.shown.push(line);
    }
    blocks.push({ start, end, commands });
    i = end;
  }
  return blocks;
}

function omitted(count: number): string {
  return `... (${count} line${count === 1 ? '' : 's'} not shown)`;
}

/** What the README shows of a command's output: the pipe first, then the kept ranges, cuts marked. */
export function shownLines(output: string, command: Pick<TourCommand, 'keep' | 'pipe'>): string[] {
  let lines = output.replace(/\n$/, '').split('\n');
  if (command.pipe)
    lines =
      command.pipe.kind === 'head' ? lines.slice(0, command.pipe.count) : lines.slice(-command.pipe.count);
  if (!command.keep) return lines;
  const shown: string[] = [];
  let next = 1;
  for (const [from, to] of command.keep) {
    if (from > next) shown.push(omitted(from - next));
    shown.push(...lines.slice(from - 1, Math.min(to, lines.length)));
    next = Math.max(next, to + 1);
  }
  if (next <= lines.length) shown.push(omitted(lines.length - next + 1));
  return shown;
}

export interface TourRun {
  cwd: string;
  dispose(): void;
}

/** A throwaway working folder for the tour (see the module comment). */
export function tourFolder(): TourRun {
  const cwd = mkdtempSync(join(tmpdir(), 'clearbox-tour-'));
  symlinkSync(join(repoRoot, 'packages'), join(cwd, 'packages'), 'dir');
  return { cwd, dispose: () => rmSync(cwd, { recursive: true, force: true }) };
}

/** Runs a tour command as a user would (the clearbox binary), returning stdout then stderr. */
export function runTourCommand(command: TourCommand, cwd: string): string {
  const result = spawnSync(process.execPath, [bin, ...command.args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', COLUMNS: '120' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0 && result.status !== 1)
    throw new Error(`tour command failed (exit ${result.status}): ${command.line}\n${result.stderr}`);
  return result.stdout + result.stderr;
}

/** The README with every tour block's output replaced by what its commands print now. */
export function renderTour(readme: string, run: (command: TourCommand) => string): string {
  const lines = readme.split('\n');
  const blocks = findTourBlocks(readme);
  for (const block of [...blocks].reverse()) {
    const body = block.commands.flatMap((command) => [
      `$ ${command.line}`,
      ...shownLines(run(command), command),
    ]);
    lines.splice(block.start, block.end - block.start, ...body);
  }
  return lines.join('\n');
}
