import type { InferencePoint } from '../catalog/calibration-schema.ts';
import type { KernelResult } from './inference-kernel.ts';
import type { BurstNumbers, ServingPointNumbers } from './serving-curve.ts';

/**
 * Prompt and generated tokens per second of a run whose generated tokens/s is `outputTps`: every request
 * brings I prompt tokens per O generated ones, over the same duration.
 */
export function totalTokensPerSecond(outputTps: number, inputTokens: number, outputTokens: number): number {
  return outputTokens > 0 ? (outputTps * (inputTokens + outputTokens)) / outputTokens : 0;
}

/**
 * The number a calibration point measured, read off a kernel run at the point's batch. Aggregate
 * throughput covers every replica measured together; per-device throughput divides by the devices of one
 * replica (replicas cancel).
 */
export function pointMetricValue(
  point: Pick<InferencePoint, 'metric' | 'count' | 'replicas' | 'inputTokens' | 'outputTokens'>,
  k: KernelResult,
): number {
  switch (point.metric) {
    case 'outputTokensPerSecond':
      return k.outputTokensPerSecond * (point.replicas ?? 1);
    case 'totalTokensPerSecond':
      return totalTokensPerSecond(
        k.outputTokensPerSecond * (point.replicas ?? 1),
        point.inputTokens,
        point.outputTokens,
      );
    case 'outputTokensPerSecondPerDevice':
      return k.outputTokensPerSecond / point.count;
    case 'decodeTokensPerSecond':
    case 'perUserTokensPerSecond':
      return k.perUserTokensPerSecond;
    case 'prefillTokensPerSecond':
      return k.prefillTokensPerSecond;
    case 'tpotSeconds':
      return k.tpotSeconds;
    case 'ttftSeconds':
      return k.ttftSeconds;
  }
}

/** Whether a larger value means a faster system (throughput) or a slower one (latency). */
export function higherIsFaster(metric: InferencePoint['metric']): boolean {
  return metric !== 'tpotSeconds' && metric !== 'ttftSeconds';
}

/**
 * The number a calibration point measured, read off a serving-curve point (continuous batching at the
 * point's concurrency, or at saturation): what the benchmark client saw, prefill interference and
 * TTFT queueing included.
 */
export function servingPointMetricValue(
  point: Pick<InferencePoint, 'metric' | 'count' | 'replicas'>,
  p: Pick<
    ServingPointNumbers,
    'outputTokensPerSecond' | 'perUserTokensPerSecond' | 'tpotSeconds' | 'ttftSeconds' | 'prefillSeconds'
  > & { inputTokens: number; outputTokens: number },
): number {
  switch (point.metric) {
    case 'outputTokensPerSecond':
      return p.outputTokensPerSecond * (point.replicas ?? 1);
    case 'totalTokensPerSecond':
      return totalTokensPerSecond(
        p.outputTokensPerSecond * (point.replicas ?? 1),
        p.inputTokens,
        p.outputTokens,
      );
    case 'outputTokensPerSecondPerDevice':
      return p.outputTokensPerSecond / point.count;
    case 'decodeTokensPerSecond':
    case 'perUserTokensPerSecond':
      return p.perUserTokensPerSecond;
    case 'prefillTokensPerSecond':
      return p.prefillSeconds > 0 ? p.inputTokens / p.prefillSeconds : 0;
    case 'tpotSeconds':
      return p.tpotSeconds;
    case 'ttftSeconds':
      return p.ttftSeconds;
  }
}

/**
 * The number a burst point measured (every request at once, timed to the last completion): throughput is the
 * burst's output over its makespan; the per-request figures a burst's client also prints (TPOT, TTFT) are read
 * off the steady state it runs in.
 */
export function burstPointMetricValue(
  point: Pick<InferencePoint, 'metric' | 'count' | 'replicas'>,
  b: Pick<BurstNumbers, 'outputTokensPerSecond' | 'steady'> & { inputTokens: number; outputTokens: number },
): number {
  switch (point.metric) {
    case 'outputTokensPerSecond':
      return b.outputTokensPerSecond * (point.replicas ?? 1);
    case 'totalTokensPerSecond':
      return totalTokensPerSecond(
        b.outputTokensPerSecond * (point.replicas ?? 1),
        b.inputTokens,
        b.outputTokens,
      );
    case 'outputTokensPerSecondPerDevice':
      return b.outputTokensPerSecond / point.count;
    default:
      return servingPointMetricValue(point, {
        ...b.steady,
        inputTokens: b.inputTokens,
        outputTokens: b.outputTokens,
      });
  }
}
