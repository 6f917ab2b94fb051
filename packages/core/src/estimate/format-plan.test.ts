import { describe, expect, it } from 'vitest';
import { shippedCatalog } from '../../test/load-catalog.ts';
import { findDevice, findModel } from '../catalog/catalog.ts';
import { pathFactorPriors, priorTable } from './efficiency.ts';
import { formatPlan } from './format-plan.ts';
import { estimateInference, maxBatchThatFits, resolveInference } from './inference.ts';

const catalog = shippedCatalog();

describe("Meta's fp8_mixed checkpoints (FP8 FFN of the inner layers, BF16 elsewhere)", () => {
  const request = (weights: 'fp8' | 'fp8_mixed') => ({
    model: 'llama-3.1-405b',
    hardware: 'h100-sxm',
    count: 8,
    weights,
    kv: 'bf16' as const,
    engine: 'vllm' as const,
    inputTokens: 2048,
    outputTokens: 2048,
    concurrency: [],
  });

  it('weighs what vLLM loaded for meta-llama/Llama-3.1-405B-FP8 at TP 8 (56.7677 GiB per GPU)', () => {
    // dstack's log (github.com/dstackai/benchmarks, h100sxm5_vs_mi300x/raw_data/gpu-usage.md, read
    // 2026-12-05): "Loading model weights took 56.7677 GB" (vLLM divides by 2^30). An all-FP8 layout is 16% short.
    const mixed = estimateInference(catalog, priorTable, request('fp8_mixed')).memory.weightsBytes.value;
    const allFp8 = estimateInference(catalog, priorTable, request('fp8')).memory.weightsBytes.value;
    expect(Math.abs(mixed / 2 ** 30 / 56.7677 - 1)).toBeLessThan(0.01);
    expect(allFp8 / 2 ** 30 / 56.7677).toBeLessThan(0.86);
  });

  it('streams the attention projections at BF16 and the FFN at FP8, and leaves less memory for KV', () => {
    const op = (weights: 'fp8' | 'fp8_mixed', name: string) =>
      estimateInference(catalog, priorTable, request(weights)).operators.decode.find(
        (o) => o.operator === name,
      );
    const projections = (w: 'fp8' | 'fp8_mixed') => op(w, 'attention projections')?.memorySeconds ?? 0;
    const ffn = (w: 'fp8' | 'fp8_mixed') => op(w, 'dense FFN')?.memorySeconds ?? 0;
    // Twice the bytes, streamed at the 16-bit path's rate instead of the FP8 path's (its memory factor).
    expect(projections('fp8_mixed') / projections('fp8')).toBeCloseTo(2 * pathFactorPriors.fp8.memory, 6);
    // 124 of 126 FFN layers in FP8, the first and last in BF16: (124 + 2·2) / 126 of the FP8 bytes.
    expect(ffn('fp8_mixed') / ffn('fp8')).toBeCloseTo(128 / 126, 6);
    const fits = (w: 'fp8' | 'fp8_mixed') =>
      maxBatchThatFits(resolveInference(catalog, priorTable, request(w)));
    expect(fits('fp8_mixed')).toBeLessThan(fits('fp8') * 0.7);
  });

  it('on an MoE model quantizes the routed experts only, as llama-stack does for Llama 4', () => {
    const moe = catalog.models.find((m) => m.architecture.moe !== undefined && m.nativeWeights === undefined);
    expect(moe).toBeDefined();
    if (!moe) return;
    const plan = formatPlan(findModel(catalog, moe.id), findDevice(catalog, 'h100-sxm'), 'fp8_mixed');
    expect(plan.blocks).toBe('bf16');
    expect(plan.expertBytesPerWeight).toBe(1);
    expect(plan.bytesPerWeight).toBe(2);
    expect(plan.ffn).toBeUndefined();
  });
});
