import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { TextFile } from '../catalog/parse.ts';
import { parseSeriesCsv } from './csv-series.ts';
import { evaluateRule } from './rules.ts';
import type { Point, Rule } from './signal-schema.ts';
import { watchSignals } from './watch.ts';

const series = (values: number[]): Point[] =>
  values.map((value, i) => ({ date: `2024-${String(i + 1).padStart(2, '0')}`, value }));
const dates = (rule: Rule, values: number[]) => evaluateRule(rule, series(values), 'x').map((f) => f.date);
const rule = (r: Partial<Rule> & Record<string, unknown>) => ({ id: 'r', severity: 'warning', ...r }) as Rule;
const noFiles = (path: string): TextFile => {
  throw new Error(`unexpected read of ${path}`);
};

describe('rules', () => {
  it('below / above, strictly', () => {
    expect(dates(rule({ below: 0.65 }), [0.7, 0.65, 0.6, 0.7])).toEqual(['2024-03']);
    expect(dates(rule({ above: 0.65 }), [0.7, 0.65, 0.6])).toEqual(['2024-01']);
  });
  it('for N consecutive periods fires on the N-th and every later one of the run', () => {
    expect(dates(rule({ below: 1, for: 2 }), [0, 0, 0, 2, 0])).toEqual(['2024-02', '2024-03']);
  });
  it('crosses, in either or one direction', () => {
    const v = [1, 3, 2, 0, 5];
    expect(dates(rule({ crosses: 2.5 }), v)).toEqual(['2024-02', '2024-03', '2024-05']);
    expect(dates(rule({ crosses: 2.5, direction: 'down' }), v)).toEqual(['2024-03']);
    expect(dates(rule({ crosses: 2.5, direction: 'up' }), v)).toEqual(['2024-02', '2024-05']);
  });
  it('change over N periods, absolute and relative', () => {
    expect(dates(rule({ change: { periods: 1, below: -0.05 } }), [0.7, 0.6, 0.58])).toEqual(['2024-02']);
    expect(dates(rule({ change: { periods: 2, above: 0.5, relative: true } }), [10, 11, 16, 12])).toEqual([
      '2024-03',
    ]);
    const [f] = evaluateRule(
      rule({ change: { periods: 2, above: 0.5, relative: true } }),
      series([10, 11, 16]),
      'USD',
    );
    expect(f?.evidence.value).toBeCloseTo(0.6, 12);
  });
});

describe('watchSignals', () => {
  const nvidia: TextFile = {
    path: 'packages/core/data/signals/nvidia-gross-margin.yaml',
    text: readFileSync(new URL('../../data/signals/nvidia-gross-margin.yaml', import.meta.url), 'utf8'),
  };
  it('NVIDIA GAAP gross margin below 65%: FY23 Q2-Q4, FY24 Q1 and FY26 Q1 (the H20 charge)', () => {
    const report = watchSignals(nvidia, noFiles);
    const below = report.results.find((r) => r.rule === 'gross-margin-below-65');
    expect(below?.firings.map((f) => f.date)).toEqual([
      '2022-07-31',
      '2022-10-30',
      '2023-01-29',
      '2023-04-30',
      '2025-04-27',
    ]);
    expect(below?.firings.at(-1)?.value).toBe(0.605);
    // The latest quarter is above 65%: no alert now; since 2025 the H20 quarter is one.
    expect(below?.alert).toBe(false);
    expect(
      watchSignals(nvidia, noFiles, '2025-01-01').results.find((r) => r.rule === 'gross-margin-below-65')
        ?.alert,
    ).toBe(true);
  });
  it('reads CSV series through the edge and alerts on the latest period', () => {
    const doc = {
      version: 1,
      signals: [
        {
          id: 's',
          name: 'S',
          unit: 'fraction',
          series: { csv: 'gm.csv' },
          rules: [{ id: 'low', below: 0.65 }],
        },
      ],
    };
    const report = watchSignals({ path: 'w.yaml', text: stringify(doc) }, (p) => ({
      path: p,
      text: 'date,value\n2025-01,0.7\n2025-04,0.6\n',
    }));
    expect(report.alerts).toBe(1);
    expect(report.results[0]?.latest).toEqual({ date: '2025-04', value: 0.6 });
  });
  it('bad input: every CSV problem with its line; dates out of order; unknown rule', () => {
    expect(() => parseSeriesCsv({ path: 'gm.csv', text: 'date,value\n2025-01,abc\nyesterday,1\n' })).toThrow(
      /gm\.csv:2.*number[\s\S]*gm\.csv:3.*date/,
    );
    const doc = (
      rules: unknown[],
      points = [
        { date: '2025-02', value: 1 },
        { date: '2025-01', value: 2 },
      ],
    ) => ({
      path: 'w.yaml',
      text: stringify({
        version: 1,
        signals: [{ id: 's', name: 'S', unit: 'x', series: { points }, rules }],
      }),
    });
    expect(() => watchSignals(doc([{ id: 'r', below: 1 }]), noFiles)).toThrow(/dates must increase/);
    expect(() => watchSignals(doc([{ id: 'r', beneath: 1 }]), noFiles)).toThrow(
      /signals\[0\]\.rules\[0\].*below, above, crosses or change/,
    );
  });
});
