import { type Catalog, findDevice } from '../catalog/catalog.ts';
import type { EngineClassId } from '../catalog/engine-schema.ts';
import type { Device } from '../catalog/schema.ts';
import { fitEfficiencies, includedPoints } from './calibration.ts';
import type { EfficiencyTable } from './efficiency.ts';
import { engineClassIdOf } from './engine-class.ts';
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

/**
 * The fit runs when first needed, and for one estimate only for the engine classes it uses (the CLI's
 * `estimate infer` fitted every class, most of its start-up): each class is fitted on its own points
 * alone, so its entries are the same whichever classes are fitted with it. `efficiencies` is the whole table.
 */
export function createEstimator(catalog: Catalog): Estimator {
  let whole: EfficiencyTable | undefined;
  let mfu: TrainingMfuTable | undefined;
  const perClass = new Map<string, EfficiencyTable>();
  const trainingTable = () => {
    mfu ??= fitTrainingMfu(catalog);
    return mfu;
  };
  const tableFor = (o: InferenceOptions): EfficiencyTable => {
    if (whole) return whole;
    // An unknown device or engine: the estimate names it, with the same error, before any fit.
    let device: Device;
    let engineClass: EngineClassId;
    try {
      device = findDevice(catalog, o.hardware);
      engineClass = engineClassIdOf(catalog, o.engine ?? 'tuned', device);
    } catch {
      return { entries: [] };
    }
    // Layers offloaded to a CPU run at the llama.cpp CPU class's efficiency.
    const classes = new Set<EngineClassId>([engineClass]);
    if (o.offload?.kind === 'cpu') classes.add('llamacpp-cpu');
    const key = [...classes].sort().join('+');
    let table = perClass.get(key);
    if (!table) {
      table = fitEfficiencies(catalog, includedPoints(catalog), classes);
      perClass.set(key, table);
    }
    return table;
  };
  return {
    catalog,
    get efficiencies() {
      whole ??= fitEfficiencies(catalog);
      return whole;
    },
    get trainingMfu() {
      return trainingTable();
    },
    inference: (options) => estimateInference(catalog, tableFor(options), options),
    training: (options) => estimateTraining(catalog, trainingTable(), options),
  };
}
