import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectedDistinctExperts } from './experts.ts';

describe('expected distinct experts per layer', () => {
  it('is k at batch 1 and tends to E at large batch', () => {
    expect(expectedDistinctExperts(256, 8, 1)).toBeCloseTo(8, 10);
    expect(expectedDistinctExperts(256, 8, 10_000)).toBeCloseTo(256, 6);
  });

  it('matches the hand value E · (1 − (1 − k/E)^B) for DeepSeek-V3 at batch 32', () => {
    expect(expectedDistinctExperts(256, 8, 32)).toBeCloseTo(256 * (1 - (1 - 8 / 256) ** 32), 12);
    expect(expectedDistinctExperts(256, 8, 32)).toBeCloseTo(163.3, 1);
  });

  it('never decreases with batch and never exceeds E or B·k', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 512 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 4096 }),
        (E, kRaw, B) => {
          const k = Math.min(kRaw, E);
          const here = expectedDistinctExperts(E, k, B);
          const next = expectedDistinctExperts(E, k, B + 1);
          return next >= here - 1e-9 && here <= E + 1e-9 && here <= B * k + 1e-9;
        },
      ),
    );
  });
});
