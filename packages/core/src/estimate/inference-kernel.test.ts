import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shippedCatalog } from '../../test/load-catalog.ts';
import type { Engine, KvFormat, WeightFormat } from '../catalog/calibration-schema.ts';
import { InputError } from '../errors/clearbox-error.ts';
import { prefillAttentionPriors, priorTable } from './efficiency.ts';
import { expectedDistinctExperts } from './experts.ts';
import { maxBatchThatFits, type OffloadSpec, resolveInference } from './inference.ts';
import {
  decodeEagerShare,
  decodeOperators,
  decodeStep,
  type KernelHardware,
  type KernelModel,
  type KernelOffload,
  type KernelResult,
  type KernelWorkload,
  kernelFits,
  MLA_PLAIN_SCORE_BYTES,
  MOE_FUSED,
  MOE_GROUPED,
  MOE_SECONDS_PER_REDUCTION_ELEMENT,
  mixedOperators,
  mixedStepSeconds,
  OFFLOAD_CPU_LAYERS,
  OFFLOAD_STREAM,
  operatorNames,
  type PhaseTimes,
  prefillAttentionOccupancy,
  prefillOperators,
  runInferenceKernel,
} from './inference-kernel.ts';

/**
 * The kernel is written for speed (no allocation per operator, shared sub-expressions, a memory-only fit
 * test). This file computes the same step model the plain way, one object per operator and nothing
 * shared between passes, and requires bit-identical numbers on random catalog configurations. A physics
 * change to the kernel is made here too, in the same words: the two must agree exactly.
 */

interface RefOperator {
  compute: number;
  memory: number;
  fixed: number;
  communication: number;
}

interface RefPass extends PhaseTimes {
  operators: RefOperator[];
}

function refHeld(m: KernelModel, context: number): number {
  if (m.slidingWindow <= 0 || context <= m.slidingWindow) return context;
  return (m.slidingWindowLayers * m.slidingWindow + (m.layers - m.slidingWindowLayers) * context) / m.layers;
}

function refAttended(m: KernelModel, tokens: number): number {
  const limit = m.attendedTokensLimit ?? 0;
  return limit > 0 && tokens > limit ? limit : tokens;
}

function refPairs(m: KernelModel, tokens: number): number {
  const limit = m.attendedTokensLimit ?? 0;
  if (limit <= 0 || tokens <= limit) return (tokens * tokens) / 2;
  return tokens * limit - (limit * limit) / 2;
}

/** KV a step's prompt chunks read back: per chunk of c tokens, the (I − c)/2 tokens cached before it on average. */
/** Busy share of the units over a prefill attention grid of ⌈heads⌉ × ⌈tokens / 128⌉ tiles, in whole waves. */
function refOccupancy(units: number | undefined, tokens: number, heads: number): number {
  if (!units || units <= 0 || tokens <= 0) return 1;
  const tiles = Math.ceil(heads) * Math.ceil(tokens / 128);
  const waves = Math.ceil(tiles / units);
  return tiles / (waves * units);
}

function refPrefixBytes(m: KernelModel, w: KernelWorkload, tokens: number, promptTokens: number): number {
  const chunk = Math.min(promptTokens, tokens);
  if (!(chunk > 0 && promptTokens > chunk)) return 0;
  const held = refHeld(m, (promptTokens - chunk) / 2);
  const kvPerToken = m.layers * m.kvElementsPerTokenPerLayer * w.bytesPerKv;
  const indexerPerToken = m.layers * (m.indexerElementsPerTokenPerLayer ?? 0) * w.bytesPerKv;
  const state = (m.stateElementsPerSequence ?? 0) * w.bytesPerKv;
  return (
    (tokens / chunk) *
    (refAttended(m, held) * (kvPerToken - indexerPerToken) + held * indexerPerToken + state)
  );
}

function refPass(
  m: KernelModel,
  hw: KernelHardware,
  off: KernelOffload,
  w: KernelWorkload,
  tokens: number,
  sequences: number,
  /** Prompt tokens among `tokens`, in prompts of `promptTokens`, and the attention FLOPs of each kind. */
  prefill: { tokens: number; promptTokens: number; flops: number },
  decodeFlops: number,
  kvReadBytes: number,
  kvContext: number,
  /** Share of these passes launched from the host (a prompt pass: all; a decode pass: past the graphs' context). */
  eagerShare: number,
): RefPass {
  const { count: g, tensorParallel: tp, expertParallel: ep } = hw;
  const adp = hw.attentionDataParallel ?? ep;
  const atp = g / adp;
  const L = m.layers;
  const bpw = w.bytesPerWeight;
  const ebpw = w.expertBytesPerWeight ?? bpw;
  const hbpw = w.headBytesPerWeight ?? bpw;
  // Each operator group at its own path: dtype peak × path factor (compute), class bandwidth × path factor (weights).
  const flopRate = hw.peakFlops * hw.effCompute;
  const rateOf = (peak: number | undefined) => (peak ?? hw.peakFlops) * hw.effCompute;
  const byteRate = hw.memoryBandwidth * hw.effMemory;
  const streamOf = (scale: number | undefined) => byteRate * (scale ?? 1);
  const ks = hw.kernelSeconds;
  // MoE and MLA operators' launches, the fused walk and the expert collectives' latency at their multiplier.
  const arch = hw.moeMlaFixedCostScale ?? 1;
  const aks = ks * arch;
  const mlaKs = m.mlaHeads > 0 ? aks : ks;
  // A prompt's chunk sits on one attention group; decoding sequences spread evenly.
  const busiest =
    prefill.tokens > 0
      ? Math.max(1 / adp, Math.min(prefill.promptTokens, prefill.tokens) / prefill.tokens)
      : 0;
  const local = (tokens - prefill.tokens) / adp + busiest * prefill.tokens;
  // Weight-only formats unpack every weight once per 128 tokens of the GEMM (llama.cpp: its own tile).
  const tile = hw.dequantTileTokens ?? 128;
  const dq = (hw.dequantSecondsPerWeight ?? 0) * Math.ceil(local / tile);
  const share = off.mode === OFFLOAD_CPU_LAYERS ? 1 - Math.min(1, off.cpuLayers / L) : 1;
  const layers = L * share;
  const gemm = (params: number, opLayers: number, kernels: number, perKernel: number): RefOperator => ({
    compute: (share * params * ((2 * local) / flopRate + dq)) / atp,
    memory: (share * params * bpw) / atp / streamOf(hw.weightMemoryScale),
    fixed: opLayers * share * kernels * perKernel,
    communication: 0,
  });
  // The dense FFN may run its own format (fp8_mixed: FP8 FFN beside BF16 attention).
  const ffnGemm = (): RefOperator => ({
    compute:
      (share *
        m.denseFfnParams *
        ((2 * local) / rateOf(hw.ffnPeakFlops) +
          (hw.ffnDequantSecondsPerWeight ?? hw.dequantSecondsPerWeight ?? 0) * Math.ceil(local / tile))) /
      atp,
    memory:
      (share * m.denseFfnParams * (w.ffnBytesPerWeight ?? bpw)) /
      atp /
      streamOf(hw.ffnMemoryScale ?? hw.weightMemoryScale),
    fixed: m.denseLayers * share * (m.denseFfnParams > 0 ? 2 : 0) * ks,
    communication: 0,
  });
  const ffnExtra = w.ffnBytesPerWeight === undefined ? 0 : m.denseFfnParams * (w.ffnBytesPerWeight - bpw);
  const distinct = m.moeLayers > 0 ? expectedDistinctExperts(m.routedExperts, m.activeExperts, tokens) : 0;
  let experts: RefOperator = { compute: 0, memory: 0, fixed: 0, communication: 0 };
  if (m.moeLayers > 0) {
    let perRank = distinct / ep;
    let tokenShare = 1 / ep;
    if (ep > 1) {
      const lnEp = Math.log(ep);
      perRank = Math.min(m.routedExperts / ep, perRank + Math.sqrt(2 * perRank * lnEp));
      const assignments = tokens * m.activeExperts;
      tokenShare = Math.min(1, (assignments / ep + Math.sqrt((2 * assignments * lnEp) / ep)) / assignments);
    }
    const moeLayers = m.moeLayers * share;
    const kernels =
      hw.moeKernel === MOE_FUSED ? 2 : hw.moeKernel === MOE_GROUPED ? 7 : 5 * Math.max(1, perRank);
    const perAssignment = ((m.routedHiddenElements ?? 0) + (m.routedIntermediateElements ?? 0) / tp) * 2;
    // Expert weights stream at their path's rate; the assignments' activations at the class rate.
    const memory =
      (moeLayers *
        ((perRank * m.perExpertParams * ebpw) / tp / (hw.expertMemoryScale ?? 1) +
          tokens * m.activeExperts * tokenShare * perAssignment)) /
      byteRate;
    let compute =
      (moeLayers * 2 * tokens * m.activeExperts * m.perExpertParams * tokenShare) /
      tp /
      rateOf(hw.expertPeakFlops);
    const edq = hw.expertDequantSecondsPerWeight ?? hw.dequantSecondsPerWeight ?? 0;
    if (edq > 0) {
      const tokensPerExpert = (tokens * m.activeExperts * tokenShare) / Math.max(1, perRank);
      compute += (moeLayers * perRank * m.perExpertParams * edq * Math.ceil(tokensPerExpert / tile)) / tp;
    }
    experts = {
      compute,
      memory: hw.moeKernel === MOE_GROUPED ? memory / 0.8 : memory,
      // The fused kernel's serial walk over d (gate/up) and I / TP (down), per MoE layer.
      fixed:
        moeLayers * kernels * aks +
        (hw.moeKernel === MOE_FUSED
          ? moeLayers *
            (m.hiddenSize + (m.expertIntermediateSize ?? 0) / tp) *
            MOE_SECONDS_PER_REDUCTION_ELEMENT *
            arch
          : 0),
      communication: 0,
    };
  }
  const scoreBytes = hw.mlaPlain * m.mlaHeads * MLA_PLAIN_SCORE_BYTES * sequences * kvContext * L;
  let allReduce = 0;
  let allToAll = 0;
  if (g > 1) {
    const message = local * m.hiddenSize * 2;
    const latency = hw.linkLatencySeconds + hw.collectiveSeconds;
    const moeLatency = hw.linkLatencySeconds + hw.collectiveSeconds * arch;
    if (atp > 1) allReduce = 2 * layers * ((((2 * (atp - 1)) / atp) * message) / hw.linkBandwidth + latency);
    if (adp > ep && m.moeLayers > 0)
      allToAll =
        m.moeLayers *
        share *
        ((2 * ((adp - 1) / adp) * tokens * m.hiddenSize * 2) / hw.linkBandwidth + 2 * moeLatency);
    else if (adp > 1 && ep > 1 && m.moeLayers > 0)
      allToAll =
        m.moeLayers *
        share *
        ((2 * ((ep - 1) / ep) * message * m.activeExperts) / hw.linkBandwidth + 2 * moeLatency);
  }
  const operators: RefOperator[] = [
    gemm(m.projectionParams, L, m.projectionKernelsPerLayer, mlaKs),
    {
      // A chunk of a longer prompt attends through the release's prefix-prefill kernel, at its own factor.
      compute:
        share *
        (decodeFlops / g / rateOf(hw.attentionPeakFlops) +
          (busiest * prefill.flops) /
            atp /
            ((hw.attentionPeakFlops ?? hw.peakFlops) *
              (hw.effPrefillAttention ?? hw.effCompute) *
              refOccupancy(hw.computeUnits, busiest * prefill.tokens, m.heads / atp) *
              (refPrefixBytes(m, w, prefill.tokens, prefill.promptTokens) > 0
                ? (hw.prefillAttentionComputeScale ?? 1)
                : 1))),
      // Each device reads the cache it holds: KV heads split over at most their number of ranks; a chunk
      // of a longer prompt also reads the prefix its prompt's earlier chunks cached.
      memory:
        share *
        ((kvReadBytes / ((g / atp) * Math.min(atp, m.kvShardLimit)) + scoreBytes / g) /
          (byteRate * (hw.attentionMemoryScale ?? 1)) +
          (busiest * adp * refPrefixBytes(m, w, prefill.tokens, prefill.promptTokens)) /
            ((g / atp) * Math.min(atp, m.kvShardLimit)) /
            (byteRate * (hw.attentionMemoryScale ?? 1) * (hw.prefillAttentionMemoryScale ?? 1))),
      fixed: layers * (m.mlaHeads > 0 && hw.mlaPlain ? 2 : 1) * mlaKs,
      communication: 0,
    },
    {
      // The router is 16-bit (no unpacking), its weights streamed at the blocks' width and the class rate.
      compute: (share * m.routerParams * 2 * local) / rateOf(hw.routerPeakFlops) / atp,
      memory: (share * m.routerParams * bpw) / atp / byteRate,
      fixed: m.moeLayers * share * 2 * aks,
      communication: 0,
    },
    experts,
    gemm(m.sharedExpertParams, m.moeLayers, m.sharedExpertParams > 0 ? 2 : 0, aks),
    ffnGemm(),
    {
      compute: 0,
      memory: (layers * local * 12 * m.hiddenSize * 2) / byteRate,
      fixed: layers * hw.layerSeconds,
      communication: 0,
    },
    {
      compute: (2 * (sequences / adp) * m.lmHeadMatmulParams) / atp / rateOf(hw.headPeakFlops),
      memory: (m.lmHeadMatmulParams * hbpw) / atp / streamOf(hw.headMemoryScale),
      fixed: m.lmHeadMatmulParams > 0 ? ks : 0,
      communication: 0,
    },
    { compute: 0, memory: 0, fixed: 0, communication: allReduce },
    { compute: 0, memory: 0, fixed: 0, communication: allToAll },
  ];
  const sum = (f: (o: RefOperator) => number) => operators.reduce((acc, o) => acc + f(o), 0);
  const compute = sum((o) => o.compute);
  const memory = sum((o) => o.memory);
  let overhead = sum((o) => o.fixed);
  const onDevice = sum((o) => Math.max(o.compute, o.memory) + o.fixed) + (allReduce + allToAll);
  // Decode issued from the host runs ahead of the device (the longer of the two); an eager prompt pass
  // synchronises host and device, so its host time adds.
  const host = layers * hw.hostLayerSeconds;
  const eagerHost = eagerShare * layers * (hw.prefillHostLayerSeconds ?? 0);
  let total = Math.max(onDevice, host) + eagerHost;
  if (host > onDevice) overhead += host - onDevice;
  overhead += eagerHost;
  let offload = 0;
  if (off.mode === OFFLOAD_CPU_LAYERS) {
    const f = 1 - share;
    const bytes =
      (m.nonExpertParams - m.embeddingParams) * bpw +
      ffnExtra +
      m.moeLayers * distinct * m.perExpertParams * ebpw;
    const cpuMemory = (f * bytes + f * kvReadBytes) / (off.hostBandwidth * off.hostEffMemory);
    const cpuCompute =
      (f * (2 * m.activeParams * tokens + decodeFlops + prefill.flops)) /
      (off.hostPeakFlops * off.hostEffCompute);
    offload = Math.max(cpuMemory, cpuCompute);
  } else if (off.mode === OFFLOAD_STREAM) {
    const routed = m.totalParams - m.nonExpertParams;
    const head = m.embeddingParams + m.lmHeadParams;
    const bytes = (m.totalParams - routed - head) * bpw + ffnExtra + routed * ebpw + head * hbpw;
    offload = bytes / (off.streamBandwidth * off.streamEfficiency);
  }
  total += offload;
  return { compute, memory, communication: allReduce + allToAll, offload, overhead, total, operators };
}

function refDecode(m: KernelModel, w: KernelWorkload, B: number) {
  const held = refHeld(m, w.inputTokens + w.outputTokens / 2);
  const context = refAttended(m, held);
  const kvPerToken = m.layers * m.kvElementsPerTokenPerLayer * w.bytesPerKv;
  const indexerPerToken = m.layers * (m.indexerElementsPerTokenPerLayer ?? 0) * w.bytesPerKv;
  const state = (m.stateElementsPerSequence ?? 0) * w.bytesPerKv;
  const kvRead = B * (context * (kvPerToken - indexerPerToken) + held * indexerPerToken + state);
  // MLA decodes absorbed: each head scores and reads the latent (2·d_c + d_r); others d_qk + d_v.
  const width = m.decodeAttentionWidth ?? m.attentionWidth;
  const flops = 2 * (m.attentionLayers ?? m.layers) * m.heads * width * context * B;
  return { flops, kvRead, context };
}

/**
 * Decode steps launched eagerly because a sequence outgrew the graphs' context: a sequence spends
 * max(0, I + O − limit) of its O steps past it (at most all); a step of B is eager when any of its B is.
 */
function refDecodeEagerShare(hw: KernelHardware, w: KernelWorkload, B: number): number {
  const limit = hw.decodeGraphMaxContext ?? 0;
  if (limit <= 0 || w.outputTokens <= 0) return 0;
  const past = Math.min(1, Math.max(0, (w.inputTokens + w.outputTokens - limit) / w.outputTokens));
  return 1 - (1 - past) ** Math.max(1, B);
}

function refPrefillFlops(m: KernelModel, promptTokens: number, prompts: number): number {
  return (
    2 * (m.attentionLayers ?? m.layers) * m.heads * m.attentionWidth * refPairs(m, promptTokens) * prompts
  );
}

function refKernel(m: KernelModel, hw: KernelHardware, off: KernelOffload, w: KernelWorkload) {
  const { batch: B, inputTokens: I, outputTokens: O } = w;
  const atp = hw.count / (hw.attentionDataParallel ?? hw.expertParallel);
  const resident = off.mode === OFFLOAD_CPU_LAYERS ? 1 - Math.min(1, off.cpuLayers / m.layers) : 1;
  const routed = m.totalParams - m.nonExpertParams;
  const bpw = w.bytesPerWeight;
  const ebpw = w.expertBytesPerWeight ?? bpw;
  const hbpw = w.headBytesPerWeight ?? bpw;
  // Block layers, routed experts and embeddings / LM head each at their own width (a dense FFN may have its own).
  const blocks = m.totalParams - m.embeddingParams - m.lmHeadParams;
  const ffnExtra = w.ffnBytesPerWeight === undefined ? 0 : m.denseFfnParams * (w.ffnBytesPerWeight - bpw);
  const weights =
    off.mode === OFFLOAD_STREAM
      ? Math.max(
          ((blocks - routed) * bpw + ffnExtra + routed * ebpw) / m.layers,
          m.embeddingParams * hbpw,
          m.lmHeadParams * hbpw,
        ) / atp
      : (m.embeddingParams * hbpw +
          resident *
            ((m.totalParams - m.embeddingParams - routed - m.lmHeadParams) * bpw +
              ffnExtra +
              m.lmHeadParams * hbpw)) /
          atp +
        (resident * routed * ebpw) / hw.count;
  const shards = (hw.count / atp) * Math.min(atp, m.kvShardLimit);
  const kv =
    (resident *
      B *
      (refHeld(m, I + O) * (m.layers * m.kvElementsPerTokenPerLayer * w.bytesPerKv) +
        (m.stateElementsPerSequence ?? 0) * w.bytesPerKv)) /
    shards;
  const chunk = Math.min(B * I > 0 ? B * I : B, w.prefillChunkTokens);
  const activations = (chunk * (6 * m.hiddenSize + 2 * m.ffnWidth) * 2 + B * m.vocabSize * 4) / atp;
  const total = weights + kv + activations + hw.overheadBytesPerDevice;
  const d = refDecode(m, w, B);
  const noPrefill = { tokens: 0, promptTokens: 0, flops: 0 };
  const decode = refPass(
    m,
    hw,
    off,
    w,
    B,
    B,
    noPrefill,
    d.flops,
    d.kvRead,
    d.context,
    refDecodeEagerShare(hw, w, B),
  );
  const none: RefPass = {
    compute: 0,
    memory: 0,
    communication: 0,
    offload: 0,
    overhead: 0,
    total: 0,
    operators: [],
  };
  const prompt = (n: number) => ({ tokens: n * I, promptTokens: I, flops: refPrefillFlops(m, I, n) });
  const single = I > 0 ? refPass(m, hw, off, w, I, 1, prompt(1), 0, 0, 0, 1) : none;
  const batch = I > 0 ? refPass(m, hw, off, w, B * I, B, prompt(B), 0, 0, 0, 1) : none;
  const wall = batch.total + (O > 0 ? O * decode.total : 0);
  return {
    weightsBytesPerDevice: weights,
    kvCacheBytesPerDevice: kv,
    activationBytesPerDevice: activations,
    totalBytesPerDevice: total,
    // The engine's reservation: everything within u·C, and KV within f of what the rest leaves free.
    fits:
      total <= hw.capacityBytes * (hw.usableShareOfCapacity ?? 1) &&
      kv <= (hw.capacityBytes * (hw.usableShareOfCapacity ?? 1) - (total - kv)) * (hw.kvShareOfFree ?? 1),
    decode,
    prefillSingle: single,
    prefillBatch: batch,
    tpotSeconds: decode.total,
    ttftSeconds: single.total + (O > 0 ? decode.total : 0),
    outputTokensPerSecond: wall > 0 && O > 0 ? (B * O) / wall : 0,
  };
}

function phase(p: PhaseTimes): number[] {
  return [p.compute, p.memory, p.communication, p.offload, p.overhead, p.total];
}

function same(actual: KernelResult, expected: ReturnType<typeof refKernel>) {
  const a = [
    actual.weightsBytesPerDevice,
    actual.kvCacheBytesPerDevice,
    actual.activationBytesPerDevice,
    actual.totalBytesPerDevice,
    actual.tpotSeconds,
    actual.ttftSeconds,
    actual.outputTokensPerSecond,
    ...phase(actual.decode),
    ...phase(actual.prefillSingle),
    ...phase(actual.prefillBatch),
  ];
  const e = [
    expected.weightsBytesPerDevice,
    expected.kvCacheBytesPerDevice,
    expected.activationBytesPerDevice,
    expected.totalBytesPerDevice,
    expected.tpotSeconds,
    expected.ttftSeconds,
    expected.outputTokensPerSecond,
    ...phase(expected.decode),
    ...phase(expected.prefillSingle),
    ...phase(expected.prefillBatch),
  ];
  // toEqual on numbers is Object.is per element: bit-identical, not merely close.
  expect(a).toEqual(e);
  expect(actual.fits).toBe(expected.fits);
}

const catalog = shippedCatalog();
const weightsList: WeightFormat[] = [
  'bf16',
  'fp8',
  'int8',
  'int4',
  'q4_k_m',
  'q8_0',
  'fp16',
  'nvfp4',
  'mxfp4',
  'fp6',
  'awq',
  'q6_k',
  'iq2_xxs',
  'fp8_mixed',
];
const kvList: KvFormat[] = ['bf16', 'fp8', 'fp16', 'nvfp4', 'q8_0'];
const engines: Engine[] = ['tuned', 'llamacpp', 'pytorch-eager', 'pytorch-graph', 'sglang', 'vllm', 'trtllm'];

const configArb = fc.record({
  model: fc.nat(catalog.models.length - 1),
  device: fc.nat(catalog.devices.length - 1),
  countLog: fc.nat(4),
  epLog: fc.nat(4),
  /** Attention data parallel over every device (TensorRT-LLM enable_attention_dp) instead of the EP default. */
  attentionDp: fc.boolean(),
  weights: fc.constantFrom(...weightsList),
  kv: fc.constantFrom(...kvList),
  engine: fc.constantFrom(...engines),
  offload: fc.constantFrom<OffloadSpec | 'cpu'>({ kind: 'none' }, 'cpu', { kind: 'stream', from: 'nvme' }),
  cpuLayers: fc.nat(200),
  batch: fc.integer({ min: 1, max: 4096 }),
  input: fc.integer({ min: 0, max: 16384 }),
  output: fc.integer({ min: 0, max: 4096 }),
  effCompute: fc.double({ min: 0.05, max: 1, noNaN: true }),
  decoders: fc.nat(512),
  prefillTokens: fc.nat(16384),
  /** vLLM V0's max_seq_len_to_capture where the draw sets one (0: decode always captured). */
  graphContext: fc.constantFrom(0, 0, 2048, 8192),
  /** The fitted MoE/MLA fixed-cost multiplier (1: the prior). */
  moeMlaScale: fc.constantFrom(1, 1, 0.4, 6),
});

type Config = typeof configArb extends fc.Arbitrary<infer T> ? T : never;

function resolve(c: Config) {
  const model = catalog.models[c.model];
  const device = catalog.devices[c.device];
  if (!model || !device) return undefined;
  const count = 2 ** c.countLog;
  const ep = model.architecture.moe ? 2 ** Math.min(c.epLog, c.countLog) : 1;
  const offload: OffloadSpec =
    c.offload === 'cpu' ? { kind: 'cpu', layers: c.cpuLayers % (model.architecture.layers + 1) } : c.offload;
  try {
    const r = resolveInference(catalog, priorTable, {
      model: model.id,
      hardware: device.id,
      count,
      expertParallel: ep,
      ...(c.attentionDp && model.architecture.moe ? { attentionDataParallel: count } : {}),
      weights: c.weights,
      kv: c.kv,
      engine: c.engine,
      offload,
      inputTokens: c.input,
      outputTokens: c.output,
      efficiencyCompute: c.effCompute,
    });
    r.hw.decodeGraphMaxContext = c.graphContext;
    r.hw.moeMlaFixedCostScale = c.moeMlaScale;
    return r;
  } catch (error) {
    // Combinations the estimate refuses (context too long, EP not dividing the experts, no peak) are no case.
    if (error instanceof InputError) return undefined;
    throw error;
  }
}

describe('inference kernel against the plain reference', () => {
  it('gives bit-identical results on random catalog configurations', () => {
    let checked = 0;
    fc.assert(
      fc.property(configArb, (c) => {
        const r = resolve(c);
        if (!r) return;
        const w = { ...r.work, batch: c.batch };
        same(runInferenceKernel(r.km, r.hw, r.off, w), refKernel(r.km, r.hw, r.off, w));
        checked++;
      }),
      { numRuns: 400, seed: 14 },
    );
    // Most random draws must be real configurations, or the property tested little.
    expect(checked).toBeGreaterThan(200);
  });

  it('prices a mixed step and explains operators exactly as the reference does', () => {
    fc.assert(
      fc.property(configArb, (c) => {
        const r = resolve(c);
        if (!r) return;
        const { km, hw, off } = r;
        const w = { ...r.work, batch: c.batch };
        const promptTokens = Math.max(1, w.inputTokens);
        const d = refDecode(km, w, c.decoders);
        const prompts = c.prefillTokens / promptTokens;
        const expected = refPass(
          km,
          hw,
          off,
          w,
          c.decoders + c.prefillTokens,
          c.decoders + prompts,
          { tokens: c.prefillTokens, promptTokens, flops: refPrefillFlops(km, promptTokens, prompts) },
          d.flops,
          d.kvRead,
          d.context,
          c.prefillTokens > 0 ? 1 : refDecodeEagerShare(hw, w, c.decoders),
        ).total;
        expect(mixedStepSeconds(km, hw, off, w, c.decoders, c.prefillTokens, promptTokens)).toBe(expected);

        const dd = refDecode(km, w, w.batch);
        const ref = refPass(
          km,
          hw,
          off,
          w,
          w.batch,
          w.batch,
          { tokens: 0, promptTokens: 0, flops: 0 },
          dd.flops,
          dd.kvRead,
          dd.context,
          refDecodeEagerShare(hw, w, w.batch),
        ).operators;
        const rows = operatorNames
          .map((name, i) => ({ name, o: ref[i] as RefOperator }))
          .filter(({ o }) => Math.max(o.compute, o.memory) + o.fixed + o.communication > 0)
          .map(({ name, o }) => [name, o.compute, o.memory, o.fixed, o.communication]);
        expect(
          decodeOperators(km, hw, off, w).map((o) => [
            o.operator,
            o.computeSeconds,
            o.memorySeconds,
            o.fixedSeconds,
            o.communicationSeconds,
          ]),
        ).toEqual(rows);
        if (w.inputTokens > 0) expect(prefillOperators(km, hw, off, w).length).toBeGreaterThan(0);
      }),
      { numRuns: 200, seed: 15 },
    );
  });

  it('answers the memory fit without a forward pass, as the full kernel does', () => {
    fc.assert(
      fc.property(configArb, (c) => {
        const r = resolve(c);
        if (!r) return;
        const w = { ...r.work, batch: c.batch };
        expect(kernelFits(r.km, r.hw, r.off, w)).toBe(refKernel(r.km, r.hw, r.off, w).fits);
        // The largest fitting batch: fits itself, and one more does not (unless the engine caps it).
        const max = maxBatchThatFits(r);
        const fitsAt = (batch: number) => refKernel(r.km, r.hw, r.off, { ...r.work, batch }).fits;
        if (max === 0) expect(fitsAt(1)).toBe(false);
        else {
          expect(fitsAt(max)).toBe(true);
          if (max < r.engineClass.limits.maxSequences) expect(fitsAt(max + 1)).toBe(false);
        }
      }),
      { numRuns: 200, seed: 16 },
    );
  });
});

describe('decode graphs that stop at a context length (vLLM V0 max_seq_len_to_capture)', () => {
  const at = (inputTokens: number, engineRelease?: string) =>
    resolveInference(catalog, priorTable, {
      model: 'llama-3.1-405b',
      hardware: 'h100-sxm',
      count: 8,
      weights: 'fp8',
      kv: 'bf16',
      engine: 'vllm',
      inputTokens,
      outputTokens: 2048,
      ...(engineRelease === undefined ? {} : { engineRelease }),
    });

  it('launches every decode step of 32k-token prompts eagerly on the V0 build dstack ran', () => {
    const v0 = at(32784, '0.6.3.post2.dev308');
    const v1 = at(32784);
    expect(v0.hw.decodeGraphMaxContext).toBe(8192);
    expect(v1.hw.decodeGraphMaxContext ?? 0).toBe(0);
    const eagerHost = 126 * (v0.hw.prefillHostLayerSeconds ?? 0);
    expect(eagerHost).toBeGreaterThan(0);
    // The release's attention path also differs (FlashAttention-2 on Hopper), so compare against V0 itself
    // with its graphs made to cover the context.
    const captured = { ...v0.hw, decodeGraphMaxContext: 0 };
    for (const batch of [1, 4, 16]) {
      const eager = decodeStep(v0.km, v0.hw, v0.off, v0.work, batch).total;
      const graph = decodeStep(v0.km, captured, v0.off, v0.work, batch).total;
      expect(eager - graph).toBeCloseTo(eagerHost, 12);
    }
  });

  it('keeps decode captured while prompt and output stay inside the graphs (2,048 + 2,048 tokens)', () => {
    const v0 = at(2048, '0.6.3.post2.dev308');
    const captured = { ...v0.hw, decodeGraphMaxContext: 0 };
    expect(decodeStep(v0.km, v0.hw, v0.off, v0.work, 8).total).toBe(
      decodeStep(v0.km, captured, v0.off, v0.work, 8).total,
    );
  });

  it('makes the share of eager steps grow with the batch when only the sequences tails pass the limit', () => {
    // 7,000 + 2,048: each sequence spends (9,048 − 8,192) / 2,048 = 42% of its steps past 8,192.
    const v0 = at(7000, '0.6.3.post2.dev308');
    const single = (7000 + 2048 - 8192) / 2048;
    expect(decodeEagerShare(v0.hw, v0.work, 1)).toBeCloseTo(single, 12);
    expect(decodeEagerShare(v0.hw, v0.work, 8)).toBeCloseTo(1 - (1 - single) ** 8, 12);
    expect(decodeEagerShare(v0.hw, { ...v0.work, inputTokens: 6000 }, 64)).toBe(0);
  });
});

describe('prompt chunks and the prefill attention kernel', () => {
  // Llama 3.1 405B BF16 on 8 MI300X: GQA with 8 KV heads, one per device at TP 8.
  const r = resolveInference(catalog, priorTable, {
    model: 'llama-3.1-405b',
    hardware: 'mi300x',
    count: 8,
    weights: 'bf16',
    kv: 'bf16',
    engine: 'vllm-rocm',
    inputTokens: 32000,
    outputTokens: 128,
  });
  const attention = (hw: KernelHardware, prefillTokens: number, promptTokens: number) => {
    const row = mixedOperators(r.km, hw, r.off, r.work, 0, prefillTokens, promptTokens).find(
      (o) => o.operator === 'attention over KV',
    );
    if (!row) throw new Error('no attention row');
    return row;
  };

  it('makes a chunk of a longer prompt read back the KV its earlier chunks cached', () => {
    // A 512-token prompt in one step reads no prefix; a 512-token chunk of a 32,000-token prompt reads,
    // on average, the (32,000 − 512) / 2 tokens cached before it, at the class's KV rate.
    const whole = attention(r.hw, 512, 512).memorySeconds;
    const chunk = attention(r.hw, 512, 32000).memorySeconds;
    const kvPerTokenPerDevice = (r.km.layers * r.km.kvElementsPerTokenPerLayer * r.work.bytesPerKv) / 8;
    const expected = ((32000 - 512) / 2) * kvPerTokenPerDevice;
    expect(whole).toBe(0);
    expect(chunk).toBeCloseTo(expected / (r.hw.memoryBandwidth * r.hw.effMemory), 12);
    // The prefix grows with the prompt: twice the prompt, about twice the bytes per chunk.
    expect(attention(r.hw, 512, 64000).memorySeconds / chunk).toBeCloseTo((64000 - 512) / (32000 - 512), 9);
  });

  it("slows a prompt chunk's attention by the release's prefix-prefill factor, never decode's", () => {
    const slow = { ...r.hw, prefillAttentionComputeScale: 0.4, prefillAttentionMemoryScale: 0.5 };
    const base = attention(r.hw, 512, 32000);
    const old = attention(slow, 512, 32000);
    expect(old.computeSeconds).toBeCloseTo(base.computeSeconds / 0.4, 12);
    expect(old.memorySeconds).toBeCloseTo(base.memorySeconds / 0.5, 12);
    // A prompt that fits one step has no prefix: the reference prefill kernel, whatever the factor.
    expect(attention(slow, 512, 512)).toEqual(attention(r.hw, 512, 512));
    // A decode step (no prompt tokens) is the same with or without the prefill kernel's factor.
    for (const batch of [1, 16])
      expect(decodeStep(r.km, slow, r.off, r.work, batch).total).toBe(
        decodeStep(r.km, r.hw, r.off, r.work, batch).total,
      );
  });
});

describe('prefill attention: causal FLOPs over query heads, at its own kernel efficiency', () => {
  const at = (model: string, hardware: string, count: number, weights: WeightFormat, inputTokens: number) =>
    resolveInference(catalog, priorTable, {
      model,
      hardware,
      count,
      weights,
      kv: 'bf16',
      engine: 'vllm',
      inputTokens,
      outputTokens: 1,
    });
  const attentionRow = (r: ReturnType<typeof at>, hw: KernelHardware = r.hw) => {
    const row = prefillOperators(r.km, hw, r.off, r.work).find((o) => o.operator === 'attention over KV');
    if (!row) throw new Error('no attention row');
    return row;
  };
  const flopsOf = (r: ReturnType<typeof at>) => {
    // The count alone: every compute unit busy (the grid's wave quantization is the next test's).
    const { computeUnits: _units, ...allBusy } = r.hw;
    const row = attentionRow(r, allBusy);
    const rate = (r.hw.attentionPeakFlops ?? r.hw.peakFlops) * (r.hw.effPrefillAttention ?? r.hw.effCompute);
    return row.computeSeconds * rate * r.hw.count;
  };

  it('counts 2 · L · h_q · (d_qk + d_v) · I²/2 FLOPs: causal, every query head (GQA shares K/V, not FLOPs)', () => {
    // Llama 3.1 405B: 126 layers, 128 query heads (8 KV heads), head dim 128, at TP 8.
    const I = 32_000;
    const expected = 2 * 126 * 128 * (128 + 128) * ((I * I) / 2);
    expect(flopsOf(at('llama-3.1-405b', 'h100-sxm', 8, 'fp8', I)) / expected).toBeCloseTo(1, 12);
  });

  it("counts DeepSeek-V3's MLA prefill un-absorbed: 128 heads of (128 + 64) + 128 = 320", () => {
    const I = 8_192;
    const expected = 2 * 61 * 128 * (128 + 64 + 128) * ((I * I) / 2);
    expect(flopsOf(at('deepseek-v3', 'h200', 8, 'fp8', I)) / expected).toBeCloseTo(1, 12);
  });

  it('runs the prompt attention at effPrefillAttention, and nothing else', () => {
    const r = at('llama-3.1-70b', 'h100-sxm', 4, 'fp8', 16_000);
    const faster = { ...r.hw, effPrefillAttention: 2 * (r.hw.effPrefillAttention ?? r.hw.effCompute) };
    expect(attentionRow(r, faster).computeSeconds).toBeCloseTo(attentionRow(r).computeSeconds / 2, 12);
    // The GEMM operators of the prompt pass, and a decode step's attention (memory-bound), are unchanged.
    const gemms = (hw: KernelHardware) =>
      prefillOperators(r.km, hw, r.off, r.work)
        .filter((o) => o.operator !== 'attention over KV')
        .map((o) => o.seconds);
    expect(gemms(faster)).toEqual(gemms(r.hw));
    for (const batch of [1, 32])
      expect(decodeStep(r.km, faster, r.off, r.work, batch).total).toBe(
        decodeStep(r.km, r.hw, r.off, r.work, batch).total,
      );
  });

  it('idles compute units when a prompt chunk gives the kernel fewer tiles than the device has units', () => {
    // Llama 3.1 405B at TP 8: 16 query heads per device. A 512-token chunk is 4 blocks of 128: 64 tiles, one
    // wave on an MI300X's 304 CUs (0.21 busy) and on an H100's 132 SMs (0.48); 8,192 tokens are 1,024 tiles,
    // 4 waves on 304 (0.84), 8 on 132 (0.97).
    expect(prefillAttentionOccupancy(304, 512, 16)).toBeCloseTo(64 / 304, 12);
    expect(prefillAttentionOccupancy(132, 512, 16)).toBeCloseTo(64 / 132, 12);
    expect(prefillAttentionOccupancy(304, 8192, 16)).toBeCloseTo(1024 / (4 * 304), 12);
    expect(prefillAttentionOccupancy(132, 8192, 16)).toBeCloseTo(1024 / (8 * 132), 12);
    expect(prefillAttentionOccupancy(undefined, 512, 16)).toBe(1);
    // In the kernel: the chunk's attention on MI300X runs at that share of the units, decode is untouched.
    const r = resolveInference(catalog, priorTable, {
      model: 'llama-3.1-405b',
      hardware: 'mi300x',
      count: 8,
      weights: 'bf16',
      kv: 'bf16',
      engine: 'vllm-rocm',
      inputTokens: 32_000,
      outputTokens: 128,
    });
    expect(r.hw.computeUnits).toBe(304);
    const row = (hw: KernelHardware) =>
      mixedOperators(r.km, hw, r.off, r.work, 0, 512, 32_000).find((o) => o.operator === 'attention over KV');
    const { computeUnits: _units, ...unbounded } = r.hw;
    expect(row(r.hw)?.computeSeconds).toBeCloseTo((row(unbounded)?.computeSeconds ?? 0) / (64 / 304), 12);
    expect(decodeStep(r.km, r.hw, r.off, r.work, 8).total).toBe(
      decodeStep(r.km, unbounded, r.off, r.work, 8).total,
    );
  });

  it("takes the class's literature prior where no fit gives one: FlashAttention-class on CUDA, CK/Triton on ROCm", () => {
    expect(at('llama-3.1-70b', 'h100-sxm', 4, 'fp8', 1024).hw.effPrefillAttention).toBe(
      prefillAttentionPriors.vllm.value,
    );
    expect(prefillAttentionPriors.vllm.value).toBe(0.5);
    expect(prefillAttentionPriors['vllm-rocm'].value).toBe(0.25);
  });
});
