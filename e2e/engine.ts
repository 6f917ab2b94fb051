import { createEstimator, type Estimator } from '@clearbox/core';
import { loadDefaultCatalog, loadShippedCalibration } from '@clearbox/store';

let estimator: Estimator | undefined;

/** The engine as the CLI runs it (catalog read from disk in Node): what the browser must agree with. */
export function nodeEstimator(): Estimator {
  estimator ??= createEstimator(loadDefaultCatalog(), loadShippedCalibration);
  return estimator;
}
