import type { InferencePoint } from '../catalog/calibration-schema.ts';
import type { Model } from '../catalog/schema.ts';
import { median } from './training-mfu.ts';

/** A family whose held-out median absolute error exceeds this is flagged in the report. */
export const FAMILY_ERROR_FLAG = 0.3;

/**
 * The family a point belongs to: its `family` field, else its source URL (points read from one page or
 * log share a harness), else its own id. Never empty, so every point is held out with something.
 */
export function familyOf(point: Pick<InferencePoint, 'id' | 'family' | 'source'>): string {
  return point.family ?? point.source.url ?? point.id;
}

/** Dense or mixture-of-experts: MoE serving behaves differently enough to be its own class. */
export function modelKindOf(model: Pick<Model, 'architecture'>): 'dense' | 'moe' {
  return model.architecture.moe ? 'moe' : 'dense';
}

/** One point predicted by a fit that never saw its family. */
export interface FamilyHeldOutPoint {
  id: string;
  family: string;
  /** Vendor stack × engine × dense/MoE, e.g. "sglang · moe". */
  class: string;
  metric: InferencePoint['metric'];
  measured: number;
  predicted: number;
  /** predicted / measured − 1 */
  error: number;
}

export interface ErrorGroup {
  points: number;
  medianAbsError: number;
  maxAbsError: number;
  /** Points predicted more than 2× off in either direction (|log ratio| > log 2). */
  pointsBeyond2x: number;
}

export interface FamilyError extends ErrorGroup {
  family: string;
  classes: string[];
  /** Median absolute error above FAMILY_ERROR_FLAG. */
  flagged: boolean;
}

export interface ClassError extends ErrorGroup {
  class: string;
  families: string[];
}

export interface FamilyHeldOutReport {
  /** The headline: median absolute error of every point predicted with its whole family held out. */
  overall: ErrorGroup & { families: number };
  flagThreshold: number;
  families: FamilyError[];
  classes: ClassError[];
  points: FamilyHeldOutPoint[];
}

function errorGroup(errors: readonly number[]): ErrorGroup {
  const abs = errors.map(Math.abs);
  return {
    points: errors.length,
    medianAbsError: median(abs),
    maxAbsError: abs.length === 0 ? Number.NaN : Math.max(...abs),
    pointsBeyond2x: errors.filter((e) => Math.abs(Math.log(1 + e)) > Math.LN2).length,
  };
}

/**
 * Leave-one-family-out: for each family, fit on every other family's points and predict the family's
 * points with that fit. `fit` never receives a point of the family being predicted.
 */
export function leaveOneFamilyOut<P extends InferencePoint, Fit>(
  points: readonly P[],
  fit: (training: readonly P[]) => Fit,
  predict: (fitted: Fit, point: P) => number,
  classOf: (point: P) => string,
): FamilyHeldOutReport {
  const families = [...new Set(points.map(familyOf))];
  const byId = new Map<string, FamilyHeldOutPoint>();
  for (const family of families) {
    const fitted = fit(points.filter((p) => familyOf(p) !== family));
    for (const point of points) {
      if (familyOf(point) !== family) continue;
      const predicted = predict(fitted, point);
      byId.set(point.id, {
        id: point.id,
        family,
        class: classOf(point),
        metric: point.metric,
        measured: point.measured,
        predicted,
        error: predicted / point.measured - 1,
      });
    }
  }
  // Report points in the order they were given, not grouped by family.
  const held = points.map((p) => byId.get(p.id)).filter((p): p is FamilyHeldOutPoint => p !== undefined);
  const familyErrors = families.map((family) => {
    const own = held.filter((p) => p.family === family);
    const group = errorGroup(own.map((p) => p.error));
    return {
      family,
      classes: [...new Set(own.map((p) => p.class))].sort(),
      ...group,
      flagged: group.medianAbsError > FAMILY_ERROR_FLAG,
    };
  });
  const classErrors = [...new Set(held.map((p) => p.class))].sort().map((cls) => {
    const own = held.filter((p) => p.class === cls);
    return {
      class: cls,
      families: [...new Set(own.map((p) => p.family))],
      ...errorGroup(own.map((p) => p.error)),
    };
  });
  return {
    overall: { ...errorGroup(held.map((p) => p.error)), families: families.length },
    flagThreshold: FAMILY_ERROR_FLAG,
    families: familyErrors,
    classes: classErrors,
    points: held,
  };
}
