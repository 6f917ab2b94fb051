/**
 * The Pareto frontier of cost against latency: the plans no other plan beats on both monthly cost and
 * time per output token (the speed each user feels; every plan here already meets the TTFT target).
 * Sorted by cost, a plan joins when it is faster than every cheaper plan on the frontier.
 */
export function paretoFrontier<T>(
  items: readonly T[],
  cost: (t: T) => number,
  latency: (t: T) => number,
): T[] {
  const sorted = [...items].sort((a, b) => cost(a) - cost(b) || latency(a) - latency(b));
  const frontier: T[] = [];
  let fastest = Number.POSITIVE_INFINITY;
  for (const item of sorted) {
    if (latency(item) < fastest) {
      frontier.push(item);
      fastest = latency(item);
    }
  }
  return frontier;
}
