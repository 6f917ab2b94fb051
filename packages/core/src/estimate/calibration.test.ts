import { describe, expect, it } from 'vitest';
import { shippedCatalog } from '../../test/load-catalog.ts';
import type { InferencePoint } from '../catalog/calibration-schema.ts';
import { fitEfficiencies, predictionMode, predictPoint } from './calibration.ts';
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

describe('fitted fixed costs and software siblings', () => {
  it('charges eager host time to passes that carry prompt tokens, never to decode-only steps', () => {
    const point = sweepPoint('ttftSeconds', 1);
    const r = resolve({ ...point, model: 'deepseek-r1', hardware: 'h200', count: 8, engine: 'sglang' });
    r.hw.prefillHostLayerSeconds = 0;
    const captured = runResolved(r, 1);
    r.hw.prefillHostLayerSeconds = 0.01;
    const eager = runResolved(r, 1);
    expect(eager.decode.total).toBe(captured.decode.total);
    expect(eager.prefillSingle.total).toBeGreaterThanOrEqual(r.km.layers * 0.01);
    expect(captured.prefillSingle.total).toBeLessThan(r.km.layers * 0.01);
  });

  it('gives a class without points its sibling build’s efficiencies and device fixed costs, never its host time', () => {
    const rocm = catalog.inferencePoints.filter(
      (p) => p.family === 'inferencex-issue-890-dsr1-fp8-mi325x-sglang',
    );
    expect(rocm.length).toBeGreaterThan(0);
    const table = fitEfficiencies(catalog, rocm);
    const own = table.entries.find((e) => e.engine === 'sglang-rocm' && e.hardwareClass === undefined);
    const borrowed = table.entries.find((e) => e.engine === 'sglang' && e.hardwareClass === undefined);
    expect(own?.points.length).toBe(rocm.length);
    // SGLang on CUDA has no points here: it takes the SGLang software fit (made on the ROCm build's points).
    expect(borrowed?.origin).toBe('fitted');
    expect(borrowed?.points).toEqual(rocm.map((p) => p.id));
    expect(borrowed?.note).toContain('no points of its own');
    expect(borrowed?.note).toContain('host time is its own prior');
    // The ROCm build's TTFTs move its own eager prefill host time; SGLang on CUDA keeps its sourced prior.
    const prior = (id: string) => catalog.engines.find((e) => e.id === id)?.prefillHostLayerSeconds ?? 0;
    expect(own?.prefillHostLayerSeconds).not.toBe(prior('sglang-rocm'));
    expect(borrowed?.prefillHostLayerSeconds).toBe(prior('sglang'));
    // The device fixed-cost scale (the software's kernels per layer) is shared: both moved alike.
    expect(borrowed?.fixedCostScale).not.toBe(1);
    expect(borrowed?.fixedCostScale).toBeCloseTo(own?.fixedCostScale ?? 0, 1);
    // vLLM (another software) learns nothing from SGLang's points.
    expect(table.entries.some((e) => e.engine === 'vllm' || e.engine === 'vllm-rocm')).toBe(false);
  });
});
