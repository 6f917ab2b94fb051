import type { Engine, KvFormat, WeightFormat } from '../catalog/calibration-schema.ts';
import { type Catalog, findDevice, findModel, findTier } from '../catalog/catalog.ts';
import type { EngineClass, EngineClassId } from '../catalog/engine-schema.ts';
import type { Device, LinkTier, Model } from '../catalog/schema.ts';
import { InputError } from '../errors/clearbox-error.ts';
import { type Figure, figure, given, named, rangeMidpoint } from '../figure/figure.ts';
import type { Source } from '../figure/source.ts';
import {
  attentionLayerCount,
  attentionWidthPerHead,
  decodeAttentionWidthPerHead,
  kvElementsPerToken,
  recurrentStateElementsPerSequence,
} from './attention.ts';
import {
  type EfficiencyEntry,
  type EfficiencyTable,
  efficiencyFor,
  pathFactorsOf,
  prefillAttentionFor,
  prefillAttentionPriors,
} from './efficiency.ts';
import { eagerHostLayerSeconds, resolveEngineClass } from './engine-class.ts';
import {
  applyReleaseFactors,
  maturityFixedCostFactor,
  type ReleaseKernels,
  releaseCollectiveSeconds,
  releaseKernels,
  releasesOf,
} from './engine-release.ts';
import { type FormatPlan, formatPlan, operatorRates } from './format-plan.ts';
import {
  type Bound,
  boundNames,
  decodeOperators,
  decodeStep,
  decodeStepInto,
  type KernelHardware,
  type KernelModel,
  type KernelOffload,
  type KernelResult,
  type KernelWorkload,
  kernelFitsBeside,
  MOE_FUSED,
  MOE_GROUPED,
  MOE_LOOP,
  mixedOperators,
  mixedStepSeconds,
  OFFLOAD_CPU_LAYERS,
  OFFLOAD_NONE,
  OFFLOAD_STREAM,
  type OperatorTime,
  type PhaseTimes,
  prefillOperators,
  prefillStep,
  runInferenceKernel,
  weightsBytesPerDevice,
} from './inference-kernel.ts';
import { llamacppKernelSources } from './llamacpp-kernels.ts';
import { countParameters } from './parameters.ts';
import {
  deviceSource,
  matmulPeakFigure,
  matmulPeaks,
  memoryBandwidthFigure,
  memoryCapacityFigure,
  peakFlopsFigure,
} from './peak.ts';
import { attentionDtypeFor, effectiveComputeDtype, kvFormatBytes, weightFormats } from './precision.ts';
import {
  type ServingLimits,
  type ServingPointNumbers,
  type ServingWorkload,
  type StepTimes,
  servingCurve,
} from './serving-curve.ts';
import { estimateServing, type ServingCurvePoint, type ServingEstimate } from './serving-estimate.ts';

export type OffloadSpec =
  | { kind: 'none' }
  | { kind: 'cpu'; layers: number }
  | { kind: 'stream'; from: 'host' | 'nvme' | 'ssd' | 'hdd' };

export interface InferenceOptions {
  model: string;
  hardware: string;
  count?: number;
  /** Absent: the checkpoint's own format (catalog `nativeWeights`: FP8 for DeepSeek-V3/R1, MXFP4 experts for gpt-oss), else bf16. */
  weights?: WeightFormat;
  kv?: KvFormat;
  batch?: number | 'max';
  inputTokens?: number;
  outputTokens?: number;
  engine?: Engine;
  offload?: OffloadSpec;
  /** Host CPU that runs offloaded layers (llama.cpp split) and holds streamed weights. */
  host?: string;
  tensorParallel?: number;
  expertParallel?: number;
  /**
   * Attention data-parallel degree (--attention-dp): groups of count / this devices each run attention and
   * every non-expert layer on their own sequences (TensorRT-LLM enable_attention_dp and SGLang
   * --enable-dp-attention are this = count). Default: the expert-parallel degree.
   */
  attentionDataParallel?: number;
  /** Price of one device-hour in USD (default: middle of the catalog's rental range). */
  usdPerHour?: number;
  /** Share of the hour the replica does useful work (idle time is paid for). */
  utilization?: number;
  efficiencyCompute?: number;
  efficiencyMemory?: number;
  /**
   * Concurrencies of the serving curve (default 1, 4, 16, 64, 256); `[]` computes no curve, for callers
   * that sweep one batch over many configurations.
   */
  concurrency?: number[];
  /** Acceptance rate of DeepSeek-style multi-token prediction used as speculative decoding (0 = off). */
  mtpAcceptance?: number;
  /**
   * The engine release (its version string, e.g. "0.4.3.post2"): its kernel paths scale their operators'
   * rates (data/engines/releases.yaml). Default: the newest release the data knows for the engine class.
   */
  engineRelease?: string;
  /**
   * The engine ran without graph capture (vLLM `--enforce-eager`): decode steps pay the host's eager launch
   * time per layer (engine-class.ts eagerHostLayerSeconds) instead of the class's graph-captured launches.
   */
  eager?: boolean;
}

export interface InferenceEstimate {
  model: string;
  hardware: string;
  count: number;
  engine: Engine;
  /** The engine class the engine value resolved to on this device (vendor stack × engine). */
  engineClass: EngineClassId;
  /** The release the step was modelled for and the kernel path it runs per operator, with its factor. */
  engineRelease: ReleaseKernels;
  weights: WeightFormat;
  kv: KvFormat;
  offload: string;
  /**
   * How the replica's devices split the model: experts over EP ranks, each sliced TP ways (TP · EP = count);
   * attention and the non-expert layers in ADP data-parallel groups of count / ADP devices.
   */
  layout: { tensorParallel: number; expertParallel: number; attentionDataParallel: number };
  fits: boolean;
  batch: Figure;
  bound: Bound;
  memory: {
    weightsBytes: Figure;
    kvCacheBytes: Figure;
    activationBytes: Figure;
    overheadBytes: Figure;
    totalBytes: Figure;
    capacityBytes: Figure;
  };
  ttftSeconds: Figure;
  tpotSeconds: Figure;
  throughput: {
    outputTokensPerSecond: Figure;
    perUserTokensPerSecond: Figure;
    prefillTokensPerSecond: Figure;
  };
  usdPerMillionOutputTokens: Figure;
  usdPerMillionInputTokens: Figure;
  efficiency: { compute: Figure; memory: Figure };
  /** The serving curve as plain numbers, one point per concurrency (continuous batching). */
  curve: ServingCurvePoint[];
  /** The same curve with the derivation of every figure, and the limits that cap it. */
  serving: ServingEstimate;
  /**
   * The step as a sum of operators (decode step at the batch, prefill of one request): each operator's
   * compute, memory and fixed (kernel) time, and what bounds it; `bounding` names the longest one.
   */
  operators: {
    decode: OperatorTime[];
    prefill: OperatorTime[];
    decodeBounding: string;
    prefillBounding: string;
    /**
     * Per serving-curve point: the decode step at its running batch and the step that also carries
     * prefill chunks, operator by operator, and the operator that bounds each ('none' without prefill).
     */
    curve: CurveOperators[];
    /** Engine-class fixed costs the operators used (data/engines). */
    fixedCosts: {
      kernelSeconds: number;
      layerSeconds: number;
      hostLayerSeconds: number;
      collectiveSeconds: number;
      /** Host time per layer of a step carrying prompt tokens (eager prefill); 0 when captured or compiled. */
      prefillHostLayerSeconds: number;
      /**
       * Fitted multiplier on the MoE/MLA operators' kernel and collective costs (1: as dense ones), with
       * the release's age at their own maturity slope; it applies only where `moeMlaOperators`.
       */
      moeMlaFixedCostScale: number;
      /** Whether the model runs MoE or MLA layers (router, experts, MLA projections and attention). */
      moeMlaOperators: boolean;
    };
    /**
     * The prefill attention kernel's share of the attention peak (QKᵀ and PV over the prompt), fitted for the
     * class where long-prompt measurements identify it, else the class's literature prior.
     */
    prefillAttention: { efficiency: number; origin: 'fitted' | 'prior' };
  };
  warnings: string[];
}

export interface CurveOperators {
  concurrency: number;
  runningSequences: number;
  decodeStepSeconds: number;
  decodeBounding: string;
  mixedStepSeconds: number;
  mixedBounding: string;
  decode: OperatorTime[];
  mixed: OperatorTime[];
}

function longest(ops: OperatorTime[]): string {
  let best: OperatorTime | undefined;
  for (const o of ops) if (!best || o.seconds > best.seconds) best = o;
  return best ? `${best.operator} (${best.bound})` : 'none';
}

const assumption = (title: string, note?: string): Source =>
  note === undefined ? { title, date: '2026-11' } : { title, date: '2026-11', note };

const PREFILL_CHUNK_TOKENS = 8192;

/**
 * Scheduler limits of an engine class for a replica: most running sequences and the token budget of one
 * step. Engines whose attention data-parallel ranks each keep their own requests (`perAttentionRank`)
 * admit the rank's sequence limit times `attentionDataParallel`. The token budget is kept replica-wide:
 * taking it per rank as well sent TensorRT-LLM's short-output MoE points (128 or 2048 in, 128 out) from
 * 5-30% too slow to 70-100% too fast, so the prefill balance across ranks is not what that would model.
 */
export function schedulerLimits(
  engine: EngineClass,
  attentionDataParallel = 1,
): { maxSequences: number; maxBatchedTokens: number } {
  const ranks = engine.limits.perAttentionRank ? attentionDataParallel : 1;
  return {
    maxSequences: engine.limits.maxSequences * ranks,
    maxBatchedTokens: engine.limits.maxBatchedTokens,
  };
}

/**
 * Runtime memory per device outside weights, KV and activations (the engine class's figure: CUDA context,
 * workspaces, graph pools). An LPU runs a statically compiled program from on-chip SRAM: no heap to reserve.
 */
function runtimeOverheadBytes(engine: EngineClass, device: Device): number {
  return device.class === 'lpu' ? 0 : engine.runtimeOverheadGiB * 2 ** 30;
}
/** The engine's default KV memory reservation as kernel shares (none on an LPU: a static program). */
function kvMemoryShares(
  engine: EngineClass,
  device: Device,
): Pick<KernelHardware, 'kvShareOfFree' | 'usableShareOfCapacity'> {
  const m = engine.kvMemory;
  if (!m || device.class === 'lpu') return {};
  return m.basis === 'free' ? { kvShareOfFree: m.fraction } : { usableShareOfCapacity: m.fraction };
}
/** The reservation in words, for the capacity figure (empty when the engine lets KV take all that is left). */
function kvMemoryFormula(hw: KernelHardware): string {
  if (hw.kvShareOfFree !== undefined)
    return `; the engine gives the KV cache ${hw.kvShareOfFree} of what weights, activations and runtime leave free`;
  if (hw.usableShareOfCapacity !== undefined)
    return `; the engine uses ${hw.usableShareOfCapacity} of it for weights, activations, runtime and KV cache`;
  return '';
}
const STREAM_EFFICIENCY = 0.5;
/** macOS lets the GPU wire about 75% of unified memory (Metal recommendedMaxWorkingSetSize). */
const APPLE_GPU_MEMORY_SHARE = 0.75;

export function parseOffload(text: string): OffloadSpec {
  if (text === 'none') return { kind: 'none' };
  const cpu = /^cpu:(\d+)$/.exec(text);
  if (cpu?.[1]) return { kind: 'cpu', layers: Number(cpu[1]) };
  const stream = /^stream:(host|nvme|ssd|hdd)$/.exec(text);
  if (stream?.[1]) return { kind: 'stream', from: stream[1] as 'host' | 'nvme' | 'ssd' | 'hdd' };
  throw new InputError(`expected none, cpu:LAYERS or stream:host|nvme|ssd|hdd, got "${text}"`, '--offload');
}

export function formatOffload(spec: OffloadSpec): string {
  if (spec.kind === 'none') return 'none';
  if (spec.kind === 'cpu') return `cpu:${spec.layers}`;
  return `stream:${spec.from}`;
}

/** The KV-per-token formula in words, for the model's attention (the averages fold in hybrids and indexers). */
function kvFormula(arch: Model['architecture']): string {
  const a = arch.attention;
  const base = a.type === 'mla' ? 'L · (d_c + d_r' : '2 · L · h_kv · d_h';
  const indexer = a.sparse ? (a.type === 'mla' ? ' + d_I' : ' + L · d_I') : '';
  const mla =
    a.type === 'mla'
      ? `${base}${indexer}) · b_kv (MLA latent + RoPE key${a.sparse ? ' + indexer key' : ''})`
      : '';
  const gqa = a.type === 'mla' ? '' : `(${base}${indexer}) · b_kv`;
  const hybrid = arch.linearAttention
    ? ` over the ${arch.layers - arch.linearAttention.layers} attention layers of ${arch.layers} (the linear layers keep a fixed state instead)`
    : '';
  return `${mla || gqa}${hybrid}`;
}

/** Kernel view of a model: computed parameter counts and attention shape. */
export function kernelModel(model: Model): KernelModel {
  const arch = model.architecture;
  const p = countParameters(arch);
  const a = arch.attention;
  const moe = arch.moe;
  const d = arch.hiddenSize;
  const matrices = arch.ffn.type === 'gated' ? 3 : 2;
  const linearLayers = arch.linearAttention?.layers ?? 0;
  const sharedWidth = moe ? (moe.sharedIntermediateSize ?? moe.expertIntermediateSize) : 0;
  return {
    layers: arch.layers,
    hiddenSize: arch.hiddenSize,
    vocabSize: arch.vocabSize,
    ffnWidth: Math.max(
      arch.ffn.intermediateSize,
      moe ? moe.expertIntermediateSize * (moe.activeExperts + moe.sharedExperts) : 0,
    ),
    heads: a.heads,
    attentionWidth: attentionWidthPerHead(arch),
    decodeAttentionWidth: decodeAttentionWidthPerHead(arch),
    totalParams: p.total,
    activeParams: p.activeMatmul,
    embeddingParams: p.embedding,
    lmHeadParams: p.lmHead,
    nonExpertParams: p.nonExpert,
    perExpertParams: p.perExpert,
    expertIntermediateSize: moe?.expertIntermediateSize ?? 0,
    // Per routed (token, expert) pair: hidden rows permuted in, between the GEMMs, out and combined (4·d);
    // the expert's intermediate written, activated and read (gated 6·I, else 4·I). Kernel structure of the
    // grouped MoE paths (TensorRT-LLM moe_kernels.cu: expandInputRows, GEMM1, activation, GEMM2, finalize).
    routedHiddenElements: moe ? 4 * d : 0,
    routedIntermediateElements: moe ? (matrices === 3 ? 6 : 4) * moe.expertIntermediateSize : 0,
    moeLayers: p.moeLayers,
    routedExperts: moe?.routedExperts ?? 0,
    activeExperts: moe?.activeExperts ?? 0,
    // Averaged over all layers, so L · this is the whole KV per token (a hybrid's linear layers hold none).
    kvElementsPerTokenPerLayer: kvElementsPerToken(arch) / arch.layers,
    kvShardLimit: a.type === 'mla' ? 1 : a.kvHeads,
    slidingWindow: a.slidingWindow ?? 0,
    slidingWindowLayers: a.slidingWindow === undefined ? 0 : (a.slidingWindowLayers ?? arch.layers),
    attentionLayers: attentionLayerCount(arch),
    stateElementsPerSequence: recurrentStateElementsPerSequence(arch),
    attendedTokensLimit: a.sparse?.topK ?? 0,
    // Averaged over all layers, like kvElementsPerTokenPerLayer.
    indexerElementsPerTokenPerLayer:
      ((a.sparse?.indexerHeadDim ?? 0) * attentionLayerCount(arch)) / arch.layers,
    projectionParams:
      (arch.layers - linearLayers) * p.attentionPerLayer + linearLayers * p.linearAttentionPerLayer,
    // GQA: fused QKV + O; MLA: query (down+up or one), KV down, the absorbed K and V up-projections, O.
    projectionKernelsPerLayer: a.type === 'mla' ? 5 : 2,
    denseFfnParams: (arch.layers - p.moeLayers) * matrices * d * arch.ffn.intermediateSize,
    denseLayers: arch.layers - p.moeLayers,
    sharedExpertParams: moe ? p.moeLayers * moe.sharedExperts * matrices * d * sharedWidth : 0,
    routerParams: moe ? p.moeLayers * d * moe.routedExperts : 0,
    lmHeadMatmulParams: arch.vocabSize * d,
    mlaHeads: a.type === 'mla' ? a.heads : 0,
  };
}

/**
 * Usable memory per device: what the driver reports where the catalog has it (an H100's "80 GB" is
 * 81,559 MiB = 85.5e9 B, 7% more than 80e9: engines size the KV cache from this total), else the
 * vendor's gigabytes read as 1e9 B; Apple GPUs may wire only part of unified memory.
 */
export function usableCapacityBytes(device: Device): number {
  const reported = device.memory.reported?.totalMiB;
  const bytes = reported === undefined ? device.memory.capacityGB * 1e9 : reported * 2 ** 20;
  return device.class === 'apple-silicon' ? bytes * APPLE_GPU_MEMORY_SHARE : bytes;
}

/** Link between the devices of one replica: scale-up fabric (one direction) inside its domain, else scale-out. */
export function replicaLink(
  device: Device,
  count: number,
): { bandwidth: number; latency: number; label: string } {
  const links = device.links;
  const domain = links?.scaleUpDomain ?? 8;
  if (links?.scaleUpGBs !== undefined && count <= domain) {
    const oneWay = (links.scaleUpGBs / 2) * 1e9;
    if (links.scaleUpTopology === 'mesh' && domain > 1 && count > 1) {
      // Point-to-point mesh: a collective among `count` devices crosses only the links joining them, each
      // 1/(domain − 1) of the ports (HLS-Gaudi3: 3 of 21 per peer), so 2 cards share 75 of 525 GB/s.
      const share = (count - 1) / (domain - 1);
      return {
        bandwidth: oneWay * share,
        latency: 5e-6,
        label: `scale-up mesh (${count - 1} of the ${domain - 1} peer links, one direction)`,
      };
    }
    return {
      bandwidth: oneWay,
      latency: 5e-6,
      label: 'scale-up fabric (half the bidirectional figure)',
    };
  }
  if (links?.scaleOutGBs !== undefined)
    return { bandwidth: links.scaleOutGBs * 1e9, latency: 10e-6, label: 'scale-out network' };
  const pcie = links?.hostLinkGBs ?? 32;
  return {
    bandwidth: pcie * 1e9 * (count > 4 ? PCIE_RING_SHARE_8 : PCIE_RING_SHARE_4),
    latency: PCIE_COLLECTIVE_LATENCY_SECONDS,
    label: 'PCIe host link (the bus bandwidth NCCL rings reach through the host)',
  };
}

/**
 * Devices joined only by PCIe exchange collectives through the host's root complexes and, across sockets,
 * its inter-socket link: "on PCI systems, the performance you get is usually determined by the bandwidth
 * your CPU and memory can deliver" (NCCL maintainer, NVIDIA/nccl issue #1639, read 2026-12-05), where
 * 8x RTX 5090 on PCIe 5.0 x16 (64 GB/s a direction) reach an all-reduce bus bandwidth of 28 GB/s with 8
 * GPUs and 35 GB/s with 4: these shares of the host link's one-direction rate.
 */
const PCIE_RING_SHARE_8 = 28 / 64;
const PCIE_RING_SHARE_4 = 35 / 64;
/**
 * An 8-byte NCCL all-reduce over PCIe takes 42 µs on 8x RTX 4090 (NVIDIA/nccl issue #1530) and 54 µs on
 * 8x RTX 3090 (issue #1439), read 2026-12-05: the latency of a PCIe collective, against ~5 µs on NVLink.
 */
const PCIE_COLLECTIVE_LATENCY_SECONDS = 42e-6;

interface ResolvedRequest {
  model: Model;
  device: Device;
  host: Device | undefined;
  tier: LinkTier | undefined;
  engine: Engine;
  engineClass: EngineClass;
  weights: WeightFormat;
  kv: KvFormat;
  offload: OffloadSpec;
  count: number;
  tp: number;
  ep: number;
  /** Attention data-parallel degree (groups of count / adp devices). */
  adp: number;
  efficiency: EfficiencyEntry;
  effCompute: number;
  effMemory: number;
  km: KernelModel;
  hw: KernelHardware;
  off: KernelOffload;
  work: KernelWorkload;
  computeDtype: ReturnType<typeof effectiveComputeDtype>;
  /** The dtype attention math runs at (the KV cache's precision where the device has it). */
  attentionDtype: ReturnType<typeof effectiveComputeDtype>;
  /** `--weights` was not given: the checkpoint's own format (or bf16) was taken. */
  weightsDefaulted: boolean;
  /** Which weights are in which format and how their matmuls run (native or unpacked, weight-only). */
  formats: FormatPlan;
  streamBandwidth: number;
  /** The engine release and the factors its kernel paths put on the operators' rates. */
  release: ReleaseKernels;
}

function positiveInt(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new InputError(`expected a positive integer, got ${value}`, field);
  return value;
}

function streamTierId(from: 'host' | 'nvme' | 'ssd' | 'hdd'): string {
  return { host: 'ddr5-dual-channel', nvme: 'nvme', ssd: 'sata-ssd', hdd: 'hdd' }[from];
}

export function resolveInference(
  catalog: Catalog,
  table: EfficiencyTable,
  o: InferenceOptions,
): ResolvedRequest {
  const model = findModel(catalog, o.model);
  const device = findDevice(catalog, o.hardware);
  const engine = o.engine ?? 'tuned';
  const engineClass = resolveEngineClass(catalog, engine, device);
  const weights = o.weights ?? defaultWeights(model);
  const kv = o.kv ?? (engineClass.id.startsWith('llamacpp') ? 'fp16' : 'bf16');
  const offload = o.offload ?? { kind: 'none' };
  const count = positiveInt(o.count ?? 1, '--count');
  const ep = positiveInt(o.expertParallel ?? 1, '--ep');
  if (count % ep !== 0) throw new InputError(`--ep ${ep} must divide --count ${count}`, '--ep');
  const tp = positiveInt(o.tensorParallel ?? count / ep, '--tp');
  if (tp * ep !== count) throw new InputError(`--tp ${tp} × --ep ${ep} must equal --count ${count}`, '--tp');
  if (ep > 1 && !model.architecture.moe)
    throw new InputError(`${model.id} has no experts to place with --ep`, '--ep');
  const adp = positiveInt(o.attentionDataParallel ?? ep, '--attention-dp');
  if (count % adp !== 0)
    throw new InputError(`--attention-dp ${adp} must divide --count ${count}`, '--attention-dp');
  if (adp !== ep && !model.architecture.moe)
    throw new InputError(
      `${model.id} is dense: attention data parallelism over its devices is ${adp} replicas (use --count ${count / adp})`,
      '--attention-dp',
    );
  const experts = model.architecture.moe?.routedExperts ?? 0;
  if (ep > 1 && experts % ep !== 0)
    throw new InputError(`--ep ${ep} must divide the ${experts} routed experts of ${model.id}`, '--ep');
  const efficiency = efficiencyFor(table, device.class, engineClass.id);
  const effCompute = o.efficiencyCompute ?? efficiency.compute;
  const effMemory = o.efficiencyMemory ?? efficiency.memory;
  for (const [v, f] of [
    [effCompute, '--eff-compute'],
    [effMemory, '--eff-memory'],
  ] as const) {
    if (!(v > 0 && v <= 1)) throw new InputError(`expected a fraction in (0, 1], got ${v}`, f);
  }
  const formats = formatPlan(model, device, weights, engine, engineClass.id);
  if (kv === 'nvfp4' && (device.vendor !== 'NVIDIA' || device.compute.denseTflops.fp4 === undefined))
    throw new InputError(
      `the NVFP4 KV cache needs FP4 tensor cores (TensorRT-LLM on Blackwell), which ${device.id} lacks: use --kv fp8`,
      '--kv',
    );
  const computeDtype = formats.expertsPath.dtype;
  const attentionDtype = attentionDtypeFor(kv, device.compute.denseTflops);
  // Each operator group at its own compute path, scaled by the entry's (or the prior's) path factors.
  const rates: ReturnType<typeof operatorRates> & { attentionMemoryScale?: number } = operatorRates(
    formats,
    attentionDtype,
    matmulPeaks(device),
    pathFactorsOf(efficiency),
  );
  // The release's kernel paths on top (the fitted constants describe the class's newest release).
  const release = releaseKernels(catalog, engineClass.id, model, device, o.engineRelease, 'strict', formats);
  applyReleaseFactors(rates, release.factors);

  const fixedCostScale =
    (efficiency.fixedCostScale ?? 1) * maturityFixedCostFactor(efficiency.fixedCostPerYear, release.ageYears);
  const link = replicaLink(device, count);

  let host: Device | undefined;
  let tier: LinkTier | undefined;
  let streamBandwidth = 0;
  const off: KernelOffload = {
    mode: OFFLOAD_NONE,
    cpuLayers: 0,
    hostBandwidth: 1,
    hostPeakFlops: 1,
    hostEffMemory: 1,
    hostEffCompute: 1,
    streamBandwidth: 1,
    streamEfficiency: STREAM_EFFICIENCY,
  };
  if (offload.kind === 'cpu') {
    if (offload.layers > model.architecture.layers) {
      throw new InputError(
        `${model.id} has ${model.architecture.layers} layers, cannot offload ${offload.layers}`,
        '--offload',
      );
    }
    host = findDevice(catalog, o.host ?? 'ddr5-desktop');
    const hostEff = efficiencyFor(table, host.class, 'llamacpp-cpu');
    const hostDtype = effectiveComputeDtype('fp16', host.compute.denseTflops);
    off.mode = OFFLOAD_CPU_LAYERS;
    off.cpuLayers = offload.layers;
    off.hostBandwidth = host.memory.bandwidthGBs * 1e9;
    off.hostPeakFlops = (host.compute.denseTflops[hostDtype] ?? 0) * 1e12;
    off.hostEffMemory = hostEff.memory;
    off.hostEffCompute = hostEff.compute;
  } else if (offload.kind === 'stream') {
    tier = findTier(catalog, streamTierId(offload.from));
    const hostLink = (device.links?.hostLinkGBs ?? 32) * 1e9;
    // Unified-memory devices read host memory directly; storage, and host memory for a discrete device,
    // arrive through the device's host link (a Raspberry Pi 5's NVMe sits behind PCIe 2.0 x1).
    const onPackage = device.class === 'apple-silicon' || device.class === 'cpu' || device.class === 'sbc';
    const throughLink = tier.kind === 'storage' || !onPackage;
    streamBandwidth = Math.min(tier.bandwidthGBs * 1e9, throughLink ? hostLink : Number.POSITIVE_INFINITY);
    off.mode = OFFLOAD_STREAM;
    off.streamBandwidth = streamBandwidth;
  }

  const km = kernelModel(model);
  const hw: KernelHardware = {
    count,
    tensorParallel: tp,
    expertParallel: ep,
    attentionDataParallel: adp,
    ...rates,
    memoryBandwidth: device.memory.bandwidthGBs * 1e9,
    capacityBytes: usableCapacityBytes(device),
    linkBandwidth: link.bandwidth,
    linkLatencySeconds: link.latency,
    effCompute,
    effMemory,
    // The prefill attention kernel's own share of the attention peak (fitted where long prompts identify it).
    effPrefillAttention: prefillAttentionFor(efficiency),
    // Always present (0: no count, not priced), so every kernel input object has one shape: a property only
    // some devices carried made the kernel's reads polymorphic (1.8M -> 0.69M configurations/s).
    computeUnits: device.compute.units?.count ?? 0,
    overheadBytesPerDevice: runtimeOverheadBytes(engineClass, device),
    ...kvMemoryShares(engineClass, device),
    // Fixed costs as fitted for the class (a scale on the data's priors), else as written in data/engines;
    // a release older than the class's reference at the fitted software-maturity factor on top.
    kernelSeconds: engineClass.kernelSeconds * fixedCostScale,
    layerSeconds: engineClass.layerSeconds * fixedCostScale,
    hostLayerSeconds: o.eager ? eagerHostLayerSeconds(catalog, engineClass) : engineClass.hostLayerSeconds,
    collectiveSeconds: releaseCollectiveSeconds(
      release,
      engineClass.collectiveSeconds * fixedCostScale,
      link.latency,
    ),
    prefillHostLayerSeconds: efficiency.prefillHostLayerSeconds ?? engineClass.prefillHostLayerSeconds ?? 0,
    // The MoE/MLA operators' multiplier, with their own maturity on an older release.
    moeMlaFixedCostScale:
      (efficiency.moeMlaFixedCostScale ?? 1) *
      maturityFixedCostFactor(efficiency.moeMlaFixedCostPerYear, release.ageYears),
    // Always present (0 = decode always captured): the kernel reads it for every decode pass.
    decodeGraphMaxContext: release.decodeGraphMaxContext ?? 0,
    moeKernel: { fused: MOE_FUSED, grouped: MOE_GROUPED, loop: MOE_LOOP }[engineClass.moeKernel],
    mlaPlain: engineClass.mlaKernel === 'plain' ? 1 : 0,
    dequantSecondsPerWeight: formats.dequantSecondsPerWeight,
    expertDequantSecondsPerWeight: formats.expertDequantSecondsPerWeight,
    ffnDequantSecondsPerWeight: formats.ffn?.dequantSecondsPerWeight ?? formats.dequantSecondsPerWeight,
    dequantTileTokens: formats.dequantTileTokens,
  };
  const input = o.inputTokens ?? 1024;
  const output = o.outputTokens ?? 256;
  if (!(Number.isInteger(input) && input >= 0))
    throw new InputError(`expected a whole number of tokens, got ${input}`, '--input');
  if (!(Number.isInteger(output) && output >= 0))
    throw new InputError(`expected a whole number of tokens, got ${output}`, '--output');
  if (input + output > model.architecture.contextLength) {
    throw new InputError(
      `${input + output} tokens exceed ${model.id}'s context of ${model.architecture.contextLength}`,
      '--input',
    );
  }
  const work: KernelWorkload = {
    batch: 1,
    inputTokens: input,
    outputTokens: output,
    bytesPerWeight: formats.bytesPerWeight,
    expertBytesPerWeight: formats.expertBytesPerWeight,
    headBytesPerWeight: formats.headBytesPerWeight,
    ffnBytesPerWeight: formats.ffn?.bytesPerWeight ?? formats.bytesPerWeight,
    bytesPerKv: kvFormatBytes[kv],
    prefillChunkTokens: PREFILL_CHUNK_TOKENS,
  };
  return {
    model,
    device,
    host,
    tier,
    engine,
    engineClass,
    weights,
    kv,
    offload,
    count,
    tp,
    ep,
    adp,
    efficiency,
    effCompute,
    effMemory,
    km,
    hw,
    off,
    work,
    computeDtype,
    attentionDtype,
    weightsDefaulted: o.weights === undefined,
    formats,
    streamBandwidth,
    release,
  };
}

/**
 * The `--weights` default: the format the released checkpoint ships (catalog `nativeWeights`, sourced per
 * model), so DeepSeek-V3/R1 are estimated in FP8 and gpt-oss with MXFP4 experts as released; 16-bit
 * checkpoints (no `nativeWeights`) in bf16.
 */
export function defaultWeights(model: Model): WeightFormat {
  return model.nativeWeights?.format ?? 'bf16';
}

/** Largest batch that fits, up to the engine's scheduler limit; 0 when not even one sequence fits. */
export function maxBatchThatFits(
  r: Pick<ResolvedRequest, 'km' | 'hw' | 'off' | 'work' | 'engineClass'>,
): number {
  // Memory only: no forward pass runs (the same test as the kernel's `fits`; the weights, which no batch
  // changes, read once).
  const work = { ...r.work, batch: 1 };
  const weights = weightsBytesPerDevice(r.km, r.hw, r.off, work);
  if (!kernelFitsBeside(r.km, r.hw, r.off, work, weights)) return 0;
  let lo = 1;
  let hi = schedulerLimits(r.engineClass, r.hw.attentionDataParallel ?? r.hw.expertParallel).maxSequences;
  work.batch = hi;
  if (kernelFitsBeside(r.km, r.hw, r.off, work, weights)) return hi;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    work.batch = mid;
    if (kernelFitsBeside(r.km, r.hw, r.off, work, weights)) lo = mid;
    else hi = mid;
  }
  return lo;
}

export function resolvedBatch(r: ResolvedRequest, batch: number | 'max'): number {
  if (batch === 'max') return Math.max(1, maxBatchThatFits(r));
  return positiveInt(batch, '--batch');
}

/** Runs the kernel for resolved inputs (the calibration fit and the benchmark use this path too). */
export function runResolved(r: ResolvedRequest, batch: number): KernelResult {
  return runInferenceKernel(r.km, r.hw, r.off, { ...r.work, batch });
}

/**
 * The replica's step functions for the serving curve: the kernel's decode and prefill passes. Each step
 * runs only the pass it prices (one forward pass, no memory test or batch prefill), with the same numbers
 * as the whole kernel's decode and prefillBatch phases. A class, so that making one (calibration makes one
 * per evaluation) creates no closures.
 */
class KernelSteps implements StepTimes {
  private readonly promptTokens: number;
  private readonly promptWork: KernelWorkload;
  constructor(private readonly r: Pick<ResolvedRequest, 'km' | 'hw' | 'off' | 'work'>) {
    this.promptTokens = Math.max(1, r.work.inputTokens);
    this.promptWork =
      this.promptTokens === r.work.inputTokens ? r.work : { ...r.work, inputTokens: this.promptTokens };
  }
  decode(sequences: number): PhaseTimes {
    return decodeStep(this.r.km, this.r.hw, this.r.off, this.r.work, sequences);
  }
  decodeInto(sequences: number, out: PhaseTimes): PhaseTimes {
    return decodeStepInto(this.r.km, this.r.hw, this.r.off, this.r.work, sequences, out);
  }
  /** A prefill pass over `tokens` tokens of prompts of I tokens: the kernel's batch of tokens / I prompts. */
  prefill(tokens: number): PhaseTimes {
    return prefillStep(this.r.km, this.r.hw, this.r.off, this.promptWork, tokens / this.promptTokens);
  }
  /** `eager`: the step carries prompt tokens (launched from the host), not only draft tokens to verify. */
  mixed(decoders: number, tokens: number, eager = tokens > 0): number {
    const { km, hw, off, work } = this.r;
    return mixedStepSeconds(km, hw, off, work, decoders, tokens, this.promptTokens, eager);
  }
}

export function stepTimesFor(r: Pick<ResolvedRequest, 'km' | 'hw' | 'off' | 'work'>): StepTimes {
  return new KernelSteps(r);
}

/**
 * Engine, release and memory limits of the running batch for the serving curve: the one reading of them
 * that the estimate, the calibration and Decide's plan search share. `memorySequences` is the largest
 * batch that fits, given where the caller has it already.
 */
export function servingLimitsFor(
  r: Pick<ResolvedRequest, 'km' | 'hw' | 'off' | 'work' | 'engineClass' | 'release'>,
  memorySequences = maxBatchThatFits(r),
): ServingLimits {
  const adp = r.hw.attentionDataParallel ?? r.hw.expertParallel;
  const limits = schedulerLimits(r.engineClass, adp);
  // A release whose default cap on running sequences differs from its class's (vLLM V0: 256) sets it.
  if (r.release.maxSequences !== undefined)
    limits.maxSequences = r.release.maxSequences * (r.engineClass.limits.perAttentionRank ? adp : 1);
  // A release that chunks prompts by default for this model's context (vLLM V0 above 32K) sets the budget.
  if (r.release.maxBatchedTokens !== undefined) limits.maxBatchedTokens = r.release.maxBatchedTokens;
  return { ...limits, memorySequences };
}

/**
 * Serving-curve points in plain numbers for resolved inputs (what calibration compares with points
 * measured at a client concurrency); `mtpAcceptance` > 0 turns on one-token MTP drafting.
 */
export function servingCurveFor(
  r: ResolvedRequest,
  concurrencies: readonly number[],
  mtpAcceptance = 0,
): ServingPointNumbers[] {
  const workload: ServingWorkload = {
    inputTokens: r.work.inputTokens,
    outputTokens: r.work.outputTokens,
    devices: r.hw.count,
    ...(mtpAcceptance > 0
      ? { speculative: { acceptance: mtpAcceptance, draftTokens: 1, draftCostFraction: 1 / r.km.layers } }
      : {}),
  };
  return servingCurve(stepTimesFor(r), servingLimitsFor(r), workload, concurrencies);
}

/** Where the step's token budget comes from when the release, not the class, sets it (`servingLimitsFor`). */
function releaseBudgetSource(
  catalog: Catalog,
  r: ResolvedRequest,
): { budgetSource?: { sources: Source[]; note: string } } {
  const chunked = releasesOf(catalog, r.engineClass.id).find(
    (x) => x.version === r.release.version,
  )?.chunkedPrefill;
  if (r.release.maxBatchedTokens === undefined || !chunked) return {};
  return {
    budgetSource: {
      sources: chunked.sources.map(deviceSource),
      note: `${r.engineClass.id} ${r.release.version} chunks prompts into ${chunked.maxBatchedTokens}-token steps by default for models of more than ${chunked.aboveContext} tokens of context`,
    },
  };
}

/** How the weight format was chosen, said in the derivation when it was not given. */
function weightsChoice(r: ResolvedRequest, model: Model): string {
  if (!r.weightsDefaulted) return '';
  const native = model.nativeWeights;
  if (!native) return 'default --weights bf16 (the checkpoint is 16-bit); ';
  const scope = native.appliesTo === 'experts' ? ' experts' : '';
  return `default --weights ${r.weights}: the checkpoint ships ${native.format}${scope} (${native.source.title}); `;
}

/** The device-hour price: the user's, else the catalog rental range (midpoint, with its low and high). */
function hourlyPriceFigure(device: Device, usdPerHour: number | undefined): Figure {
  if (usdPerHour !== undefined) return given('usdPerDeviceHour', usdPerHour, 'USD/h', [], 'given');
  const rental = device.prices?.rentalUsdPerHour;
  if (rental) return rangeMidpoint('usdPerDeviceHour', rental, 'USD/h', 'catalog rental range midpoint');
  return given(
    'usdPerDeviceHour',
    0,
    'USD/h',
    [assumption('no rental price in the catalog for this device; pass --usd-per-hour')],
    'catalog rental range midpoint',
  );
}

export function estimateInference(
  catalog: Catalog,
  table: EfficiencyTable,
  o: InferenceOptions,
): InferenceEstimate {
  const r = resolveInference(catalog, table, o);
  const maxFit = maxBatchThatFits(r);
  const requestedBatch = o.batch ?? 1;
  const batchValue = requestedBatch === 'max' ? Math.max(1, maxFit) : positiveInt(requestedBatch, '--batch');
  const k = runResolved(r, batchValue);
  const { km, hw, work, device, model } = r;
  const decodeOps = decodeOperators(km, hw, r.off, { ...work, batch: batchValue });
  const prefillOps = prefillOperators(km, hw, r.off, work);
  const warnings: string[] = [];
  if (!k.fits) {
    warnings.push(
      `does not fit: ${(k.totalBytesPerDevice / 1e9).toFixed(1)} GB needed per device, ${(hw.capacityBytes / 1e9).toFixed(1)} GB usable; try more devices, a smaller --weights format, --kv fp8, a smaller --batch or --offload`,
    );
  }
  if (r.offload.kind === 'stream')
    warnings.push(
      `streaming efficiency ${STREAM_EFFICIENCY} is an uncalibrated assumption (no published AirLLM tokens/s)`,
    );
  if (r.efficiency.origin === 'prior')
    warnings.push(
      `no calibration points for ${device.class} × ${r.engineClass.id}: literature prior efficiencies used`,
    );

  const modelSource: Source[] = [deviceSource(model.source)];
  const nTotal = given('N_total', km.totalParams, 'params', modelSource, 'computed from the architecture');
  const nActive = given(
    'N_active',
    km.activeParams,
    'params',
    modelSource,
    'computed from the architecture: weights multiplied per token (input embedding lookup excluded)',
  );
  const fp = r.formats;
  const bpw = given(
    'bytesPerWeight',
    fp.expertBytesPerWeight,
    'B',
    [
      weightFormats[r.weights].source,
      ...(r.weightsDefaulted && model.nativeWeights ? [deviceSource(model.nativeWeights.source)] : []),
    ],
    `${weightsChoice(r, model)}${weightFormats[r.weights].note}; ${fp.note}${
      fp.blocks !== fp.experts
        ? `; other block weights ${fp.bytesPerWeight} B`
        : fp.headBytesPerWeight !== fp.bytesPerWeight
          ? `; embeddings and LM head ${fp.headBytesPerWeight} B`
          : ''
    }`,
  );
  const bkv = given('bytesPerKvElement', work.bytesPerKv, 'B', [], r.kv);
  const count = given('devices', hw.count, 'devices');
  const batch = figure({
    name: 'batch',
    value: batchValue,
    unit: 'sequences',
    formula:
      requestedBatch === 'max'
        ? 'largest batch whose weights + KV + activations + overhead fit per device (capped by the engine scheduler)'
        : 'given',
    inputs:
      requestedBatch === 'max'
        ? [named('engineBatchLimit', schedulerLimits(r.engineClass, r.adp).maxSequences)]
        : [],
  });
  const effNote = `${r.efficiency.origin} for ${r.efficiency.hardwareClass ?? 'all hardware'} × ${r.engineClass.id}: ${r.efficiency.note}${r.efficiency.points.length ? `; points listed by clearbox validate` : ''}`;
  const effC = given(
    'eff_compute',
    r.effCompute,
    'fraction',
    r.efficiency.sources.slice(0, 3),
    o.efficiencyCompute === undefined ? effNote : 'overridden by flag',
  );
  const effM = given(
    'eff_memory',
    r.effMemory,
    'fraction',
    r.efficiency.sources.slice(0, 3),
    o.efficiencyMemory === undefined ? effNote : 'overridden by flag',
  );
  const prefillAttentionPrior = prefillAttentionPriors[r.engineClass.id];
  const effAttn = given(
    'eff_prefill_attention',
    hw.effPrefillAttention ?? r.effCompute,
    'fraction',
    r.efficiency.prefillAttention === undefined
      ? prefillAttentionPrior.sources
      : r.efficiency.sources.slice(0, 3),
    r.efficiency.prefillAttention === undefined
      ? `prior for ${r.engineClass.id}: ${prefillAttentionPrior.note}`
      : `fitted for ${r.efficiency.hardwareClass ?? 'all hardware'} × ${r.engineClass.id} on its long-prompt points (bounded ×/÷ 3 around the prior ${prefillAttentionPrior.value})`,
  );
  const listedPeak = matmulPeakFigure(device, fp.expertsPath.dtype);
  // llama.cpp's kernels run at a rate the catalog lists only through the INT8 peak: cuBLAS F16 with FP16
  // accumulation (half of it), MMQ's mma.sync on parts whose peak needs wgmma (half of it).
  const expertsPeak =
    fp.expertsPath.peakTflops === undefined
      ? listedPeak
      : figure({
          name: `peakFlops(${fp.expertsPath.dtype}, as llama.cpp's kernel runs)`,
          value: fp.expertsPath.peakTflops * 1e12,
          unit: 'FLOP/s',
          formula: `${fp.expertsPath.note}: half the device's dense INT8 peak`,
          inputs: [peakFlopsFigure(device, 'int8')],
          sources: llamacppKernelSources,
        });
  const peak =
    fp.blocks === fp.experts
      ? expertsPeak
      : figure({
          name: `peakFlops(${fp.expertsPath.dtype} ${fp.ffn ? 'FFN' : 'experts'}, ${fp.blocksPath.dtype} rest)`,
          value: fp.peakFlops,
          unit: 'FLOP/s',
          formula: `N_active / (${fp.ffn ? 'FFN' : 'expert'} matmul params / their peak + other matmul params / their peak): FLOP-weighted harmonic mean`,
          inputs: [expertsPeak, matmulPeakFigure(device, fp.blocksPath.dtype)],
        });
  const dequant = given(
    'dequantSecondsPerWeight',
    Math.max(hw.dequantSecondsPerWeight ?? 0, hw.expertDequantSecondsPerWeight ?? 0),
    's',
    [weightFormats[r.weights].computeSource ?? weightFormats[r.weights].source],
    `ALU instructions per weight (${Math.max(fp.blocksPath.dequantOpsPerWeight, fp.expertsPath.dequantOpsPerWeight)}) / (FP32 FLOP/s / 2), paid once per ${fp.dequantTileTokens} tokens of each GEMM; 0 when the format runs natively`,
  );
  const bw = memoryBandwidthFigure(device);
  const kvPerToken = figure({
    name: 'kvBytesPerToken',
    value: km.layers * km.kvElementsPerTokenPerLayer * work.bytesPerKv,
    unit: 'B/token',
    formula: kvFormula(model.architecture),
    inputs: [named('L', km.layers), named('elementsPerLayer', km.kvElementsPerTokenPerLayer), bkv],
  });

  const weightsBytes = figure({
    name: 'weightsBytes',
    value: k.weightsBytesPerDevice,
    unit: 'B',
    formula:
      'per device: (embeddings + non-expert layers) / TP + routed experts / (TP · EP), × bytes per weight, resident share only when offloading',
    inputs: [nTotal, bpw, named('TP', r.tp), named('EP', r.ep), named('offload', formatOffload(r.offload))],
  });
  const kvCacheBytes = figure({
    name: 'kvCacheBytes',
    value: k.kvCacheBytesPerDevice,
    unit: 'B',
    formula:
      'per device: batch · (tokens held · KV bytes per token + recurrent state bytes) / KV shards (TP splits KV heads; MLA latent is replicated; EP runs attention data-parallel)',
    inputs: [
      batch,
      named('tokensHeld', k.kvTokensPerSequence),
      kvPerToken,
      named('stateElementsPerSequence', km.stateElementsPerSequence ?? 0),
    ],
  });
  const activationBytes = figure({
    name: 'activationBytes',
    value: k.activationBytesPerDevice,
    unit: 'B',
    formula: 'per device: prefill chunk · (6d + 2·ffn) · 2 B + batch · vocab · 4 B (logits), / TP',
    inputs: [
      named('chunkTokens', Math.min(batchValue * work.inputTokens || batchValue, PREFILL_CHUNK_TOKENS)),
      named('d', km.hiddenSize),
      named('ffn', km.ffnWidth),
      named('vocab', km.vocabSize),
    ],
  });
  const overheadBytes = given('runtimeOverheadBytes', hw.overheadBytesPerDevice, 'B', [
    assumption(
      `runtime overhead per device (CUDA context, workspaces, allocator slack) of the ${r.engineClass.id} class (data/engines)`,
    ),
  ]);
  const capacityBytes = figure({
    name: 'capacityBytes',
    value: hw.capacityBytes,
    unit: 'B',
    formula: `${
      device.class === 'apple-silicon'
        ? 'memory capacity · 0.75 (GPU-wired share of unified memory)'
        : 'memory capacity per device'
    }${kvMemoryFormula(hw)}`,
    inputs: [memoryCapacityFigure(device)],
  });
  const totalBytes = figure({
    name: 'totalBytes',
    value: k.totalBytesPerDevice,
    unit: 'B',
    formula: 'weights + KV cache + activations + runtime overhead (per device)',
    inputs: [weightsBytes, kvCacheBytes, activationBytes, overheadBytes],
  });

  const phaseInputs = (p: KernelResult['decode'], tokens: string) => [
    figure({
      name: 'computeTime',
      value: p.compute,
      unit: 's',
      formula: `(2 · N_active · ${tokens} + decode attention FLOPs) / (devices · peak · eff_compute) + prompt attention FLOPs / (devices · attention peak · eff_prefill_attention) + weights · ⌈${tokens} / ${r.formats.dequantTileTokens}⌉ · dequant seconds per weight (unpacked formats; llama.cpp MMQ's per-token scale work)`,
      inputs: [nActive, count, peak, effC, effAttn, dequant],
    }),
    figure({
      name: 'memoryTime',
      value: p.memory,
      unit: 's',
      formula: 'bytes read per device (weights touched + KV) / (bandwidth · eff_memory)',
      inputs: [
        bpw,
        bw,
        effM,
        ...(km.moeLayers > 0 ? [named('distinctExpertsPerLayer', k.distinctExpertsDecode)] : []),
      ],
    }),
    figure({
      name: 'communicationTime',
      value: p.communication,
      unit: 's',
      formula:
        "attention groups of g/ADP devices: 2 ring all-reduces per layer of the group's tokens · d · 2 B (2(n−1)/n over link bandwidth + latency); MoE: all-to-all of tokens · k · d · 2 B per MoE layer (EP over the groups), or all-gather + reduce-scatter of all tokens · d · 2 B when experts are sliced across attention groups (ADP > EP)",
      inputs: [
        named('TP', r.tp),
        named('EP', r.ep),
        named('ADP', r.adp),
        named('linkBandwidth', hw.linkBandwidth, 'B/s'),
        named('link', replicaLink(device, r.count).label),
      ],
    }),
    figure({
      name: 'offloadTime',
      value: p.offload,
      unit: 's',
      formula:
        r.offload.kind === 'cpu'
          ? 'CPU layers: max(bytes / (host bandwidth · eff), FLOPs / (host peak · eff)), after the GPU layers'
          : r.offload.kind === 'stream'
            ? 'all layer weights / (stream bandwidth · streaming efficiency), each pass'
            : 'no offload',
      inputs:
        r.offload.kind === 'stream'
          ? [named('streamBandwidth', r.streamBandwidth, 'B/s'), named('streamEfficiency', STREAM_EFFICIENCY)]
          : r.offload.kind === 'cpu'
            ? [named('cpuLayers', r.offload.layers), named('host', r.host?.id ?? '')]
            : [],
    }),
  ];
  const tpotSeconds = figure({
    name: 'tpotSeconds',
    value: k.tpotSeconds,
    unit: 's',
    formula: 'decode step at batch B: max(compute, memory) + communication + offload',
    inputs: [batch, ...phaseInputs(k.decode, 'B')],
  });
  const ttftSeconds = figure({
    name: 'ttftSeconds',
    value: k.ttftSeconds,
    unit: 's',
    formula: 'prefill of one request (max(compute, memory) + communication + offload) + first decode step',
    inputs: [named('inputTokens', work.inputTokens), ...phaseInputs(k.prefillSingle, 'I'), tpotSeconds],
  });
  const outputTps = figure({
    name: 'outputTokensPerSecond',
    value: k.outputTokensPerSecond,
    unit: 'tokens/s',
    formula: 'B · O / (prefill of B · I tokens + O · TPOT)',
    inputs: [
      batch,
      named('outputTokens', work.outputTokens),
      named('prefillBatchSeconds', k.prefillBatch.total, 's'),
      tpotSeconds,
    ],
  });
  const perUser = figure({
    name: 'perUserTokensPerSecond',
    value: k.perUserTokensPerSecond,
    unit: 'tokens/s',
    formula: '1 / TPOT',
    inputs: [tpotSeconds],
  });
  const prefillTps = figure({
    name: 'prefillTokensPerSecond',
    value: k.prefillTokensPerSecond,
    unit: 'tokens/s',
    formula: 'I / prefill time of one request',
    inputs: [named('inputTokens', work.inputTokens), named('prefillSeconds', k.prefillSingle.total, 's')],
  });

  const hourly = hourlyPriceFigure(device, o.usdPerHour);
  const utilization = o.utilization ?? 1;
  if (!(utilization > 0 && utilization <= 1))
    throw new InputError(`expected a fraction in (0, 1], got ${utilization}`, '--utilization');
  const util = given('utilization', utilization, 'fraction', [], 'share of paid hours doing work');
  const perMillion = (tokensPerSecond: number, usd: number) =>
    tokensPerSecond > 0 ? (1e6 * usd * hw.count) / (3600 * tokensPerSecond * utilization) : 0;
  const costFigure = (name: string, tps: Figure, what: string) => {
    const f = figure({
      name,
      value: perMillion(tps.value, hourly.value),
      unit: 'USD/Mtok',
      formula: `1e6 · USD per device-hour · devices / (3600 · ${what} tokens/s · utilization)`,
      inputs: [hourly, count, tps, util],
    });
    if (hourly.low !== undefined) f.low = perMillion(tps.value, hourly.low);
    if (hourly.high !== undefined) f.high = perMillion(tps.value, hourly.high);
    return f;
  };
  // Input tokens are priced at the replica's prefill rate when it does nothing else.
  const prefillThroughput = figure({
    name: 'prefillBatchTokensPerSecond',
    value: k.prefillBatch.total > 0 ? (batchValue * work.inputTokens) / k.prefillBatch.total : 0,
    unit: 'tokens/s',
    formula: 'B · I / prefill time of the batch',
    inputs: [batch, named('inputTokens', work.inputTokens)],
  });

  const { curve, serving, numbers } = estimateServing({
    steps: stepTimesFor(r),
    limits: servingLimitsFor(r, maxFit),
    limitSources: r.engineClass.sources.slice(0, 3).map(deviceSource),
    ...releaseBudgetSource(catalog, r),
    inputTokens: work.inputTokens,
    outputTokens: work.outputTokens,
    devices: hw.count,
    layers: km.layers,
    ...(o.concurrency === undefined ? {} : { concurrency: o.concurrency }),
    ...(o.mtpAcceptance === undefined ? {} : { mtpAcceptance: o.mtpAcceptance }),
  });

  return {
    model: model.id,
    hardware: device.id,
    count: hw.count,
    engine: r.engine,
    engineClass: r.engineClass.id,
    engineRelease: r.release,
    weights: r.weights,
    kv: r.kv,
    offload: formatOffload(r.offload),
    layout: { tensorParallel: r.tp, expertParallel: r.ep, attentionDataParallel: r.adp },
    fits: k.fits,
    batch,
    bound: boundNames[k.bound] ?? 'memory',
    memory: { weightsBytes, kvCacheBytes, activationBytes, overheadBytes, totalBytes, capacityBytes },
    ttftSeconds,
    tpotSeconds,
    throughput: {
      outputTokensPerSecond: outputTps,
      perUserTokensPerSecond: perUser,
      prefillTokensPerSecond: prefillTps,
    },
    usdPerMillionOutputTokens: costFigure('usdPerMillionOutputTokens', outputTps, 'output'),
    usdPerMillionInputTokens: costFigure('usdPerMillionInputTokens', prefillThroughput, 'prefill'),
    efficiency: { compute: effC, memory: effM },
    curve,
    serving,
    operators: {
      decode: decodeOps,
      prefill: prefillOps,
      decodeBounding: longest(decodeOps),
      prefillBounding: longest(prefillOps),
      curve: numbers.map((p) => {
        const decode = decodeOperators(km, hw, r.off, { ...work, batch: p.runningSequences });
        const mixed =
          p.prefillTokensPerStep > 0 && p.decodersInPrefillStep > 0
            ? mixedOperators(
                km,
                hw,
                r.off,
                work,
                p.decodersInPrefillStep,
                p.prefillTokensPerStep,
                Math.max(1, work.inputTokens),
              )
            : [];
        return {
          concurrency: p.concurrency,
          runningSequences: p.runningSequences,
          decodeStepSeconds: p.decodeStepSeconds,
          decodeBounding: longest(decode),
          mixedStepSeconds: p.mixedStepSeconds,
          mixedBounding: longest(mixed),
          decode,
          mixed,
        };
      }),
      fixedCosts: {
        kernelSeconds: hw.kernelSeconds,
        layerSeconds: hw.layerSeconds,
        hostLayerSeconds: hw.hostLayerSeconds,
        collectiveSeconds: hw.collectiveSeconds,
        prefillHostLayerSeconds: hw.prefillHostLayerSeconds ?? 0,
        moeMlaFixedCostScale: hw.moeMlaFixedCostScale ?? 1,
        moeMlaOperators: km.moeLayers > 0 || km.mlaHeads > 0,
      },
      prefillAttention: {
        efficiency: hw.effPrefillAttention ?? hw.effCompute,
        origin: r.efficiency.prefillAttention === undefined ? 'prior' : 'fitted',
      },
    },
    warnings,
  };
}
