import { createRandom } from './xoshiro128.ts';

/**
 * Seeded draws from common distributions for the synthetic generators and the reference split, on the
 * one generator of core (xoshiro128**): the same seed gives the same numbers on every machine, so a
 * synthetic data set or a calibration split can be reproduced exactly.
 */
export interface Rng {
  /** Uniform in (0, 1). */
  next(): number;
  int(maxExclusive: number): number;
  normal(): number;
  /** Gamma(shape, 1) (Marsaglia-Tsang), used for Dirichlet and Beta draws. */
  gamma(shape: number): number;
  beta(a: number, b: number): number;
  dirichlet(alpha: number, k: number): Float64Array;
  pick<T>(items: readonly T[]): T;
  /** Index drawn with probability proportional to `weights` (cumulative array). */
  weighted(cumulative: Float64Array): number;
  shuffle<T>(items: T[]): T[];
}

export function createRng(seed: number): Rng {
  const next = createRandom(Math.trunc(seed)).nextOpen01;
  const normal = (): number => {
    const u = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
  const gamma = (shape: number): number => {
    if (shape < 1) return gamma(shape + 1) * next() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = normal();
      const v = (1 + c * x) ** 3;
      if (v <= 0) continue;
      const u = next();
      if (Math.log(Math.max(u, 1e-300)) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  const rng: Rng = {
    next,
    int: (n) => Math.floor(next() * n),
    normal,
    gamma,
    beta: (a, b) => {
      const x = gamma(a);
      return x / (x + gamma(b));
    },
    dirichlet: (alpha, k) => {
      const out = new Float64Array(k);
      let sum = 0;
      for (let i = 0; i < k; i++) {
        out[i] = gamma(alpha) + 1e-300;
        sum += out[i] as number;
      }
      for (let i = 0; i < k; i++) out[i] = (out[i] as number) / sum;
      return out;
    },
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
    weighted: (cumulative) => {
      const total = cumulative[cumulative.length - 1] as number;
      const target = next() * total;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((cumulative[mid] as number) > target) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    },
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = items[i] as (typeof items)[number];
        items[i] = items[j] as (typeof items)[number];
        items[j] = tmp;
      }
      return items;
    },
  };
  return rng;
}

/** Cumulative weights, for `Rng.weighted`. */
export function cumulativeOf(weights: ArrayLike<number>): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    sum += weights[i] as number;
    out[i] = sum;
  }
  return out;
}

/** Zipf weights 1/r^s for ranks 1..n. */
export function zipfWeights(n: number, s: number): Float64Array {
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) out[r] = 1 / (r + 1) ** s;
  return out;
}
