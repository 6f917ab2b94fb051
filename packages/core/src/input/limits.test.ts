import { describe, expect, it } from 'vitest';
import { parseYamlOrJson } from '../catalog/parse.ts';
import { InputError } from '../errors/clearbox-error.ts';
import { trainingOptionFlags, trainingOptionsSchema } from '../estimate/options-schema.ts';
import { checkOptions } from './check.ts';
import { calendarDateSchema, isCalendarDate } from './dates.ts';
import { echo } from './echo.ts';
import { checkDepth, checkInputSize, checkTextNesting, MAX_NESTING_DEPTH } from './limits.ts';
import { finiteNumber, nonNegativeNumber, pueNumber, wholeNumber } from './numbers.ts';

const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('nesting limits', () => {
  it('refuses JSON nested 10,000 deep before a parser recurses, naming file and line', () => {
    expect(messageOf(() => parseYamlOrJson({ path: 'deep.json', text: `{"claims": ${deep(10_000)}}` }))).toBe(
      `deep.json:1: nested too deep: more than ${MAX_NESTING_DEPTH} levels of lists or objects`,
    );
  });

  it('accepts nesting up to the limit, and brackets inside strings and comments', () => {
    expect(() => checkTextNesting(deep(MAX_NESTING_DEPTH))).not.toThrow();
    expect(() => checkTextNesting(`{"a": "${'['.repeat(500)}"}`)).not.toThrow();
    expect(() =>
      checkTextNesting(`a: 1 # ${'{'.repeat(500)}\nb: 'it''s [[[[ ${'['.repeat(500)}'`),
    ).not.toThrow();
    expect(() => checkTextNesting(deep(MAX_NESTING_DEPTH + 1))).toThrow(/nested too deep/);
  });

  it('catches block-style YAML nesting after parsing, and alias bombs by their expanded size', () => {
    const yaml = Array.from({ length: 80 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n');
    expect(messageOf(() => parseYamlOrJson({ path: 'deep.yaml', text: `${yaml} 1` }))).toMatch(
      /nested too deep/,
    );
    const shared = Array.from({ length: 1000 }, () => 1);
    const bomb = Array.from({ length: 10_000 }, () => shared);
    expect(messageOf(() => checkDepth(bomb, 'bomb.yaml'))).toMatch(/more than 5,000,000 values/);
  });

  it('names both sizes when a document is over the limit', () => {
    expect(messageOf(() => checkInputSize(200 * 1024 * 1024, 32 * 1024 * 1024, 'big.yaml', 'raise it'))).toBe(
      'big.yaml: is 200 MB, larger than the input limit of 32 MB (raise it)',
    );
  });

  it('echoes at most 80 characters of a value, on one line', () => {
    expect(echo('h100')).toBe('"h100"');
    expect(echo(`${'x'.repeat(50_000_000)}`)).toBe(`"${'x'.repeat(80)}…" (50,000,000 characters)`);
    expect(echo('a\nb')).toBe('"a b"');
  });
});

describe('numbers and dates', () => {
  it('says Infinity and NaN are not finite rather than null', () => {
    expect(finiteNumber().safeParse(Number.POSITIVE_INFINITY).error?.issues[0]?.message).toMatch(
      /^is not finite/,
    );
    expect(finiteNumber().safeParse(Number.NaN).error?.issues[0]?.message).toBe('is not a number (NaN)');
    expect(nonNegativeNumber().safeParse(-1).error?.issues[0]?.message).toBe('must not be negative, got -1');
    expect(wholeNumber().safeParse(0).error?.issues[0]?.message).toBe('must be at least 1, got 0');
    expect(pueNumber().safeParse(0.5).success).toBe(false);
  });

  it('knows the calendar', () => {
    for (const ok of ['2025-02-28', '2024-02-29', '2025-12', '2025-12-31'])
      expect(isCalendarDate(ok)).toBe(true);
    for (const bad of ['2025-13-45', '2025-02-30', '2023-02-29', '2025-00', '2025-1-1', '2025-04-31'])
      expect(isCalendarDate(bad)).toBe(false);
    expect(calendarDateSchema.safeParse('2025-02-30').error?.issues[0]?.message).toBe(
      'is not a calendar date (month 01-12, day within the month), got "2025-02-30"',
    );
  });

  it('names the CLI flag of a refused option', () => {
    const base = { model: 'm', hardware: 'h' };
    expect(
      messageOf(() => checkOptions(trainingOptionsSchema, { ...base, pue: 0.5 }, trainingOptionFlags)),
    ).toBe('--pue: PUE is facility power over IT power, at least 1, got 0.5');
    expect(messageOf(() => checkOptions(trainingOptionsSchema, { ...base, sequenceLength: -1 }))).toBe(
      'sequenceLength: must be at least 1, got -1',
    );
  });
});
