import type { Architecture } from '../catalog/schema.ts';

/** Parameter counts computed from an architecture (never copied from a model card). */
export interface ParameterCounts {
  /** Every weight: embeddings, all layers, all experts, final norm, LM head. */
  total: number;
  /** Weights a single token passes through: non-expert weights plus k routed experts per MoE layer. */
  active: number;
  /**
   * Weights that multiply per token: `active` less the input embedding table, whose row is looked up,
   * not multiplied (a tied table still counts once, as the LM head). FLOPs use this: 2 per token each.
   * It is also DeepSeek's "activated parameters" convention (37B for V3); Meta and Qwen quote `active`.
   */
  activeMatmul: number;
  /** Input token embeddings plus learned position embeddings. */
  embedding: number;
  /** Output projection; 0 when tied to the input embeddings. */
  lmHead: number;
  /** Everything but routed experts: read by every decode step whatever the batch. */
  nonExpert: number;
  /** One routed expert's weights (gate/up/down). */
  perExpert: number;
  /** Layers with routed experts. */
  moeLayers: number;
  /** Attention weights in one (full-attention) layer. */
  attentionPerLayer: number;
  /** Weights of one linear-attention layer of a hybrid (0 when the model has none). */
  linearAttentionPerLayer: number;
}

function attentionParams(arch: Architecture): number {
  const a = arch.attention;
  const d = arch.hiddenSize;
  if (a.type === 'mla') {
    const rope = a.ropeHeadDim ?? 64;
    const nope = a.nopeHeadDim ?? a.headDim;
    const v = a.vHeadDim ?? a.headDim;
    const kvRank = a.kvLoraRank ?? 512;
    const qHead = nope + rope;
    // DeepSeek-V2 §2.1: queries through a low-rank bottleneck (with its RMSNorm) when qLoraRank is set.
    const q = a.qLoraRank
      ? d * a.qLoraRank + a.qLoraRank + a.qLoraRank * a.heads * qHead
      : d * a.heads * qHead;
    // Joint KV compression: W_DKV (d -> d_c) plus the decoupled RoPE key (d -> d_r), a norm, then up-projections.
    const kv = d * (kvRank + rope) + kvRank + kvRank * a.heads * (nope + v);
    const out = a.heads * v * d;
    return q + kv + out + indexerParams(arch) + extrasPerLayer(arch);
  }
  // Qwen3-Next's gate doubles the query projection (one gate value per query element).
  const q = d * a.heads * a.headDim * (a.outputGate ? 2 : 1);
  const kv = 2 * d * a.kvHeads * a.headDim;
  const out = a.heads * a.headDim * d;
  const bias = a.qkvBias ? (a.heads + 2 * a.kvHeads) * a.headDim : 0;
  return q + kv + out + bias + extrasPerLayer(arch);
}

/** Per-head QK norms and attention sinks: small, but counted so hand checks match checkpoints. */
function extrasPerLayer(arch: Architecture): number {
  const a = arch.attention;
  return (a.qkNorm ? 2 * a.headDim : 0) + (a.sinks ? a.heads : 0);
}

/**
 * DeepSeek Sparse Attention's lightning indexer (DeepSeek-V3.2-Exp inference/model.py): query
 * up-projection from the compressed query (q_lora_rank → H_I · d_I), one shared key (d → d_I) with a
 * LayerNorm (weight and bias), and per-head weights (d → H_I).
 */
function indexerParams(arch: Architecture): number {
  const s = arch.attention.sparse;
  if (!s) return 0;
  const d = arch.hiddenSize;
  const qIn = arch.attention.qLoraRank ?? d;
  return (
    qIn * s.indexerHeads * s.indexerHeadDim + d * s.indexerHeadDim + 2 * s.indexerHeadDim + d * s.indexerHeads
  );
}

/**
 * One Gated DeltaNet layer (Qwen3-Next modeling code): fused q/k/v/z input projection, the beta and
 * alpha gates (one each per value head), a depthwise causal convolution over q, k and v, per-head
 * dt bias and decay (A_log), a gated RMSNorm over the value head width and the output projection.
 */
export function linearAttentionParams(arch: Architecture): number {
  const l = arch.linearAttention;
  if (!l) return 0;
  const d = arch.hiddenSize;
  const keyDim = l.keyHeads * l.keyHeadDim;
  const valueDim = l.valueHeads * l.valueHeadDim;
  const inProj = d * (2 * keyDim + 2 * valueDim) + d * 2 * l.valueHeads;
  const conv = (2 * keyDim + valueDim) * l.convKernel;
  return inProj + conv + 2 * l.valueHeads + l.valueHeadDim + valueDim * d;
}

function ffnParams(hidden: number, intermediate: number, gated: boolean, bias: boolean): number {
  const matrices = (gated ? 3 : 2) * hidden * intermediate;
  return matrices + (bias ? intermediate * (gated ? 2 : 1) + hidden : 0);
}

/** How many of the layers carry routed experts (first-dense and interleaved layouts). */
export function moeLayerCount(arch: Architecture): number {
  const moe = arch.moe;
  if (!moe) return 0;
  const candidates = Math.max(0, arch.layers - moe.firstDenseLayers);
  // "Every n-th layer" is the n-th, 2n-th, ...: floor, as in Llama 4 (moe_layers =
  // range(step - 1, layers, step)) and Qwen-MoE ((i + 1) % decoder_sparse_step == 0). Rounding up
  // counted one MoE layer too many whenever the step does not divide the layer count.
  return Math.floor(candidates / moe.moeLayerStep);
}

export function countParameters(arch: Architecture): ParameterCounts {
  const d = arch.hiddenSize;
  const gated = arch.ffn.type === 'gated';
  const bias = arch.ffn.bias ?? false;
  const embedding = arch.vocabSize * d + (arch.positionEmbeddings ?? 0) * d;
  const lmHead = arch.tiedEmbeddings ? 0 : arch.vocabSize * d;
  const attentionPerLayer = attentionParams(arch);
  // Two norms per layer (pre-attention, pre-FFN); LayerNorm biases are ignored (< 0.01% of any model).
  const normsPerLayer = 2 * d;
  const moeLayers = moeLayerCount(arch);
  const denseLayers = arch.layers - moeLayers;
  const denseFfn = ffnParams(d, arch.ffn.intermediateSize, gated, bias);

  let perExpert = 0;
  let moeLayerNonExpert = 0;
  let routedPerLayer = 0;
  if (arch.moe) {
    const m = arch.moe;
    perExpert = ffnParams(d, m.expertIntermediateSize, gated, bias);
    const sharedSize = m.sharedIntermediateSize ?? m.expertIntermediateSize;
    const shared = m.sharedExperts * ffnParams(d, sharedSize, gated, false);
    const router = d * m.routedExperts + (m.sharedExpertGate ? d : 0);
    moeLayerNonExpert = shared + router;
    routedPerLayer = m.routedExperts * perExpert;
  }

  const linearLayers = arch.linearAttention?.layers ?? 0;
  const linearAttentionPerLayer = linearAttentionParams(arch);
  const nonExpert =
    embedding +
    lmHead +
    d +
    arch.layers * normsPerLayer +
    (arch.layers - linearLayers) * attentionPerLayer +
    linearLayers * linearAttentionPerLayer +
    denseLayers * denseFfn +
    moeLayers * moeLayerNonExpert;
  const total = nonExpert + moeLayers * routedPerLayer;
  const active = nonExpert + moeLayers * (arch.moe?.activeExperts ?? 0) * perExpert;
  const lookupOnly = arch.tiedEmbeddings ? (arch.positionEmbeddings ?? 0) * d : embedding;
  const activeMatmul = active - lookupOnly;
  return {
    total,
    active,
    activeMatmul,
    embedding,
    lmHead,
    nonExpert,
    perExpert,
    moeLayers,
    attentionPerLayer,
    linearAttentionPerLayer,
  };
}
