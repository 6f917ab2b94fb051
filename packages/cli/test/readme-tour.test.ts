import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  findTourBlocks,
  parseTourCommand,
  renderTour,
  repoRoot,
  runTourCommand,
  shellWords,
  shownLines,
  tourFolder,
} from '../tools/readme-tour.ts';

describe('the README tour generator', () => {
  it('splits quoted words and reads shortening from the command line', () => {
    expect(shellWords(`npx clearbox audit --claim 'kind=x claimed=0.28' "a b"`)).toEqual([
      'npx',
      'clearbox',
      'audit',
      '--claim',
      'kind=x claimed=0.28',
      'a b',
    ]);
    const cmd = parseTourCommand('npx clearbox estimate infer --explain   # lines 1-2, 5');
    expect(cmd.args).toEqual(['estimate', 'infer', '--explain']);
    expect(cmd.keep).toEqual([
      [1, 2],
      [5, 5],
    ]);
    expect(parseTourCommand('npx clearbox validate | tail -1').pipe).toEqual({ kind: 'tail', count: 1 });
    expect(() => parseTourCommand('rm -rf /')).toThrow(/npx clearbox/);
  });

  it('marks every cut it makes', () => {
    const out = 'a\nb\nc\nd\ne\nf\n';
    expect(shownLines(out, { keep: [[1, 2]] })).toEqual(['a', 'b', '... (4 lines not shown)']);
    expect(
      shownLines(out, {
        keep: [
          [2, 2],
          [5, 6],
        ],
      }),
    ).toEqual(['... (1 line not shown)', 'b', '... (2 lines not shown)', 'e', 'f']);
    expect(shownLines(out, { pipe: { kind: 'tail', count: 1 } })).toEqual(['f']);
  });

  it('rewrites only the output lines of tour blocks', () => {
    const readme = [
      'intro',
      '```text',
      '$ npx clearbox a',
      'old',
      '$ npx clearbox b # lines 1',
      'old',
      '```',
      '```text',
      'not a tour',
      '```',
    ].join('\n');
    const out = renderTour(readme, (c) => `${c.args[0]} new\nsecond\n`);
    expect(out).toBe(
      [
        'intro',
        '```text',
        '$ npx clearbox a',
        'a new',
        'second',
        '$ npx clearbox b # lines 1',
        'b new',
        '... (1 line not shown)',
        '```',
        '```text',
        'not a tour',
        '```',
      ].join('\n'),
    );
  });
});

describe('README.md', () => {
  const folder = tourFolder();
  afterAll(() => folder.dispose());

  it('shows what each tour command prints today (npm run docs:tour rewrites it)', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    expect(findTourBlocks(readme).length).toBeGreaterThanOrEqual(8);
    const regenerated = renderTour(readme, (command) => runTourCommand(command, folder.cwd));
    expect(regenerated).toBe(readme);
  }, 600_000);
});
