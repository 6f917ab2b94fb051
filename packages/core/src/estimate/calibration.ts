import type { Engine, InferencePoint } from '../catalog/calibration-schema.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { findDevice } from '../catalog/catalog.ts';
import type { EngineClassId } from '../catalog/engine-schema.ts';
import type { HardwareClass } from '../catalog/schema.ts';
import type { Source } from '../figure/source.ts';
import {
  type Efficiency,
  type EfficiencyEntry,
  type EfficiencyTable,
  efficiencyFor,
  efficiencyPriors,
} from './efficiency.ts';
import { engineClassIdOf } from './engine-class.ts';
import {
  maxBatchThatFits,
  resolveInference,
  runResolved,
  servingLimitsFor,
  stepTimesFor,
} from './inference.ts';
import { boundNames } from './inference-kernel.ts';
import { pointMetricValue, servingPointMetricValue } from './point-metric.ts';
import { type ServingWorkload, servingCurve } from './serving-curve.ts';

/** A calibration point made ready to predict: resolved once, re-run for each candidate efficiency. */
interface PreparedPoint {
  point: InferencePoint;
  hardwareClass: HardwareClass;
  /** The class the point's engine value resolves to on its device (`tuned` on an H100 is trtllm). */
  engineClass: EngineClassId;
  mode: 'curve' | 'saturated' | 'batch';
  run: (eff: Efficiency) => { value: number; bound: string };
}

function prepare(catalog: Catalog, point: InferencePoint): PreparedPoint {
  const r = resolveInference(
    catalog,
    { entries: [] },
    {
      model: point.model,
      hardware: point.hardware,
      count: point.count,
      weights: point.weights,
      kv: point.kv,
      engine: point.engine,
      inputTokens: point.inputTokens,
      outputTokens: point.outputTokens,
      ...(point.expertParallel === undefined ? {} : { expertParallel: point.expertParallel }),
    },
  );
  const mode = predictionMode(point);
  const limits = mode === 'batch' ? undefined : servingLimitsFor(r);
  if (limits && mode === 'saturated' && point.batch !== 'max')
    limits.maxSequences = Math.min(limits.maxSequences, point.batch);
  // Saturated load: more users than the running set can ever hold, so every cap but concurrency binds.
  const concurrency =
    point.concurrency ?? (limits ? Math.max(limits.maxSequences, limits.memorySequences) + 1 : 1);
  const batch = point.batch === 'max' ? Math.max(1, maxBatchThatFits(r)) : point.batch;
  const workload: ServingWorkload = {
    inputTokens: r.work.inputTokens,
    outputTokens: r.work.outputTokens,
    devices: r.hw.count,
  };
  return {
    point,
    mode,
    hardwareClass: findDevice(catalog, point.hardware).class,
    engineClass: r.engineClass.id,
    run: (eff) => {
      r.hw.effCompute = eff.compute;
      r.hw.effMemory = eff.memory;
      if (limits) {
        const [p] = servingCurve(stepTimesFor(r), limits, workload, [concurrency]);
        if (!p) throw new Error(`no serving point for ${point.id}`);
        return {
          value: servingPointMetricValue(point, { ...p, inputTokens: r.work.inputTokens }),
          bound: p.decodeBound,
        };
      }
      const k = runResolved(r, batch);
      const value = pointMetricValue(point, k);
      const bound =
        point.metric === 'prefillTokensPerSecond'
          ? k.prefillSingle.compute >= k.prefillSingle.memory
            ? 'compute'
            : 'memory'
          : (boundNames[k.bound] ?? 'memory');
      return { value, bound };
    },
  };
}

/** The catalog's inference points that enter fits and validation (those without an `excluded` reason). */
export function includedPoints(catalog: Catalog): InferencePoint[] {
  return catalog.inferencePoints.filter((p) => p.excluded === undefined);
}

/**
 * How a point is predicted: on the serving curve at its client concurrency (`curve`), on the serving curve
 * at saturation for in-flight batching fed without limit (`saturated`), or as one static batch (`batch`).
 */
export function predictionMode(point: InferencePoint): 'curve' | 'saturated' | 'batch' {
  if (point.concurrency !== undefined) return 'curve';
  return point.scheduling === 'continuous' ? 'saturated' : 'batch';
}

/** Pull toward the prior: keeps an efficiency the points cannot identify (e.g. compute from decode points) at its prior. */
const PRIOR_WEIGHT = 0.02;

function loss(points: PreparedPoint[], eff: Efficiency, prior: Efficiency): number {
  let sum =
    PRIOR_WEIGHT * (Math.log(eff.compute / prior.compute) ** 2 + Math.log(eff.memory / prior.memory) ** 2);
  for (const p of points) {
    const predicted = p.run(eff).value;
    sum += Math.log(predicted / p.point.measured) ** 2;
  }
  return sum;
}

/**
 * Least squares in log space by a deterministic pattern search from the prior: try each efficiency up and
 * down by a factor, keep any move that lowers the loss, shrink the factor when none does (2× down to 1%).
 * A few dozen evaluations where a grid needs hundreds: every evaluation runs the serving curve.
 */
function fitGroup(points: PreparedPoint[], prior: Efficiency): Efficiency {
  const clamp = (x: number) => Math.min(1, Math.max(0.01, x));
  let best: Efficiency = { compute: clamp(prior.compute), memory: clamp(prior.memory) };
  let bestLoss = loss(points, best, prior);
  for (let factor = 2; factor > 1.01; factor = Math.sqrt(factor)) {
    let moved = true;
    while (moved) {
      moved = false;
      for (const key of ['compute', 'memory'] as const) {
        for (const f of [factor, 1 / factor]) {
          const candidate = { ...best, [key]: clamp(best[key] * f) };
          if (candidate[key] === best[key]) continue;
          const l = loss(points, candidate, prior);
          if (l < bestLoss - 1e-12) {
            bestLoss = l;
            best = candidate;
            moved = true;
          }
        }
      }
    }
  }
  return best;
}

function fittedEntry(
  engine: EngineClassId,
  eff: Efficiency,
  points: PreparedPoint[],
  hardwareClass?: HardwareClass,
): EfficiencyEntry {
  const entry: EfficiencyEntry = {
    engine,
    compute: Number(eff.compute.toFixed(3)),
    memory: Number(eff.memory.toFixed(3)),
    origin: 'fitted',
    points: points.map((p) => p.point.id),
    sources: points.map((p) => p.point.source as Source),
    note: `fitted to ${points.length} published measurements${hardwareClass ? ` on ${hardwareClass}` : ' (all hardware classes)'}, log least squares with a weak pull to the literature prior`,
  };
  if (hardwareClass) entry.hardwareClass = hardwareClass;
  return entry;
}

function fitPrepared(prepared: PreparedPoint[]): EfficiencyTable {
  const entries: EfficiencyEntry[] = [];
  for (const engine of Object.keys(efficiencyPriors) as EngineClassId[]) {
    const own = prepared.filter((p) => p.engineClass === engine);
    if (own.length === 0) continue;
    const engineWide = fitGroup(own, efficiencyPriors[engine]);
    entries.push(fittedEntry(engine, engineWide, own));
    for (const hardwareClass of [...new Set(own.map((p) => p.hardwareClass))]) {
      const group = own.filter((p) => p.hardwareClass === hardwareClass);
      if (group.length < 2) continue;
      entries.push(fittedEntry(engine, fitGroup(group, engineWide), group, hardwareClass));
    }
  }
  return { entries };
}

/**
 * Fits compute and memory efficiencies per engine class, and per (hardware class, engine class) where
 * at least two measurements exist, from the given published inference measurements (default: all the
 * catalog's). Pass a subset to refit without held-out points (leave-one-family-out validation).
 */
export function fitEfficiencies(
  catalog: Catalog,
  points: readonly InferencePoint[] = includedPoints(catalog),
  /** Fit only these engine classes (their entries are the same as in the whole fit: classes fit apart). */
  engines?: ReadonlySet<EngineClassId>,
): EfficiencyTable {
  const chosen = points.filter(
    (p) =>
      p.excluded === undefined &&
      (!engines || engines.has(engineClassIdOf(catalog, p.engine, findDevice(catalog, p.hardware)))),
  );
  return fitPrepared(chosen.map((p) => prepare(catalog, p)));
}

/** One point predicted with a fitted table: the value of the point's metric and what bounds it. */
export function predictPoint(
  catalog: Catalog,
  table: EfficiencyTable,
  point: InferencePoint,
): { value: number; bound: string; engineClass: EngineClassId } {
  const p = prepare(catalog, point);
  return { ...p.run(efficiencyFor(table, p.hardwareClass, p.engineClass)), engineClass: p.engineClass };
}

export interface CalibrationCheck {
  id: string;
  model: string;
  hardware: string;
  count: number;
  engine: Engine;
  engineClass: EngineClassId;
  metric: InferencePoint['metric'];
  measured: number;
  /** Predicted with efficiencies fitted on every point. */
  predicted: number;
  /** Predicted with efficiencies fitted on all other points (leave-one-out): the honest error. */
  predictedHeldOut: number;
  error: number;
  errorHeldOut: number;
  bound: string;
  /** How the point was predicted: serving curve at its concurrency, at saturation, or one static batch. */
  prediction: 'curve' | 'saturated' | 'batch';
  source: Source;
}

/** Every calibration point with its prediction, in-sample and held out. */
export function checkCalibration(catalog: Catalog): { checks: CalibrationCheck[]; table: EfficiencyTable } {
  const prepared = includedPoints(catalog).map((p) => prepare(catalog, p));
  const table = fitPrepared(prepared);
  const checks = prepared.map((p, i) => {
    const inSample = p.run(efficiencyFor(table, p.hardwareClass, p.engineClass));
    const heldOutTable = fitPrepared(prepared.filter((_, j) => j !== i));
    const heldOut = p.run(efficiencyFor(heldOutTable, p.hardwareClass, p.engineClass));
    return {
      id: p.point.id,
      model: p.point.model,
      hardware: p.point.hardware,
      count: p.point.count,
      engine: p.point.engine,
      engineClass: p.engineClass,
      metric: p.point.metric,
      measured: p.point.measured,
      predicted: inSample.value,
      predictedHeldOut: heldOut.value,
      error: inSample.value / p.point.measured - 1,
      errorHeldOut: heldOut.value / p.point.measured - 1,
      bound: inSample.bound,
      prediction: p.mode,
      source: p.point.source as Source,
    };
  });
  return { checks, table };
}
