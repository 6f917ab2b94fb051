import { expectedDistinctExperts } from './experts.ts';

/**
 * The inference roofline as plain numbers: the hot path that `estimateInference` explains with Figures
 * and that the benchmark runs millions of times. SI units throughout: bytes, seconds, FLOP/s, B/s.
 * Formulas: ../shared/DESIGN.md "Perf model" and docs/methodology.md.
 */
export interface KernelModel {
  layers: number;
  hiddenSize: number;
  vocabSize: number;
  /** FFN intermediate width of the widest FFN a token passes (dense FFN or k active experts). */
  ffnWidth: number;
  heads: number;
  /** d_qk + d_v per head. */
  attentionWidth: number;
  totalParams: number;
  activeParams: number;
  embeddingParams: number;
  /** Output projection (0 when tied to the embeddings). */
  lmHeadParams: number;
  nonExpertParams: number;
  perExpertParams: number;
  moeLayers: number;
  routedExperts: number;
  activeExperts: number;
  kvElementsPerTokenPerLayer: number;
  /** How many ways tensor parallelism can split the KV cache: h_kv for MHA/GQA, 1 for MLA's shared latent. */
  kvShardLimit: number;
  /** 0 when the model has no sliding-window layers. */
  slidingWindow: number;
  slidingWindowLayers: number;
  /** Layers whose attention scores every held token (a hybrid's linear layers do not); default: all. */
  attentionLayers?: number;
  /** Fixed state per sequence in KV elements (Gated DeltaNet layers of a hybrid); default 0. */
  stateElementsPerSequence?: number;
  /** DeepSeek Sparse Attention: the main attention reads at most this many tokens; 0 or absent: all. */
  attendedTokensLimit?: number;
  /** Of the per-layer KV elements, the indexer key that is read for every token even under the limit. */
  indexerElementsPerTokenPerLayer?: number;
  // The per-operator table (whole model, summed over its layers), precomputed once per model.
  /** Attention (and linear-attention) projection weights of all layers: QKV/O, MLA down/up projections. */
  projectionParams: number;
  /** GEMM kernels the projections of one layer launch (GQA: QKV + O = 2; MLA: 5). */
  projectionKernelsPerLayer: number;
  /** Dense FFN weights of all dense layers. */
  denseFfnParams: number;
  denseLayers: number;
  /** Shared-expert and router weights of all MoE layers. */
  sharedExpertParams: number;
  routerParams: number;
  /** LM head weights multiplied per output token (the embedding table when tied). */
  lmHeadMatmulParams: number;
  /** Query heads of an MLA model (its plain decode attention writes one score per head and cached token); 0 otherwise. */
  mlaHeads: number;
}

export interface KernelHardware {
  count: number;
  tensorParallel: number;
  expertParallel: number;
  peakFlops: number;
  memoryBandwidth: number;
  capacityBytes: number;
  /** Bandwidth one direction between the devices of a replica, and the per-message latency. */
  linkBandwidth: number;
  linkLatencySeconds: number;
  effCompute: number;
  effMemory: number;
  overheadBytesPerDevice: number;
  /** Engine class fixed costs: per kernel, per layer (device), per layer (host issue, eager), per collective. */
  kernelSeconds: number;
  layerSeconds: number;
  hostLayerSeconds: number;
  collectiveSeconds: number;
  /** How routed experts run: MOE_FUSED, MOE_GROUPED or MOE_LOOP. */
  moeKernel: number;
  /** 1 when MLA decode attention is written plainly (scores through memory), 0 when fused. */
  mlaPlain: number;
}

export const MOE_FUSED = 0;
export const MOE_GROUPED = 1;
export const MOE_LOOP = 2;
/**
 * Extra kernels of the MoE implementations beyond the two expert GEMMs: grouped GEMMs need sort, gather,
 * activation, scatter-add and bookkeeping (5); a fused MoE kernel does routing and combine in-kernel; the
 * loop runs gather, gate+up, activation, down, scatter-add per touched expert (5 per expert).
 */
const GROUPED_AUX_KERNELS = 5;
const LOOP_KERNELS_PER_EXPERT = 5;
/**
 * Bytes of score traffic per (sequence, head, cached token) when MLA decode attention is written plainly
 * (scores, fp32 softmax and probabilities go through memory): fitted on the H200 MLA microbenchmark at
 * batch ≥ 32 (≈0.6 TB/s of latent-cache bandwidth at 128 heads, against 0.83 · 4.8 TB/s for plain reads),
 * docs/methodology.md. Written plainly it runs as two batched GEMMs around the softmax: 2 GEMM-class kernels
 * (19 µs at batch 1 × 1k context in the same microbenchmark).
 */
export const MLA_PLAIN_SCORE_BYTES = 51;
/** Norms, residual adds, RoPE and activation read and write ~12 hidden-width vectors per token and layer (2 B each). */
const ELEMENTWISE_VECTORS_PER_LAYER = 12;

export const OFFLOAD_NONE = 0;
export const OFFLOAD_CPU_LAYERS = 1;
export const OFFLOAD_STREAM = 2;

export interface KernelOffload {
  mode: number;
  /** llama.cpp split: layers kept in host memory and run by the CPU. */
  cpuLayers: number;
  hostBandwidth: number;
  hostPeakFlops: number;
  hostEffMemory: number;
  hostEffCompute: number;
  /** Streaming (AirLLM-style): every layer's weights cross this link each forward pass. */
  streamBandwidth: number;
  streamEfficiency: number;
}

export interface KernelWorkload {
  batch: number;
  inputTokens: number;
  outputTokens: number;
  bytesPerWeight: number;
  bytesPerKv: number;
  /** Prefill is processed in chunks of at most this many tokens (sets activation memory). */
  prefillChunkTokens: number;
}

export const BOUND_COMPUTE = 0;
export const BOUND_MEMORY = 1;
export const BOUND_COMMUNICATION = 2;
export const BOUND_OFFLOAD = 3;
/** Fixed costs (kernel launches, per-layer synchronisation, host issue) exceed every other part. */
export const BOUND_OVERHEAD = 4;
export const boundNames = ['compute', 'memory', 'communication', 'offload', 'overhead'] as const;
export type Bound = (typeof boundNames)[number];

export interface PhaseTimes {
  /** Sum of the operators' compute times (FLOPs / (peak · eff)). */
  compute: number;
  /** Sum of the operators' memory times (bytes / (bandwidth · eff)). */
  memory: number;
  communication: number;
  offload: number;
  /** Fixed costs: kernels × per-kernel cost + layers × per-layer cost (+ host time beyond the device's). */
  overhead: number;
  total: number;
}

/** Operators of one forward pass, in the order of `operatorNames`. */
export const OP_PROJECTION = 0;
export const OP_ATTENTION = 1;
export const OP_ROUTER = 2;
export const OP_EXPERTS = 3;
export const OP_SHARED_EXPERTS = 4;
export const OP_DENSE_FFN = 5;
export const OP_ELEMENTWISE = 6;
export const OP_LM_HEAD = 7;
export const OP_ALL_REDUCE = 8;
export const OP_ALL_TO_ALL = 9;
export const operatorNames = [
  'attention projections',
  'attention over KV',
  'router',
  'routed experts',
  'shared experts',
  'dense FFN',
  'norms and elementwise',
  'LM head',
  'all-reduce',
  'all-to-all',
] as const;
const OPS = operatorNames.length;

/**
 * Per-operator times of the last forward pass the kernel ran (seconds): compute, memory, fixed and
 * communication. Module-level scratch so the hot path allocates nothing; `operatorTimes` copies it.
 */
const opCompute = new Float64Array(OPS);
const opMemory = new Float64Array(OPS);
const opFixed = new Float64Array(OPS);
const opComm = new Float64Array(OPS);

export interface OperatorTime {
  operator: (typeof operatorNames)[number];
  computeSeconds: number;
  memorySeconds: number;
  fixedSeconds: number;
  communicationSeconds: number;
  /** max(compute, memory) + fixed + communication */
  seconds: number;
  bound: 'compute' | 'memory' | 'overhead' | 'communication';
}

/** The per-operator breakdown of the pass last run by `forwardPass` (for explanations; not the hot path). */
function snapshotOperators(): OperatorTime[] {
  const out: OperatorTime[] = [];
  for (let i = 0; i < OPS; i++) {
    const c = opCompute[i] ?? 0;
    const m = opMemory[i] ?? 0;
    const f = opFixed[i] ?? 0;
    const x = opComm[i] ?? 0;
    const seconds = Math.max(c, m) + f + x;
    if (seconds <= 0) continue;
    const roof = Math.max(c, m);
    const bound =
      x >= roof && x >= f ? 'communication' : f > roof ? 'overhead' : c >= m ? 'compute' : 'memory';
    out.push({
      operator: operatorNames[i] as OperatorTime['operator'],
      computeSeconds: c,
      memorySeconds: m,
      fixedSeconds: f,
      communicationSeconds: x,
      seconds,
      bound,
    });
  }
  return out;
}

export interface KernelResult {
  weightsBytesPerDevice: number;
  kvCacheBytesPerDevice: number;
  activationBytesPerDevice: number;
  totalBytesPerDevice: number;
  fits: boolean;
  /** Average KV tokens held per layer per sequence at the end of generation. */
  kvTokensPerSequence: number;
  distinctExpertsDecode: number;
  decode: PhaseTimes;
  prefillBatch: PhaseTimes;
  prefillSingle: PhaseTimes;
  ttftSeconds: number;
  tpotSeconds: number;
  outputTokensPerSecond: number;
  perUserTokensPerSecond: number;
  prefillTokensPerSecond: number;
  bound: number;
}

function kvTokensHeld(m: KernelModel, context: number): number {
  if (m.slidingWindow <= 0 || context <= m.slidingWindow) return context;
  return (m.slidingWindowLayers * m.slidingWindow + (m.layers - m.slidingWindowLayers) * context) / m.layers;
}

/** Tokens the main attention reads at a context: all, or a sparse model's top-k. */
function attended(m: KernelModel, tokens: number): number {
  const limit = m.attendedTokensLimit ?? 0;
  return limit > 0 && tokens > limit ? limit : tokens;
}

/** Query-key pairs of causal attention over I tokens: I²/2, or I·k − k²/2 when each query reads at most k. */
function attendedPairs(m: KernelModel, tokens: number): number {
  const limit = m.attendedTokensLimit ?? 0;
  if (limit <= 0 || tokens <= limit) return (tokens * tokens) / 2;
  return tokens * limit - (limit * limit) / 2;
}

const EMPTY_PHASE: PhaseTimes = {
  compute: 0,
  memory: 0,
  communication: 0,
  offload: 0,
  overhead: 0,
  total: 0,
};

function boundOf(p: PhaseTimes): number {
  let bound = p.compute >= p.memory ? BOUND_COMPUTE : BOUND_MEMORY;
  let worst = Math.max(p.compute, p.memory);
  if (p.communication > worst) {
    bound = BOUND_COMMUNICATION;
    worst = p.communication;
  }
  if (p.overhead > worst) {
    bound = BOUND_OVERHEAD;
    worst = p.overhead;
  }
  if (p.offload > worst) bound = BOUND_OFFLOAD;
  return bound;
}

/** Sets one operator's times in the scratch tables and returns max(compute, memory) + fixed. */
/** Whether forwardPass records each operator into the scratch tables (explanations only). */
let recording = false;
let sumCompute = 0;
let sumMemory = 0;
let sumFixed = 0;

/** Adds one operator's times to the pass totals (and records it when explaining); returns max(compute, memory) + fixed. */
function op(i: number, compute: number, memory: number, fixed: number, communication = 0): number {
  sumCompute += compute;
  sumMemory += memory;
  sumFixed += fixed;
  if (recording) {
    opCompute[i] = compute;
    opMemory[i] = memory;
    opFixed[i] = fixed;
    opComm[i] = communication;
  }
  return Math.max(compute, memory) + fixed;
}

/**
 * One forward pass over `tokens` tokens of `sequences` sequences (prefill: tokens = B·I; decode: tokens =
 * B): the sum over operators of max(FLOPs / (peak · eff_c), bytes / (bandwidth · eff_m)) plus each
 * operator's kernels × the per-kernel cost, plus layers × the per-layer cost, plus collectives. Because
 * every operator pays its own fixed cost, small matrices and skinny GEMMs land far below the roofline
 * while large ones approach it: the efficiency-vs-size curve of measured GEMMs (docs/methodology.md).
 */
function forwardPass(
  m: KernelModel,
  hw: KernelHardware,
  off: KernelOffload,
  w: KernelWorkload,
  tokens: number,
  sequences: number,
  attentionFlops: number,
  kvReadBytes: number,
  kvContext: number,
): PhaseTimes {
  const g = hw.count;
  const tp = hw.tensorParallel;
  const ep = hw.expertParallel;
  const L = m.layers;
  const bpw = w.bytesPerWeight;
  const flopRate = hw.peakFlops * hw.effCompute;
  const byteRate = hw.memoryBandwidth * hw.effMemory;
  const ks = hw.kernelSeconds;
  // With expert parallelism attention and dense parts run data-parallel: each EP rank takes 1/ep of the tokens.
  const localTokens = tokens / ep;

  let gpuFraction = 1;
  let offloadTime = 0;
  if (off.mode === OFFLOAD_CPU_LAYERS) gpuFraction = 1 - Math.min(1, off.cpuLayers / L);

  // Routed experts: distinct experts touched per layer, spread over the g devices that hold expert slices.
  let distinct = 0;
  let expertTime = 0;
  let expertCompute = 0;
  let expertMemory = 0;
  let expertFixed = 0;
  if (m.moeLayers > 0) {
    distinct = expectedDistinctExperts(m.routedExperts, m.activeExperts, tokens);
    // Expert-parallel ranks each hold E/ep experts; with random routing the busiest rank touches about
    // mean + sqrt(2 · mean · ln ep) of them and gets as many more tokens (the step waits for it).
    let perRankExperts = distinct / ep;
    let perRankTokenShare = 1 / ep;
    if (ep > 1) {
      const lnEp = Math.log(ep);
      perRankExperts = Math.min(m.routedExperts / ep, perRankExperts + Math.sqrt(2 * perRankExperts * lnEp));
      const assignments = tokens * m.activeExperts;
      perRankTokenShare = Math.min(
        1,
        (assignments / ep + Math.sqrt((2 * assignments * lnEp) / ep)) / assignments,
      );
    }
    const layers = m.moeLayers * gpuFraction;
    expertCompute =
      (layers * 2 * tokens * m.activeExperts * m.perExpertParams * perRankTokenShare) / tp / flopRate;
    expertMemory = (layers * perRankExperts * m.perExpertParams * bpw) / tp / byteRate;
    const kernels =
      hw.moeKernel === MOE_FUSED
        ? 2
        : hw.moeKernel === MOE_GROUPED
          ? 2 + GROUPED_AUX_KERNELS
          : LOOP_KERNELS_PER_EXPERT * Math.max(1, perRankExperts);
    expertFixed = layers * kernels * ks;
    // Grouped GEMMs without a fused kernel stream expert weights at ~0.8 of a dense GEMM's rate
    // (H200: 3.2 vs 4.0 TB/s, docs/methodology.md); the loop runs each expert as its own dense GEMM.
    if (hw.moeKernel === MOE_GROUPED) expertMemory /= GROUPED_BANDWIDTH_SHARE;
  }

  const layers = L * gpuFraction;
  sumCompute = 0;
  sumMemory = 0;
  sumFixed = 0;
  let device = 0;
  device += op(
    OP_PROJECTION,
    (gpuFraction * 2 * localTokens * m.projectionParams) / tp / flopRate,
    (gpuFraction * m.projectionParams * bpw) / tp / byteRate,
    layers * m.projectionKernelsPerLayer * ks,
  );
  // Plain MLA writes and reads a score per head and cached token through memory (fused kernels keep it on chip).
  const scoreBytes = hw.mlaPlain * m.mlaHeads * MLA_PLAIN_SCORE_BYTES * sequences * kvContext * L;
  device += op(
    OP_ATTENTION,
    (gpuFraction * attentionFlops) / g / flopRate,
    (gpuFraction * (kvReadBytes + scoreBytes)) / g / byteRate,
    layers * (m.mlaHeads > 0 && hw.mlaPlain ? 2 : 1) * ks,
  );
  device += op(
    OP_ROUTER,
    (gpuFraction * 2 * localTokens * m.routerParams) / tp / flopRate,
    (gpuFraction * m.routerParams * bpw) / tp / byteRate,
    m.moeLayers * gpuFraction * 2 * ks,
  );
  expertTime = op(OP_EXPERTS, expertCompute, expertMemory, expertFixed);
  device += expertTime;
  device += op(
    OP_SHARED_EXPERTS,
    (gpuFraction * 2 * localTokens * m.sharedExpertParams) / tp / flopRate,
    (gpuFraction * m.sharedExpertParams * bpw) / tp / byteRate,
    m.sharedExpertParams > 0 ? m.moeLayers * gpuFraction * 2 * ks : 0,
  );
  device += op(
    OP_DENSE_FFN,
    (gpuFraction * 2 * localTokens * m.denseFfnParams) / tp / flopRate,
    (gpuFraction * m.denseFfnParams * bpw) / tp / byteRate,
    m.denseFfnParams > 0 ? m.denseLayers * gpuFraction * 2 * ks : 0,
  );
  device += op(
    OP_ELEMENTWISE,
    0,
    (layers * localTokens * ELEMENTWISE_VECTORS_PER_LAYER * m.hiddenSize * 2) / byteRate,
    layers * hw.layerSeconds,
  );
  // Logits only for the last token of each sequence (prefill) or each sequence's new token (decode).
  const lmTokens = sequences / ep;
  device += op(
    OP_LM_HEAD,
    (2 * lmTokens * m.lmHeadMatmulParams) / tp / flopRate,
    (m.lmHeadMatmulParams * bpw) / tp / byteRate,
    m.lmHeadMatmulParams > 0 ? ks : 0,
  );

  let allReduce = 0;
  let allToAll = 0;
  if (g > 1) {
    const activationBytes = localTokens * m.hiddenSize * 2;
    const latency = hw.linkLatencySeconds + hw.collectiveSeconds;
    if (tp > 1) {
      // Two ring all-reduces per layer (after attention and after the FFN): 2(tp−1)/tp of the message.
      const one = (((2 * (tp - 1)) / tp) * activationBytes) / hw.linkBandwidth + latency;
      allReduce = 2 * layers * one;
    }
    if (ep > 1 && m.moeLayers > 0) {
      // Dispatch and combine all-to-all of each token's hidden state to its k experts.
      const one = (2 * ((ep - 1) / ep) * activationBytes * m.activeExperts) / hw.linkBandwidth + 2 * latency;
      allToAll = m.moeLayers * gpuFraction * one;
    }
  }
  op(OP_ALL_REDUCE, 0, 0, 0, allReduce);
  op(OP_ALL_TO_ALL, 0, 0, 0, allToAll);
  const comm = allReduce + allToAll;
  const compute = sumCompute;
  const memory = sumMemory;
  let fixed = sumFixed;
  // Eager engines issue every kernel from the host, which runs ahead of the device: the step is the
  // longer of the two (H200: eager 8B decode is 18.2 ms at batch 1 and 17.7 ms at batch 64).
  const host = layers * hw.hostLayerSeconds;
  const onDevice = device + comm;
  let total = Math.max(onDevice, host);
  if (host > onDevice) fixed += host - onDevice;

  if (off.mode === OFFLOAD_CPU_LAYERS) {
    const f = 1 - gpuFraction;
    const nonExpertBytes = (m.nonExpertParams - m.embeddingParams) * bpw;
    const expertBytes = m.moeLayers * distinct * m.perExpertParams * bpw;
    const flops = 2 * m.activeParams * tokens + attentionFlops;
    const cpuMemory =
      (f * (nonExpertBytes + expertBytes) + f * kvReadBytes) / (off.hostBandwidth * off.hostEffMemory);
    const cpuCompute = (f * flops) / (off.hostPeakFlops * off.hostEffCompute);
    offloadTime = Math.max(cpuMemory, cpuCompute);
    // llama.cpp runs the CPU layers after the GPU layers.
    total += offloadTime;
  } else if (off.mode === OFFLOAD_STREAM) {
    // AirLLM loads every block from the tier each pass (embeddings, each layer with all its experts, head),
    // then computes it: loading and computing add.
    offloadTime = (m.totalParams * bpw) / (off.streamBandwidth * off.streamEfficiency);
    total += offloadTime;
  }
  return { compute, memory, communication: comm, offload: offloadTime, overhead: fixed, total };
}

/**
 * Grouped GEMMs (without a fused MoE kernel) stream expert weights at this share of a dense GEMM's rate:
 * H200 BF16 grouped MoE layer 3.21 TB/s with every expert touched, against 0.83 · 4.8 = 3.98 TB/s fitted
 * on the dense GEMM table (docs/methodology.md).
 */
const GROUPED_BANDWIDTH_SHARE = 0.8;

/**
 * FLOPs, bytes read and attended context of one decode step at batch B with `held` tokens of context: a
 * sparse model reads its indexer keys for every held token but the main KV only for the top-k; a hybrid
 * reads and rewrites its recurrent state each step.
 */
function decodeInputs(
  m: KernelModel,
  w: KernelWorkload,
  B: number,
  held: number,
  kvPerTokenAllLayers: number,
  stateBytesPerSequence: number,
): { flops: number; kvRead: number; context: number } {
  const indexerPerTokenAllLayers = m.layers * (m.indexerElementsPerTokenPerLayer ?? 0) * w.bytesPerKv;
  const context = attended(m, held);
  const kvRead =
    B *
    (context * (kvPerTokenAllLayers - indexerPerTokenAllLayers) +
      held * indexerPerTokenAllLayers +
      stateBytesPerSequence);
  const attentionLayers = m.attentionLayers ?? m.layers;
  return { flops: 2 * attentionLayers * m.heads * m.attentionWidth * context * B, kvRead, context };
}

export function runInferenceKernel(
  m: KernelModel,
  hw: KernelHardware,
  off: KernelOffload,
  w: KernelWorkload,
): KernelResult {
  const g = hw.count;
  const B = w.batch;
  const I = w.inputTokens;
  const O = w.outputTokens;
  const kvPerTokenAllLayers = m.layers * m.kvElementsPerTokenPerLayer * w.bytesPerKv;

  // Memory held per device.
  const routedParams = m.totalParams - m.nonExpertParams;
  const residentFraction = off.mode === OFFLOAD_CPU_LAYERS ? 1 - Math.min(1, off.cpuLayers / m.layers) : 1;
  const layerParams = m.totalParams - m.embeddingParams;
  let weightsBytesPerDevice: number;
  if (off.mode === OFFLOAD_STREAM) {
    // AirLLM holds one block on the device at a time (its prefetch reads the next block into host
    // memory): the largest of the embedding table, the LM head and a layer sets the resident weights.
    const perLayer = (m.totalParams - m.embeddingParams - m.lmHeadParams) / m.layers;
    const largest = Math.max(perLayer, m.embeddingParams, m.lmHeadParams);
    weightsBytesPerDevice = (largest / hw.tensorParallel) * w.bytesPerWeight;
  } else {
    weightsBytesPerDevice =
      ((m.embeddingParams + residentFraction * (layerParams - routedParams)) / hw.tensorParallel +
        (residentFraction * routedParams) / g) *
      w.bytesPerWeight;
  }
  const kvTokensPerSequence = kvTokensHeld(m, I + O);
  // With expert parallelism attention runs data-parallel (each device keeps its own sequences);
  // otherwise tensor parallelism splits KV heads, and MLA's single latent cannot be split. llama.cpp keeps
  // the KV of CPU layers in host memory; streaming keeps every layer's KV on the device.
  const kvShards = hw.expertParallel > 1 ? g : Math.min(hw.tensorParallel, m.kvShardLimit);
  // A hybrid's linear layers hold a fixed state per sequence instead of KV per token.
  const stateBytesPerSequence = (m.stateElementsPerSequence ?? 0) * w.bytesPerKv;
  const kvCacheBytesPerDevice =
    (residentFraction * B * (kvTokensPerSequence * kvPerTokenAllLayers + stateBytesPerSequence)) / kvShards;
  const chunk = Math.min(B * I > 0 ? B * I : B, w.prefillChunkTokens);
  // Working set of one layer for a prefill chunk in 16-bit (residual, norm, QKV, attention output: ~6d;
  // gate and up projections: 2·ffn) plus FP32 logits for the B sequences' last tokens.
  const activationBytesPerDevice =
    (chunk * (6 * m.hiddenSize + 2 * m.ffnWidth) * 2 + B * m.vocabSize * 4) / hw.tensorParallel;
  const totalBytesPerDevice =
    weightsBytesPerDevice + kvCacheBytesPerDevice + activationBytesPerDevice + hw.overheadBytesPerDevice;
  const fits = totalBytesPerDevice <= hw.capacityBytes;

  // Decode: one step at batch B with the average context I + O/2.
  const avgContext = I + O / 2;
  const kvHeldAvg = kvTokensHeld(m, avgContext);
  const decodeIn = decodeInputs(m, w, B, kvHeldAvg, kvPerTokenAllLayers, stateBytesPerSequence);
  const decode = forwardPass(m, hw, off, w, B, B, decodeIn.flops, decodeIn.kvRead, decodeIn.context);

  // Prefill: causal attention over I tokens costs on average I/2 context per token.
  const attentionLayers = m.attentionLayers ?? m.layers;
  const prefillAttnFlops = (seqs: number) =>
    2 * attentionLayers * m.heads * m.attentionWidth * attendedPairs(m, I) * seqs;
  const prefillSingle = I > 0 ? forwardPass(m, hw, off, w, I, 1, prefillAttnFlops(1), 0, 0) : EMPTY_PHASE;
  const prefillBatch = I > 0 ? forwardPass(m, hw, off, w, B * I, B, prefillAttnFlops(B), 0, 0) : EMPTY_PHASE;

  const tpotSeconds = decode.total;
  const generation = O > 0 ? O * tpotSeconds : 0;
  const wall = prefillBatch.total + generation;
  const outputTokensPerSecond = wall > 0 && O > 0 ? (B * O) / wall : 0;
  const ttftSeconds = prefillSingle.total + (O > 0 ? tpotSeconds : 0);
  return {
    weightsBytesPerDevice,
    kvCacheBytesPerDevice,
    activationBytesPerDevice,
    totalBytesPerDevice,
    fits,
    kvTokensPerSequence,
    distinctExpertsDecode: m.moeLayers > 0 ? expectedDistinctExperts(m.routedExperts, m.activeExperts, B) : 0,
    decode,
    prefillBatch,
    prefillSingle,
    ttftSeconds,
    tpotSeconds,
    outputTokensPerSecond,
    perUserTokensPerSecond: tpotSeconds > 0 ? 1 / tpotSeconds : 0,
    prefillTokensPerSecond: prefillSingle.total > 0 ? I / prefillSingle.total : 0,
    bound: O > 0 ? boundOf(decode) : boundOf(prefillSingle),
  };
}

/**
 * One scheduler step that decodes `decoders` sequences and runs `prefillTokens` prompt tokens (prompts of
 * `promptTokens`) in the same forward pass: every operator sees all the step's tokens, weights are read
 * once, decode attention reads the KV of the decoders and prefill attention scores the prompt chunks.
 */
export function mixedStepSeconds(
  m: KernelModel,
  hw: KernelHardware,
  off: KernelOffload,
  w: KernelWorkload,
  decoders: number,
  prefillTokens: number,
  promptTokens: number,
): number {
  const kvHeldAvg = kvTokensHeld(m, w.inputTokens + w.outputTokens / 2);
  const kvPerTokenAllLayers = m.layers * m.kvElementsPerTokenPerLayer * w.bytesPerKv;
  const stateBytesPerSequence = (m.stateElementsPerSequence ?? 0) * w.bytesPerKv;
  const d = decodeInputs(m, w, decoders, kvHeldAvg, kvPerTokenAllLayers, stateBytesPerSequence);
  const prompts = prefillTokens / Math.max(1, promptTokens);
  const attentionLayers = m.attentionLayers ?? m.layers;
  const prefillFlops =
    2 * attentionLayers * m.heads * m.attentionWidth * attendedPairs(m, promptTokens) * prompts;
  return forwardPass(
    m,
    hw,
    off,
    w,
    decoders + prefillTokens,
    decoders + prompts,
    d.flops + prefillFlops,
    d.kvRead,
    d.context,
  ).total;
}

/** Per-operator times of one decode step at the workload's batch (a second decode pass, for explanations). */
export function decodeOperators(
  m: KernelModel,
  hw: KernelHardware,
  off: KernelOffload,
  w: KernelWorkload,
): OperatorTime[] {
  const B = w.batch;
  const kvHeldAvg = kvTokensHeld(m, w.inputTokens + w.outputTokens / 2);
  const kvPerTokenAllLayers = m.layers * m.kvElementsPerTokenPerLayer * w.bytesPerKv;
  const stateBytesPerSequence = (m.stateElementsPerSequence ?? 0) * w.bytesPerKv;
  const d = decodeInputs(m, w, B, kvHeldAvg, kvPerTokenAllLayers, stateBytesPerSequence);
  recording = true;
  forwardPass(m, hw, off, w, B, B, d.flops, d.kvRead, d.context);
  recording = false;
  return snapshotOperators();
}

/** Per-operator times of the prefill of one request of the workload's input length. */
export function prefillOperators(
  m: KernelModel,
  hw: KernelHardware,
  off: KernelOffload,
  w: KernelWorkload,
): OperatorTime[] {
  const I = w.inputTokens;
  if (I <= 0) return [];
  const attentionLayers = m.attentionLayers ?? m.layers;
  recording = true;
  forwardPass(
    m,
    hw,
    off,
    w,
    I,
    1,
    2 * attentionLayers * m.heads * m.attentionWidth * attendedPairs(m, I),
    0,
    0,
  );
  recording = false;
  return snapshotOperators();
}
