import type { Catalog } from '../catalog/catalog.ts';
import { findDevice, findModel } from '../catalog/catalog.ts';
import type { DenseTflops, Device, Model } from '../catalog/schema.ts';
import { InputError } from '../errors/clearbox-error.ts';
import { type Figure, figure, given, named, rangeMidpoint } from '../figure/figure.ts';
import type { Source } from '../figure/source.ts';
import { attentionFlopsPerToken, attentionWidthPerHead } from './attention.ts';
import { countParameters } from './parameters.ts';
import { deviceSource, peakFlopsFigure } from './peak.ts';
import { devicePowerFigure } from './power.ts';
import { type TrainingMfuTable, trainingMfuFor } from './training-mfu.ts';

export type TrainingDtype = 'bf16' | 'fp16' | 'fp8';

export interface TrainingOptions {
  model: string;
  hardware: string;
  /** Training tokens; default: the model's disclosed training tokens. */
  tokens?: number;
  count?: number;
  dtype?: TrainingDtype;
  mfu?: number;
  gpuHours?: number;
  days?: number;
  usdPerGpuHour?: number;
  sequenceLength?: number;
  tensorParallel?: number;
  pipelineParallel?: number;
  expertParallel?: number;
  zeroStage?: 0 | 1 | 2 | 3;
  microBatch?: number;
  pue?: number;
  gridKgCo2PerKwh?: number;
}

export interface TrainingEstimate {
  model: string;
  hardware: string;
  dtype: TrainingDtype;
  mode: 'mfu' | 'gpu-hours' | 'days';
  flops: Figure;
  attentionFlops: Figure;
  flopsWithAttention: Figure;
  peakFlops: Figure;
  gpuHours: Figure;
  mfu: Figure;
  /** The same run's MFU against every dense peak the device lists (bf16, fp8, ...). */
  mfuByDtype: Record<string, Figure>;
  count: Figure;
  wallClockDays: Figure;
  costUsd: Figure;
  energyMWh: Figure;
  emissionsTonnesCo2: Figure;
  memoryPerGpuBytes: Figure;
  minGpusToFit: Figure;
  warnings: string[];
}

const assumed = (title: string, url?: string): Source =>
  url ? { title, url, date: '2024-01' } : { title, date: '2024-01' };
const PUE_DEFAULT = 1.1;
const GRID_DEFAULT = 0.46;
const pueSource = assumed(
  'Hyperscale data-centre PUE ≈ 1.1 (Google, Meta annual reports); industry average ≈ 1.56 (Uptime Institute 2024)',
);
const gridSource = assumed(
  'IEA, Electricity 2024: world average grid intensity ≈ 460 gCO2/kWh (2023)',
  'https://www.iea.org/reports/electricity-2024',
);
const kaplanSource: Source = {
  title: 'Kaplan et al., Scaling Laws for Neural Language Models (C ≈ 6·N·D)',
  url: 'https://arxiv.org/abs/2001.08361',
  date: '2020-01',
};
const korthikantiSource: Source = {
  title: 'Korthikanti et al., Reducing Activation Recomputation in Large Transformer Models',
  url: 'https://arxiv.org/abs/2205.05198',
  date: '2022-05',
};
const zeroSource: Source = {
  title: 'Rajbhandari et al., ZeRO: Memory Optimizations Toward Training Trillion Parameter Models',
  url: 'https://arxiv.org/abs/1910.02054',
  date: '2019-10',
};

/** Training FLOPs by the convention everyone quotes: 6 · N_active · D (forward + backward, no attention scores). */
export function trainingFlops(activeParams: number, tokens: number): number {
  return 6 * activeParams * tokens;
}

/**
 * Causal attention-score FLOPs of training: 3 passes · 2 · L · h · (d_qk + d_v) · s/2 per token, over
 * the layers that attend (a hybrid's linear layers have no scores; a sparse model reads its top-k).
 */
export function trainingAttentionFlops(model: Model, tokens: number, sequenceLength: number): number {
  return 3 * attentionFlopsPerToken(model.architecture, sequenceLength / 2) * tokens;
}

export function gpuHoursFor(flops: number, peakFlops: number, mfu: number): number {
  return flops / (peakFlops * mfu) / 3600;
}

export function impliedMfu(flops: number, gpuHours: number, peakFlops: number): number {
  return flops / (gpuHours * 3600 * peakFlops);
}

/** Bytes per GPU for mixed-precision Adam: BF16 weights (2) + BF16 grads (2) + FP32 master, m, v (12). */
export function trainingStateBytesPerGpu(
  paramsPerGpu: number,
  dataParallel: number,
  zeroStage: number,
): number {
  const weights = zeroStage >= 3 ? 2 / dataParallel : 2;
  const grads = zeroStage >= 2 ? 2 / dataParallel : 2;
  const optimizer = zeroStage >= 1 ? 12 / dataParallel : 12;
  return paramsPerGpu * (weights + grads + optimizer);
}

interface MemoryPlan {
  tp: number;
  pp: number;
  ep: number;
  zero: number;
  microBatch: number;
  sequenceLength: number;
}

/** Memory per GPU: sharded training state + activations with full recomputation (Korthikanti et al. 2022). */
export function trainingMemoryPerGpu(model: Model, count: number, plan: MemoryPlan): number {
  const p = countParameters(model.architecture);
  const arch = model.architecture;
  const routed = p.total - p.nonExpert;
  const paramsPerGpu = p.nonExpert / (plan.tp * plan.pp) + routed / (plan.tp * plan.pp * plan.ep);
  const dataParallel = Math.max(1, count / (plan.tp * plan.pp));
  const state = trainingStateBytesPerGpu(paramsPerGpu, dataParallel, plan.zero);
  const s = plan.sequenceLength;
  const d = arch.hiddenSize;
  // Checkpointed layer inputs for the micro-batches in flight (1F1B keeps pp of them on the first stage).
  const checkpoints = (arch.layers / plan.pp) * Math.min(plan.pp, arch.layers) * s * plan.microBatch * d * 2;
  const oneLayer = (s * plan.microBatch * d * (34 + (5 * arch.attention.heads * s) / d)) / plan.tp;
  return state + checkpoints + oneLayer;
}

function minGpus(model: Model, device: Device, plan: MemoryPlan): number {
  const capacity = device.memory.capacityGB * 1e9;
  const group = plan.tp * plan.pp;
  // Expert parallelism places experts across data-parallel ranks, so DP can never be below EP.
  const fits = (dp: number) => trainingMemoryPerGpu(model, group * dp, plan) <= capacity;
  const first = Math.max(1, plan.ep);
  if (fits(first)) return group * first;
  for (let dp = first * 2; dp <= 1 << 20; dp *= 2) {
    if (fits(dp)) {
      let lo = dp / 2;
      let hi = dp;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (fits(mid)) hi = mid;
        else lo = mid;
      }
      return group * hi;
    }
  }
  return 0;
}

/** The dtype MFU is measured against: as asked, else BF16, else what the device has (Apple, CPUs: FP16/FP32). */
function trainingDtypeFor(
  device: Device,
  asked: TrainingDtype | undefined,
  warnings: string[],
): TrainingDtype {
  if (asked !== undefined) return asked;
  const peaks = device.compute.denseTflops;
  if (peaks.bf16 !== undefined) return 'bf16';
  if (peaks.fp16 !== undefined) {
    warnings.push(`${device.id} lists no BF16 peak: MFU is measured against its FP16 peak`);
    return 'fp16';
  }
  throw new InputError(`${device.id} lists no BF16 or FP16 peak to train against`, '--dtype');
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function fraction(value: number | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!(value > 0 && value <= 1)) throw new InputError(`expected a fraction in (0, 1], got ${value}`, field);
  return value;
}

function positive(value: number | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!(value > 0 && Number.isFinite(value)))
    throw new InputError(`expected a positive number, got ${value}`, field);
  return value;
}

export function estimateTraining(
  catalog: Catalog,
  mfuTable: TrainingMfuTable,
  o: TrainingOptions,
): TrainingEstimate {
  const model = findModel(catalog, o.model);
  const device = findDevice(catalog, o.hardware);
  const warnings: string[] = [];
  const dtype = trainingDtypeFor(device, o.dtype, warnings);
  const modes = [o.mfu, o.gpuHours, o.days].filter((x) => x !== undefined).length;
  if (modes > 1) throw new InputError('give only one of --mfu, --gpu-hours, --days', '--mfu');
  const mfuGiven = fraction(o.mfu, '--mfu');
  const gpuHoursGiven = positive(o.gpuHours, '--gpu-hours');
  const daysGiven = positive(o.days, '--days');
  const tokensValue = positive(o.tokens, '--tokens') ?? model.training?.tokens;
  if (tokensValue === undefined)
    throw new InputError(`${model.id} has no disclosed training tokens; pass --tokens`, '--tokens');
  const plan: MemoryPlan = {
    tp: o.tensorParallel ?? 1,
    pp: o.pipelineParallel ?? 1,
    ep: o.expertParallel ?? 1,
    zero: o.zeroStage ?? 1,
    microBatch: o.microBatch ?? 1,
    sequenceLength: o.sequenceLength ?? model.training?.sequenceLength ?? 4096,
  };

  const p = countParameters(model.architecture);
  const modelSources = [deviceSource(model.source)];
  const nActive = given(
    'N_active',
    p.activeMatmul,
    'params',
    modelSources,
    'computed from the architecture: weights multiplied per token (input embedding lookup excluded)',
  );
  const tokens = given(
    'D',
    tokensValue,
    'tokens',
    o.tokens === undefined && model.training ? [deviceSource(model.training.source)] : [],
    o.tokens === undefined ? "model's disclosed training tokens" : 'given',
  );
  const flops = figure({
    name: 'flops',
    value: trainingFlops(p.activeMatmul, tokensValue),
    unit: 'FLOP',
    formula: '6 · N_active · D (attention scores excluded, as in MFU conventions)',
    inputs: [nActive, tokens],
    sources: [kaplanSource],
  });
  const attentionFlops = figure({
    name: 'attentionFlops',
    value: trainingAttentionFlops(model, tokensValue, plan.sequenceLength),
    unit: 'FLOP',
    formula: '3 · L · h · (d_qk + d_v) · s · D (causal attention scores, forward + backward)',
    inputs: [
      named('L', model.architecture.layers),
      named('h', model.architecture.attention.heads),
      named('d_qk + d_v', attentionWidthPerHead(model.architecture)),
      named('s', plan.sequenceLength),
      tokens,
    ],
  });
  const flopsWithAttention = figure({
    name: 'flopsWithAttention',
    value: flops.value + attentionFlops.value,
    unit: 'FLOP',
    formula: 'flops + attentionFlops',
    inputs: [flops, attentionFlops],
  });
  const peak = peakFlopsFigure(device, dtype);

  // The floor on GPUs is the fully sharded plan (ZeRO-3) at the given TP/PP: less than that never fits.
  const minFit = minGpus(model, device, { ...plan, zero: 3 });
  // Default: the smallest count that fits, rounded up to whole 8-GPU servers and whole TP·PP groups.
  const group = plan.tp * plan.pp;
  const step = (8 * group) / gcd(8, group);
  const countValue = o.count ?? (minFit > 0 ? Math.ceil(minFit / step) * step : step);
  const count =
    o.count === undefined
      ? figure({
          name: 'count',
          value: countValue,
          unit: 'GPUs',
          formula:
            'not given: the smallest count of whole 8-GPU servers and TP·PP groups whose memory fits the fully sharded training state',
          inputs: [named('minGpusToFit', minFit)],
        })
      : given('count', countValue, 'GPUs');
  if (o.count === undefined)
    warnings.push(
      `--count not given: assumed ${countValue} GPUs, the smallest count of whole 8-GPU servers and TP·PP groups that fits; wall-clock days depend on it`,
    );

  let mode: TrainingEstimate['mode'];
  let gpuHours: Figure;
  let mfu: Figure;
  if (gpuHoursGiven !== undefined || daysGiven !== undefined) {
    mode = gpuHoursGiven !== undefined ? 'gpu-hours' : 'days';
    if (daysGiven !== undefined && o.count === undefined)
      warnings.push(`--days without --count: assumed ${countValue} GPUs (the smallest that fit)`);
    gpuHours =
      gpuHoursGiven !== undefined
        ? given('gpuHours', gpuHoursGiven, 'GPU-h')
        : figure({
            name: 'gpuHours',
            value: (daysGiven ?? 0) * 24 * countValue,
            unit: 'GPU-h',
            formula: 'days · 24 · GPUs',
            inputs: [named('days', daysGiven ?? 0), count],
          });
    mfu = figure({
      name: 'mfu',
      value: impliedMfu(flops.value, gpuHours.value, peak.value),
      unit: 'fraction',
      formula: 'implied MFU = FLOPs / (GPU-hours · 3600 · dense peak)',
      inputs: [flops, gpuHours, peak],
    });
  } else {
    mode = 'mfu';
    const fitted = trainingMfuFor(mfuTable, device.class);
    mfu =
      mfuGiven !== undefined
        ? given('mfu', mfuGiven, 'fraction')
        : given('mfu', fitted.mfu, 'fraction', fitted.sources, `calibrated default: ${fitted.note}`);
    if (fitted.low !== undefined && mfuGiven === undefined) {
      mfu.low = fitted.low;
      if (fitted.high !== undefined) mfu.high = fitted.high;
    }
    gpuHours = figure({
      name: 'gpuHours',
      value: gpuHoursFor(flops.value, peak.value, mfu.value),
      unit: 'GPU-h',
      formula: 'FLOPs / (dense peak · MFU) / 3600',
      inputs: [flops, peak, mfu],
    });
    if (mfu.low !== undefined) gpuHours.high = gpuHoursFor(flops.value, peak.value, mfu.low);
    if (mfu.high !== undefined) gpuHours.low = gpuHoursFor(flops.value, peak.value, mfu.high);
  }
  if (mfu.value > 0.75)
    warnings.push(
      `MFU ${mfu.value.toFixed(2)} is above anything published for large-scale training (≈0.6 at best)`,
    );

  const mfuByDtype: Record<string, Figure> = {};
  for (const d of Object.keys(device.compute.denseTflops) as Array<keyof DenseTflops>) {
    // MFU is quoted against tensor peaks of training dtypes; TF32/FP64/INT8 peaks would only confuse.
    if (d !== 'bf16' && d !== 'fp16' && d !== 'fp8' && d !== 'fp4') continue;
    const pk = peakFlopsFigure(device, d);
    mfuByDtype[d] = figure({
      name: `mfu(${d})`,
      value: impliedMfu(flops.value, gpuHours.value, pk.value),
      unit: 'fraction',
      formula: 'FLOPs / (GPU-hours · 3600 · dense peak at this dtype)',
      inputs: [flops, gpuHours, pk],
    });
  }

  const wallClockDays = figure({
    name: 'wallClockDays',
    value: gpuHours.value / countValue / 24,
    unit: 'days',
    formula: 'GPU-hours / GPUs / 24',
    inputs: [gpuHours, count],
  });
  const rental = device.prices?.rentalUsdPerHour;
  const priceValue = positive(o.usdPerGpuHour, '--usd-per-gpu-hour');
  const price =
    priceValue !== undefined
      ? given('usdPerGpuHour', priceValue, 'USD/GPU-h')
      : rental
        ? rangeMidpoint('usdPerGpuHour', rental, 'USD/GPU-h', 'catalog rental range midpoint')
        : given(
            'usdPerGpuHour',
            0,
            'USD/GPU-h',
            [],
            'no rental price in the catalog; pass --usd-per-gpu-hour',
          );
  const costUsd = figure({
    name: 'costUsd',
    value: gpuHours.value * price.value,
    unit: 'USD',
    formula: 'GPU-hours · USD per GPU-hour (rental basis: compute of this run only)',
    inputs: [gpuHours, price],
  });
  if (price.low !== undefined) costUsd.low = gpuHours.value * price.low;
  if (price.high !== undefined) costUsd.high = gpuHours.value * price.high;

  const tdp = devicePowerFigure(device);
  const pue = given(
    'PUE',
    positive(o.pue, '--pue') ?? PUE_DEFAULT,
    'ratio',
    o.pue === undefined ? [pueSource] : [],
  );
  const energyMWh = figure({
    name: 'energyMWh',
    value: (gpuHours.value * tdp.value * pue.value) / 1e6,
    unit: 'MWh',
    formula:
      'GPU-hours · TDP · PUE / 10⁶ (TDP as the draw, as model cards do: an upper bound for the GPUs alone)',
    inputs: [gpuHours, tdp, pue],
  });
  // GPUs rarely average their TDP over a run; 60% of TDP is a plausible floor (Epoch AI uses 75%).
  energyMWh.low = energyMWh.value * 0.6;
  energyMWh.high = energyMWh.value;
  const grid = given(
    'gridKgCo2PerKwh',
    positive(o.gridKgCo2PerKwh, '--grid') ?? GRID_DEFAULT,
    'kgCO2e/kWh',
    o.gridKgCo2PerKwh === undefined ? [gridSource] : [],
  );
  const emissionsTonnesCo2 = figure({
    name: 'emissionsTonnesCo2',
    value: energyMWh.value * grid.value,
    unit: 'tCO2e',
    formula: 'MWh · kgCO2e/kWh (location-based)',
    inputs: [energyMWh, grid],
  });

  const dataParallel = countValue / (plan.tp * plan.pp);
  if (!Number.isInteger(dataParallel) || dataParallel < plan.ep) {
    throw new InputError(
      `${countValue} GPUs do not split into TP ${plan.tp} × PP ${plan.pp} × a data-parallel degree of at least EP ${plan.ep}`,
      '--count',
    );
  }
  // Without a stated ZeRO stage, use the least sharding that fits (ZeRO-1, then 2, then 3): what a
  // practitioner would configure, since higher stages add communication.
  if (o.zeroStage === undefined) {
    const capacity = device.memory.capacityGB * 1e9;
    const fitting = ([1, 2, 3] as const).find(
      (z) => trainingMemoryPerGpu(model, countValue, { ...plan, zero: z }) <= capacity,
    );
    plan.zero = fitting ?? 3;
    if (plan.zero > 1)
      warnings.push(
        `--zero not given: ZeRO-${plan.zero} chosen, the lowest stage whose training state fits ${countValue} GPUs`,
      );
  }
  const memoryPerGpuBytes = figure({
    name: 'memoryPerGpuBytes',
    value: trainingMemoryPerGpu(model, countValue, plan),
    unit: 'B',
    formula:
      'params per GPU · (2 weights + 2 grads + 12 Adam FP32 state, ZeRO-sharded over data parallel) + checkpointed activations',
    inputs: [
      named('TP', plan.tp),
      named('PP', plan.pp),
      named('EP', plan.ep),
      named('ZeRO', o.zeroStage === undefined ? `${plan.zero} (lowest that fits)` : plan.zero),
      named('microBatch', plan.microBatch),
      named('sequenceLength', plan.sequenceLength),
      count,
    ],
    sources: [zeroSource, korthikantiSource],
  });
  if (memoryPerGpuBytes.value > device.memory.capacityGB * 1e9)
    warnings.push(
      `training state does not fit in ${device.memory.capacityGB} GB per GPU at this plan: raise --zero, --tp, --pp or --count`,
    );
  const minGpusToFit = figure({
    name: 'minGpusToFit',
    value: minFit,
    unit: 'GPUs',
    formula:
      'smallest TP · PP · DP whose memory per GPU fits with the training state fully sharded (ZeRO-3); 0: none does at this TP/PP',
    inputs: [named('TP', plan.tp), named('PP', plan.pp), named('ZeRO', 3)],
  });

  return {
    model: model.id,
    hardware: device.id,
    dtype,
    mode,
    flops,
    attentionFlops,
    flopsWithAttention,
    peakFlops: peak,
    gpuHours,
    mfu,
    mfuByDtype,
    count,
    wallClockDays,
    costUsd,
    energyMWh,
    emissionsTonnesCo2,
    memoryPerGpuBytes,
    minGpusToFit,
    warnings,
  };
}
