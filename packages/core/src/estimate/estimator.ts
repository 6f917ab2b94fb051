import type { Catalog } from '../catalog/catalog.ts';
import { fitEfficiencies } from './calibration.ts';
import type { EfficiencyTable } from './efficiency.ts';
import { estimateInference, type InferenceEstimate, type InferenceOptions } from './inference.ts';
import { estimateTraining, type TrainingEstimate, type TrainingOptions } from './training.ts';
import { fitTrainingMfu, type TrainingMfuTable } from './training-mfu.ts';

/** A catalog with its calibration fitted once: what the CLI, server and web app hold. */
export interface Estimator {
  catalog: Catalog;
  efficiencies: EfficiencyTable;
  trainingMfu: TrainingMfuTable;
  inference(options: InferenceOptions): InferenceEstimate;
  training(options: TrainingOptions): TrainingEstimate;
}

export function createEstimator(catalog: Catalog): Estimator {
  const efficiencies = fitEfficiencies(catalog);
  const trainingMfu = fitTrainingMfu(catalog);
  return {
    catalog,
    efficiencies,
    trainingMfu,
    inference: (options) => estimateInference(catalog, efficiencies, options),
    training: (options) => estimateTraining(catalog, trainingMfu, options),
  };
}
