import { normalQuantile, Z90 } from '../random/normal.ts';
import { createRandom } from '../random/xoshiro128.ts';
import type { BasisPlan } from './bases.ts';
import type { ItemSampler } from './resolve.ts';

export interface Percentiles {
  p10: number;
  p50: number;
  p90: number;
}

export interface MonteCarloOptions {
  draws: number;
  seed: number;
}

/**
 * Each uncertain item's quantile function is tabulated at 1/64 steps and interpolated linearly, so a
 * draw is one 32-bit random number, a table lookup and a multiply-add: 10^8 item draws (10,000 items ×
 * 10,000 draws) fit the 2-second target where exp/log per draw would not. The tails beyond the
 * 0.4th and 99.6th percentiles are clipped, and the interpolation moves an item's own P10/P90 by
 * under 1%; P10/P50/P90 of sums of items do not feel either.
 */
const STEP_BITS = 6;
const STEPS = 1 << STEP_BITS;
const SHIFT = 32 - STEP_BITS;
const FRACTION_MASK = (1 << SHIFT) - 1;
const FRACTION_SCALE = 1 / 2 ** SHIFT;
const TAIL = 0.25 / STEPS;

/** The item's total over its stated total at cumulative probability p: the factor a draw applies. */
function factorQuantile(s: ItemSampler, p: number): number {
  switch (s.distribution) {
    case 'lognormal': {
      const mu = (Math.log(s.low) + Math.log(s.high)) / 2;
      const sigma = (Math.log(s.high) - Math.log(s.low)) / (2 * Z90);
      return Math.exp(mu + sigma * normalQuantile(p)) / s.point;
    }
    case 'normal': {
      const mean = (s.low + s.high) / 2;
      const sd = (s.high - s.low) / (2 * Z90);
      // Costs are not negative: a normal range reaching below zero is cut at zero.
      return Math.max(0, mean + sd * normalQuantile(p)) / s.point;
    }
    case 'uniform':
      return (s.low + (s.high - s.low) * p) / s.point;
    default: {
      const a = s.low;
      const b = s.high;
      const c = Math.min(b, Math.max(a, s.point));
      const x =
        p < (c - a) / (b - a)
          ? a + Math.sqrt(p * (b - a) * (c - a))
          : b - Math.sqrt((1 - p) * (b - a) * (b - c));
      return x / s.point;
    }
  }
}

/** Type-7 quantile (linear between order statistics) of sorted values. */
function quantile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo] ?? 0;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] ?? a;
  return a + (h - lo) * (b - a);
}

/**
 * P10/P50/P90 of every basis by Monte Carlo. Each draw takes one factor per uncertain item (its sampled
 * total over its stated total) and applies it to every term of every basis that item scales, so the
 * bases stay coherent within a draw. Items are drawn in document order from one xoshiro128** stream:
 * the same disclosure and seed give the same numbers, bit for bit. Items are independent.
 */
export function simulateBases(
  samplers: ReadonlyArray<ItemSampler | undefined>,
  plans: readonly BasisPlan[],
  options: MonteCarloOptions,
): Percentiles[] {
  const n = samplers.length;
  const sampled: number[] = [];
  const constantFactor = new Float64Array(n).fill(1);
  const slot = new Int32Array(n).fill(-1);
  samplers.forEach((s, i) => {
    if (!s || !(s.point > 0)) return;
    if (s.low === s.high) constantFactor[i] = s.low / s.point;
    else {
      slot[i] = sampled.length;
      sampled.push(i);
    }
  });
  const width = STEPS + 1;
  // Float32 tables keep 10,000 items' tables in cache (2.6 MB); the draws need no more precision.
  const tables = new Float32Array(sampled.length * width);
  sampled.forEach((i, k) => {
    const s = samplers[i] as ItemSampler;
    for (let j = 0; j <= STEPS; j++) {
      const p = Math.min(1 - TAIL, Math.max(TAIL, j / STEPS));
      tables[k * width + j] = factorQuantile(s, p);
    }
  });

  // Each basis = fixed part + Σ coefficient · factor(item) [· factor(second item)]. Accumulators are
  // (basis, second item) pairs; the coefficients are stored item by item (CSR) so that a draw walks the
  // items once, computing each factor and adding it where it counts.
  const accumulators: Array<{ basis: number; second: number }> = [];
  const accumulatorOf = new Map<string, number>();
  const fixed = new Float64Array(plans.length);
  const byItem: Array<Array<[number, number]>> = sampled.map(() => []);
  plans.forEach((plan, b) => {
    for (const t of plan.terms) {
      let value = t.value;
      const moving: number[] = [];
      for (const f of t.factors) {
        value *= constantFactor[f] ?? 1;
        const sl = slot[f] ?? -1;
        if (sl >= 0) moving.push(sl);
      }
      if (moving.length === 0) {
        fixed[b] = (fixed[b] ?? 0) + value;
        continue;
      }
      const second = moving[1] ?? -1;
      const key = `${b}:${second}`;
      let acc = accumulatorOf.get(key);
      if (acc === undefined) {
        acc = accumulators.length;
        accumulators.push({ basis: b, second });
        accumulatorOf.set(key, acc);
      }
      byItem[moving[0] ?? 0]?.push([acc, value]);
    }
  });
  const rowStart = new Int32Array(sampled.length + 1);
  byItem.forEach((row, k) => {
    rowStart[k + 1] = (rowStart[k] ?? 0) + row.length;
  });
  const entryAcc = new Int32Array(rowStart[sampled.length] ?? 0);
  const entryCoef = new Float64Array(entryAcc.length);
  byItem.forEach((row, k) => {
    row.forEach(([acc, coef], e) => {
      entryAcc[(rowStart[k] ?? 0) + e] = acc;
      entryCoef[(rowStart[k] ?? 0) + e] = coef;
    });
  });

  const draws = Math.max(1, Math.floor(options.draws));
  const results = plans.map(() => new Float64Array(draws));
  const m = sampled.length;
  const factor = new Float64Array(m);
  const bits = new Uint32Array(m);
  const acc = new Float64Array(accumulators.length);
  const random = createRandom(options.seed);
  for (let d = 0; d < draws; d++) {
    random.fillUint32(bits);
    acc.fill(0);
    for (let k = 0; k < m; k++) {
      const x = bits[k] as number;
      const at = k * width + (x >>> SHIFT);
      const lo = tables[at] as number;
      const f = lo + (x & FRACTION_MASK) * FRACTION_SCALE * ((tables[at + 1] as number) - lo);
      factor[k] = f;
      const end = rowStart[k + 1] as number;
      for (let e = rowStart[k] as number; e < end; e++) {
        const a = entryAcc[e] as number;
        acc[a] = (acc[a] as number) + (entryCoef[e] as number) * f;
      }
    }
    for (let b = 0; b < plans.length; b++) (results[b] as Float64Array)[d] = fixed[b] as number;
    for (let a = 0; a < accumulators.length; a++) {
      const { basis, second } = accumulators[a] as { basis: number; second: number };
      const scale = second < 0 ? 1 : (factor[second] as number);
      (results[basis] as Float64Array)[d] =
        ((results[basis] as Float64Array)[d] as number) + (acc[a] as number) * scale;
    }
  }
  return results.map((r) => {
    r.sort();
    return { p10: quantile(r, 0.1), p50: quantile(r, 0.5), p90: quantile(r, 0.9) };
  });
}
