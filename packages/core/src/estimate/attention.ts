import type { Architecture } from '../catalog/schema.ts';

/**
 * KV-cache elements per token in one attention layer (multiply by bytes per element).
 * MHA/GQA/MQA: 2 · h_kv · d_h. MLA caches the compressed latent and the decoupled RoPE key:
 * d_c + d_r (DeepSeek-V2 §2.1.2). DeepSeek Sparse Attention adds the indexer's key (d_I) for every
 * token, since the indexer scores the whole context. Sliding-window layers are counted through
 * `kvTokensHeld`.
 */
export function kvElementsPerTokenPerLayer(arch: Architecture): number {
  const a = arch.attention;
  const indexer = a.sparse?.indexerHeadDim ?? 0;
  if (a.type === 'mla') return (a.kvLoraRank ?? 512) + (a.ropeHeadDim ?? 64) + indexer;
  return 2 * a.kvHeads * a.headDim + indexer;
}

/** Layers that keep a KV entry per token: all of them, less a hybrid's linear-attention layers. */
export function attentionLayerCount(arch: Architecture): number {
  return arch.layers - (arch.linearAttention?.layers ?? 0);
}

export function kvElementsPerToken(arch: Architecture): number {
  return attentionLayerCount(arch) * kvElementsPerTokenPerLayer(arch);
}

/**
 * Fixed state per sequence of a hybrid's linear-attention layers, in elements, whatever the context:
 * Gated DeltaNet keeps an h_v × d_k × d_v matrix per layer plus the last (kernel − 1) inputs of its
 * causal convolution over q, k and v (Qwen3-Next). 0 for models without linear attention.
 */
export function recurrentStateElementsPerSequence(arch: Architecture): number {
  const l = arch.linearAttention;
  if (!l) return 0;
  const recurrent = l.valueHeads * l.keyHeadDim * l.valueHeadDim;
  const conv = (2 * l.keyHeads * l.keyHeadDim + l.valueHeads * l.valueHeadDim) * (l.convKernel - 1);
  return l.layers * (recurrent + conv);
}

/**
 * Tokens the main attention reads per query at a given context: all of them, or DeepSeek Sparse
 * Attention's top-k (2,048 in V3.2) once the context is longer. The indexer still scores all tokens.
 */
export function attendedTokens(arch: Architecture, contextTokens: number): number {
  const topK = arch.attention.sparse?.topK;
  return topK === undefined ? contextTokens : Math.min(contextTokens, topK);
}

/**
 * Average KV entries held per layer for a sequence of `context` tokens, accounting for sliding-window
 * layers that keep at most `slidingWindow` tokens.
 */
export function kvTokensHeldPerLayer(arch: Architecture, context: number): number {
  const window = arch.attention.slidingWindow;
  if (window === undefined || context <= window) return context;
  const windowed = arch.attention.slidingWindowLayers ?? arch.layers;
  return (windowed * window + (arch.layers - windowed) * context) / arch.layers;
}

/** Query-key plus value-output width per head: d_qk + d_v (MLA: nope + rope, v). */
export function attentionWidthPerHead(arch: Architecture): number {
  const a = arch.attention;
  if (a.type === 'mla')
    return (a.nopeHeadDim ?? a.headDim) + (a.ropeHeadDim ?? 64) + (a.vHeadDim ?? a.headDim);
  return 2 * a.headDim;
}

/**
 * Query-key plus value-output width per head of one decode step. MLA decodes in the absorbed form
 * (DeepSeek-V2 §2.1.2: W_UK folds into the query, W_UV into the output): each head scores the cached
 * latent and RoPE key (d_c + d_r) and reads its values from the latent (d_c), so 2·d_c + d_r = 1,088 per
 * head for DeepSeek-V3 against 320 non-absorbed. FlashMLA, FlashInfer's MLA and AITER's MLA decode all
 * run this form, and so does our plainly written H200 MLA decode (shared reference h200-measurements.md).
 * Prefill keeps the non-absorbed form (SGLang and vLLM expand the latent with kv_b_proj for prompt
 * tokens): `attentionWidthPerHead`.
 */
export function decodeAttentionWidthPerHead(arch: Architecture): number {
  const a = arch.attention;
  if (a.type !== 'mla') return attentionWidthPerHead(arch);
  const latent = a.kvLoraRank ?? 512;
  return 2 * latent + (a.ropeHeadDim ?? 64);
}

/**
 * Forward attention-score FLOPs (QKᵀ and AV) for one token attending to `contextTokens` earlier tokens:
 * 2 · L · h · (d_qk + d_v) · context. Training over sequences of length s uses an average context of s/2
 * (causal) and three passes (forward + backward), giving 3 · L · h · (d_qk + d_v) · s per token.
 */
export function attentionFlopsPerToken(arch: Architecture, contextTokens: number): number {
  const a = arch.attention;
  const main = a.heads * attentionWidthPerHead(arch) * attendedTokens(arch, contextTokens);
  // The indexer's dot products: H_I heads of width d_I against every earlier token's key.
  const indexer = a.sparse ? a.sparse.indexerHeads * a.sparse.indexerHeadDim * contextTokens : 0;
  return 2 * attentionLayerCount(arch) * (main + indexer);
}
