import type { CalibrationData } from '../catalog/calibration-data.ts';
import type { InferencePoint } from '../catalog/calibration-schema.ts';
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
  /** The published measurements the constants are fitted from, loaded when first read. */
  readonly calibration: CalibrationData;
  efficiencies: EfficiencyTable;
  trainingMfu: TrainingMfuTable;
  inference(options: InferenceOptions): InferenceEstimate;
  training(options: TrainingOptions): TrainingEstimate;
}

/**
 * The calibration measurements, or a loader called the first time a fit or a check needs them (the CLI
 * reads data/calibration then; the web app fetches it as a chunk of its own).
 */
export type CalibrationSource = CalibrationData | (() => CalibrationData);

/**
 * Every constant the estimator fits from the calibration data, fitted beforehand by `fitConstants` (the
 * web app's build does, so the browser neither downloads the measurements nor fits on its first page).
 */
export interface FittedConstants {
  efficiencies: EfficiencyTable;
  trainingMfu: TrainingMfuTable;
}

/** The whole fit: what `createEstimator` would fit from the same catalog and calibration data. */
export function fitConstants(catalog: Catalog, calibration: CalibrationData): FittedConstants {
  return {
    efficiencies: fitEfficiencies(catalog, includedPoints(calibration.inference)),
    trainingMfu: fitTrainingMfu(catalog, calibration.training),
  };
}

/**
 * Everything one fit of the efficiency tables reads (`fitEfficiencies`'s arguments): an interface that keeps
 * fitted tables between runs keys them on all of it, and on the fit's code.
 */
export interface EfficiencyFit {
  catalog: Catalog;
  /** The calibration points fitted (the included ones, in file order: the fit follows it). */
  points: readonly InferencePoint[];
  /** The engine classes asked for, sorted; absent: the whole table. */
  engines?: readonly EngineClassId[];
  referenceOnly: boolean;
}

/**
 * Where fitted tables are kept between runs (the CLI's cache directory). Core does no I/O: it asks for the
 * table of a fit before fitting, and hands over what it fitted. `read` answers undefined for anything it
 * cannot vouch for (absent, corrupt, fitted from other inputs or code); `write` may fail silently.
 */
export interface FitCache {
  read(fit: EfficiencyFit): EfficiencyTable | undefined;
  write(fit: EfficiencyFit, table: EfficiencyTable): void;
}

/**
 * The fit runs when first needed, and for one estimate only for the engine classes it uses (the CLI's
 * `estimate infer` fitted every class, most of its start-up): each class is fitted on its own points
 * alone, so its entries are the same whichever classes are fitted with it. `efficiencies` is the whole table.
 * With `fitted` (from `fitConstants` on the same catalog and data) nothing is fitted; with `cache`, a table
 * fitted by an earlier run from the same inputs is reused (the CLI: each call is a new process).
 */
export function createEstimator(
  catalog: Catalog,
  calibration: CalibrationSource,
  fitted?: FittedConstants,
  cache?: FitCache,
): Estimator {
  let data = typeof calibration === 'function' ? undefined : calibration;
  const measurements = (): CalibrationData => {
    data ??= (calibration as () => CalibrationData)();
    return data;
  };
  let whole: EfficiencyTable | undefined = fitted?.efficiencies;
  let mfu: TrainingMfuTable | undefined = fitted?.trainingMfu;
  const perClass = new Map<string, EfficiencyTable>();
  const fitTable = (engines: ReadonlySet<EngineClassId> | undefined, referenceOnly: boolean) => {
    const points = includedPoints(measurements().inference);
    const fit: EfficiencyFit = engines
      ? { catalog, points, engines: [...engines].sort(), referenceOnly }
      : { catalog, points, referenceOnly };
    const kept = cache?.read(fit);
    if (kept) return kept;
    const table = fitEfficiencies(catalog, points, engines, referenceOnly);
    cache?.write(fit, table);
    return table;
  };
  const trainingTable = () => {
    mfu ??= fitTrainingMfu(catalog, measurements().training);
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
    // The class's reference release needs no software-maturity slope (`fitEfficiencies`).
    const referenceOnly = o.engineRelease === undefined;
    const key = `${[...classes].sort().join('+')}${referenceOnly ? '' : '+releases'}`;
    let table = perClass.get(key);
    if (!table) {
      table = fitTable(classes, referenceOnly);
      perClass.set(key, table);
    }
    return table;
  };
  return {
    catalog,
    get calibration() {
      return measurements();
    },
    get efficiencies() {
      whole ??= fitTable(undefined, false);
      return whole;
    },
    get trainingMfu() {
      return trainingTable();
    },
    inference: (options) => estimateInference(catalog, tableFor(options), options),
    training: (options) => estimateTraining(catalog, trainingTable(), options),
  };
}
