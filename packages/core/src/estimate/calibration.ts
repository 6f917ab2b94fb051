import type { Engine, InferencePoint } from '../catalog/calibration-schema.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { findDevice, findModel } from '../catalog/catalog.ts';
import type { EngineClassId } from '../catalog/engine-schema.ts';
import type { Device, HardwareClass, Model } from '../catalog/schema.ts';
import type { Source } from '../figure/source.ts';
import {
  type Efficiency,
  type EfficiencyEntry,
  type EfficiencyTable,
  efficiencyFor,
  efficiencyPriors,
  type PathFactor,
  pathFactorPriors,
  prefillAttentionPriors,
} from './efficiency.ts';
import { engineClassIdOf } from './engine-class.ts';
import {
  applyReleaseFactors,
  maturityFixedCostFactor,
  type OperatorFormats,
  type ReleaseKernels,
  releaseCollectiveSeconds,
  releaseKernels,
  releaseSeries,
} from './engine-release.ts';
import { applyPathFactors, type OperatorRates, operatorPeaks } from './format-plan.ts';
import {
  maxBatchThatFits,
  resolveInference,
  runResolved,
  servingLimitsFor,
  stepTimesFor,
} from './inference.ts';
import { boundNames } from './inference-kernel.ts';
import { matmulPeaks } from './peak.ts';
import { burstPointMetricValue, pointMetricValue, servingPointMetricValue } from './point-metric.ts';
import { type ComputePathId, computePathIds, computePathOf } from './precision.ts';
import { burstServing, type ServingWorkload, servingCurve } from './serving-curve.ts';

/** A calibration point made ready to predict: resolved once, re-run for each candidate efficiency. */
interface PreparedPoint {
  point: InferencePoint;
  hardwareClass: HardwareClass;
  /** A mixture-of-experts model: its compute path is the routed experts' (see `identified`). */
  moe: boolean;
  /** A model with MoE or MLA layers: the points that see (and identify) the MoE/MLA fixed costs. */
  moeMla: boolean;
  /** The class the point's engine value resolves to on its device (`tuned` on an H100 is trtllm). */
  engineClass: EngineClassId;
  mode: 'curve' | 'saturated' | 'burst' | 'batch';
  /** The serving software the class is a build of (its siblings share the fitted departures from priors). */
  software: string;
  /** The class's literature priors: efficiencies, fixed costs as written in data/engines. */
  prior: FitParams;
  /** The compute path of the point's weight matmuls (its routed experts' where they differ). */
  path: ComputePathId;
  /** The release the point ran (its `engineRelease`) and the factors its kernel paths take (data priors). */
  release: ReleaseKernels;
  run: (params: FitParams) => { value: number; bound: string };
}

/**
 * What the calibration fits per engine class: compute and memory efficiencies, a multiplier on the class's
 * device fixed costs (per kernel, per layer, per collective) and the host time per layer of an eager
 * prefill or mixed step.
 */
export interface FitParams extends Efficiency {
  fixedCostScale: number;
  /** Software maturity: ln growth per year of age of the fixed costs of a release older than the reference. */
  fixedCostPerYear: number;
  prefillHostLayerSeconds: number;
  /** Multiplier on the MoE/MLA operators' fixed costs (inference-kernel.ts `moeMlaFixedCostScale`); prior 1. */
  moeMlaFixedCostScale: number;
  /** Their own maturity: ln growth per year of age on top of fixedCostPerYear (prior 0: they age alike). */
  moeMlaFixedCostPerYear: number;
  /** Factors per compute path on the efficiencies (16-bit: 1), efficiency.ts `pathFactorPriors`. */
  paths: Record<ComputePathId, PathFactor>;
  /** Share of the attention peak the prefill attention kernel reaches (efficiency.ts `prefillAttentionPriors`). */
  prefillAttention: number;
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
      ...(point.attentionDataParallel === undefined
        ? {}
        : { attentionDataParallel: point.attentionDataParallel }),
      ...(point.eager === undefined ? {} : { eager: point.eager }),
    },
  );
  const engineClass = r.engineClass;
  // The point's own release: its kernel paths' priors scale their operators in every run below, so the
  // fitted constants are those of the class's reference (newest) release. The factors are data, never fitted.
  const release = pointRelease(catalog, point, engineClass.id, r.model, r.device, r.formats);
  // The point's release also decides which decode steps its graphs cover (resolveInference took the newest).
  r.hw.decodeGraphMaxContext = release.decodeGraphMaxContext ?? 0;
  const base = {
    kernelSeconds: r.hw.kernelSeconds,
    layerSeconds: r.hw.layerSeconds,
    collectiveSeconds: r.hw.collectiveSeconds,
  };
  const mode = predictionMode(point);
  const peaks = operatorPeaks(r.formats, r.attentionDtype, matmulPeaks(r.device));
  // `r` resolved the class's reference release; the point's own release (or its command) sets its budget.
  const limits =
    mode === 'batch'
      ? undefined
      : {
          ...servingLimitsFor({ ...r, release }),
          ...(point.maxBatchedTokens === undefined ? {} : { maxBatchedTokens: point.maxBatchedTokens }),
        };
  if (limits && (mode === 'saturated' || mode === 'burst') && point.batch !== 'max')
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
    moe: r.model.architecture.moe !== undefined,
    moeMla: r.model.architecture.moe !== undefined || r.model.architecture.attention.type === 'mla',
    engineClass: engineClass.id,
    software: engineClass.software ?? engineClass.id,
    prior: priorParams(catalog, engineClass.id),
    path: computePathOf(r.formats.expertsPath.dtype),
    release,
    run: (eff) => {
      r.hw.effCompute = eff.compute;
      r.hw.effMemory = eff.memory;
      r.hw.effPrefillAttention = eff.prefillAttention;
      applyPathFactors(r.hw as OperatorRates, peaks, eff.paths);
      applyReleaseFactors(r.hw, release.factors);
      const fixedCostScale =
        eff.fixedCostScale * maturityFixedCostFactor(eff.fixedCostPerYear, release.ageYears);
      r.hw.kernelSeconds = base.kernelSeconds * fixedCostScale;
      r.hw.layerSeconds = base.layerSeconds * fixedCostScale;
      // A release's measured all-reduce latency is data: the fitted fixed-cost scale does not move it.
      r.hw.collectiveSeconds = releaseCollectiveSeconds(
        release,
        base.collectiveSeconds * fixedCostScale,
        r.hw.linkLatencySeconds,
      );
      r.hw.prefillHostLayerSeconds = eff.prefillHostLayerSeconds;
      r.hw.moeMlaFixedCostScale =
        eff.moeMlaFixedCostScale * maturityFixedCostFactor(eff.moeMlaFixedCostPerYear, release.ageYears);
      if (limits && mode === 'burst' && point.requests !== undefined) {
        const b = burstServing(stepTimesFor(r), limits, workload, point.requests);
        return {
          value: burstPointMetricValue(point, {
            ...b,
            inputTokens: r.work.inputTokens,
            outputTokens: r.work.outputTokens,
          }),
          bound: b.steady.decodeBound,
        };
      }
      if (limits) {
        const [p] = servingCurve(stepTimesFor(r), limits, workload, [concurrency]);
        if (!p) throw new Error(`no serving point for ${point.id}`);
        return {
          value: servingPointMetricValue(point, {
            ...p,
            inputTokens: r.work.inputTokens,
            outputTokens: r.work.outputTokens,
          }),
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

/** The inference points that enter fits and validation (those without an `excluded` reason). */
export function includedPoints(points: readonly InferencePoint[]): InferencePoint[] {
  return points.filter((p) => p.excluded === undefined);
}

/**
 * How a point is predicted: on the serving curve at its client concurrency (`curve`), on the serving curve
 * at saturation for in-flight batching fed without limit (`saturated`), as a burst of its `requests` sent at
 * once and timed to the last completion (`burst`), or as one static batch (`batch`).
 */
export function predictionMode(point: InferencePoint): 'curve' | 'saturated' | 'burst' | 'batch' {
  if (point.concurrency !== undefined) return 'curve';
  if (point.requests !== undefined) return 'burst';
  return point.scheduling === 'continuous' ? 'saturated' : 'batch';
}

/** The literature priors of an engine class as fit parameters (fixed costs as written: scale 1). */
function priorParams(catalog: Catalog, engine: EngineClassId): FitParams {
  const prior = efficiencyPriors[engine];
  const data = catalog.engines.find((e) => e.id === engine);
  return {
    compute: prior.compute,
    memory: prior.memory,
    fixedCostScale: 1,
    fixedCostPerYear: 0,
    prefillHostLayerSeconds: data?.prefillHostLayerSeconds ?? 0,
    moeMlaFixedCostScale: 1,
    moeMlaFixedCostPerYear: 0,
    paths: pathPriors(),
    prefillAttention: prefillAttentionPriors[engine].value,
  };
}

function pathPriors(): Record<ComputePathId, PathFactor> {
  const out = {} as Record<ComputePathId, PathFactor>;
  for (const p of computePathIds)
    out[p] = { compute: pathFactorPriors[p].compute, memory: pathFactorPriors[p].memory };
  return out;
}

/** The parameters a table entry gives a class (fixed costs and prefill host time default to the prior). */
function paramsOf(entry: EfficiencyEntry, prior: FitParams): FitParams {
  return {
    compute: entry.compute,
    memory: entry.memory,
    fixedCostScale: entry.fixedCostScale ?? 1,
    fixedCostPerYear: entry.fixedCostPerYear ?? 0,
    prefillHostLayerSeconds: entry.prefillHostLayerSeconds ?? prior.prefillHostLayerSeconds,
    moeMlaFixedCostScale: entry.moeMlaFixedCostScale ?? 1,
    moeMlaFixedCostPerYear: entry.moeMlaFixedCostPerYear ?? 0,
    paths: { ...prior.paths, ...entry.paths },
    prefillAttention: entry.prefillAttention ?? prior.prefillAttention,
  };
}

/**
 * The fit works in log offsets from each class's prior: [compute, memory, fixed-cost scale, prefill host
 * time, then the compute and memory factors of the FP8, FP4 and INT8 paths, the MoE/MLA fixed-cost
 * multiplier and the prefill attention efficiency]. One offset vector means the
 * same departure for every class it applies to ("this engine's kernels reach 0.8× what the literature
 * says"), which is what siblings of one software share.
 */
type Offsets = number[];
/**
 * The fitted paths, each with a compute offset at 4 + i and a memory offset at 4 + PATHS.length + i. INT8
 * keeps its neutral prior: its only engine is llama.cpp, whose MMQ and F16 kernels llamacpp-kernels.ts
 * models per format (a fitted INT8 factor would count the same effect twice).
 */
const PATHS: readonly ComputePathId[] = ['fp8', 'fp4'];
/**
 * The last offset: the MoE/MLA operators' fixed costs relative to the class's dense ones (a ln multiplier on
 * `moeMlaFixedCostScale`). Only points of MoE or MLA models see it (`identified`), so a dense-only class
 * keeps its prior of 1.
 */
const ARCH = 4 + 2 * PATHS.length;
/**
 * The last offset: the prefill attention kernel's efficiency (a ln multiplier on `prefillAttention`). Only
 * points whose prompts make attention a visible share of their time identify it (`identified`): elsewhere a
 * class keeps its literature prior. Never shared between sibling builds (`sharedWithSiblings`): the kernel
 * is the vendor stack's (FlashAttention on CUDA, CK or Triton on ROCm), not the serving software's.
 */
const ATTN = ARCH + 1;
const DIMS = ATTN + 1;
const ZERO: Offsets = new Array<number>(DIMS).fill(0);
/**
 * How far each offset may move from the prior: efficiencies within ×/÷ 3 (large GEMMs and weight streaming
 * reach 0.3-0.9 of peak on every stack measured; a fit asking for 30× less compute is explaining a missing
 * fixed cost with the wrong lever), fixed costs and prefill host time within ×/÷ 30 (priors scaled from
 * one H200 measurement, for engines we have not measured).
 */
const MAX_OFFSET: Offsets = [
  Math.log(3),
  Math.log(3),
  Math.log(30),
  Math.log(30),
  // Path factors within ×/÷ 3 of their priors, like the efficiencies they scale.
  ...new Array<number>(2 * PATHS.length).fill(Math.log(3)),
  // MoE/MLA fixed costs within ×/÷ 30 of the dense ones, like the fixed costs they scale.
  Math.log(30),
  // Prefill attention within ×/÷ 3 of its prior, like the GEMM efficiencies (the papers' kernels span
  // 0.35-0.75 of peak on one device; a fit asking for more is explaining something else with it).
  Math.log(3),
];
const COARSE: number[][] = [
  [0],
  [0],
  [-Math.log(9), -Math.log(3), 0, Math.log(3), Math.log(9)],
  [-Math.log(9), -Math.log(3), 0, Math.log(3), Math.log(9)],
  ...PATHS.flatMap(() => [[0], [0]]),
  [0],
  [0],
];
/**
 * Upper bound of a path factor: on one device a narrower format's GEMMs reach at most about the share of
 * their own peak, and of bandwidth, that 16-bit GEMMs reach (every comparison read: 0.58-0.95 of it in
 * compute, 0.30-1.07 in weight streaming; efficiency.ts `pathFactorPriors`). Without it the fit reads a
 * hardware generation as a format: the only 16-bit TensorRT-LLM points are A100 runs, the FP8 ones Hopper.
 */
const PATH_FACTOR_MAX = 1.1;
const clampOffset = (i: number, x: number) =>
  Math.max(-(MAX_OFFSET[i] ?? 0), Math.min(MAX_OFFSET[i] ?? 0, x));

function applyOffsets(prior: FitParams, d: Offsets): FitParams {
  const compute = Math.min(1, prior.compute * Math.exp(d[0] ?? 0));
  const memory = Math.min(1, prior.memory * Math.exp(d[1] ?? 0));
  const paths = { ...prior.paths };
  PATHS.forEach((p, i) => {
    // A path may not take a class past its peak or its bandwidth, nor past PATH_FACTOR_MAX.
    paths[p] = {
      compute: Math.min(PATH_FACTOR_MAX, 1 / compute, prior.paths[p].compute * Math.exp(d[4 + i] ?? 0)),
      memory: Math.min(
        PATH_FACTOR_MAX,
        1 / memory,
        prior.paths[p].memory * Math.exp(d[4 + PATHS.length + i] ?? 0),
      ),
    };
  });
  return {
    compute,
    memory,
    fixedCostScale: prior.fixedCostScale * Math.exp(d[2] ?? 0),
    fixedCostPerYear: prior.fixedCostPerYear,
    prefillHostLayerSeconds: prior.prefillHostLayerSeconds * Math.exp(d[3] ?? 0),
    moeMlaFixedCostScale: prior.moeMlaFixedCostScale * Math.exp(d[ARCH] ?? 0),
    moeMlaFixedCostPerYear: prior.moeMlaFixedCostPerYear,
    paths,
    prefillAttention: Math.min(1, prior.prefillAttention * Math.exp(d[ATTN] ?? 0)),
  };
}

/**
 * Pull toward the centre (the prior, or the software's fit for one of its classes), per offset: firm for
 * the efficiencies (large GEMMs and weight streaming are measured on every stack; the literature puts them
 * within ~1.5×), weak for fixed costs and prefill host time (priors scaled from one H200 measurement). So
 * a TTFT the roofline cannot explain moves the launch costs that explain it, not the GEMM efficiency.
 */
const PRIOR_WEIGHT: Offsets = [
  0.5,
  0.5,
  0.02,
  0.02,
  ...new Array<number>(2 * PATHS.length).fill(0.5),
  // The MoE/MLA scale is a fixed cost too: weakly toward 1 (MoE/MLA kernels cost what dense ones do).
  0.02,
  // Prefill attention: firmly toward its prior, like the efficiencies (published kernels within ~1.5×).
  0.5,
];
/**
 * Robust loss on the log error: quadratic within ±40% (ln 1.4), linear beyond (pseudo-Huber), so one
 * setup we model badly cannot drag a class's constants away from the points it shares physics with.
 */
const HUBER = Math.log(1.4);

/** The robust loss of one prediction against its measurement. */
function pointLoss(predicted: number, measured: number): number {
  const r = Math.log(predicted / measured);
  return Number.isFinite(r) ? 2 * HUBER ** 2 * (Math.sqrt(1 + (r / HUBER) ** 2) - 1) : 1e6;
}

function loss(points: PreparedPoint[], d: Offsets, centre: Offsets): number {
  let sum = 0;
  for (let i = 0; i < DIMS; i++) sum += (PRIOR_WEIGHT[i] ?? 0) * ((d[i] ?? 0) - (centre[i] ?? 0)) ** 2;
  for (const p of points) sum += pointLoss(p.run(applyOffsets(p.prior, d)).value, p.point.measured);
  return sum;
}

/**
 * Software maturity: a release older than its class's reference runs the class's fixed costs (per kernel,
 * per layer, per collective) times exp(slope × age in years). Physically the host and launch overheads
 * that engines removed release after release over 2024-2025: CUDA/HIP graph capture of more step shapes,
 * fused kernels (fewer launches per layer), overlapped scheduling. One slope for every class, fitted on all
 * of them together, so a class whose only points ran one release is still told how much an older or newer
 * build differs from what the other engines show. Bounded to [0, ln 10] per year: a newer release is not
 * assumed slower, and no engine is assumed to cut its fixed costs more than tenfold a year on average.
 * Pulled weakly toward 0 (no maturity effect) with the fixed costs' weight.
 */
const MATURITY_MAX = Math.log(10);
const MATURITY_PRIOR_WEIGHT = 0.02;
/**
 * The joint fit alternates: the class constants are fitted at a starting slope (fixed costs halving a
 * year; a start, not a prior), then up to MATURITY_ROUNDS times the slope is fitted with every class held
 * and the classes whose points ran older releases are refitted at it from their previous fit, stopping once
 * the slope moves less than MATURITY_TOLERANCE. On the shipped data (2026-12-05) the slope goes 1.08, 1.18
 * (1.17 with the sourced release dates and ages counted within a runtime, engine-release.ts `ageReference`);
 * further rounds would add about 0.04, then 0.02, at about half a full fit each (validate refits 18 times).
 */
const MATURITY_START = Math.log(2);
const MATURITY_ROUNDS = 2;
const MATURITY_TOLERANCE = 0.05;
const MOE_MLA_SLOPE = true;

/** The two maturity slopes: every fixed cost's, and the MoE/MLA operators' extra (`moeMlaFixedCostPerYear`). */
interface Slopes {
  all: number;
  moeMla: number;
}

/** Mean release age of each software's points: where its fixed costs are fitted (`fitPrepared`). */
function ageCentres(prepared: readonly PreparedPoint[]): Map<string, number> {
  const sums = new Map<string, { age: number; n: number }>();
  for (const p of prepared) {
    const s = sums.get(p.software) ?? { age: 0, n: 0 };
    s.age += p.release.ageYears;
    s.n += 1;
    sums.set(p.software, s);
  }
  return new Map([...sums].map(([k, v]) => [k, v.age / v.n]));
}

/**
 * The maturity slopes that best explain the points of older releases, every class's constants held: the
 * slope on every fixed cost first, then the MoE/MLA operators' extra slope at it (each a 1-D search).
 */
function fitMaturity(
  prepared: readonly PreparedPoint[],
  table: EfficiencyTable,
  current: Slopes,
  centre: ReadonlyMap<string, number>,
  moeMlaCentre: ReadonlyMap<string, number>,
): Slopes {
  // Every point of a software with older releases (its newest points see the slope too: a software's
  // fixed costs stay where they are at its centre age while the slope turns them).
  const softwares = new Set(prepared.filter((p) => p.release.ageYears > 0).map((p) => p.software));
  const points = prepared
    .filter((p) => softwares.has(p.software))
    .map((p) => ({
      p,
      centre: centre.get(p.software) ?? 0,
      moeMlaCentre: moeMlaCentre.get(p.software) ?? 0,
      params: paramsOf(efficiencyFor(table, p.hardwareClass, p.engineClass), p.prior),
    }));
  const lossAt = (slopes: Slopes, which: 'all' | 'moeMla') => {
    let sum = MATURITY_PRIOR_WEIGHT * slopes[which] ** 2;
    for (const { p, centre, moeMlaCentre, params } of points) {
      // The MoE/MLA slope moves MoE/MLA points only; dense ones do not depend on it.
      if (which === 'moeMla' && !p.moeMla) continue;
      const fixedCostScale = params.fixedCostScale * Math.exp((current.all - slopes.all) * centre);
      const moeMlaFixedCostScale =
        params.moeMlaFixedCostScale * Math.exp((current.moeMla - slopes.moeMla) * moeMlaCentre);
      sum += pointLoss(
        p.run({
          ...params,
          fixedCostScale,
          fixedCostPerYear: slopes.all,
          moeMlaFixedCostScale,
          moeMlaFixedCostPerYear: slopes.moeMla,
        }).value,
        p.point.measured,
      );
    }
    return sum;
  };
  const all = searchSlope((x) => lossAt({ all: x, moeMla: current.moeMla }, 'all'));
  if (!MOE_MLA_SLOPE) return { all, moeMla: 0 };
  const moeMla = searchSlope((x) => lossAt({ all, moeMla: x }, 'moeMla'));
  return { all, moeMla };
}

/** A slope in [0, MATURITY_MAX]: a grid over the bounds (the loss can have more than one valley), then golden section. */
function searchSlope(lossAt: (slope: number) => number): number {
  const steps = 10;
  let best = 0;
  let bestLoss = lossAt(0);
  for (let i = 1; i <= steps; i++) {
    const x = (MATURITY_MAX * i) / steps;
    const l = lossAt(x);
    if (l < bestLoss) {
      best = x;
      bestLoss = l;
    }
  }
  let lo = Math.max(0, best - MATURITY_MAX / steps);
  let hi = Math.min(MATURITY_MAX, best + MATURITY_MAX / steps);
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = hi - phi * (hi - lo);
  let b = lo + phi * (hi - lo);
  let la = lossAt(a);
  let lb = lossAt(b);
  while (hi - lo > 0.01) {
    if (la < lb) {
      hi = b;
      b = a;
      lb = la;
      a = hi - phi * (hi - lo);
      la = lossAt(a);
    } else {
      lo = a;
      a = b;
      la = lb;
      b = lo + phi * (hi - lo);
      lb = lossAt(b);
    }
  }
  const x = (lo + hi) / 2;
  return lossAt(x) < bestLoss ? x : best;
}

/** Metrics that time prompt processing itself: the only ones that identify the prefill host time. */
const PREFILL_METRICS: ReadonlySet<InferencePoint['metric']> = new Set([
  'ttftSeconds',
  'prefillTokensPerSecond',
]);

/**
 * The compute paths whose factors the points can tell from the anchor path's. A format factor is a
 * comparison within one build: two paths are linked where builds of one release (`releaseSeries`: the same
 * numeric version, dev and post builds included) ran dense points on both, and a path is identified
 * through a chain of such links to the anchor (TensorRT-LLM: 16-bit and FP8 on 0.17, FP8 and FP4 on 1.0;
 * vLLM on ROCm: BF16 and FP8 on 0.6.3 builds). A path no release shares with the anchor's chain is
 * confounded with its releases: on vLLM (CUDA) every FP8 dense point ran a 2024 build (0.5.4, 0.6.3) and
 * every 16-bit one 0.11.0, and the fitted FP8 factor carried the builds' whole difference (host overheads,
 * scheduler, kernels) onto the format, FP8 weights streaming at 0.3-0.4 of bandwidth (Lambda's 70B runs held
 * out 33% too slow). Such a path keeps its sourced prior (efficiency.ts `pathFactorPriors`).
 */
function pathsLinkedTo(
  anchor: ComputePathId | undefined,
  points: readonly PreparedPoint[],
): Set<ComputePathId> {
  const byRelease = new Map<string, Set<ComputePathId>>();
  for (const p of points) {
    if (p.moe) continue;
    const key = `${p.engineClass} ${releaseSeries(p.release.version ?? '')}`;
    const paths = byRelease.get(key) ?? new Set<ComputePathId>();
    paths.add(p.path);
    byRelease.set(key, paths);
  }
  const linked = new Set<ComputePathId>(anchor === undefined ? [] : [anchor]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const paths of byRelease.values()) {
      if (![...paths].some((q) => linked.has(q))) continue;
      for (const q of paths)
        if (!linked.has(q)) {
          linked.add(q);
          grew = true;
        }
    }
  }
  return linked;
}

/**
 * The offsets these points can identify: the efficiencies always (pulled toward their priors); a fixed
 * cost only when raising it 9× (the coarse grid's reach) moves some point's prediction by more than 5%
 * (a small rise can show nothing: decode host time counts only where it exceeds the device's, and prompt
 * passes may be rare). Saturated throughput runs hide
 * launch and per-layer costs behind large steps, so they leave those at their prior instead of bending
 * them to absorb whatever else the model misses (which would then distort batch-1 latency).
 * The prefill host time is judged on points that time prompt processing (TTFT, prefill rate) only: TPOT and
 * throughput see it through the modelled share of prompt-carrying steps alone, so a decode step the model
 * underestimates would be "explained" by it (DeepSeek-R1 on MI300X under vLLM 0.7.3, TPOT 46 ms at
 * concurrency 4 against 12 ms modelled, sent the vLLM-ROCm value from its 0.3 ms prior to the 9 ms bound,
 * and with it the TPOT of every dense serving point of the class 2-7× too slow).
 */
function identified(
  points: PreparedPoint[],
  centre: Offsets,
  withPaths: boolean,
  withMoeMla: boolean,
): number[] {
  const dims = [0, 1];
  // Points on k paths identify k - 1 path factors: the class efficiency and one path's factor explain the
  // same points. The anchor keeps its prior: the 16-bit path (factor 1 by definition) where points use
  // it, else the path with the most points (TensorRT-LLM's perf-overview v1.0 alone: FP8 anchors, FP4 is
  // fitted against it). A single-path class keeps every prior. Dense-model points only: an MoE point's
  // path is its routed experts', whose grouped GEMMs carry the MoE model's own unknowns (expert shapes,
  // load balance, dispatch), which a format factor would absorb and carry to every dense model.
  const counts = new Map<ComputePathId, number>();
  for (const p of points) if (!p.moe) counts.set(p.path, (counts.get(p.path) ?? 0) + 1);
  if (withPaths && counts.size > 1) {
    const [first] = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const anchor = counts.has('bf16') ? 'bf16' : first?.[0];
    const linked = pathsLinkedTo(anchor, points);
    PATHS.forEach((p, i) => {
      if (counts.has(p) && p !== anchor && linked.has(p)) dims.push(4 + i, 4 + PATHS.length + i);
    });
  }
  for (const i of withMoeMla ? [2, 3, ARCH] : [2, 3]) {
    const moved: Offsets = [...centre];
    moved[i] = (moved[i] ?? 0) + Math.log(9);
    const judges =
      i === 3
        ? points.filter((p) => PREFILL_METRICS.has(p.point.metric))
        : i === ARCH
          ? points.filter((p) => p.moeMla)
          : points;
    const sensitive = judges.some((p) => {
      const base = p.run(applyOffsets(p.prior, centre)).value;
      const raised = p.run(applyOffsets(p.prior, moved)).value;
      return Math.abs(Math.log(raised / base)) > Math.log(1.05);
    });
    if (sensitive) dims.push(i);
  }
  // The prefill attention efficiency: where a point that times prompt processing (TTFT, prefill rate) moves
  // by more than 5% when the kernel runs 3× slower (its bound), i.e. where a timed prompt is long enough
  // for attention to be a visible share of it; elsewhere the class keeps its prior. Not on throughput or
  // TPOT, for the reason the prefill host time is not: there attention is one lever among the decode
  // step's, and a fit bends it to absorb whatever the step misses (TensorRT-LLM's 5,000-token throughput
  // tables pulled it to its ÷3 bound while its 20,000-token rows asked for more than the prior).
  const slower: Offsets = [...centre];
  slower[ATTN] = (slower[ATTN] ?? 0) - Math.log(3);
  const attentionSeen = points.some((p) => {
    if (!PREFILL_METRICS.has(p.point.metric)) return false;
    const base = p.run(applyOffsets(p.prior, centre)).value;
    const slowed = p.run(applyOffsets(p.prior, slower)).value;
    return Math.abs(Math.log(slowed / base)) > Math.log(1.05);
  });
  if (attentionSeen) dims.push(ATTN);
  return dims;
}

/**
 * Deterministic pattern search from the centre: move each offset up and down by a step, keep any move that
 * lowers the loss, halve the step when none does (ln 2 down to ~1%). A few dozen evaluations where a grid
 * needs hundreds: every evaluation runs the serving curve. The prefill-host offset is searched only when
 * the points identify it (`identified`).
 */
function fitOffsets(
  points: PreparedPoint[],
  centre: Offsets,
  withPaths = false,
  /** A previous fit of the same points (the slope moved since): searched from it, with finer steps. */
  warm?: Offsets,
  /** Whether to fit the MoE/MLA fixed-cost offset (software and class levels; a hardware class takes its class's). */
  withMoeMla = true,
): Offsets {
  const dims = identified(points, centre, withPaths, withMoeMla);
  if (warm) {
    // Offsets the points cannot identify stay at the centre, which may have moved with the slope.
    const start = centre.map((c, i) => (dims.includes(i) ? (warm[i] ?? c) : c));
    return patternSearch(points, centre, dims, start, WARM_STEP);
  }
  let best: Offsets = [...centre];
  let bestLoss = loss(points, best, centre);
  // Start from the best point of a coarse grid around the centre (fixed costs and host time ×/÷ 3 and 9;
  // efficiencies at the centre, then searched): the landscape has more than one valley (a TTFT can be bought with slow GEMMs or with
  // slow launches), and a local search from the prior takes whichever lever is steepest there.
  const levels = COARSE.map((l, i) => (dims.includes(i) ? l : [0]));
  const combos = levels.reduce((n, l) => n * l.length, 1);
  for (let k = 0; k < combos; k++) {
    const start: Offsets = [...centre];
    for (let i = 0, code = k; i < levels.length; i++) {
      const own = levels[i] ?? [0];
      start[i] = clampOffset(i, (centre[i] ?? 0) + (own[code % own.length] ?? 0));
      code = Math.floor(code / own.length);
    }
    const l = loss(points, start, centre);
    if (l < bestLoss - 1e-12) {
      bestLoss = l;
      best = start;
    }
  }
  return patternSearch(points, centre, dims, best, Math.LN2);
}

/** A refit from a previous fit starts with steps of ln 2 / 8 (±9%): the slope moved its optimum little. */
const WARM_STEP = Math.LN2 / 8;

function patternSearch(
  points: PreparedPoint[],
  centre: Offsets,
  dims: readonly number[],
  start: Offsets,
  firstStep: number,
): Offsets {
  // The loss of some offsets with each point's share: a move of the MoE/MLA offset alone re-runs only the
  // MoE/MLA points (a dense model never reads it) and takes the others' losses from the best so far. The
  // same sum in the same order as `loss`, so the search takes the same path as re-running every point.
  const evaluate = (d: Offsets, base?: Float64Array): { loss: number; per: Float64Array } => {
    const per = new Float64Array(points.length);
    let sum = 0;
    for (let i = 0; i < DIMS; i++) sum += (PRIOR_WEIGHT[i] ?? 0) * ((d[i] ?? 0) - (centre[i] ?? 0)) ** 2;
    points.forEach((p, j) => {
      const l =
        base && !p.moeMla
          ? (base[j] as number)
          : pointLoss(p.run(applyOffsets(p.prior, d)).value, p.point.measured);
      per[j] = l;
      sum += l;
    });
    return { loss: sum, per };
  };
  const archOnly = (a: Offsets, b: Offsets) => a.every((x, i) => i === ARCH || x === b[i]);
  let best: Offsets = [...start];
  let bestEval = evaluate(best);
  const tryOffsets = (candidate: Offsets, from: Offsets, fromEval: { per: Float64Array }) =>
    evaluate(candidate, archOnly(candidate, from) ? fromEval.per : undefined);
  for (let step = firstStep; step > 0.01; step /= 2) {
    // Steepest of the 2 × dims moves each round (not the first that helps): a first-improvement search
    // lets whichever offset comes first absorb what another one explains.
    for (let guard = 0; guard < 50; guard++) {
      let move: Offsets | undefined;
      let moveEval = bestEval;
      for (const i of dims) {
        for (const sign of [1, -1]) {
          const candidate: Offsets = [...best];
          candidate[i] = clampOffset(i, (best[i] ?? 0) + sign * step);
          if (candidate[i] === best[i]) continue;
          const e = tryOffsets(candidate, best, bestEval);
          if (e.loss < moveEval.loss - 1e-12) {
            moveEval = e;
            move = candidate;
          }
        }
      }
      if (!move) break;
      // Keep going the way the steepest move went while it still helps (one evaluation a step, where a
      // new round costs two per direction): a start far from the optimum is crossed in a few rounds.
      let from = best;
      for (;;) {
        const at: Offsets = move;
        const next = at.map((x, i) => clampOffset(i, x + (x - (from[i] ?? 0))));
        if (next.every((x, i) => x === at[i])) break;
        const e = tryOffsets(next, at, moveEval);
        if (!(e.loss < moveEval.loss - 1e-12)) break;
        from = at;
        move = next;
        moveEval = e;
      }
      best = move;
      bestEval = moveEval;
    }
  }
  return best;
}

function fittedEntry(
  engine: EngineClassId,
  params: FitParams,
  points: PreparedPoint[],
  note: string,
  hardwareClass?: HardwareClass,
): EfficiencyEntry {
  const paths: Partial<Record<ComputePathId, PathFactor>> = {};
  for (const p of PATHS)
    paths[p] = {
      compute: Number(params.paths[p].compute.toFixed(3)),
      memory: Number(params.paths[p].memory.toFixed(3)),
    };
  const entry: EfficiencyEntry = {
    engine,
    compute: Number(params.compute.toFixed(3)),
    memory: Number(params.memory.toFixed(3)),
    paths,
    fixedCostScale: Number(params.fixedCostScale.toPrecision(3)),
    fixedCostPerYear: Number(params.fixedCostPerYear.toPrecision(3)),
    prefillHostLayerSeconds: Number(params.prefillHostLayerSeconds.toPrecision(3)),
    moeMlaFixedCostScale: Number(params.moeMlaFixedCostScale.toPrecision(3)),
    moeMlaFixedCostPerYear: Number(params.moeMlaFixedCostPerYear.toPrecision(3)),
    origin: 'fitted',
    points: points.map((p) => p.point.id),
    sources: points.map((p) => p.point.source as Source),
    note,
  };
  // The prefill attention efficiency only where the fit moved it (points identified it): else the prior stands.
  const attention = Number(params.prefillAttention.toFixed(3));
  if (attention !== Number(prefillAttentionPriors[engine].value.toFixed(3)))
    entry.prefillAttention = attention;
  if (hardwareClass) entry.hardwareClass = hardwareClass;
  return entry;
}

/**
 * What a class takes from its software's fit (SGLang on CUDA from SGLang on ROCm, and back): the
 * efficiency offsets (how the engine's kernels fare against the literature) and the device fixed-cost
 * scale (the software's kernels per layer and its fusion, multiplying each class's own per-kernel, per-layer
 * and per-collective priors, which carry the stack: CUDA vs HIP graphs, NCCL vs RCCL). Not the eager
 * prefill host time: it is set by the build's host path (host CPU, HIP vs CUDA launch, the ROCm build's
 * own prefill kernels and flags) and is the largest fitted term (5 ms a layer, 300 ms a prefill step), so
 * a sibling's fit would set a class's TTFT wholesale from another stack's measurements. A class fits it on
 * its own points, pulled toward its own sourced prior, and keeps that prior without points. Nothing
 * crosses software boundaries (vLLM learns nothing from SGLang).
 */
function sharedWithSiblings(fitted: Offsets): Offsets {
  // Not the compute-path factors (offsets 4 on) either: an FP8 or FP4 GEMM is the vendor library's kernel
  // (cuBLASLt / CUTLASS on CUDA, hipBLASLt on ROCm), not the serving software's, so each class fits them
  // on its own points (`fitPrepared`) and keeps the sourced priors without any. Shared, the 96 FP8 points
  // of AMD's rocm/vllm-dev images set vLLM-on-CUDA's FP8 factors, and held out, vLLM-on-CUDA's set theirs
  // (FP8 weight streaming at 0.35-0.4 of the 16-bit rate on MI300X: 405B FP8 predicted slower than BF16).
  // The MoE/MLA fixed-cost offset is the software's too (its MoE and MLA kernels, on each class's priors).
  const shared = [fitted[0] ?? 0, fitted[1] ?? 0, fitted[2] ?? 0, 0, ...new Array<number>(DIMS - 4).fill(0)];
  shared[ARCH] = fitted[ARCH] ?? 0;
  return shared;
}

/**
 * Fits per engine class in three levels, each pulled toward the one above: the software (SGLang on CUDA
 * and on ROCm together, as offsets from each class's prior), the class, and (hardware class, class) where
 * at least two points exist. A class without points of its own takes its software's shared offsets
 * (`sharedWithSiblings`) on its own priors; a software without points keeps the priors. The software-
 * maturity slope is shared by every class (`fitMaturity`): fitted once across all of them, with each
 * class's constants, then the classes whose points ran older releases refitted at it.
 */
function fitPrepared(catalog: Catalog, prepared: PreparedPoint[]): EfficiencyTable {
  const softwareOf = (id: EngineClassId) => catalog.engines.find((e) => e.id === id)?.software ?? id;
  const classes = Object.keys(efficiencyPriors) as EngineClassId[];
  const softwares = [...new Set(classes.map(softwareOf))];
  const aged = new Set(prepared.filter((p) => p.release.ageYears > 0).map((p) => p.software));
  const centre = ageCentres(prepared);
  // The MoE/MLA scale sits at the mean age of the software's MoE/MLA points, for the same reason.
  const moeMlaCentre = ageCentres(prepared.filter((p) => p.moeMla));
  const warm = new Map<string, Offsets>();
  // Each software's fixed costs are fitted at the mean age of its points (the prior's scale 1 sits there),
  // so the slope turns them about their centre instead of also moving their level: slope and level are
  // then nearly independent, and fitting them in turn converges in a round or two.
  const fitAt = (slopes: Slopes, only: ReadonlySet<string> | undefined) =>
    fitSoftwares(
      catalog,
      prepared.map((p) => ({
        ...p,
        prior: {
          ...p.prior,
          fixedCostPerYear: slopes.all,
          fixedCostScale: Math.exp(-slopes.all * (centre.get(p.software) ?? 0)),
          moeMlaFixedCostPerYear: slopes.moeMla,
          moeMlaFixedCostScale: Math.exp(-slopes.moeMla * (moeMlaCentre.get(p.software) ?? 0)),
        },
      })),
      softwares.filter((s) => !only || only.has(s)),
      classes,
      warm,
    );
  // No point ran an older release: nothing tells the slope from its prior (no maturity effect).
  if (aged.size === 0) return { entries: fitAt({ all: 0, moeMla: 0 }, undefined) };
  let slopes: Slopes = { all: MATURITY_START, moeMla: 0 };
  let entries = fitAt(slopes, undefined);
  for (let round = 0; round < MATURITY_ROUNDS; round++) {
    const next = fitMaturity(prepared, { entries }, slopes, centre, moeMlaCentre);
    const moved = Math.max(Math.abs(next.all - slopes.all), Math.abs(next.moeMla - slopes.moeMla));
    slopes = next;
    // Only the classes whose points ran older releases see the slope; the others' fits stand.
    entries = [...entries.filter((e) => !aged.has(softwareOf(e.engine))), ...fitAt(slopes, aged)];
    if (moved < MATURITY_TOLERANCE) break;
  }
  const fixedCostPerYear = Number(slopes.all.toPrecision(3));
  const moeMlaFixedCostPerYear = Number(slopes.moeMla.toPrecision(3));
  return { entries: entries.map((e) => ({ ...e, fixedCostPerYear, moeMlaFixedCostPerYear })) };
}

function fitSoftwares(
  catalog: Catalog,
  prepared: PreparedPoint[],
  softwares: readonly string[],
  classes: readonly EngineClassId[],
  /** Offsets of a previous fit by level (software, class, hardware class): read as starts, then replaced. */
  warm?: Map<string, Offsets>,
): EfficiencyEntry[] {
  const entries: EfficiencyEntry[] = [];
  const fit = (
    key: string,
    points: PreparedPoint[],
    centre: Offsets,
    withPaths = false,
    withMoeMla = true,
  ): Offsets => {
    const offsets = fitOffsets(points, centre, withPaths, warm?.get(key), withMoeMla);
    warm?.set(key, offsets);
    return offsets;
  };
  const softwareOf = (id: EngineClassId) => catalog.engines.find((e) => e.id === id)?.software ?? id;
  for (const software of softwares) {
    const own = prepared.filter((p) => p.software === software);
    if (own.length === 0) continue;
    // The software level fits path factors too (so the efficiencies it shares are those of the 16-bit
    // path), but hands its classes only efficiencies and fixed costs (`sharedWithSiblings`).
    const softwareFit = fit(software, own, ZERO, true);
    const shared = sharedWithSiblings(softwareFit);
    for (const engine of classes.filter((c) => softwareOf(c) === software)) {
      // The slope and centred fixed-cost prior the points carry (`fitPrepared`), the same for every class.
      const prior = {
        ...priorParams(catalog, engine),
        fixedCostPerYear: own[0]?.prior.fixedCostPerYear ?? 0,
        fixedCostScale: own[0]?.prior.fixedCostScale ?? 1,
        moeMlaFixedCostPerYear: own[0]?.prior.moeMlaFixedCostPerYear ?? 0,
        moeMlaFixedCostScale: own[0]?.prior.moeMlaFixedCostScale ?? 1,
      };
      const mine = own.filter((p) => p.engineClass === engine);
      if (mine.length === 0) {
        const siblings = [...new Set(own.map((p) => p.engineClass))].join(', ');
        entries.push(
          fittedEntry(
            engine,
            applyOffsets(prior, shared),
            own,
            `no points of its own: efficiencies and device fixed costs moved from its priors as the fit moved its sibling ${software} build(s) (${siblings}, ${own.length} published measurements); eager prefill host time is its own prior (data/engines), never a sibling's fit, and so are its compute-path factors (efficiency.ts)`,
          ),
        );
        continue;
      }
      // Path factors at this level (the class's own vendor kernels), carried by its hardware classes.
      // A class holding all its software's points (TensorRT-LLM, Gaudi, each llama.cpp backend) has no
      // sibling to keep its path factors from: it keeps the software fit's and refits the rest around it.
      // So with the MoE/MLA multiplier: the software fit set it on these same points.
      const offsets =
        mine.length === own.length
          ? fit(engine, mine, [...shared.slice(0, 4), ...softwareFit.slice(4)], false, false)
          : fit(engine, mine, shared, true);
      entries.push(
        fittedEntry(
          engine,
          applyOffsets(prior, offsets),
          mine,
          `fitted to ${mine.length} published measurements (all hardware classes), robust log loss, pulled toward the ${software} software fit over ${own.length} points and the literature prior`,
        ),
      );
      for (const hardwareClass of [...new Set(mine.map((p) => p.hardwareClass))]) {
        const group = mine.filter((p) => p.hardwareClass === hardwareClass);
        if (group.length < 2) continue;
        entries.push(
          fittedEntry(
            engine,
            // The MoE/MLA multiplier is the software's kernels, like the path factors: the class's.
            applyOffsets(prior, fit(`${engine}:${hardwareClass}`, group, offsets, false, false)),
            group,
            `fitted to ${group.length} published measurements on ${hardwareClass}, pulled toward the class fit`,
            hardwareClass,
          ),
        );
      }
    }
  }
  return entries;
}

/**
 * Fits efficiencies and fixed costs per engine class (and per hardware class × engine class where at least
 * two measurements exist) from the given published inference measurements (the calibration data's, or a
 * subset to refit without held-out points: leave-one-family-out validation). Excluded points are skipped.
 */
export function fitEfficiencies(
  catalog: Catalog,
  points: readonly InferencePoint[],
  /**
   * Fit only these engine classes (their entries are the same as in the whole fit). Siblings of one
   * software fit together, and the software-maturity slope is fitted on every software whose points ran
   * an older release, so those are fitted too (their entries come back with the asked-for ones).
   */
  engines?: ReadonlySet<EngineClassId>,
  /**
   * With `engines`: the estimate runs each class's reference release, where the slope prices nothing. A
   * software none of whose points ran an older release is then fitted alone (its fit does not depend on
   * the slope) and its entries carry no slope (`fixedCostPerYear` absent), saving the fits the slope needs.
   */
  referenceOnly = false,
): EfficiencyTable {
  const included = includedPoints(points);
  if (!engines)
    return fitPrepared(
      catalog,
      included.map((p) => prepare(catalog, p)),
    );
  const softwareOf = (id: EngineClassId) => catalog.engines.find((e) => e.id === id)?.software ?? id;
  const softwareOfPoint = (p: InferencePoint) =>
    softwareOf(engineClassIdOf(catalog, p.engine, findDevice(catalog, p.hardware)));
  const wanted = new Set([...engines].map(softwareOf));
  const aged = new Set(included.filter((p) => pointReleaseAged(catalog, p)).map(softwareOfPoint));
  const needSlope = !referenceOnly || [...wanted].some((s) => aged.has(s));
  if (needSlope) for (const s of aged) wanted.add(s);
  const table = fitPrepared(
    catalog,
    included.filter((p) => wanted.has(softwareOfPoint(p))).map((p) => prepare(catalog, p)),
  );
  if (needSlope) return table;
  return {
    entries: table.entries.map(
      ({ fixedCostPerYear: _unfitted, moeMlaFixedCostPerYear: _alsoUnfitted, ...entry }) => entry,
    ),
  };
}

/**
 * The release a calibration point ran and its kernel paths: the version the point names, else the newest
 * the data knows by the day it was published. `formats` (the point's GEMM formats) where the caller has
 * them: a path limited to some formats applies only where they match; the release and its age do not depend on them.
 */
function pointRelease(
  catalog: Catalog,
  point: InferencePoint,
  engine: EngineClassId,
  model: Model,
  device: Device,
  formats?: OperatorFormats,
): ReleaseKernels {
  return releaseKernels(
    catalog,
    engine,
    model,
    device,
    point.engineRelease,
    'point',
    formats,
    point.publishedOn,
  );
}

/** Whether a point ran a release older than its class's reference (its release age is above 0). */
function pointReleaseAged(catalog: Catalog, point: InferencePoint): boolean {
  const device = findDevice(catalog, point.hardware);
  const engine = engineClassIdOf(catalog, point.engine, device);
  return pointRelease(catalog, point, engine, findModel(catalog, point.model), device).ageYears > 0;
}

/** One point predicted with a fitted table: the value of the point's metric and what bounds it. */
export function predictPoint(
  catalog: Catalog,
  table: EfficiencyTable,
  point: InferencePoint,
): { value: number; bound: string; engineClass: EngineClassId; engineRelease: string | undefined } {
  const p = prepare(catalog, point);
  const entry = efficiencyFor(table, p.hardwareClass, p.engineClass);
  return { ...p.run(paramsOf(entry, p.prior)), engineClass: p.engineClass, engineRelease: p.release.version };
}

export interface CalibrationCheck {
  id: string;
  model: string;
  hardware: string;
  count: number;
  engine: Engine;
  engineClass: EngineClassId;
  /**
   * The release whose kernel paths predicted the point (data/engines/releases.yaml): its own where the data
   * knows it, else the nearest older known one; the class's newest where the point names none.
   */
  engineRelease?: string;
  metric: InferencePoint['metric'];
  measured: number;
  /** Predicted with efficiencies fitted on every point. */
  predicted: number;
  /** Predicted with efficiencies fitted on all other points (leave-one-out): the honest error. */
  predictedHeldOut: number;
  error: number;
  errorHeldOut: number;
  bound: string;
  /** How the point was predicted: serving curve at its concurrency, at saturation, a burst, or one static batch. */
  prediction: 'curve' | 'saturated' | 'burst' | 'batch';
  source: Source;
}

/** Every calibration point with its prediction, in-sample and held out. */
export function checkCalibration(
  catalog: Catalog,
  points: readonly InferencePoint[],
): { checks: CalibrationCheck[]; table: EfficiencyTable } {
  const prepared = includedPoints(points).map((p) => prepare(catalog, p));
  const table = fitPrepared(catalog, prepared);
  const checks = prepared.map((p, i) => {
    const inSample = p.run(paramsOf(efficiencyFor(table, p.hardwareClass, p.engineClass), p.prior));
    const heldOutTable = fitPrepared(
      catalog,
      prepared.filter((_, j) => j !== i),
    );
    const heldOut = p.run(paramsOf(efficiencyFor(heldOutTable, p.hardwareClass, p.engineClass), p.prior));
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
