import { describe, expect, it } from 'vitest';
import { shippedCatalog } from '../../test/load-catalog.ts';
import { findModel } from '../catalog/catalog.ts';
import {
  attendedTokens,
  attentionFlopsPerToken,
  attentionWidthPerHead,
  decodeAttentionWidthPerHead,
  kvElementsPerToken,
  kvTokensHeldPerLayer,
  recurrentStateElementsPerSequence,
} from './attention.ts';

describe('KV cache per token', () => {
  const catalog = shippedCatalog();
  const bf16 = (id: string) => kvElementsPerToken(findModel(catalog, id).architecture) * 2;

  it('MLA caches the latent and the RoPE key: DeepSeek-V3 = 61 · (512 + 64) · 2 B = 70,272 B', () => {
    expect(bf16('deepseek-v3')).toBe(70_272);
  });

  it('GQA caches K and V per KV head: Llama-3.1-405B 516,096 B, Qwen2.5-72B 327,680 B (arXiv 2505.09343 Table 1)', () => {
    expect(bf16('llama-3.1-405b')).toBe(2 * 126 * 8 * 128 * 2);
    expect(bf16('llama-3.1-405b')).toBe(516_096);
    expect(bf16('qwen2.5-72b')).toBe(327_680);
  });

  it('MHA keeps every head: Llama-2-7B = 2 · 32 · 32 · 128 · 2 B = 524,288 B', () => {
    expect(bf16('llama-2-7b')).toBe(524_288);
  });

  it('sliding-window layers hold at most the window', () => {
    const arch = structuredClone(findModel(catalog, 'llama-2-7b').architecture);
    arch.attention.slidingWindow = 4096;
    expect(kvTokensHeldPerLayer(arch, 2000)).toBe(2000);
    expect(kvTokensHeldPerLayer(arch, 10_000)).toBe(4096);
    arch.attention.slidingWindowLayers = 16;
    expect(kvTokensHeldPerLayer(arch, 10_000)).toBe((16 * 4096 + 16 * 10_000) / 32);
  });

  it('gpt-oss-120b: alternating banded layers hold 128 tokens, the other 18 the whole context', () => {
    const arch = findModel(catalog, 'gpt-oss-120b').architecture;
    expect(bf16('gpt-oss-120b')).toBe(36 * 2 * 8 * 64 * 2);
    expect(kvTokensHeldPerLayer(arch, 100)).toBe(100);
    expect(kvTokensHeldPerLayer(arch, 131_072)).toBe((18 * 128 + 18 * 131_072) / 36);
  });

  it('Gemma 3 27B: 52 local layers (window 1,024) and 10 global ones cut the KV at 128K by 6x', () => {
    const arch = findModel(catalog, 'gemma-3-27b').architecture;
    const held = kvTokensHeldPerLayer(arch, 131_072);
    expect(held).toBe((52 * 1024 + 10 * 131_072) / 62);
    expect(131_072 / held).toBeGreaterThan(5.9);
    expect(131_072 / held).toBeLessThan(6);
  });

  it('Qwen3-Next keeps KV only in its 12 full-attention layers, plus a fixed recurrent state per sequence', () => {
    const arch = findModel(catalog, 'qwen3-next-80b-a3b').architecture;
    expect(kvElementsPerToken(arch)).toBe(12 * 2 * 2 * 256);
    // 36 Gated DeltaNet layers: 32 value heads x 128 x 128 state, plus 3 conv steps of q, k and v.
    expect(recurrentStateElementsPerSequence(arch)).toBe(36 * (32 * 128 * 128 + (2 * 2048 + 4096) * 3));
    expect(recurrentStateElementsPerSequence(findModel(catalog, 'llama-3.1-8b').architecture)).toBe(0);
  });

  it("DeepSeek-V3.2 caches the indexer's key too, and its MLA reads only the top 2,048 tokens", () => {
    const v32 = findModel(catalog, 'deepseek-v3.2').architecture;
    const v31 = findModel(catalog, 'deepseek-v3.1').architecture;
    expect(kvElementsPerToken(v32)).toBe(61 * (512 + 64 + 128));
    expect(attendedTokens(v32, 1000)).toBe(1000);
    expect(attendedTokens(v32, 100_000)).toBe(2048);
    // At 128K: MLA over 2,048 tokens (1.6% of dense) plus the 64 x 128 indexer over all (20%).
    const ratio = attentionFlopsPerToken(v32, 131_072) / attentionFlopsPerToken(v31, 131_072);
    expect(ratio).toBeCloseTo(2048 / 131_072 + (64 * 128) / (128 * 320), 6);
    expect(attentionFlopsPerToken(v32, 1000)).toBeGreaterThan(attentionFlopsPerToken(v31, 1000));
  });

  it('MLA decodes absorbed: 2 · 512 + 64 = 1,088 per head against 192 + 128 = 320 for prefill; GQA alike', () => {
    const v3 = findModel(catalog, 'deepseek-v3').architecture;
    expect(attentionWidthPerHead(v3)).toBe(320);
    expect(decodeAttentionWidthPerHead(v3)).toBe(1088);
    const llama = findModel(catalog, 'llama-3.1-8b').architecture;
    expect(decodeAttentionWidthPerHead(llama)).toBe(attentionWidthPerHead(llama));
  });
});
