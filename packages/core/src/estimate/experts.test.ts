import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shippedCatalog } from '../../test/load-catalog.ts';
import { priorTable } from './efficiency.ts';
import { expectedDistinctExperts } from './experts.ts';
import { resolveInference } from './inference.ts';
import { decodeOperators, MOE_FUSED, MOE_SECONDS_PER_REDUCTION_ELEMENT } from './inference-kernel.ts';

describe('expected distinct experts per layer', () => {
  it('is k at batch 1 and tends to E at large batch', () => {
    expect(expectedDistinctExperts(256, 8, 1)).toBeCloseTo(8, 10);
    expect(expectedDistinctExperts(256, 8, 10_000)).toBeCloseTo(256, 6);
  });

  it('matches the hand value E · (1 − (1 − k/E)^B) for DeepSeek-V3 at batch 32', () => {
    expect(expectedDistinctExperts(256, 8, 32)).toBeCloseTo(256 * (1 - (1 - 8 / 256) ** 32), 12);
    expect(expectedDistinctExperts(256, 8, 32)).toBeCloseTo(163.3, 1);
  });

  it('never decreases with batch and never exceeds E or B·k', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 512 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 4096 }),
        (E, kRaw, B) => {
          const k = Math.min(kRaw, E);
          const here = expectedDistinctExperts(E, k, B);
          const next = expectedDistinctExperts(E, k, B + 1);
          return next >= here - 1e-9 && here <= E + 1e-9 && here <= B * k + 1e-9;
        },
      ),
    );
  });
});

describe('the fused MoE layer latency floor', () => {
  const catalog = shippedCatalog();
  // Routed experts' fixed seconds of one decode step at batch 1, less the two GEMM launches.
  function floorPerLayer(model: string, engine: 'sglang' | 'pytorch-graph', count: number): number {
    const r = resolveInference(catalog, priorTable, {
      model,
      hardware: 'h200',
      count,
      weights: engine === 'sglang' ? 'fp8' : 'bf16',
      kv: 'bf16',
      engine,
      inputTokens: 1024,
      outputTokens: 256,
    });
    const experts = decodeOperators(r.km, r.hw, r.off, { ...r.work, batch: 1 }).find(
      (o) => o.operator === 'routed experts',
    );
    const launches = r.hw.moeKernel === MOE_FUSED ? 2 : 7;
    return ((experts?.fixedSeconds ?? 0) - r.km.moeLayers * launches * r.hw.kernelSeconds) / r.km.moeLayers;
  }

  it('is the serial walk over d and I / TP of each MoE layer (DeepSeek-R1 at TP 8: 7,168 + 256 elements)', () => {
    expect(floorPerLayer('deepseek-r1', 'sglang', 8)).toBeCloseTo(
      (7168 + 2048 / 8) * MOE_SECONDS_PER_REDUCTION_ELEMENT,
      12,
    );
  });

  it('lands within 15% of the floors fitted on the published Triton fused-MoE tables it comes from', () => {
    // sgl-project/sglang PR #11730 (Qwen3-235B-A22B FP8, TP 8, H200): 22.6 µs; PR #11816 (DeepSeek-R1 FP8, TP 8): 45.8 µs.
    expect(floorPerLayer('qwen3-235b-a22b', 'sglang', 8) / 22.6e-6).toBeGreaterThan(0.85);
    expect(floorPerLayer('qwen3-235b-a22b', 'sglang', 8) / 22.6e-6).toBeLessThan(1.15);
    expect(floorPerLayer('deepseek-r1', 'sglang', 8) / 45.8e-6).toBeGreaterThan(0.85);
    expect(floorPerLayer('deepseek-r1', 'sglang', 8) / 45.8e-6).toBeLessThan(1.15);
  });

  it('is not charged to grouped GEMMs written plainly (our own PyTorch MoE decoder)', () => {
    expect(floorPerLayer('deepseek-v2-lite', 'pytorch-graph', 1)).toBeCloseTo(0, 12);
  });
});
