import type { Catalog } from '../catalog/catalog.ts';
import type { Source } from '../figure/source.ts';
import { type CalibrationCheck, checkCalibration } from './calibration.ts';
import type { EfficiencyTable } from './efficiency.ts';
import { fitTrainingMfu, median, observeTrainingMfu } from './training-mfu.ts';

export interface TrainingCheck {
  id: string;
  model: string;
  hardware: string;
  measuredGpuHours: number;
  /** GPU-hours predicted at the median MFU of the other disclosures (leave-one-out). */
  predictedGpuHours: number;
  impliedMfu: number;
  heldOutMfu: number;
  error: number;
  source: Source;
}

export interface ValidationReport {
  inference: CalibrationCheck[];
  training: TrainingCheck[];
  efficiencies: EfficiencyTable;
  summary: {
    inferencePoints: number;
    inferenceMedianAbsError: number;
    inferenceMedianAbsErrorHeldOut: number;
    trainingPoints: number;
    trainingMedianAbsErrorHeldOut: number;
  };
}

/** Predicts every published measurement and reports the errors; the headline is the held-out median. */
export function validateCalibration(catalog: Catalog): ValidationReport {
  const { checks, table } = checkCalibration(catalog);
  const withHours = catalog.trainingPoints.filter((p) => p.gpuHours !== undefined);
  const training = withHours.map((point) => {
    const observed = observeTrainingMfu(catalog, point);
    const others = fitTrainingMfu(
      catalog,
      catalog.trainingPoints.filter((p) => p !== point),
    );
    const entry =
      others.entries.find((e) => e.hardwareClass === observed.hardwareClass) ??
      others.entries.find((e) => e.hardwareClass === undefined);
    const heldOutMfu = entry?.mfu ?? observed.mfu;
    const measured = point.gpuHours ?? 0;
    const predicted = (measured * observed.mfu) / heldOutMfu;
    return {
      id: point.id,
      model: point.model,
      hardware: point.hardware,
      measuredGpuHours: measured,
      predictedGpuHours: predicted,
      impliedMfu: observed.mfu,
      heldOutMfu,
      error: predicted / measured - 1,
      source: point.source as Source,
    };
  });
  return {
    inference: checks,
    training,
    efficiencies: table,
    summary: {
      inferencePoints: checks.length,
      inferenceMedianAbsError: median(checks.map((c) => Math.abs(c.error))),
      inferenceMedianAbsErrorHeldOut: median(checks.map((c) => Math.abs(c.errorHeldOut))),
      trainingPoints: training.length,
      trainingMedianAbsErrorHeldOut: median(training.map((t) => Math.abs(t.error))),
    },
  };
}
