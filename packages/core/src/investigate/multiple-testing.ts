/**
 * Benjamini-Hochberg (1995): adjusted q-values q_(i) = min_{j>=i} p_(j) m / j, and the rejections at
 * level q (flag every p_(k) <= k q / m with k the largest such rank). Controls the expected false
 * discovery proportion at q for independent or positively dependent tests.
 */
export function benjaminiHochberg(
  pValues: readonly number[],
  q: number,
): { adjusted: number[]; rejected: boolean[] } {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const adjusted = new Array<number>(m).fill(1);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const [p, index] = order[rank - 1] as readonly [number, number];
    running = Math.min(running, (p * m) / rank);
    adjusted[index] = Math.min(1, running);
  }
  return { adjusted, rejected: adjusted.map((a) => a <= q) };
}

/**
 * Holm (1979) step-down: adjusted p_(i) = max_{j<=i} (m - j + 1) p_(j); controls the family-wise error
 * rate under any dependence, which is why it is used across the pre-registered overlap tests.
 */
export function holm(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const adjusted = new Array<number>(m).fill(1);
  let running = 0;
  order.forEach(([p, index], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[index] = running;
  });
  return adjusted;
}
