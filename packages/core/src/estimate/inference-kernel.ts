import { expectedDistinctExperts } from './experts.ts';
import { DEQUANT_TILE_TOKENS } from './precision.ts';

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
  /** The same for a decode step: MLA decodes absorbed (2·d_c + d_r per head); default: attentionWidth. */
  decodeAttentionWidth?: number;
  totalParams: number;
  activeParams: number;
  embeddingParams: number;
  /** Output projection (0 when tied to the embeddings). */
  lmHeadParams: number;
  nonExpertParams: number;
  perExpertParams: number;
  /**
   * A routed expert's FFN width I: its GEMMs reduce over d (gate/up) and I / TP (down), the lengths the
   * fused MoE kernel's tiles walk in series (`MOE_SECONDS_PER_REDUCTION_ELEMENT`). Absent: 0.
   */
  expertIntermediateSize?: number;
  /**
   * 16-bit activation elements a routed (token, expert) assignment moves through memory per MoE layer:
   * 4·d of hidden rows (the permute writes the token's row, GEMM1 reads it, GEMM2 writes its output, the
   * finalize reads it back) and, split by the experts' tensor parallelism, the intermediate (gated:
   * GEMM1 writes 2·I, the activation reads 2·I and writes I, GEMM2 reads I = 6·I). Absent: 0.
   */
  routedHiddenElements?: number;
  routedIntermediateElements?: number;
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
  /** Tensor-parallel slices of each routed expert (count / expertParallel). */
  tensorParallel: number;
  expertParallel: number;
  /**
   * Attention data-parallel degree: groups of count / this devices that each run attention and every
   * non-expert layer for their own share of the sequences, holding those weights whole within the group
   * (TensorRT-LLM enable_attention_dp, SGLang --enable-dp-attention: this = count). Absent: expertParallel.
   */
  attentionDataParallel?: number;
  /**
   * Dense FLOP/s of the blocks' matmuls (attention projections, dense FFN, shared experts): the peak of
   * their dtype × their compute path's factor (format-plan.ts `operatorRates`). The other operators' rates
   * below default to it when absent.
   */
  peakFlops: number;
  /** Routed experts' rate (gpt-oss: MXFP4 experts beside BF16 blocks). */
  expertPeakFlops?: number;
  /** Attention math (QK^T, PV) at the KV cache's precision. */
  attentionPeakFlops?: number;
  /**
   * Share of that peak the prefill attention kernel reaches on the prompt's QKᵀ and PV (FlashAttention-class
   * kernels: their own efficiency, not the GEMMs'; efficiency.ts `prefillAttentionPriors`, fitted per engine
   * class where long prompts identify it). Decode attention keeps effCompute (it is memory-bound).
   * Absent: effCompute.
   */
  effPrefillAttention?: number;
  /**
   * Compute units the prefill attention kernel's tiles spread over (NVIDIA SMs, AMD CUs; catalog
   * `compute.units`): a grid of fewer tiles, or a last wave that fills them partly, leaves units idle
   * (`prefillAttentionOccupancy`). 0 or absent: not priced (every unit busy).
   */
  computeUnits?: number;
  /**
   * The attention kernel's KV streaming rate relative to the reference kernel (an older engine release's
   * MLA decode kernel: estimate/engine-release.ts). Absent: 1.
   */
  attentionMemoryScale?: number;
  /**
   * The attention kernel of a chunk of a longer prompt (over its cached prefix and itself) relative to the
   * reference one (an older release's prefix-prefill kernel: estimate/engine-release.ts), on its math and on
   * the prefix it reads. Decode attention and whole-prompt prefill keep the rates above. Absent: 1.
   */
  prefillAttentionComputeScale?: number;
  prefillAttentionMemoryScale?: number;
  /** LM head: 16-bit where the checkpoint keeps it unquantized. */
  headPeakFlops?: number;
  /** MoE router: 16-bit in every recipe. */
  routerPeakFlops?: number;
  /**
   * The compute path's memory factor on each weight stream (skinny GEMMs of FP8/FP4 kernels stream weights
   * below the 16-bit rate); KV, activations and elementwise traffic move at the class rate. Absent: 1.
   */
  weightMemoryScale?: number;
  expertMemoryScale?: number;
  /** The dense FFN's own compute path (fp8_mixed: FP8 beside BF16 projections); default: the blocks'. */
  ffnPeakFlops?: number;
  ffnMemoryScale?: number;
  ffnDequantSecondsPerWeight?: number;
  headMemoryScale?: number;
  memoryBandwidth: number;
  capacityBytes: number;
  /** Bandwidth one direction between the devices of a replica, and the per-message latency. */
  linkBandwidth: number;
  linkLatencySeconds: number;
  effCompute: number;
  effMemory: number;
  overheadBytesPerDevice: number;
  /**
   * The engine's memory reservation (data/engines kvMemory): KV may take this share of the memory free
   * after weights, activations and runtime (TensorRT-LLM), and everything must fit this share of the
   * capacity (vLLM). Absent: 1 (all of it).
   */
  kvShareOfFree?: number;
  usableShareOfCapacity?: number;
  /** Engine class fixed costs: per kernel, per layer (device), per layer (host issue, eager), per collective. */
  kernelSeconds: number;
  layerSeconds: number;
  hostLayerSeconds: number;
  collectiveSeconds: number;
  /**
   * Multiplier on the fixed costs of the operators only MoE and MLA layers run, on top of kernelSeconds and
   * collectiveSeconds: MLA's projection and latent-attention kernels, the router, the routed experts'
   * launches and the fused kernel's serial walk, the shared experts, and the latency of the expert
   * all-gather / dispatch-combine collectives. A dense layer never sees it. Fitted per software
   * (calibration.ts); absent: 1 (an MoE/MLA kernel costs what a dense one does, the data's prior).
   */
  moeMlaFixedCostScale?: number;
  /**
   * Host time per layer to issue a pass that carries prompt tokens (prefill or mixed steps), for engines
   * whose CUDA graphs cover decode-only steps (SGLang, vLLM, TensorRT-LLM's PyTorch backend): those passes
   * are launched eagerly from Python. 0 or absent: prefill is compiled or captured like decode.
   */
  prefillHostLayerSeconds?: number;
  /**
   * Longest context a decode step's CUDA graphs cover (vLLM V0 max_seq_len_to_capture, 8192 by default):
   * a step in which any running sequence holds more tokens launches eagerly, paying the eager host time
   * per layer (prefillHostLayerSeconds) like a prompt-carrying step. 0 or absent: every decode step is
   * captured (vLLM V1's piecewise graphs, TensorRT-LLM, SGLang).
   */
  decodeGraphMaxContext?: number;
  /** How routed experts run: MOE_FUSED, MOE_GROUPED or MOE_LOOP. */
  moeKernel: number;
  /** 1 when MLA decode attention is written plainly (scores through memory), 0 when fused. */
  mlaPlain: number;
  /**
   * Weight-only formats (FP4 on Hopper, INT4 AWQ): vector-unit seconds to unpack one weight element, paid
   * once per DEQUANT_TILE_TOKENS tokens of a GEMM (estimate/precision.ts); 0 when the format runs natively.
   */
  dequantSecondsPerWeight?: number;
  /** The same for the routed experts when they are in another format (gpt-oss: MXFP4 experts); default: as above. */
  expertDequantSecondsPerWeight?: number;
  /**
   * Tokens per unpacking pass; default DEQUANT_TILE_TOKENS. llama.cpp: 1 for CUDA's MMQ (its scale work is
   * per token), 32 for Metal's kernel_mul_mm (estimate/llamacpp-kernels.ts).
   */
  dequantTileTokens?: number;
}

/**
 * Query rows per tile of a prefill attention kernel: FlashAttention-2 and -3 forward at head dim 128
 * (kBlockM 128) and vLLM's Triton prefix-prefill kernel (`BLOCK = 128` on devices of capability 8.0 and
 * up: vllm/attention/ops/prefix_prefill.py at 151ef4ef). Each (query block, head) tile holds one compute unit.
 */
export const PREFILL_ATTENTION_BLOCK_M = 128;

/**
 * Share of the compute units a prefill attention kernel keeps busy over its waves: its grid is one tile per
 * (block of PREFILL_ATTENTION_BLOCK_M prompt tokens, query head on the device); tiles run a wave per
 * `units` at a time, so tiles / (units · ⌈tiles / units⌉). A 512-token chunk of Llama 3.1 405B at TP 8 is 4
 * blocks × 16 heads = 64 tiles: 0.21 of an MI300X's 304 CUs, 0.48 of an H100's 132 SMs. 1 without a count.
 */
export function prefillAttentionOccupancy(units: number | undefined, tokens: number, heads: number): number {
  if (!units || units <= 0 || tokens <= 0) return 1;
  const tiles = Math.ceil(heads) * Math.ceil(tokens / PREFILL_ATTENTION_BLOCK_M);
  return tiles / (units * Math.ceil(tiles / units));
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
/**
 * Latency floor of a fused MoE layer per element of its GEMMs' reduction lengths (d for gate/up, I/TP for
 * down): at decode, a few tokens per expert give each expert's N-tiles one thread block that walks the whole
 * reduction in series, and the layer takes that walk plus its weight stream (t = floor + bytes / rate, not
 * their maximum). Prior from two published Triton fused-MoE tables fitted as t = a + touched-expert bytes / r
 * over batch 1-32: Qwen3-235B-A22B FP8 TP8 on H200 (sgl-project/sglang PR #11730, untuned configs: 31.7 µs at
 * batch 1 … 125.0 µs at 32) gives a = 22.6 µs over 4,096 + 192 elements, 5.3 ns each; DeepSeek-R1 FP8 TP8
 * (sgl-project/sglang PR #11816, a B200 PR, "Before" table: 52.7 µs at batch 1 … 175.8 µs at 24) gives
 * a = 45.8 µs over 7,168 + 256, 6.2 ns each. Geometric mean 5.7 ns (docs/methodology.md).
 */
export const MOE_SECONDS_PER_REDUCTION_ELEMENT = 5.7e-9;
const LOOP_KERNELS_PER_EXPERT = 5;
/**
 * Bytes of score traffic per (sequence, head, cached token) when MLA decode attention is written plainly
 * (scores, fp32 softmax and probabilities go through memory): fitted on the H200 MLA microbenchmark at
 * batch ≥ 32 (≈0.6 TB/s of latent-cache bandwidth at 128 heads, against 0.83 · 4.8 TB/s for plain reads),
 * docs/methodology.md. Written plainly it runs as two batched GEMMs around the softmax: 2 GEMM-class kernels
 * (19 µs at batch 1 × 1k context in the same microbenchmark).
 */
export const MLA_PLAIN_SCORE_BYTES = 51;
/** Bytes of one activation element between kernels (BF16/FP16). */
const ACTIVATION_BYTES = 2;
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
  /** Bytes per weight of the transformer blocks' linear layers (attention, dense FFN, shared experts, router). */
  bytesPerWeight: number;
  /** Routed experts (gpt-oss ships them in MXFP4 with the rest in BF16); default: bytesPerWeight. */
  expertBytesPerWeight?: number;
  /** Embedding table and LM head (FP4 and INT4 checkpoints keep them in 16 bits); default: bytesPerWeight. */
  headBytesPerWeight?: number;
  /**
   * Dense FFN weights, averaged over the dense layers (Meta's fp8_mixed checkpoints keep only the inner
   * layers' FFN in FP8, the rest of the blocks in BF16); default: bytesPerWeight.
   */
  ffnBytesPerWeight?: number;
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
  /** Fixed costs: kernels × per-kernel cost + layers × per-layer cost (+ decode host time beyond the device's, + eager prompt-pass host time). */
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

/**
 * An operator record: one row per operator of `operatorNames`, RECORD_WIDTH numbers each (compute,
 * memory, fixed, communication seconds). `forwardPass` fills one only when it is given one (explanations);
 * the hot path passes null and keeps its sums in locals, so it allocates nothing per operator.
 */
const RECORD_WIDTH = 4;

function newRecord(): Float64Array {
  return new Float64Array(OPS * RECORD_WIDTH);
}

function record(rec: Float64Array, i: number, compute: number, memory: number, fixed: number, comm: number) {
  const at = i * RECORD_WIDTH;
  rec[at] = compute;
  rec[at + 1] = memory;
  rec[at + 2] = fixed;
  rec[at + 3] = comm;
}

/** The per-operator breakdown of a record (for explanations; not the hot path). */
function operatorTimes(rec: Float64Array): OperatorTime[] {
  const out: OperatorTime[] = [];
  for (let i = 0; i < OPS; i++) {
    const at = i * RECORD_WIDTH;
    const c = rec[at] ?? 0;
    const m = rec[at + 1] ?? 0;
    const f = rec[at + 2] ?? 0;
    const x = rec[at + 3] ?? 0;
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

/** A phase that takes no time: the starting value of a phase accumulated or written in place. */
export const EMPTY_PHASE: Readonly<PhaseTimes> = {
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

/** Expected distinct routed experts a layer reads for `tokens` tokens (0 for a dense model). */
function distinctExperts(m: KernelModel, tokens: number): number {
  return m.moeLayers > 0 ? expectedDistinctExperts(m.routedExperts, m.activeExperts, tokens) : 0;
}

/**
 * The hot path's operator record: `forwardPass` writes every operator's row into it when the caller
 * passes none. One pass runs at a time (the kernel is synchronous and calls nothing back), so one
 * module-level table serves every call without allocating.
 */
const scratch = newRecord();

/**
 * One forward pass over `tokens` tokens of `sequences` sequences (prefill: tokens = B·I; decode: tokens =
 * B): the sum over operators of max(FLOPs / (peak · eff_c), bytes / (bandwidth · eff_m)) plus each
 * operator's kernels × the per-kernel cost, plus layers × the per-layer cost, plus collectives. Because
 * every operator pays its own fixed cost, small matrices and skinny GEMMs land far below the roofline
 * while large ones approach it: the efficiency-vs-size curve of measured GEMMs (docs/methodology.md).
 *
 * Where terms go: each operator is one `record(rec, OP_…, compute, memory, fixed, communication)` call,
 * in seconds for the whole pass on one device; the phase totals are sums over the rows, in operator
 * order. A new cost of an existing operator (a dequantization term, a shape-dependent efficiency) goes
 * into that operator's expressions; a new operator gets an OP_ id, a name in `operatorNames` and its own
 * record call. Whatever depends only on the model belongs in `kernelModel` (inference.ts), computed once.
 * `distinct` is the expected number of routed experts the pass touches (`distinctExperts(m, tokens)`).
 * Of the `tokens`, `prefillTokens` belong to prompts of `promptTokens` tokens; `decodeFlops` and
 * `prefillFlops` are the attention scores' FLOPs of the decoding and the prompt tokens.
 */
function forwardPass(
  m: KernelModel,
  hw: KernelHardware,
  off: KernelOffload,
  w: KernelWorkload,
  tokens: number,
  sequences: number,
  prefillTokens: number,
  promptTokens: number,
  decodeFlops: number,
  prefillFlops: number,
  kvReadBytes: number,
  kvContext: number,
  distinct: number,
  into: Float64Array | null,
  /** Share of such passes launched eagerly from the host (1: every pass carries prompt tokens). */
  eagerShare: number,
  /** Where to write the phase totals (the hot path reuses one); null: a new object. */
  out: PhaseTimes | null = null,
): PhaseTimes {
  const rec = into ?? scratch;
  const g = hw.count;
  const tp = hw.tensorParallel;
  const ep = hw.expertParallel;
  // Attention and every non-expert layer run in adp data-parallel groups of atp tensor-parallel devices.
  const adp = hw.attentionDataParallel ?? ep;
  const atp = g / adp;
  const L = m.layers;
  const bpw = w.bytesPerWeight;
  const ebpw = w.expertBytesPerWeight ?? bpw;
  const hbpw = w.headBytesPerWeight ?? bpw;
  const flopRate = hw.peakFlops * hw.effCompute;
  const expertFlopRate = (hw.expertPeakFlops ?? hw.peakFlops) * hw.effCompute;
  const attentionFlopRate = (hw.attentionPeakFlops ?? hw.peakFlops) * hw.effCompute;
  const prefillAttentionFlopRate =
    (hw.attentionPeakFlops ?? hw.peakFlops) * (hw.effPrefillAttention ?? hw.effCompute);
  const headFlopRate = (hw.headPeakFlops ?? hw.peakFlops) * hw.effCompute;
  const routerFlopRate = (hw.routerPeakFlops ?? hw.peakFlops) * hw.effCompute;
  const byteRate = hw.memoryBandwidth * hw.effMemory;
  const weightByteRate = byteRate * (hw.weightMemoryScale ?? 1);
  const headByteRate = byteRate * (hw.headMemoryScale ?? 1);
  const ks = hw.kernelSeconds;
  // The MoE/MLA operators' launches (router, experts, shared experts, MLA projections and attention).
  const archScale = hw.moeMlaFixedCostScale ?? 1;
  const aks = ks * archScale;
  const mlaKs = m.mlaHeads > 0 ? aks : ks;
  // Attention and dense parts run data-parallel: each attention group takes 1/adp of the decoding
  // tokens, but a prompt's chunk is prefilled by one group: the busiest group holds the larger of an even
  // share of the step's prompt tokens and one prompt's chunk, and every group waits for it at the experts.
  const prefillShare =
    prefillTokens > 0 ? Math.max(1 / adp, Math.min(promptTokens, prefillTokens) / prefillTokens) : 0;
  const localTokens = (tokens - prefillTokens) / adp + prefillShare * prefillTokens;
  // Unpacking a weight-only format: per weight, once per tile of the GEMM's tokens (0 when native).
  const tile = hw.dequantTileTokens ?? DEQUANT_TILE_TOKENS;
  const dq = (hw.dequantSecondsPerWeight ?? 0) * Math.ceil(localTokens / tile);
  const gpuFraction = off.mode === OFFLOAD_CPU_LAYERS ? 1 - Math.min(1, off.cpuLayers / L) : 1;
  const layers = L * gpuFraction;

  record(
    rec,
    OP_PROJECTION,
    (gpuFraction * m.projectionParams * ((2 * localTokens) / flopRate + dq)) / atp,
    (gpuFraction * m.projectionParams * bpw) / atp / weightByteRate,
    layers * m.projectionKernelsPerLayer * mlaKs,
    0,
  );
  // Plain MLA writes and reads a score per head and cached token through memory (fused kernels keep it on chip).
  const scoreBytes = hw.mlaPlain * m.mlaHeads * MLA_PLAIN_SCORE_BYTES * sequences * kvContext * L;
  // A prompt cut into chunks (prefill tokens fewer than a prompt's) attends, chunk by chunk, to the KV its
  // earlier chunks cached: each chunk reads that prefix back, (I − c)/2 tokens on average for chunks of c
  // (Sarathi-Serve, arXiv 2403.02310 §4.3). Read once per chunk: the least a kernel can read.
  const piece = Math.min(promptTokens, prefillTokens);
  const prefixBytes =
    piece > 0 && promptTokens > piece
      ? decodeKvReadBytes(m, w, prefillTokens / piece, kvTokensHeld(m, (promptTokens - piece) / 2))
      : 0;
  // Heads split over the attention group, so FLOPs and scores divide by g; the cache is read by every
  // device that holds it: a KV head shared by several tensor-parallel ranks (MLA's one latent, GQA with
  // fewer KV heads than ranks) is read by each of them, as it is stored on each (kvCacheBytesPerDevice).
  // A prompt's prefix sits on its attention group's devices (adp · bytes / shards of the replica).
  // A release's prefix-prefill kernel runs only for chunks of a longer prompt (a whole prompt in one step
  // attends through the prefill kernel of the reference path).
  const prefixScale = prefixBytes > 0 ? (hw.prefillAttentionComputeScale ?? 1) : 1;
  // The busiest group's prompt tokens of this pass, over the query heads each of its devices holds.
  const occupancy =
    prefillFlops > 0
      ? prefillAttentionOccupancy(hw.computeUnits, prefillShare * prefillTokens, m.heads / atp)
      : 1;
  const kvByteRate = byteRate * (hw.attentionMemoryScale ?? 1);
  const kvShards = kvShardsOf(m, hw);
  record(
    rec,
    OP_ATTENTION,
    gpuFraction *
      (decodeFlops / g / attentionFlopRate +
        (prefillShare * prefillFlops) / atp / (prefillAttentionFlopRate * prefixScale * occupancy)),
    gpuFraction *
      ((kvReadBytes / kvShards + scoreBytes / g) / kvByteRate +
        (prefillShare * adp * prefixBytes) / kvShards / (kvByteRate * (hw.prefillAttentionMemoryScale ?? 1))),
    layers * (m.mlaHeads > 0 && hw.mlaPlain ? 2 : 1) * mlaKs,
    0,
  );
  record(
    rec,
    OP_ROUTER,
    // Routers stay 16-bit (no unpacking); their few weights are counted at the blocks' width.
    (gpuFraction * m.routerParams * 2 * localTokens) / routerFlopRate / atp,
    (gpuFraction * m.routerParams * bpw) / atp / byteRate,
    m.moeLayers * gpuFraction * 2 * aks,
    0,
  );

  // Routed experts: distinct experts touched per layer, spread over the g devices that hold expert slices.
  let expertCompute = 0;
  let expertMemory = 0;
  let expertFixed = 0;
  if (m.moeLayers > 0) {
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
    const moeLayers = m.moeLayers * gpuFraction;
    expertCompute =
      (moeLayers * 2 * tokens * m.activeExperts * m.perExpertParams * perRankTokenShare) /
      tp /
      expertFlopRate;
    const edq = hw.expertDequantSecondsPerWeight ?? hw.dequantSecondsPerWeight ?? 0;
    if (edq > 0) {
      // Each touched expert unpacks its weights once per tile of the tokens routed to it.
      const tokensPerExpert = (tokens * m.activeExperts * perRankTokenShare) / Math.max(1, perRankExperts);
      expertCompute +=
        (moeLayers * perRankExperts * m.perExpertParams * edq * Math.ceil(tokensPerExpert / tile)) / tp;
    }
    // Every (token, expert) assignment on the busiest rank is permuted, passed between the two GEMMs and
    // combined through memory: tokens · k rows, the traffic that grows with k and with small experts. The
    // expert weights stream at their compute path's rate, those activations at the class rate.
    const assignmentBytes =
      ((m.routedHiddenElements ?? 0) + (m.routedIntermediateElements ?? 0) / tp) * ACTIVATION_BYTES;
    expertMemory =
      (moeLayers *
        ((perRankExperts * m.perExpertParams * ebpw) / tp / (hw.expertMemoryScale ?? 1) +
          tokens * m.activeExperts * perRankTokenShare * assignmentBytes)) /
      byteRate;
    const kernels =
      hw.moeKernel === MOE_FUSED
        ? 2
        : hw.moeKernel === MOE_GROUPED
          ? 2 + GROUPED_AUX_KERNELS
          : LOOP_KERNELS_PER_EXPERT * Math.max(1, perRankExperts);
    expertFixed = moeLayers * kernels * aks;
    // The fused kernel's serial walk over the reduction lengths, once per MoE layer whatever the batch.
    if (hw.moeKernel === MOE_FUSED)
      expertFixed +=
        moeLayers *
        (m.hiddenSize + (m.expertIntermediateSize ?? 0) / tp) *
        MOE_SECONDS_PER_REDUCTION_ELEMENT *
        archScale;
    // Grouped GEMMs without a fused kernel stream expert weights at ~0.8 of a dense GEMM's rate
    // (H200: 3.2 vs 4.0 TB/s, docs/methodology.md); the loop runs each expert as its own dense GEMM.
    if (hw.moeKernel === MOE_GROUPED) expertMemory /= GROUPED_BANDWIDTH_SHARE;
  }
  record(rec, OP_EXPERTS, expertCompute, expertMemory, expertFixed, 0);
  record(
    rec,
    OP_SHARED_EXPERTS,
    (gpuFraction * m.sharedExpertParams * ((2 * localTokens) / flopRate + dq)) / atp,
    (gpuFraction * m.sharedExpertParams * bpw) / atp / weightByteRate,
    m.sharedExpertParams > 0 ? m.moeLayers * gpuFraction * 2 * aks : 0,
    0,
  );
  const ffnFlopRate = (hw.ffnPeakFlops ?? hw.peakFlops) * hw.effCompute;
  const ffnByteRate = byteRate * (hw.ffnMemoryScale ?? hw.weightMemoryScale ?? 1);
  const ffnDq =
    (hw.ffnDequantSecondsPerWeight ?? hw.dequantSecondsPerWeight ?? 0) * Math.ceil(localTokens / tile);
  record(
    rec,
    OP_DENSE_FFN,
    (gpuFraction * m.denseFfnParams * ((2 * localTokens) / ffnFlopRate + ffnDq)) / atp,
    (gpuFraction * m.denseFfnParams * (w.ffnBytesPerWeight ?? bpw)) / atp / ffnByteRate,
    m.denseFfnParams > 0 ? m.denseLayers * gpuFraction * 2 * ks : 0,
    0,
  );
  record(
    rec,
    OP_ELEMENTWISE,
    0,
    (layers * localTokens * ELEMENTWISE_VECTORS_PER_LAYER * m.hiddenSize * 2) / byteRate,
    layers * hw.layerSeconds,
    0,
  );
  // Logits only for the last token of each sequence (prefill) or each sequence's new token (decode).
  const lmTokens = sequences / adp;
  record(
    rec,
    OP_LM_HEAD,
    (2 * lmTokens * m.lmHeadMatmulParams) / atp / headFlopRate,
    (m.lmHeadMatmulParams * hbpw) / atp / headByteRate,
    m.lmHeadMatmulParams > 0 ? ks : 0,
    0,
  );

  let allReduce = 0;
  let allToAll = 0;
  if (g > 1) {
    const activationBytes = localTokens * m.hiddenSize * 2;
    const latency = hw.linkLatencySeconds + hw.collectiveSeconds;
    // The expert collectives' own software latency (NCCL/RCCL all-gather, all-to-all) at the MoE scale.
    const moeLatency = hw.linkLatencySeconds + hw.collectiveSeconds * archScale;
    if (atp > 1) {
      // Two ring all-reduces per layer (after attention and after the FFN): 2(atp−1)/atp of the message.
      const one = (((2 * (atp - 1)) / atp) * activationBytes) / hw.linkBandwidth + latency;
      allReduce = 2 * layers * one;
    }
    if (adp > ep && m.moeLayers > 0) {
      // Experts sliced across attention groups need every group's tokens: all-gather the hidden states
      // before each MoE layer and reduce-scatter the outputs after, (adp−1)/adp of all tokens each way.
      const one = (2 * ((adp - 1) / adp) * tokens * m.hiddenSize * 2) / hw.linkBandwidth + 2 * moeLatency;
      allToAll = m.moeLayers * gpuFraction * one;
    } else if (adp > 1 && ep > 1 && m.moeLayers > 0) {
      // Dispatch and combine all-to-all of each token's hidden state to its k experts.
      const one =
        (2 * ((ep - 1) / ep) * activationBytes * m.activeExperts) / hw.linkBandwidth + 2 * moeLatency;
      allToAll = m.moeLayers * gpuFraction * one;
    }
  }
  record(rec, OP_ALL_REDUCE, 0, 0, 0, allReduce);
  record(rec, OP_ALL_TO_ALL, 0, 0, 0, allToAll);

  // Phase totals, summed in operator order; each operator waits on the longer of its compute and memory.
  let compute = 0;
  let memory = 0;
  let fixed = 0;
  let device = 0;
  for (let at = 0; at < OPS * RECORD_WIDTH; at += RECORD_WIDTH) {
    const c = rec[at] as number;
    const b = rec[at + 1] as number;
    const f = rec[at + 2] as number;
    compute += c;
    memory += b;
    fixed += f;
    device += Math.max(c, b) + f;
  }
  const comm = allReduce + allToAll;
  // Eager engines issue every kernel from the host, which runs ahead of the device: the step is the
  // longer of the two (H200: eager 8B decode is 18.2 ms at batch 1 and 17.7 ms at batch 64).
  const host = layers * hw.hostLayerSeconds;
  const onDevice = device + comm;
  let total = Math.max(onDevice, host);
  if (host > onDevice) fixed += host - onDevice;
  // Passes carrying prompt tokens run eagerly in engines whose graphs cover decode-only steps, and their
  // host time adds to the device's rather than hiding under it: published TTFTs rise from a floor with the
  // prompt from the shortest prompts on (SGLang DeepSeek-R1: 180, 200, 264 ms at 128, 4,096, 8,192
  // tokens, docs/methodology.md), where a host running ahead would keep them flat until the device's time
  // passed the floor. The pass plans attention and routes experts on the host between launches.
  const eagerHost = eagerShare * layers * (hw.prefillHostLayerSeconds ?? 0);
  total += eagerHost;
  fixed += eagerHost;

  let offloadTime = 0;
  if (off.mode === OFFLOAD_CPU_LAYERS) {
    const f = 1 - gpuFraction;
    const nonExpertBytes = (m.nonExpertParams - m.embeddingParams) * bpw + ffnExtraBytes(m, w);
    const expertBytes = m.moeLayers * distinct * m.perExpertParams * ebpw;
    const flops = 2 * m.activeParams * tokens + decodeFlops + prefillFlops;
    const cpuMemory =
      (f * (nonExpertBytes + expertBytes) + f * kvReadBytes) / (off.hostBandwidth * off.hostEffMemory);
    const cpuCompute = (f * flops) / (off.hostPeakFlops * off.hostEffCompute);
    offloadTime = Math.max(cpuMemory, cpuCompute);
    // llama.cpp runs the CPU layers after the GPU layers.
    total += offloadTime;
  } else if (off.mode === OFFLOAD_STREAM) {
    // AirLLM loads every block from the tier each pass (embeddings, each layer with all its experts, head),
    // then computes it: loading and computing add.
    offloadTime = modelBytes(m, w, bpw, ebpw, hbpw) / (off.streamBandwidth * off.streamEfficiency);
    total += offloadTime;
  }
  return phaseInto(out, compute, memory, comm, offloadTime, fixed, total);
}

/** Phase totals written into `out` when given (no allocation), else into a new object. */
function phaseInto(
  out: PhaseTimes | null,
  compute: number,
  memory: number,
  communication: number,
  offload: number,
  overhead: number,
  total: number,
): PhaseTimes {
  if (!out) return { compute, memory, communication, offload, overhead, total };
  out.compute = compute;
  out.memory = memory;
  out.communication = communication;
  out.offload = offload;
  out.overhead = overhead;
  out.total = total;
  return out;
}

/** The phase totals of passes whose caller reads only their total (read at once, never kept). */
const scratchPhase: PhaseTimes = { ...EMPTY_PHASE };

/**
 * Grouped GEMMs (without a fused MoE kernel) stream expert weights at this share of a dense GEMM's rate:
 * H200 BF16 grouped MoE layer 3.21 TB/s with every expert touched, against 0.83 · 4.8 = 3.98 TB/s fitted
 * on the dense GEMM table (docs/methodology.md).
 */
const GROUPED_BANDWIDTH_SHARE = 0.8;

/** FLOPs of the attention scores of one decode step at batch B over `context` attended tokens. */
function decodeAttentionFlops(m: KernelModel, B: number, context: number): number {
  const attentionLayers = m.attentionLayers ?? m.layers;
  return 2 * attentionLayers * m.heads * (m.decodeAttentionWidth ?? m.attentionWidth) * context * B;
}

/** FLOPs of causal attention over prompts of `promptTokens` tokens, for `prompts` prompts. */
function prefillAttentionFlops(m: KernelModel, promptTokens: number, prompts: number): number {
  const attentionLayers = m.attentionLayers ?? m.layers;
  return 2 * attentionLayers * m.heads * m.attentionWidth * attendedPairs(m, promptTokens) * prompts;
}

/**
 * Bytes one decode step at batch B reads from the KV cache with `held` tokens of context: a sparse
 * model reads its indexer keys for every held token but the main KV only for the top-k (`attended`);
 * a hybrid reads and rewrites its recurrent state each step.
 */
function decodeKvReadBytes(m: KernelModel, w: KernelWorkload, B: number, held: number): number {
  const kvPerTokenAllLayers = m.layers * m.kvElementsPerTokenPerLayer * w.bytesPerKv;
  const stateBytesPerSequence = (m.stateElementsPerSequence ?? 0) * w.bytesPerKv;
  const indexerPerTokenAllLayers = m.layers * (m.indexerElementsPerTokenPerLayer ?? 0) * w.bytesPerKv;
  const context = attended(m, held);
  return (
    B *
    (context * (kvPerTokenAllLayers - indexerPerTokenAllLayers) +
      held * indexerPerTokenAllLayers +
      stateBytesPerSequence)
  );
}

/** One decode step at the workload's average context (I + O/2), `B` sequences; records into `into` if given. */
function decodePass(
  m: KernelModel,
  hw: KernelHardware,
  off: KernelOffload,
  w: KernelWorkload,
  B: number,
  distinct: number,
  into: Float64Array | null,
  out: PhaseTimes | null = null,
): PhaseTimes {
  const held = kvTokensHeld(m, w.inputTokens + w.outputTokens / 2);
  const context = attended(m, held);
  return forwardPass(
    m,
    hw,
    off,
    w,
    B,
    B,
    0,
    0,
    decodeAttentionFlops(m, B, context),
    0,
    decodeKvReadBytes(m, w, B, held),
    context,
    distinct,
    into,
    decodeEagerShare(hw, w, B),
    out,
  );
}

/**
 * Share of decode steps at batch B that run eagerly because a sequence's context passed the graphs'
 * limit: one sequence spends (I + O − limit) / O of its steps beyond it; in a running set of B staggered
 * sequences a step is eager when any of them is, 1 − (1 − s)^B.
 */
export function decodeEagerShare(hw: KernelHardware, w: KernelWorkload, B: number): number {
  const limit = hw.decodeGraphMaxContext ?? 0;
  if (limit <= 0 || w.outputTokens <= 0) return 0;
  const single = Math.min(1, Math.max(0, (w.inputTokens + w.outputTokens - limit) / w.outputTokens));
  return single >= 1 ? 1 : 1 - (1 - single) ** Math.max(1, B);
}

/** The prefill of `prompts` prompts of the workload's input length in one pass. */
function prefillPass(
  m: KernelModel,
  hw: KernelHardware,
  off: KernelOffload,
  w: KernelWorkload,
  prompts: number,
  into: Float64Array | null,
): PhaseTimes {
  const tokens = prompts * w.inputTokens;
  return forwardPass(
    m,
    hw,
    off,
    w,
    tokens,
    prompts,
    tokens,
    w.inputTokens,
    0,
    prefillAttentionFlops(m, w.inputTokens, prompts),
    0,
    0,
    distinctExperts(m, tokens),
    into,
    1,
  );
}

/** Weight bytes resident per device: all layers, or the resident share when llama.cpp keeps some on the CPU. */
export function weightsBytesPerDevice(
  m: KernelModel,
  hw: KernelHardware,
  off: KernelOffload,
  w: KernelWorkload,
): number {
  const bpw = w.bytesPerWeight;
  const ebpw = w.expertBytesPerWeight ?? bpw;
  const hbpw = w.headBytesPerWeight ?? bpw;
  const routedParams = m.totalParams - m.nonExpertParams;
  if (off.mode === OFFLOAD_STREAM) {
    // AirLLM holds one block on the device at a time (its prefetch reads the next block into host
    // memory): the largest of the embedding table, the LM head and a layer sets the resident weights.
    const blockParams = m.totalParams - m.embeddingParams - m.lmHeadParams;
    const perLayerBytes =
      ((blockParams - routedParams) * bpw + ffnExtraBytes(m, w) + routedParams * ebpw) / m.layers;
    const largest = Math.max(perLayerBytes, m.embeddingParams * hbpw, m.lmHeadParams * hbpw);
    return largest / attentionTensorParallel(hw);
  }
  const layerParams = m.totalParams - m.embeddingParams;
  const residentFraction = residentShare(m, off);
  // The LM head sits in layerParams (kept resident with the blocks); it is counted at the head's width.
  return (
    (m.embeddingParams * hbpw +
      residentFraction *
        ((layerParams - routedParams - m.lmHeadParams) * bpw + ffnExtraBytes(m, w) + m.lmHeadParams * hbpw)) /
      attentionTensorParallel(hw) +
    (residentFraction * routedParams * ebpw) / hw.count
  );
}

/** Bytes of all weights: block layers, routed experts and embeddings/LM head at their own widths. */
function modelBytes(m: KernelModel, w: KernelWorkload, bpw: number, ebpw: number, hbpw: number): number {
  const routed = m.totalParams - m.nonExpertParams;
  const head = m.embeddingParams + m.lmHeadParams;
  return (m.totalParams - routed - head) * bpw + ffnExtraBytes(m, w) + routed * ebpw + head * hbpw;
}

/** What the dense FFN weighs beyond the blocks' width (0 unless it has its own: fp8_mixed). */
function ffnExtraBytes(m: KernelModel, w: KernelWorkload): number {
  return w.ffnBytesPerWeight === undefined ? 0 : m.denseFfnParams * (w.ffnBytesPerWeight - w.bytesPerWeight);
}

/** Share of the layers held on the device (llama.cpp keeps `cpuLayers` in host memory). */
function residentShare(m: KernelModel, off: KernelOffload): number {
  return off.mode === OFFLOAD_CPU_LAYERS ? 1 - Math.min(1, off.cpuLayers / m.layers) : 1;
}

/**
 * Devices of one attention group (count / attention data-parallel degree): non-expert weights are split
 * this many ways and held whole by every group.
 */
function attentionTensorParallel(hw: KernelHardware): number {
  return hw.count / (hw.attentionDataParallel ?? hw.expertParallel);
}

/**
 * KV cache per device at the end of generation. Attention groups (data-parallel) each keep their own
 * sequences; inside a group tensor parallelism splits KV heads, and MLA's single latent cannot be split. llama.cpp keeps the KV of CPU layers in host memory; streaming keeps every
 * layer's KV on the device. A hybrid's linear layers hold a fixed state per sequence instead of KV per token.
 */
function kvCacheBytesPerDevice(
  m: KernelModel,
  hw: KernelHardware,
  off: KernelOffload,
  w: KernelWorkload,
): number {
  const kvPerTokenAllLayers = m.layers * m.kvElementsPerTokenPerLayer * w.bytesPerKv;
  const stateBytesPerSequence = (m.stateElementsPerSequence ?? 0) * w.bytesPerKv;
  return (
    (residentShare(m, off) *
      w.batch *
      (kvTokensHeld(m, w.inputTokens + w.outputTokens) * kvPerTokenAllLayers + stateBytesPerSequence)) /
    kvShardsOf(m, hw)
  );
}

/**
 * Ways the KV cache is split over the replica's devices: each attention group (data-parallel) keeps its
 * own sequences, and inside a group tensor parallelism splits KV heads up to their number (MLA: one).
 */
function kvShardsOf(m: KernelModel, hw: KernelHardware): number {
  const atp = attentionTensorParallel(hw);
  return (hw.count / atp) * Math.min(atp, m.kvShardLimit);
}

/**
 * Working set of one layer for a prefill chunk in 16-bit (residual, norm, QKV, attention output: ~6d;
 * gate and up projections: 2·ffn) plus FP32 logits for the B sequences' last tokens.
 */
function activationBytesPerDevice(m: KernelModel, hw: KernelHardware, w: KernelWorkload): number {
  const B = w.batch;
  const I = w.inputTokens;
  const chunk = Math.min(B * I > 0 ? B * I : B, w.prefillChunkTokens);
  return (
    (chunk * (6 * m.hiddenSize + 2 * m.ffnWidth) * 2 + B * m.vocabSize * 4) / attentionTensorParallel(hw)
  );
}

/**
 * Whether the workload's batch fits each device's memory: the same test as `runInferenceKernel(…).fits`
 * without running any forward pass (the batch searches call it many times).
 */
export function kernelFits(
  m: KernelModel,
  hw: KernelHardware,
  off: KernelOffload,
  w: KernelWorkload,
): boolean {
  return kernelFitsBeside(m, hw, off, w, weightsBytesPerDevice(m, hw, off, w));
}

/** `kernelFits` with the layout's `weightsBytesPerDevice` given (no batch changes them: a batch search reads them once). */
export function kernelFitsBeside(
  m: KernelModel,
  hw: KernelHardware,
  off: KernelOffload,
  w: KernelWorkload,
  weightsBytes: number,
): boolean {
  return memoryFits(
    hw,
    weightsBytes + activationBytesPerDevice(m, hw, w) + hw.overheadBytesPerDevice,
    kvCacheBytesPerDevice(m, hw, off, w),
  );
}

/**
 * Whether the KV cache fits beside the fixed bytes (weights, activations, runtime) in the share of memory
 * the engine gives it: fixed + KV ≤ u·C, and KV ≤ f·(u·C − fixed).
 */
export function memoryFits(hw: KernelHardware, fixedBytes: number, kvBytes: number): boolean {
  const usable = hw.capacityBytes * (hw.usableShareOfCapacity ?? 1);
  const free = usable - fixedBytes;
  return free >= 0 && kvBytes <= free * (hw.kvShareOfFree ?? 1);
}

export function runInferenceKernel(
  m: KernelModel,
  hw: KernelHardware,
  off: KernelOffload,
  w: KernelWorkload,
): KernelResult {
  const B = w.batch;
  const I = w.inputTokens;
  const O = w.outputTokens;

  const weightsBytes = weightsBytesPerDevice(m, hw, off, w);
  const kvCacheBytes = kvCacheBytesPerDevice(m, hw, off, w);
  const activationBytes = activationBytesPerDevice(m, hw, w);
  const totalBytesPerDevice = weightsBytes + kvCacheBytes + activationBytes + hw.overheadBytesPerDevice;

  // Decode: one step at batch B with the average context I + O/2. Prefill: causal attention over I
  // tokens costs on average I/2 context per token.
  const distinctDecode = distinctExperts(m, B);
  const decode = decodePass(m, hw, off, w, B, distinctDecode, null);
  const prefillSingle = I > 0 ? prefillPass(m, hw, off, w, 1, null) : EMPTY_PHASE;
  const prefillBatch = I > 0 ? prefillPass(m, hw, off, w, B, null) : EMPTY_PHASE;

  const tpotSeconds = decode.total;
  const generation = O > 0 ? O * tpotSeconds : 0;
  const wall = prefillBatch.total + generation;
  const outputTokensPerSecond = wall > 0 && O > 0 ? (B * O) / wall : 0;
  const ttftSeconds = prefillSingle.total + (O > 0 ? tpotSeconds : 0);
  return {
    weightsBytesPerDevice: weightsBytes,
    kvCacheBytesPerDevice: kvCacheBytes,
    activationBytesPerDevice: activationBytes,
    totalBytesPerDevice,
    fits: memoryFits(hw, weightsBytes + activationBytes + hw.overheadBytesPerDevice, kvCacheBytes),
    kvTokensPerSequence: kvTokensHeld(m, I + O),
    distinctExpertsDecode: distinctDecode,
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
 * One decode step of `sequences` sequences at the workload's average context: the `decode` phase of
 * `runInferenceKernel` at that batch, without the memory and prefill work (the serving curve's step).
 */
export function decodeStep(
  m: KernelModel,
  hw: KernelHardware,
  off: KernelOffload,
  w: KernelWorkload,
  sequences: number,
): PhaseTimes {
  return decodePass(m, hw, off, w, sequences, distinctExperts(m, sequences), null);
}

/** `decodeStep` written into `out` (the plan search's hot loop reuses one object per search). */
export function decodeStepInto(
  m: KernelModel,
  hw: KernelHardware,
  off: KernelOffload,
  w: KernelWorkload,
  sequences: number,
  out: PhaseTimes,
): PhaseTimes {
  return decodePass(m, hw, off, w, sequences, distinctExperts(m, sequences), null, out);
}

/**
 * One pass prefilling `prompts` prompts of the workload's input length: the `prefillBatch` phase of
 * `runInferenceKernel` at batch `prompts` (which may be fractional: a budget of tokens in whole prompts).
 */
export function prefillStep(
  m: KernelModel,
  hw: KernelHardware,
  off: KernelOffload,
  w: KernelWorkload,
  prompts: number,
): PhaseTimes {
  return w.inputTokens > 0 ? prefillPass(m, hw, off, w, prompts, null) : EMPTY_PHASE;
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
  /** Whether the step carries prompt tokens (eager launch); false for a decode step verifying drafts. */
  eager = prefillTokens > 0,
): number {
  return mixedPass(m, hw, off, w, decoders, prefillTokens, promptTokens, eager, null, scratchPhase).total;
}

function mixedPass(
  m: KernelModel,
  hw: KernelHardware,
  off: KernelOffload,
  w: KernelWorkload,
  decoders: number,
  prefillTokens: number,
  promptTokens: number,
  eager: boolean,
  into: Float64Array | null,
  out: PhaseTimes | null = null,
): PhaseTimes {
  const held = kvTokensHeld(m, w.inputTokens + w.outputTokens / 2);
  const context = attended(m, held);
  const prompts = prefillTokens / Math.max(1, promptTokens);
  const tokens = decoders + prefillTokens;
  return forwardPass(
    m,
    hw,
    off,
    w,
    tokens,
    decoders + prompts,
    prefillTokens,
    promptTokens,
    decodeAttentionFlops(m, decoders, context),
    prefillAttentionFlops(m, promptTokens, prompts),
    decodeKvReadBytes(m, w, decoders, held),
    context,
    distinctExperts(m, tokens),
    into,
    eager ? 1 : decodeEagerShare(hw, w, decoders),
    out,
  );
}

/** Per-operator times of a step that decodes `decoders` sequences and carries `prefillTokens` prompt tokens. */
export function mixedOperators(
  m: KernelModel,
  hw: KernelHardware,
  off: KernelOffload,
  w: KernelWorkload,
  decoders: number,
  prefillTokens: number,
  promptTokens: number,
): OperatorTime[] {
  const rec = newRecord();
  mixedPass(m, hw, off, w, decoders, prefillTokens, promptTokens, prefillTokens > 0, rec);
  return operatorTimes(rec);
}

/** Per-operator times of one decode step at the workload's batch (a second decode pass, for explanations). */
export function decodeOperators(
  m: KernelModel,
  hw: KernelHardware,
  off: KernelOffload,
  w: KernelWorkload,
): OperatorTime[] {
  const rec = newRecord();
  decodePass(m, hw, off, w, w.batch, distinctExperts(m, w.batch), rec);
  return operatorTimes(rec);
}

/** Per-operator times of the prefill of one request of the workload's input length. */
export function prefillOperators(
  m: KernelModel,
  hw: KernelHardware,
  off: KernelOffload,
  w: KernelWorkload,
): OperatorTime[] {
  if (w.inputTokens <= 0) return [];
  const rec = newRecord();
  prefillPass(m, hw, off, w, 1, rec);
  return operatorTimes(rec);
}
