import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { given } from '../figure/figure.ts';
import { createRandom } from '../random/xoshiro128.ts';
import type { BasisPlan, BasisTerm } from './bases.ts';
import { factorTable, type Percentiles, simulateBases } from './monte-carlo.ts';
import type { ItemSampler } from './resolve.ts';

/**
 * The Monte Carlo as its documentation states it, one draw at a time and term by term: per draw, one
 * random number per uncertain item in document order, each basis = Σ term value · Π its items' factors.
 * The engine's blocked loop must give the same percentiles (up to the order of the additions).
 */
function drawByDraw(
  samplers: ReadonlyArray<ItemSampler | undefined>,
  plans: readonly BasisPlan[],
  draws: number,
  seed: number,
): Percentiles[] {
  const tables = samplers.map((s) => (s && s.point > 0 && s.low !== s.high ? factorTable(s) : undefined));
  const random = createRandom(seed);
  const totals = plans.map(() => new Float64Array(draws));
  const factors = new Float64Array(samplers.length);
  for (let d = 0; d < draws; d++) {
    samplers.forEach((s, i) => {
      const table = tables[i];
      if (table) {
        const steps = table.length - 1;
        const shift = 32 - Math.log2(steps);
        const x = random.nextUint32();
        const j = x >>> shift;
        const lo = table[j] as number;
        const hi = table[j + 1] as number;
        factors[i] = lo + ((x % 2 ** shift) / 2 ** shift) * (hi - lo);
      } else factors[i] = s && s.point > 0 ? s.low / s.point : 1;
    });
    plans.forEach((plan, b) => {
      let total = 0;
      for (const t of plan.terms) total += t.factors.reduce((v, f) => v * (factors[f] as number), t.value);
      (totals[b] as Float64Array)[d] = total;
    });
  }
  return totals.map((t) => {
    t.sort();
    const q = (p: number) => {
      const h = (t.length - 1) * p;
      const lo = Math.floor(h);
      const a = t[lo] as number;
      return a + (h - lo) * ((t[Math.min(lo + 1, t.length - 1)] as number) - a);
    };
    return { p10: q(0.1), p50: q(0.5), p90: q(0.9) };
  });
}

const samplerArb: fc.Arbitrary<ItemSampler | undefined> = fc.option(
  fc
    .record({
      distribution: fc.constantFrom('lognormal', 'normal', 'uniform', 'triangular'),
      point: fc.constantFrom(0, 1, 250, 1e6),
      lowFactor: fc.double({ min: 0.2, max: 1, noNaN: true }),
      highFactor: fc.double({ min: 1, max: 4, noNaN: true }),
      constant: fc.boolean(),
    })
    .map(({ distribution, point, lowFactor, highFactor, constant }) => ({
      distribution,
      point,
      low: point * lowFactor,
      high: constant ? point * lowFactor : point * highFactor,
    })),
  { nil: undefined, freq: 5 },
);

describe('Monte Carlo in blocks of draws', () => {
  it('gives the percentiles of the plain draw-by-draw simulation, across block boundaries', () => {
    fc.assert(
      fc.property(
        fc.array(samplerArb, { minLength: 1, maxLength: 40 }),
        fc.array(
          fc.array(
            fc.record({
              item: fc.nat(),
              second: fc.option(fc.nat(), { nil: undefined }),
              value: fc.double({ min: 0, max: 1e7, noNaN: true }),
            }),
            { maxLength: 30 },
          ),
          { minLength: 1, maxLength: 5 },
        ),
        fc.constantFrom(1, 2, 63, 64, 65, 130, 300),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (samplers, bases, draws, seed) => {
          const plans: BasisPlan[] = bases.map((terms, b) => ({
            id: 'full-development',
            label: `basis ${b}`,
            description: 'test',
            hasCash: false,
            terms: terms.map(({ item, second, value }): BasisTerm => {
              const i = item % samplers.length;
              const factors = second === undefined ? [i] : [i, second % samplers.length];
              return {
                item: i,
                stage: 'staff',
                class: 'technical',
                value,
                cash: value,
                factors,
                figure: given(`t${i}`, value, 'USD', []),
              };
            }),
          }));
          const got = simulateBases(samplers, plans, { draws, seed });
          const want = drawByDraw(samplers, plans, draws, seed);
          expect(got).toHaveLength(want.length);
          got.forEach((g, b) => {
            for (const key of ['p10', 'p50', 'p90'] as const) {
              const w = (want[b] as Percentiles)[key];
              expect(Math.abs(g[key] - w), `basis ${b} ${key}`).toBeLessThanOrEqual(
                1e-9 * Math.abs(w) + 1e-9,
              );
            }
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
