import { describe, expect, it } from 'vitest';
import { shippedCalibration, shippedCatalog } from '../../test/load-catalog.ts';
import { createEstimator, fitConstants } from './estimator.ts';
import { packFittedConstants, unpackFittedConstants } from './fitted-constants.ts';
import type { InferenceOptions } from './inference.ts';

// The tests below each run one or two whole fits of every engine class (~10 CPU-s each, several times that on
// a loaded machine): a limit on hanging, not a speed assertion (speed is the bench's).
const FULL_FIT_TIMEOUT_MS = 120_000;

describe('fitted constants handed over as text (the web app fits at build time)', () => {
  const catalog = shippedCatalog();
  const fitted = fitConstants(catalog, shippedCalibration());
  const packed = packFittedConstants(fitted);

  it('unpack gives back what was fitted, and the text is much smaller than plain JSON', () => {
    const unpacked = unpackFittedConstants(packed);
    expect(unpacked).toEqual(fitted);
    expect(JSON.stringify(unpacked)).toBe(JSON.stringify(fitted));
    expect(packed.length).toBeLessThan(JSON.stringify(fitted).length * 0.7);
  });

  it(
    'an estimator given them answers exactly as one that fits from the measurements',
    () => {
      const cases: InferenceOptions[] = [
        { model: 'llama-3.1-8b', hardware: 'h100-sxm' },
        { model: 'llama-3.1-70b', hardware: 'mi300x', count: 2, weights: 'fp8', batch: 'max' },
        {
          model: 'deepseek-v3',
          hardware: 'h200',
          count: 8,
          weights: 'fp8',
          engine: 'sglang',
          concurrency: [1, 64],
        },
        { model: 'llama-3.1-8b', hardware: 'm2-ultra', engine: 'llamacpp', weights: 'q4_k_m' },
      ];
      let loads = 0;
      const given = createEstimator(
        catalog,
        () => {
          loads++;
          return shippedCalibration();
        },
        unpackFittedConstants(packed),
      );
      const fitting = createEstimator(catalog, shippedCalibration);
      for (const o of cases) expect(given.inference(o)).toEqual(fitting.inference(o));
      const training = { model: 'deepseek-v3', hardware: 'h800', gpuHours: 2_788_000 };
      expect(given.training(training)).toEqual(fitting.training(training));
      // With the constants given, the measurements are never read.
      expect(loads).toBe(0);
    },
    FULL_FIT_TIMEOUT_MS,
  );

  it(
    'follows the data: one measurement changed changes the constants (a stale copy would not match)',
    () => {
      const data = shippedCalibration();
      const [first, ...rest] = data.inference.filter((p) => p.excluded === undefined);
      if (!first) throw new Error('no calibration points');
      const moved = fitConstants(catalog, {
        inference: [{ ...first, measured: first.measured * 2 }, ...rest],
        training: data.training,
      });
      expect(packFittedConstants(moved)).not.toBe(packed);
    },
    FULL_FIT_TIMEOUT_MS,
  );
});
