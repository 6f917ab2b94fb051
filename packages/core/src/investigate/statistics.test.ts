import { describe, expect, it } from 'vitest';
import { createRng } from '../random/distributions.ts';
import { binomialUpperTail, clopperPearson } from './binomial.ts';
import { ConformalReference, combinedScore } from './conformal.ts';
import { fisherExactGreater } from './fisher-exact.ts';
import { ksUniform } from './ks-test.ts';
import { benjaminiHochberg, holm } from './multiple-testing.ts';
import { logGamma, normalUpperQuantile, normalUpperTail, regularizedBeta } from './special-functions.ts';

describe('special functions', () => {
  it('log-gamma matches factorials and Gamma(1/2) = sqrt(pi)', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 10);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });
  it('regularised incomplete beta: I_x(1,1) = x, I_x(2,1) = x^2, symmetry', () => {
    expect(regularizedBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
    expect(regularizedBeta(0.3, 2, 1)).toBeCloseTo(0.09, 14);
    expect(regularizedBeta(0.4, 3, 5) + regularizedBeta(0.6, 5, 3)).toBeCloseTo(1, 13);
  });
  it('normal tail at textbook points', () => {
    expect(normalUpperTail(1.959963984540054)).toBeCloseTo(0.025, 12);
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 14);
    // z = 4 is the Kirchenbauer default threshold: one-sided 3.167e-5.
    expect(normalUpperTail(4)).toBeCloseTo(3.167124183311992e-5, 15);
    expect(normalUpperTail(10) / 7.619853024160527e-24).toBeCloseTo(1, 8);
    expect(normalUpperQuantile(0.05)).toBeCloseTo(1.6448536269514722, 9);
  });
});

describe('binomial tail and Clopper-Pearson', () => {
  it('P(Bin(10, 0.5) >= 8) = 56/1024', () => {
    expect(binomialUpperTail(8, 10, 0.5)).toBeCloseTo(56 / 1024, 14);
    expect(binomialUpperTail(0, 10, 0.5)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.5)).toBe(0);
  });
  it('P(Bin(20, 0.25) >= 10) by summing the pmf', () => {
    let direct = 0;
    const choose = (n: number, k: number) => {
      let c = 1;
      for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
      return c;
    };
    for (let k = 10; k <= 20; k++) direct += choose(20, k) * 0.25 ** k * 0.75 ** (20 - k);
    expect(binomialUpperTail(10, 20, 0.25)).toBeCloseTo(direct, 14);
  });
  it('Clopper-Pearson: 0/10 gives [0, 1-0.025^(1/10)]; 5/10 gives [0.1871, 0.8129]', () => {
    const [lo0, hi0] = clopperPearson(0, 10);
    expect(lo0).toBe(0);
    expect(hi0).toBeCloseTo(1 - 0.025 ** 0.1, 10);
    const [lo, hi] = clopperPearson(5, 10);
    expect(lo).toBeCloseTo(0.187086, 5);
    expect(hi).toBeCloseTo(0.812914, 5);
  });
});

describe('Fisher exact test (one-sided, greater)', () => {
  it("Fisher's tea-tasting table [[3,1],[1,3]] gives p = 17/70", () => {
    expect(fisherExactGreater(3, 1, 1, 3).p).toBeCloseTo(17 / 70, 14);
    expect(fisherExactGreater(3, 1, 1, 3).oddsRatio).toBe(9);
  });
  it('[[4,0],[0,4]] gives p = 1/70, and the reversed table gives p = 1', () => {
    expect(fisherExactGreater(4, 0, 0, 4).p).toBeCloseTo(1 / 70, 14);
    expect(fisherExactGreater(0, 4, 4, 0).p).toBeCloseTo(1, 10);
  });
  it('5 hits in 400 against 0 in 2000 (the reference simulation of O1 at 1% memorisation)', () => {
    // P(X >= 5) = C(400,5) / C(2400,5) exactly, since all 5 hits would have to fall in the 400.
    let expected = 1;
    for (let i = 0; i < 5; i++) expected *= (400 - i) / (2400 - i);
    expect(fisherExactGreater(5, 395, 0, 2000).p).toBeCloseTo(expected, 15);
    expect(expected).toBeGreaterThan(1.2e-4);
    expect(expected).toBeLessThan(1.4e-4);
  });
});

describe('multiple testing', () => {
  it('Benjamini-Hochberg on the textbook 15 p-values (Benjamini & Hochberg 1995) rejects 4 at q = 0.05', () => {
    const p = [
      0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528,
      0.759, 1,
    ];
    const { rejected, adjusted } = benjaminiHochberg(p, 0.05);
    expect(rejected.filter(Boolean).length).toBe(4);
    expect(adjusted[0]).toBeCloseTo(0.0015, 10);
    expect(adjusted[3]).toBeCloseTo((0.0095 * 15) / 4, 10);
  });
  it('BH adjusted values are monotone in p and never below p', () => {
    const rng = createRng(3);
    const p = Array.from({ length: 200 }, () => rng.next());
    const { adjusted } = benjaminiHochberg(p, 0.1);
    const order = p.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < order.length; i++) {
      expect(adjusted[order[i]?.[1] as number]).toBeGreaterThanOrEqual(
        adjusted[order[i - 1]?.[1] as number] as number,
      );
    }
    for (const [i, x] of p.entries()) expect(adjusted[i]).toBeGreaterThanOrEqual(x);
  });
  it('Holm: [0.01, 0.04, 0.03, 0.005] -> [0.03, 0.06, 0.06, 0.02]', () => {
    const adjusted = holm([0.01, 0.04, 0.03, 0.005]);
    expect(adjusted[0]).toBeCloseTo(0.03, 14);
    expect(adjusted[1]).toBeCloseTo(0.06, 14);
    expect(adjusted[2]).toBeCloseTo(0.06, 14);
    expect(adjusted[3]).toBeCloseTo(0.02, 14);
  });
});

describe('conformal p-values', () => {
  it('counts ties as at least as extreme: p = (1 + #{ref >= s}) / (1 + n)', () => {
    const ref = new ConformalReference([1, 2, 2, 3, 5]);
    expect(ref.pValue(2)).toBeCloseTo(5 / 6, 14);
    expect(ref.pValue(6)).toBeCloseTo(1 / 6, 14);
    expect(ref.pValue(0)).toBe(1);
    expect(ref.quantile(0.5)).toBe(2);
  });
  it('is uniform on {1/20, ..., 1} when a test point and 19 reference points are exchangeable', () => {
    const rng = createRng(11);
    const p = Array.from({ length: 20000 }, () => {
      const ref = new ConformalReference(Array.from({ length: 19 }, () => rng.normal()));
      return ref.pValue(rng.normal());
    });
    for (const t of [0.05, 0.2, 0.5]) {
      const share = p.filter((x) => x <= t + 1e-12).length / p.length;
      // Binomial sd at n = 20000 is at most 0.0035; 0.01 is ~3 sd.
      expect(Math.abs(share - t)).toBeLessThan(0.01);
    }
    expect(combinedScore([Math.exp(-1), Math.exp(-2)])).toBeCloseTo(3, 14);
  });
});

describe('Kolmogorov-Smirnov against the uniform', () => {
  it('accepts uniform draws, rejects p-values piled near 0, and separates conservative from anti-conservative', () => {
    const rng = createRng(3);
    const uniform = Array.from({ length: 2000 }, () => rng.next());
    const u = ksUniform(uniform);
    expect(u.p).toBeGreaterThan(0.01);
    expect(u.pPlus).toBeGreaterThan(0.01);
    const small = uniform.map((p) => p ** 1.5);
    expect(ksUniform(small).p).toBeLessThan(1e-6);
    expect(ksUniform(small).pPlus).toBeLessThan(1e-6);
    // Super-uniform (conservative) p-values: the two-sided test rejects, the one-sided one does not.
    const large = uniform.map((p) => p ** 0.7);
    expect(ksUniform(large).p).toBeLessThan(1e-6);
    expect(ksUniform(large).pPlus).toBeGreaterThan(0.5);
  });
});

describe('Kolmogorov-Smirnov of conformal p-values against one reference', () => {
  it('accepts exchangeable units at the effective size n h / (n + h), where the plain test rejects too often', () => {
    let plainRejects = 0;
    let effectiveRejects = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const rng = createRng(seed);
      const reference = new ConformalReference(Array.from({ length: 300 }, () => rng.normal()));
      const p = Array.from({ length: 3000 }, () => reference.pValue(rng.normal()));
      if (ksUniform(p).pPlus < 0.05) plainRejects++;
      if (ksUniform(p, 300).pPlus < 0.05) effectiveRejects++;
    }
    expect(effectiveRejects).toBeLessThanOrEqual(6);
    expect(plainRejects).toBeGreaterThan(effectiveRejects);
  });
});
