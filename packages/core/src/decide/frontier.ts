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

/** A member of a frontier built one item at a time. */
export interface FrontierEntry {
  cost: number;
  latency: number;
}

/**
 * Whether an item, offered after every member, joins the frontier under `paretoFrontier`'s rule: sorted
 * by cost, then latency, then order, an item joins when it is faster than every one before it; so it
 * stays out when a member costs no more and is no slower. Members that left were beaten by a member
 * that stays, so testing the members is enough. `front` is sorted by rising cost and falling latency.
 */
export function joinsFrontier(front: readonly FrontierEntry[], cost: number, latency: number): boolean {
  // The last member costing no more than the item is the fastest of those; most items cost more than
  // the fastest member of all (the last) and are slower.
  const last = front[front.length - 1];
  if (last !== undefined && last.cost <= cost) return last.latency > latency;
  let at = 0;
  while (at < front.length && (front[at] as FrontierEntry).cost <= cost) at++;
  return at === 0 || (front[at - 1] as FrontierEntry).latency > latency;
}

/** Adds an item that `joinsFrontier` admitted, dropping the members it now beats. */
export function addToFrontier<T extends FrontierEntry>(front: T[], item: T): void {
  let at = 0;
  while (at < front.length && (front[at] as T).cost <= item.cost) at++;
  // Members that cost more and are no faster leave: a run from `at`, as latency falls with cost.
  let end = at;
  while (end < front.length && (front[end] as T).latency >= item.latency) end++;
  // A member at the same cost (slower, since the item joined) sits just before `at`.
  let begin = at;
  if (begin > 0 && (front[begin - 1] as T).cost === item.cost) begin--;
  front.splice(begin, end - begin, item);
}
