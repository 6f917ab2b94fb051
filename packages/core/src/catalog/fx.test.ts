import { describe, expect, it } from 'vitest';
import { fxRate } from './fx.ts';
import type { FxRate } from './price-schema.ts';

const source = { title: 'test rates', date: '2024-01-01' };
const rates: FxRate[] = [
  { base: 'USD', quote: 'CNY', rate: 7.1, date: '2024-01-01', source },
  { base: 'USD', quote: 'CNY', rate: 7.3, date: '2025-01-01', source },
];

describe('dated exchange rates', () => {
  it('uses the latest rate on or before the date', () => {
    expect(fxRate(rates, 'USD', 'CNY', '2024-06-01').value).toBe(7.1);
    expect(fxRate(rates, 'USD', 'CNY', '2025-02-01').value).toBe(7.3);
  });

  it('inverts the reverse pair and says when it falls back to the earliest rate', () => {
    expect(fxRate(rates, 'CNY', 'USD', '2025-02-01').value).toBeCloseTo(1 / 7.3, 12);
    expect(fxRate(rates, 'USD', 'CNY', '2020-01-01').note).toMatch(/earliest/);
  });

  it('refuses a pair it has no rate for', () => {
    expect(() => fxRate(rates, 'EUR', 'CNY', '2025-01-01')).toThrow(/no exchange rate/);
  });
});
