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
}

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
export const boundNames = ['compute', 'memory', 'communication', 'offload'] as const;
export type Bound = (typeof boundNames)[number];

export interface PhaseTimes {
  compute: number;
  memory: number;
  communication: number;
  offload: number;
  total: number;
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

function phase(
  compute: number,
  memory: number,
  communication: number,
  offload: number,
  sequential: boolean,
): PhaseTimes {
  // Compute and memory traffic overlap (roofline); communication and offload add (llama.cpp runs the
  // CPU layers after the GPU layers; AirLLM loads a layer, then computes it).
  const onDevice = Math.max(compute, memory);
  const total = sequential ? onDevice + communication + offload : Math.max(onDevice + communication, offload);
  return { compute, memory, communication, offload, total };
}

function boundOf(p: PhaseTimes): number {
  let bound = p.compute >= p.memory ? BOUND_COMPUTE : BOUND_MEMORY;
  let worst = Math.max(p.compute, p.memory);
  if (p.communication > worst) {
    bound = BOUND_COMMUNICATION;
    worst = p.communication;
  }
  if (p.offload > worst) bound = BOUND_OFFLOAD;
  return bound;
}

/** One forward pass over `tokens` tokens (prefill when tokens = B·I, decode when tokens = B). */
function forwardPass(
  m: KernelModel,
  hw: KernelHardware,
  off: KernelOffload,
  w: KernelWorkload,
  tokens: number,
  attentionFlops: number,
  kvReadBytes: number,
): PhaseTimes {
  const g = hw.count;
  const tp = hw.tensorParallel;
  const ep = hw.expertParallel;
  const distinct = m.moeLayers > 0 ? expectedDistinctExperts(m.routedExperts, m.activeExperts, tokens) : 0;
  // Embedding rows are gathered, not streamed: only the layers and the LM head are read in full.
  const nonExpertBytes = (m.nonExpertParams - m.embeddingParams) * w.bytesPerWeight;
  const expertBytes = m.moeLayers * distinct * m.perExpertParams * w.bytesPerWeight;
  const flops = 2 * m.activeParams * tokens + attentionFlops;

  let gpuFraction = 1;
  let offloadTime = 0;
  if (off.mode === OFFLOAD_CPU_LAYERS) {
    const f = Math.min(1, off.cpuLayers / m.layers);
    gpuFraction = 1 - f;
    const cpuMemory =
      (f * (nonExpertBytes + expertBytes) + f * kvReadBytes) / (off.hostBandwidth * off.hostEffMemory);
    const cpuCompute = (f * flops) / (off.hostPeakFlops * off.hostEffCompute);
    offloadTime = Math.max(cpuMemory, cpuCompute);
  } else if (off.mode === OFFLOAD_STREAM) {
    // AirLLM loads every block from the tier each pass (embeddings, each layer with all its experts, head).
    offloadTime = (m.totalParams * w.bytesPerWeight) / (off.streamBandwidth * off.streamEfficiency);
  }

  const computeTime = (gpuFraction * flops) / (g * hw.peakFlops * hw.effCompute);
  const perDeviceBytes = gpuFraction * (nonExpertBytes / tp + expertBytes / g + kvReadBytes / g);
  const memoryTime = perDeviceBytes / (hw.memoryBandwidth * hw.effMemory);

  let comm = 0;
  if (g > 1) {
    const activationBytes = (tokens / ep) * m.hiddenSize * 2;
    if (tp > 1) {
      // Two ring all-reduces per layer (after attention and after the FFN): 2(tp−1)/tp of the message.
      const allReduce = (((2 * (tp - 1)) / tp) * activationBytes) / hw.linkBandwidth + hw.linkLatencySeconds;
      comm += 2 * m.layers * gpuFraction * allReduce;
    }
    if (ep > 1 && m.moeLayers > 0) {
      // Dispatch and combine all-to-all of each token's hidden state to its k experts.
      const allToAll =
        (2 * ((ep - 1) / ep) * activationBytes * m.activeExperts) / hw.linkBandwidth +
        2 * hw.linkLatencySeconds;
      comm += m.moeLayers * gpuFraction * allToAll;
    }
  }
  return phase(computeTime, memoryTime, comm, offloadTime, off.mode !== OFFLOAD_NONE);
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
  // A sparse model reads its indexer keys for every held token but the main KV only for the top-k;
  // a hybrid reads and rewrites its recurrent state each step.
  const indexerPerTokenAllLayers = m.layers * (m.indexerElementsPerTokenPerLayer ?? 0) * w.bytesPerKv;
  const decodeKvRead =
    B *
    (attended(m, kvHeldAvg) * (kvPerTokenAllLayers - indexerPerTokenAllLayers) +
      kvHeldAvg * indexerPerTokenAllLayers +
      stateBytesPerSequence);
  const attentionLayers = m.attentionLayers ?? m.layers;
  const decodeAttnFlops = 2 * attentionLayers * m.heads * m.attentionWidth * attended(m, kvHeldAvg) * B;
  const decode = forwardPass(m, hw, off, w, B, decodeAttnFlops, decodeKvRead);

  // Prefill: causal attention over I tokens costs on average I/2 context per token.
  const prefillAttnFlops = (seqs: number) =>
    2 * attentionLayers * m.heads * m.attentionWidth * attendedPairs(m, I) * seqs;
  const prefillSingle =
    I > 0 ? forwardPass(m, hw, off, w, I, prefillAttnFlops(1), 0) : phase(0, 0, 0, 0, false);
  const prefillBatch =
    I > 0 ? forwardPass(m, hw, off, w, B * I, prefillAttnFlops(B), 0) : phase(0, 0, 0, 0, false);

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
