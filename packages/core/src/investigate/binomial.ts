import { inverseRegularizedBeta, regularizedBeta } from './special-functions.ts';

/** P(Bin(n, p) >= k) = I_p(k, n - k + 1), exact; this is the radioactivity and O3 p-value. */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  return regularizedBeta(p, k, n - k + 1);
}

/**
 * Clopper-Pearson exact interval for k successes in n trials at confidence 1 - alpha: the beta
 * quantiles B(alpha/2; k, n-k+1) and B(1-alpha/2; k+1, n-k) (Clopper & Pearson 1934).
 */
export function clopperPearson(k: number, n: number, alpha = 0.05): [number, number] {
  if (n <= 0) return [0, 1];
  const low = k === 0 ? 0 : inverseRegularizedBeta(alpha / 2, k, n - k + 1);
  const high = k === n ? 1 : inverseRegularizedBeta(1 - alpha / 2, k + 1, n - k);
  return [low, high];
}
