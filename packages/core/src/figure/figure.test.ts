import { describe, expect, it } from 'vitest';
import { rangeMidpoint } from './figure.ts';

describe('rangeMidpoint', () => {
  it('is a leaf whose value is the middle of the range, with the range as low and high and its source', () => {
    const f = rangeMidpoint(
      'h100.rentalUsdPerHour',
      {
        low: 1.5,
        high: 3.5,
        source: { title: 'rental survey', date: '2026-10', url: 'https://example.org/r' },
      },
      'USD/GPU-h',
      'catalog rental range midpoint',
    );
    expect(f).toEqual({
      name: 'h100.rentalUsdPerHour',
      value: 2.5,
      unit: 'USD/GPU-h',
      formula: 'given',
      inputs: [],
      sources: [{ title: 'rental survey', date: '2026-10', url: 'https://example.org/r' }],
      low: 1.5,
      high: 3.5,
      note: 'catalog rental range midpoint',
    });
    const noUrl = rangeMidpoint('x', { low: 1, high: 1, source: { title: 't', date: '2026' } }, 'USD', 'n');
    expect(noUrl.sources).toEqual([{ title: 't', date: '2026' }]);
  });
});
