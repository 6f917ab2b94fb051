import { logChoose } from './special-functions.ts';

/**
 * One-sided Fisher exact test for a 2x2 table
 *   [a b]   a = hits in the tested group,   b = misses in the tested group
 *   [c d]   c = hits in the comparison,     d = misses in the comparison
 * p = P(X >= a) under the hypergeometric law with the margins fixed: "the tested group has more hits
 * than chance allocation would give". Also returns the sample odds ratio (Haldane +0.5 when a cell is 0).
 */
export function fisherExactGreater(
  a: number,
  b: number,
  c: number,
  d: number,
): { p: number; oddsRatio: number } {
  const row1 = a + b;
  const col1 = a + c;
  const n = a + b + c + d;
  const maxA = Math.min(row1, col1);
  const minA = Math.max(0, row1 + col1 - n);
  const logDenominator = logChoose(n, row1);
  const logProb = (x: number) => logChoose(col1, x) + logChoose(n - col1, row1 - x) - logDenominator;
  let p = 0;
  for (let x = Math.max(a, minA); x <= maxA; x++) p += Math.exp(logProb(x));
  const zero = a === 0 || b === 0 || c === 0 || d === 0;
  const oddsRatio = zero ? ((a + 0.5) * (d + 0.5)) / ((b + 0.5) * (c + 0.5)) : (a * d) / (b * c);
  return { p: Math.min(1, p), oddsRatio };
}
