import { describe, expect, it } from 'vitest';
import { shippedCatalog } from '../../test/load-catalog.ts';
import type { InferencePoint } from '../catalog/calibration-schema.ts';
import { predictionMode, predictPoint } from './calibration.ts';
import { priorTable } from './efficiency.ts';
import { resolveInference, runResolved, servingCurveFor } from './inference.ts';
import { pointMetricValue } from './point-metric.ts';

const catalog = shippedCatalog();
const source = { title: 'test sweep', url: 'https://example.org/sweep', date: '2026-12-04' };

function sweepPoint(metric: InferencePoint['metric'], concurrency: number): InferencePoint {
  return {
    id: `sweep-c${concurrency}-${metric}`,
    model: 'llama-3.1-8b',
    hardware: 'h200',
    count: 1,
    engine: 'vllm',
    weights: 'fp8',
    kv: 'fp8',
    batch: concurrency,
    concurrency,
    inputTokens: 2000,
    outputTokens: 500,
    metric,
    measured: 1,
    source,
  };
}

const resolve = (p: InferencePoint) =>
  resolveInference(catalog, priorTable, {
    model: p.model,
    hardware: p.hardware,
    count: p.count,
    weights: p.weights,
    kv: p.kv,
    engine: p.engine,
    inputTokens: p.inputTokens,
    outputTokens: p.outputTokens,
  });

describe('calibration predicts each point as it was measured', () => {
  it('predicts a point measured at a client concurrency on the serving curve, not as one static batch', () => {
    for (const metric of ['ttftSeconds', 'tpotSeconds', 'outputTokensPerSecondPerDevice'] as const) {
      const point = sweepPoint(metric, 64);
      expect(predictionMode(point)).toBe('curve');
      const [curve] = servingCurveFor(resolve(point), [64]);
      const predicted = predictPoint(catalog, priorTable, point).value;
      const expected =
        metric === 'ttftSeconds'
          ? curve?.ttftSeconds
          : metric === 'tpotSeconds'
            ? curve?.tpotSeconds
            : curve?.outputTokensPerSecondPerDevice;
      expect(predicted).toBeCloseTo(expected ?? Number.NaN, 9);
      // The static-batch reading differs: 64 prompts prefilled at once and no queueing or interference.
      const staticBatch = pointMetricValue(point, runResolved(resolve(point), 64));
      expect(Math.abs(predicted / staticBatch - 1)).toBeGreaterThan(0.01);
    }
  });

  it('predicts in-flight batching at saturation on the serving curve, with the batch as the engine limit', () => {
    const base = { ...sweepPoint('outputTokensPerSecond', 1), concurrency: undefined };
    const saturated: InferencePoint = { ...base, id: 'sat', batch: 32, scheduling: 'continuous' };
    const staticPoint: InferencePoint = { ...base, id: 'static', batch: 32 };
    expect(predictionMode(saturated)).toBe('saturated');
    expect(predictionMode(staticPoint)).toBe('batch');
    const r = resolve(saturated);
    const [curve] = servingCurveFor(r, [100_000]);
    // The engine limit of 32 sequences caps the running set: the saturated point runs 32 at a time.
    expect(curve?.runningSequences).toBeGreaterThan(32);
    const sat = predictPoint(catalog, priorTable, saturated).value;
    expect(sat).toBeLessThan(curve?.outputTokensPerSecond ?? 0);
    expect(sat).not.toBeCloseTo(predictPoint(catalog, priorTable, staticPoint).value, 3);
  });
});
