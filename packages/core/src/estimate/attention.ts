import type { Architecture } from '../catalog/schema.ts';

/**
 * KV-cache elements per token summed over layers (multiply by bytes per element).
 * MHA/GQA/MQA: 2 · L · h_kv · d_h. MLA caches the compressed latent and the decoupled RoPE key:
 * L · (d_c + d_r) (DeepSeek-V2 §2.1.2). Sliding-window layers are counted through `kvTokensHeld`.
 */
export function kvElementsPerTokenPerLayer(arch: Architecture): number {
  const a = arch.attention;
  if (a.type === 'mla') return (a.kvLoraRank ?? 512) + (a.ropeHeadDim ?? 64);
  return 2 * a.kvHeads * a.headDim;
}

export function kvElementsPerToken(arch: Architecture): number {
  return arch.layers * kvElementsPerTokenPerLayer(arch);
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
 * Forward attention-score FLOPs (QKᵀ and AV) for one token attending to `contextTokens` earlier tokens:
 * 2 · L · h · (d_qk + d_v) · context. Training over sequences of length s uses an average context of s/2
 * (causal) and three passes (forward + backward), giving 3 · L · h · (d_qk + d_v) · s per token.
 */
export function attentionFlopsPerToken(arch: Architecture, contextTokens: number): number {
  return 2 * arch.layers * arch.attention.heads * attentionWidthPerHead(arch) * contextTokens;
}
