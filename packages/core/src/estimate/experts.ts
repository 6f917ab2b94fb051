/**
 * Expected number of distinct routed experts a layer reads for a batch of B tokens when each token
 * picks k of E experts uniformly: E · (1 − (1 − k/E)^B). At B = 1 it is k; at large B it tends to E.
 * Real routers are not uniform (load balancing pushes toward it), so this is an upper-middle estimate.
 */
export function expectedDistinctExperts(
  routedExperts: number,
  activeExperts: number,
  batchTokens: number,
): number {
  if (routedExperts <= 0) return 0;
  return routedExperts * (1 - (1 - activeExperts / routedExperts) ** batchTokens);
}
