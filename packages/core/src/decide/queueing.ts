/**
 * Time to first token under load. A request arriving at peak waits while the replica prefills the
 * requests ahead of it. We treat each replica as ONE server that completes requests at its measured
 * rate μ (requests/s, from the continuous-batching cycle) with deterministic service 1/μ, fed by
 * Poisson arrivals: the M/D/1 queue, whose mean wait (Pollaczek-Khinchine) is
 *
 *   W = ρ / (2 μ (1 − ρ)),   ρ = λ / μ.
 *
 * A real engine with B slots is closer to M/D/B and waits less at the same ρ, so this errs on the
 * slow side (it never makes a plan look faster than it is). W is a mean, not a p95: the TTFT we report
 * is the p95 prompt's prefill + one loaded decode step + the mean wait (docs/decide.md).
 */

/** Utilization never planned above this, whatever the latency slack (bursts beyond the stated peak). */
export const MAX_PLANNED_UTILIZATION = 0.9;

/** Mean queueing wait of an M/D/1 queue, in seconds; Infinity at or above saturation. */
export function meanQueueWaitSeconds(arrivalsPerSecond: number, servicePerSecond: number): number {
  if (arrivalsPerSecond <= 0) return 0;
  const rho = arrivalsPerSecond / servicePerSecond;
  if (rho >= 1) return Number.POSITIVE_INFINITY;
  return rho / (2 * servicePerSecond * (1 - rho));
}

/**
 * The highest utilization whose mean wait fits in `slackSeconds`: solving ρ / (2μ(1−ρ)) ≤ s gives
 * ρ ≤ 2μs / (1 + 2μs); capped at MAX_PLANNED_UTILIZATION. 0 when there is no slack.
 */
export function maxUtilizationForWait(servicePerSecond: number, slackSeconds: number): number {
  if (!(slackSeconds > 0)) return 0;
  const x = 2 * servicePerSecond * slackSeconds;
  return Math.min(MAX_PLANNED_UTILIZATION, x / (1 + x));
}

/** Replicas needed so each runs at or below `maxUtilization` at the peak arrival rate. */
export function replicasFor(
  peakArrivalsPerSecond: number,
  servicePerSecond: number,
  maxUtilization: number,
): number {
  if (!(maxUtilization > 0) || !(servicePerSecond > 0)) return Number.POSITIVE_INFINITY;
  // The small epsilon keeps a load of exactly k replicas from rounding up to k + 1.
  return Math.max(1, Math.ceil(peakArrivalsPerSecond / (servicePerSecond * maxUtilization) - 1e-9));
}
