/**
 * Kolmogorov-Smirnov test of p-values against the uniform distribution, the calibration check of
 * issue 12: two-sided D = sup |F_n(t) − t| with the asymptotic Kolmogorov p (Stephens' correction
 * √n + 0.12 + 0.11/√n, accurate to about 1e-2 for n ≥ 5), and the one-sided D+ = sup (F_n(t) − t),
 * the direction in which p-values are anti-conservative (more small p than uniform), with p ≈ exp(−2 n D+²)
 * (Smirnov's limit). Conservative (super-uniform) p-values, such as conformal p with tied scores, fail
 * the two-sided test without being miscalibrated; the one-sided test is the one that bounds false flags.
 *
 * Conformal p-values of many units against one reference of size h are uniform only on average over
 * references: given the reference, their CDF is off by O(1/√h). Their KS against the uniform is then a
 * two-sample KS between the units' scores and the reference's, whose limit uses n_eff = n h / (n + h)
 * (`referenceSize` = h); without it, 1,600 accounts against 500 held-out ones "fail" on that noise alone.
 */
export interface KsUniformResult {
  n: number;
  d: number;
  p: number;
  dPlus: number;
  pPlus: number;
}

/** P(K > x) for the Kolmogorov distribution: 2 Σ (−1)^(k−1) exp(−2 k² x²). */
function kolmogorovTail(x: number): number {
  if (x <= 0) return 1;
  if (x < 0.3) return 1; // the series converges slowly here and the tail is 1 to 1e-9
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * x * x);
    sum += (k % 2 === 1 ? 1 : -1) * term;
    if (term < 1e-16) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

export function ksUniform(pValues: readonly number[], referenceSize?: number): KsUniformResult {
  const x = Float64Array.from(pValues).sort();
  const n = x.length;
  if (n === 0) return { n, d: 0, p: 1, dPlus: 0, pPlus: 1 };
  let dPlus = 0;
  let dMinus = 0;
  for (let i = 0; i < n; i++) {
    const t = Math.min(1, Math.max(0, x[i] as number));
    dPlus = Math.max(dPlus, (i + 1) / n - t);
    dMinus = Math.max(dMinus, t - i / n);
  }
  const d = Math.max(dPlus, dMinus);
  const effective = referenceSize ? (n * referenceSize) / (n + referenceSize) : n;
  const root = Math.sqrt(effective);
  return {
    n,
    d,
    p: kolmogorovTail((root + 0.12 + 0.11 / root) * d),
    dPlus,
    pPlus: Math.min(1, Math.exp(-2 * effective * dPlus * dPlus)),
  };
}
