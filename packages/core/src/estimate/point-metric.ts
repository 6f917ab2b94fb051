import type { InferencePoint } from '../catalog/calibration-schema.ts';
import type { KernelResult } from './inference-kernel.ts';

/**
 * The number a calibration point measured, read off a kernel run at the point's batch. Aggregate
 * throughput covers every replica measured together; per-device throughput divides by the devices of one
 * replica (replicas cancel).
 */
export function pointMetricValue(
  point: Pick<InferencePoint, 'metric' | 'count' | 'replicas'>,
  k: KernelResult,
): number {
  switch (point.metric) {
    case 'outputTokensPerSecond':
      return k.outputTokensPerSecond * (point.replicas ?? 1);
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
