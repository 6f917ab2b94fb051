/**
 * Conformal p-values (Bates, Candès, Lei, Romano, Sesia, arXiv 2104.08279): for a score s where larger
 * means "less like the reference", p = (1 + #{reference >= s}) / (1 + n). Under exchangeability with the
 * reference this is super-uniform, P(p <= t) <= t, with no distributional assumption; its smallest
 * possible value is 1 / (n + 1), which bounds what any multiple-testing procedure can reject.
 */
export class ConformalReference {
  private readonly sorted: Float64Array;

  constructor(scores: ArrayLike<number>) {
    this.sorted = Float64Array.from(scores).sort();
  }

  get size(): number {
    return this.sorted.length;
  }

  /** Number of reference scores >= s (binary search on the sorted scores). */
  countAtLeast(s: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.sorted[mid] as number) < s) lo = mid + 1;
      else hi = mid;
    }
    return this.sorted.length - lo;
  }

  pValue(s: number): number {
    return (1 + this.countAtLeast(s)) / (1 + this.sorted.length);
  }

  /** Empirical quantile (type 1, the inverse of the empirical CDF). */
  quantile(f: number): number {
    if (this.sorted.length === 0) return Number.NaN;
    const index = Math.min(this.sorted.length - 1, Math.max(0, Math.ceil(f * this.sorted.length) - 1));
    return this.sorted[index] as number;
  }
}

/** Fisher-style combination S = sum -ln p_j; calibrated by a second conformal step, never by chi-square. */
export function combinedScore(pValues: readonly number[]): number {
  let s = 0;
  for (const p of pValues) s -= Math.log(p);
  return s;
}
