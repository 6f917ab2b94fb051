import { describe, expect, it } from 'vitest';
import { normalQuantile, Z90 } from './normal.ts';
import { createRandom } from './xoshiro128.ts';

describe('seeded random numbers', () => {
  it('the same seed gives the same sequence; another seed another one', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const seqA = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(seqA);
    expect(seqA.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32)).toBe(true);
  });

  it('fillUint32 gives the same sequence as nextUint32, and the streams continue where the other stopped', () => {
    const a = createRandom(9);
    const b = createRandom(9);
    const batch = new Uint32Array(1000);
    a.fillUint32(batch);
    expect(Array.from(batch)).toEqual(Array.from({ length: 1000 }, () => b.nextUint32()));
    expect(a.nextUint32()).toBe(b.nextUint32());
  });

  it('uniforms are in (0, 1) with mean near 1/2', () => {
    const r = createRandom(0);
    let sum = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const u = r.nextOpen01();
      expect(u > 0 && u < 1).toBe(true);
      sum += u;
    }
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
  });

  it('normal quantiles match known values', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.9)).toBeCloseTo(Z90, 8);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 7);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
  });
});
