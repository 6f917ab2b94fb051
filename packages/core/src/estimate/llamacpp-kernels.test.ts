import { describe, expect, it } from 'vitest';
import { shippedCatalog } from '../../test/load-catalog.ts';
import type { Engine, WeightFormat } from '../catalog/calibration-schema.ts';
import { findDevice, findModel } from '../catalog/catalog.ts';
import { efficiencyPriors, priorTable } from './efficiency.ts';
import { formatPlan } from './format-plan.ts';
import { resolveInference, runResolved } from './inference.ts';
import {
  METAL_MUL_MM_TILE_TOKENS,
  MMA_SYNC_SHARE_OF_WARPGROUP_PEAK,
  MMQ_FMA_SLOTS_PER_GROUP_TOKEN,
} from './llamacpp-kernels.ts';
import { DEQUANT_TILE_TOKENS, vectorSecondsPerInstruction } from './precision.ts';

const catalog = shippedCatalog();
const plan = (hardware: string, weights: WeightFormat, engine: Engine) => {
  const device = findDevice(catalog, hardware);
  const r = resolveInference(catalog, priorTable, { model: 'llama-2-7b', hardware, weights, engine });
  return { device, fp: r.formats };
};

describe('llama.cpp kernel paths', () => {
  it('CUDA MMQ: int8 tensor peak plus per-token scale work per scale group (16 weights for Q6_K, 32 for Q4_0)', () => {
    const { device, fp } = plan('rtx-4090', 'q4_0', 'llamacpp');
    const perOp = vectorSecondsPerInstruction(device.compute.denseTflops);
    expect(fp.peakFlops).toBe((device.compute.denseTflops.int8 ?? 0) * 1e12);
    expect(fp.dequantTileTokens).toBe(1);
    expect(fp.dequantSecondsPerWeight).toBe((MMQ_FMA_SLOTS_PER_GROUP_TOKEN / 32) * perOp);
    expect(plan('rtx-4090', 'q6_k', 'llamacpp').fp.dequantSecondsPerWeight).toBe(
      (MMQ_FMA_SLOTS_PER_GROUP_TOKEN / 16) * perOp,
    );
  });

  it('CUDA MMQ on Hopper: mma.sync reaches half the wgmma-only INT8 peak; A100 and Ada keep theirs', () => {
    const h100 = plan('h100-sxm', 'q4_0', 'llamacpp');
    expect(h100.fp.peakFlops).toBe(
      (h100.device.compute.denseTflops.int8 ?? 0) * MMA_SYNC_SHARE_OF_WARPGROUP_PEAK * 1e12,
    );
    for (const id of ['a100-sxm-80gb', 'rtx-4090', 'l40s']) {
      const { device, fp } = plan(id, 'q4_0', 'llamacpp');
      expect(fp.peakFlops, id).toBe((device.compute.denseTflops.int8 ?? 0) * 1e12);
    }
  });

  it('CUDA F16: cuBLAS at the FP16-accumulate rate, half the INT8 peak (twice the listed rate on GeForce, equal on A100)', () => {
    const rtx = plan('rtx-4090', 'fp16', 'llamacpp');
    expect(rtx.fp.peakFlops).toBe(((rtx.device.compute.denseTflops.int8 ?? 0) / 2) * 1e12);
    expect(rtx.fp.peakFlops / ((rtx.device.compute.denseTflops.fp16 ?? 1) * 1e12)).toBeCloseTo(2, 2);
    const a100 = plan('a100-sxm-80gb', 'fp16', 'llamacpp');
    expect(a100.fp.peakFlops).toBe((a100.device.compute.denseTflops.fp16 ?? 0) * 1e12);
  });

  it('Metal: quantized weights unpacked to half per 32-token tile; other engines keep the generic 128-token tile', () => {
    const metal = plan('m2-ultra', 'q4_k_m', 'llamacpp');
    expect(metal.fp.dequantTileTokens).toBe(METAL_MUL_MM_TILE_TOKENS);
    expect(metal.fp.peakFlops).toBe((metal.device.compute.denseTflops.fp16 ?? 0) * 1e12);
    const model = findModel(catalog, 'llama-2-7b');
    const generic = formatPlan(model, findDevice(catalog, 'h100-sxm'), 'awq', 'vllm', 'vllm');
    expect(generic.dequantTileTokens).toBe(DEQUANT_TILE_TOKENS);
    const vllmFp16 = formatPlan(model, findDevice(catalog, 'rtx-4090'), 'fp16', 'vllm', 'vllm');
    expect(vllmFp16.peakFlops).toBe((findDevice(catalog, 'rtx-4090').compute.denseTflops.fp16 ?? 0) * 1e12);
  });

  it('MMQ prefill is bound by the vector units where the tensor cores outrun them: A100 well below its INT8 roofline', () => {
    const prefill = (hardware: string) => {
      const r = resolveInference(catalog, priorTable, {
        model: 'llama-2-7b',
        hardware,
        weights: 'q4_0',
        engine: 'llamacpp',
        inputTokens: 512,
        outputTokens: 0,
      });
      return runResolved(r, 1).prefillSingle;
    };
    // A100: 624 INT8 TOPS but 19.5 FP32 TFLOPS; the per-token scale work outweighs the tensor work.
    const a100 = prefill('a100-sxm-80gb');
    const tensorOnly = (2 * 6.74e9 * 512) / (624e12 * efficiencyPriors['llamacpp-cuda'].compute);
    expect(a100.compute).toBeGreaterThan(2 * tensorOnly);
    // Decode (one token) stays bound by the weight read.
    const r = resolveInference(catalog, priorTable, {
      model: 'llama-2-7b',
      hardware: 'a100-sxm-80gb',
      weights: 'q4_0',
      engine: 'llamacpp',
      inputTokens: 0,
      outputTokens: 128,
    });
    const decode = runResolved(r, 1).decode;
    expect(decode.memory).toBeGreaterThan(decode.compute);
  });
});
