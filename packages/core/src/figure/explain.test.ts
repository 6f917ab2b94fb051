import { describe, expect, it } from 'vitest';
import { explain, formatNumber } from './explain.ts';
import { figure, given, named } from './figure.ts';

describe('formatNumber', () => {
  it('groups integers, keeps four significant digits, switches to exponents for large and small values', () => {
    expect(formatNumber(2_788_000)).toBe('2.788e6');
    expect(formatNumber(184_320)).toBe('184,320');
    expect(formatNumber(0.327_456)).toBe('0.3275');
    expect(formatNumber(1234.567)).toBe('1,235');
    expect(formatNumber(0.000_12)).toBe('1.200e-4');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(Number.NaN)).toBe('NaN');
  });
});

describe('explain', () => {
  it('prints the derivation tree with formulas, sources, and shared inputs once', () => {
    const hours = given('gpuHours', 2_788_000, 'GPU-h', [{ title: 'DeepSeek-V3 report', date: '2024-12' }]);
    const cost = figure({
      name: 'cost',
      value: 5_576_000,
      unit: 'USD',
      formula: 'GPU-hours · price',
      inputs: [hours, named('price', 2, 'USD/GPU-h')],
    });
    const both = figure({ name: 'both', value: 1, unit: 'x', formula: 'cost / cost', inputs: [cost, cost] });
    const text = explain(both);
    expect(text).toContain('cost = 5.576e6 USD  ← GPU-hours · price');
    expect(text).toContain('source: DeepSeek-V3 report (2024-12)');
    expect(text).toContain('- price = 2 USD/GPU-h');
    expect(text).toContain('(see above)');
  });
});
