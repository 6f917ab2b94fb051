import { describe, expect, it } from 'vitest';
import { shippedCalibration, shippedCatalog } from '../../test/load-catalog.ts';
import { fitEfficiencies } from './calibration.ts';
import { createEstimator } from './estimator.ts';
import { estimateInference, type InferenceOptions } from './inference.ts';

describe('estimator', () => {
  // The estimator fits only the engine classes an estimate uses; the answer must be the whole fit's.
  it('gives the same estimate from its per-class fit as from the whole table', () => {
    const catalog = shippedCatalog();
    const whole = fitEfficiencies(catalog, shippedCalibration().inference);
    const cases: InferenceOptions[] = [
      { model: 'llama-3.1-8b', hardware: 'h100-sxm' },
      { model: 'llama-3.1-70b', hardware: 'h200', count: 2, weights: 'fp8', batch: 'max' },
      {
        model: 'deepseek-v3',
        hardware: 'h200',
        count: 8,
        weights: 'fp8',
        engine: 'sglang',
        concurrency: [1, 64],
      },
      { model: 'llama-3.1-8b', hardware: 'm2-ultra', engine: 'llamacpp', weights: 'q4_k_m' },
      {
        model: 'llama-3.1-70b',
        hardware: 'rtx-4090',
        engine: 'llamacpp',
        weights: 'q4_k_m',
        offload: { kind: 'cpu', layers: 40 },
      },
    ];
    const estimator = createEstimator(catalog, shippedCalibration);
    for (const o of cases) expect(estimator.inference(o)).toEqual(estimateInference(catalog, whole, o));
    // The whole table is still there for those who list it (validate, decide).
    expect(estimator.efficiencies).toEqual(whole);
    // Two whole fits and the SGLang fit with every software whose points ran an older release (the
    // software-maturity slope, calibration.ts): ~8 s idle, several times that on a loaded machine.
  }, 120_000);

  it('names an unknown device as the estimate always did', () => {
    const estimator = createEstimator(shippedCatalog(), shippedCalibration);
    expect(() => estimator.inference({ model: 'llama-3.1-8b', hardware: 'h1000' })).toThrow(/h1000/);
  });
});
