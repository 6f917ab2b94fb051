import { figure } from '@clearbox/core';
import { describe, expect, it } from 'vitest';
import { formatUsd, humanFigure, humanNumber } from './format.ts';

describe('numbers as people read them', () => {
  it('uses suffixes and powers of ten, never 2.788e6', () => {
    expect(humanNumber(2_788_000)).toBe('2.79M');
    expect(humanNumber(614)).toBe('614');
    expect(humanNumber(1228.4)).toBe('1,228');
    expect(humanNumber(20e9)).toBe('20B');
    expect(humanNumber(3.318e24)).toBe('3.32 × 10²⁴');
    expect(humanNumber(0.00001234)).toBe('1.23 × 10⁻⁵');
    expect(formatUsd(5_576_000)).toBe('$5.576M');
    expect(formatUsd(1.2081)).toBe('$1.208');
    expect(formatUsd(2.5e9)).toBe('$2.5B');
  });

  it('leaves out a range whose ends read the same', () => {
    const f = figure({
      name: 'x',
      value: 2_788_000,
      unit: 'GPU-h',
      low: 2_788_000.4,
      high: 2_788_001,
      formula: 'given',
    });
    expect(humanFigure(f)).toBe('2.79M GPU\u2011h');
    const g = figure({ name: 'y', value: 2e6, unit: 'GPU-h', low: 1e6, high: 4e6, formula: 'given' });
    expect(humanFigure(g)).toBe('2M GPU\u2011h [1M–4M]');
  });
});
