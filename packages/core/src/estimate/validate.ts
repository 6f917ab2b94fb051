import type { CalibrationData } from '../catalog/calibration-data.ts';
import type { InferencePoint } from '../catalog/calibration-schema.ts';
import { type Catalog, findDevice, findModel } from '../catalog/catalog.ts';
import type { Source } from '../figure/source.ts';
import {
  type CalibrationCheck,
  fitEfficiencies,
  includedPoints,
  predictionMode,
  predictPoint,
} from './calibration.ts';
import type { EfficiencyTable } from './efficiency.ts';
import { engineClassIdOf } from './engine-class.ts';
import { type FamilyHeldOutReport, familyOf, leaveOneFamilyOut, modelKindOf } from './family-holdout.ts';
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

/** A point kept in the data but left out of fits and validation, with the reason its data gives. */
export interface ExcludedPoint {
  id: string;
  family: string;
  reason: string;
}

export interface ValidationReport {
  inference: CalibrationCheck[];
  /** Points left out of every fit and of validation, each with its reason (never dropped silently). */
  excluded: ExcludedPoint[];
  training: TrainingCheck[];
  efficiencies: EfficiencyTable;
  /** Every inference point predicted by a fit that held out its whole family (the honest error). */
  familyHeldOut: FamilyHeldOutReport;
  summary: {
    inferencePoints: number;
    /** Points the data marks excluded (listed with their reasons in `excluded`). */
    inferenceExcluded: number;
    inferenceMedianAbsError: number;
    /** Held out = predicted by the fit without the point's whole family (same as the family figure below). */
    inferenceMedianAbsErrorHeldOut: number;
    /** The headline: leave-one-family-out median absolute error. */
    inferenceMedianAbsErrorFamilyHeldOut: number;
    inferenceFamilies: number;
    /** Families whose held-out median absolute error exceeds the flag threshold (30%). */
    inferenceFlaggedFamilies: string[];
    /** Held-out points more than 2× off. */
    inferencePointsBeyond2x: number;
    trainingPoints: number;
    trainingMedianAbsErrorHeldOut: number;
    /**
     * The software-maturity slope fitted on every point (shared by all classes): a release older than its
     * class's reference runs the class's fixed costs × exp(slope × age in years). 0 when none is older.
     */
    softwareMaturityFixedCostPerYear: number;
    /** The MoE/MLA operators' own maturity slope, on top of the one above (`moeMlaFixedCostPerYear`). */
    moeMlaMaturityFixedCostPerYear: number;
    /** Fitted MoE/MLA fixed-cost multiplier per engine class (its all-hardware entry; absent: 1). */
    moeMlaFixedCostScale: Record<string, number>;
  };
}

/** Vendor stack × engine × dense/MoE, the class the report groups errors by. */
export function calibrationClassOf(catalog: Catalog, point: InferencePoint): string {
  const engineClass = engineClassIdOf(catalog, point.engine, findDevice(catalog, point.hardware));
  return `${engineClass} · ${modelKindOf(findModel(catalog, point.model))}`;
}

/** Leave-one-family-out over the inference points: refit without the family, predict it. */
export function validateByFamily(catalog: Catalog, points: readonly InferencePoint[]): FamilyHeldOutReport {
  return leaveOneFamilyOut(
    points.filter((p) => p.excluded === undefined),
    (training) => fitEfficiencies(catalog, training),
    (table, point) => predictPoint(catalog, table, point).value,
    (point) => calibrationClassOf(catalog, point),
  );
}

/**
 * Predicts every published measurement and reports the errors. The headline is the leave-one-family-out
 * median: a whole table or round is held out of the fit that predicts it.
 */
export function validateCalibration(catalog: Catalog, calibration: CalibrationData): ValidationReport {
  const points = includedPoints(calibration.inference);
  const excluded = calibration.inference
    .filter((p) => p.excluded !== undefined)
    .map((p) => ({ id: p.id, family: familyOf(p), reason: p.excluded ?? '' }));
  const table = fitEfficiencies(catalog, points);
  const familyHeldOut = validateByFamily(catalog, points);
  // One held-out notion: a point is predicted by the fit that held out its whole family (leave-one-point-out
  // kept the point's table-mates in the fit and read 12.8% where the family held out read 45.7%).
  const heldOutById = new Map(familyHeldOut.points.map((p) => [p.id, p.predicted]));
  const checks: CalibrationCheck[] = points.map((point) => {
    const inSample = predictPoint(catalog, table, point);
    const heldOut = heldOutById.get(point.id) ?? Number.NaN;
    return {
      id: point.id,
      model: point.model,
      hardware: point.hardware,
      count: point.count,
      engine: point.engine,
      engineClass: inSample.engineClass,
      ...(inSample.engineRelease === undefined ? {} : { engineRelease: inSample.engineRelease }),
      metric: point.metric,
      measured: point.measured,
      predicted: inSample.value,
      predictedHeldOut: heldOut,
      error: inSample.value / point.measured - 1,
      errorHeldOut: heldOut / point.measured - 1,
      bound: inSample.bound,
      prediction: predictionMode(point),
      source: point.source as Source,
    };
  });
  const withHours = calibration.training.filter((p) => p.gpuHours !== undefined);
  const training = withHours.map((point) => {
    const observed = observeTrainingMfu(catalog, point);
    const others = fitTrainingMfu(
      catalog,
      calibration.training.filter((p) => p !== point),
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
    excluded,
    training,
    efficiencies: table,
    familyHeldOut,
    summary: {
      inferencePoints: checks.length,
      inferenceExcluded: excluded.length,
      inferenceMedianAbsError: median(checks.map((c) => Math.abs(c.error))),
      inferenceMedianAbsErrorHeldOut: median(checks.map((c) => Math.abs(c.errorHeldOut))),
      inferenceMedianAbsErrorFamilyHeldOut: familyHeldOut.overall.medianAbsError,
      inferenceFamilies: familyHeldOut.overall.families,
      inferenceFlaggedFamilies: familyHeldOut.families.filter((f) => f.flagged).map((f) => f.family),
      inferencePointsBeyond2x: familyHeldOut.overall.pointsBeyond2x,
      trainingPoints: training.length,
      trainingMedianAbsErrorHeldOut: median(training.map((t) => Math.abs(t.error))),
      softwareMaturityFixedCostPerYear: table.entries[0]?.fixedCostPerYear ?? 0,
      moeMlaMaturityFixedCostPerYear: table.entries[0]?.moeMlaFixedCostPerYear ?? 0,
      moeMlaFixedCostScale: Object.fromEntries(
        table.entries
          .filter((e) => e.hardwareClass === undefined)
          .map((e) => [e.engine, e.moeMlaFixedCostScale ?? 1]),
      ),
    },
  };
}
