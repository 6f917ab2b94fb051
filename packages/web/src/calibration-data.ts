import { buildCalibration, type CalibrationData, createEstimator, type Estimator } from '@clearbox/core';
import { fittedConstants } from './catalog-data.ts';

/**
 * The shipped calibration measurements (data/calibration, most of the data's bytes), bundled as text in
 * a chunk of their own: only pages that read the measurements themselves import this module (Audit's
 * measured-performance check, a refit for a model file that stands in for a catalog model).
 */
const rawFiles = import.meta.glob<string>('../../core/data/calibration/**/*.{yaml,yml,json}', {
  query: '?raw',
  import: 'default',
  eager: true,
});

let data: CalibrationData | undefined;

export function shippedCalibration(): CalibrationData {
  data ??= buildCalibration(
    Object.keys(rawFiles)
      .sort()
      .map((key) => ({ path: key.replace(/^(\.\.\/)+core\//, ''), text: rawFiles[key] ?? '' })),
  );
  return data;
}

/**
 * An estimator of the shipped catalog (the default one, or the priced one: prices do not enter the fit)
 * with the measurements at hand; its constants stay those fitted at build time.
 */
export function withMeasurements(estimator: Estimator): Estimator {
  return createEstimator(estimator.catalog, shippedCalibration, fittedConstants());
}
