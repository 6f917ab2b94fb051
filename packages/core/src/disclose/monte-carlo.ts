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

const LOGNORMAL = 0;
const NORMAL = 1;
const UNIFORM = 2;
const TRIANGULAR = 3;

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
  // Flatten the samplers into typed arrays: the inner loop runs draws × items times.
  const sampled: number[] = [];
  const kind = new Int8Array(n);
  const p1 = new Float64Array(n);
  const p2 = new Float64Array(n);
  const p3 = new Float64Array(n);
  const constantFactor = new Float64Array(n).fill(1);
  samplers.forEach((s, i) => {
    if (!s || !(s.point > 0)) return;
    if (s.low === s.high) {
      constantFactor[i] = s.low / s.point;
      return;
    }
    sampled.push(i);
    if (s.distribution === 'lognormal') {
      kind[i] = LOGNORMAL;
      p1[i] = (Math.log(s.low) + Math.log(s.high)) / 2 - Math.log(s.point);
      p2[i] = (Math.log(s.high) - Math.log(s.low)) / (2 * Z90);
    } else if (s.distribution === 'normal') {
      kind[i] = NORMAL;
      p1[i] = (s.low + s.high) / 2;
      p2[i] = (s.high - s.low) / (2 * Z90);
      p3[i] = s.point;
    } else if (s.distribution === 'uniform') {
      kind[i] = UNIFORM;
      p1[i] = s.low / s.point;
      p2[i] = (s.high - s.low) / s.point;
    } else {
      kind[i] = TRIANGULAR;
      const mode = Math.min(s.high, Math.max(s.low, s.point));
      p1[i] = s.low;
      p2[i] = s.high;
      p3[i] = mode;
    }
  });
  const isSampled = new Uint8Array(n);
  for (const i of sampled) isSampled[i] = 1;

  // Split each basis into a fixed part and the terms that move with a draw.
  const compiled = plans.map((plan) => {
    let fixed = 0;
    const values: number[] = [];
    const first: number[] = [];
    const second: number[] = [];
    for (const t of plan.terms) {
      let value = t.value;
      const moving: number[] = [];
      for (const f of t.factors) {
        value *= constantFactor[f] ?? 1;
        if (isSampled[f]) moving.push(f);
      }
      if (moving.length === 0) fixed += value;
      else {
        values.push(value);
        first.push(moving[0] ?? 0);
        second.push(moving[1] ?? -1);
      }
    }
    return {
      fixed,
      values: Float64Array.from(values),
      first: Int32Array.from(first),
      second: Int32Array.from(second),
    };
  });

  const draws = Math.max(1, Math.floor(options.draws));
  const results = plans.map(() => new Float64Array(draws));
  const factor = new Float64Array(n).fill(1);
  const random = createRandom(options.seed);
  const sampledIdx = Int32Array.from(sampled);
  for (let d = 0; d < draws; d++) {
    for (let k = 0; k < sampledIdx.length; k++) {
      const i = sampledIdx[k] as number;
      const u = random.nextOpen01();
      const kd = kind[i];
      if (kd === LOGNORMAL) factor[i] = Math.exp((p1[i] as number) + (p2[i] as number) * normalQuantile(u));
      else if (kd === NORMAL)
        // Costs are not negative: a normal range reaching below zero is cut at zero.
        factor[i] =
          Math.max(0, (p1[i] as number) + (p2[i] as number) * normalQuantile(u)) / (p3[i] as number);
      else if (kd === UNIFORM) factor[i] = (p1[i] as number) + (p2[i] as number) * u;
      else {
        const a = p1[i] as number;
        const b = p2[i] as number;
        const c = p3[i] as number;
        const fc = (c - a) / (b - a);
        const x = u < fc ? a + Math.sqrt(u * (b - a) * (c - a)) : b - Math.sqrt((1 - u) * (b - a) * (b - c));
        factor[i] = x / (samplers[i]?.point ?? 1);
      }
    }
    for (let b = 0; b < compiled.length; b++) {
      const c = compiled[b];
      if (!c) continue;
      let sum = c.fixed;
      const { values, first, second } = c;
      for (let t = 0; t < values.length; t++) {
        const s = second[t] as number;
        sum +=
          (values[t] as number) *
          (factor[first[t] as number] as number) *
          (s < 0 ? 1 : (factor[s] as number));
      }
      (results[b] as Float64Array)[d] = sum;
    }
  }
  return results.map((r) => {
    r.sort();
    return { p10: quantile(r, 0.1), p50: quantile(r, 0.5), p90: quantile(r, 0.9) };
  });
}
