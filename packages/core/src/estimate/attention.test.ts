import { describe, expect, it } from 'vitest';
import { shippedCatalog } from '../../test/load-catalog.ts';
import { findModel } from '../catalog/catalog.ts';
import { kvElementsPerToken, kvTokensHeldPerLayer } from './attention.ts';

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
});
