import { describe, expect, it } from 'vitest';
import { shippedCalibration, shippedCatalog } from '../../test/load-catalog.ts';
import { findDevice, findModel } from '../catalog/catalog.ts';
import { kernelPathSchema } from '../catalog/engine-schema.ts';
import type { Figure } from '../figure/figure.ts';
import { fitEfficiencies, includedPoints } from './calibration.ts';
import { efficiencyFor, pathFactorFor, pathFactorPriors, priorTable } from './efficiency.ts';
import { releaseKernels } from './engine-release.ts';
import { formatPlan, operatorRates } from './format-plan.ts';
import { estimateInference, resolveInference } from './inference.ts';
import { attentionDtypeFor, computePathOf, weightFormats } from './precision.ts';

const catalog = shippedCatalog();

function findFigure(f: Figure, name: string): Figure | undefined {
  if (f.name === name) return f;
  for (const input of f.inputs) {
    if (typeof input !== 'object' || input === null || !('formula' in input)) continue;
    const found = findFigure(input as Figure, name);
    if (found) return found;
  }
  return undefined;
}
const device = (id: string) => findDevice(catalog, id);
const model = (id: string) => findModel(catalog, id);

describe('which operators run on which compute path', () => {
  it('FP8 and NVFP4 checkpoints keep the LM head and router at BF16; GGUF quantizes the head with the blocks', () => {
    const h200 = device('h200');
    const fp8 = formatPlan(model('llama-3.1-70b'), h200, 'fp8');
    expect(fp8.blocksPath.dtype).toBe('fp8');
    expect(fp8.headPath.dtype).toBe('bf16');
    expect(fp8.headBytesPerWeight).toBe(2);
    expect(fp8.routerDtype).toBe('bf16');
    const nvfp4 = formatPlan(model('llama-3.1-70b'), device('b200'), 'nvfp4');
    expect([nvfp4.blocksPath.dtype, nvfp4.headPath.dtype]).toEqual(['fp4', 'bf16']);
    const gguf = formatPlan(model('llama-3.1-8b'), device('rtx-4090'), 'q4_k_m');
    expect(gguf.headPath).toBe(gguf.blocksPath);
  });

  it('attention math runs at the KV precision where the device has that path, else at 16 bits', () => {
    expect(attentionDtypeFor('fp8', device('h200').compute.denseTflops)).toBe('fp8');
    expect(attentionDtypeFor('nvfp4', device('b200').compute.denseTflops)).toBe('fp8');
    expect(attentionDtypeFor('bf16', device('b200').compute.denseTflops)).toBe('bf16');
    // A100 has no FP8 tensor cores: an FP8 cache is dequantized and attended in 16 bits.
    expect(attentionDtypeFor('fp8', device('a100-sxm-80gb').compute.denseTflops)).toBe('bf16');
    expect(computePathOf('fp6')).toBe('fp8');
  });

  it('each operator group runs at its own peak times its path factor (NVFP4 on B200: blocks at FP4, head at BF16, attention at FP8)', () => {
    const b200 = device('b200');
    const plan = formatPlan(model('llama-3.3-70b'), b200, 'nvfp4');
    const rates = operatorRates(plan, 'fp8', b200.compute.denseTflops, pathFactorPriors);
    const peaks = b200.compute.denseTflops;
    expect(rates.peakFlops).toBeCloseTo((peaks.fp4 ?? 0) * 1e12 * pathFactorPriors.fp4.compute, -6);
    expect(rates.attentionPeakFlops).toBeCloseTo((peaks.fp8 ?? 0) * 1e12 * pathFactorPriors.fp8.compute, -6);
    expect(rates.headPeakFlops).toBeCloseTo((peaks.bf16 ?? 0) * 1e12, -6);
    expect(rates.weightMemoryScale).toBe(pathFactorPriors.fp4.memory);
    expect(rates.headMemoryScale).toBe(1);
    // The resolved hardware carries the same rates.
    const r = resolveInference(catalog, priorTable, {
      model: 'llama-3.3-70b',
      hardware: 'b200',
      weights: 'nvfp4',
      kv: 'fp8',
      engine: 'trtllm',
    });
    expect(r.hw.peakFlops).toBe(rates.peakFlops);
    expect(r.hw.headPeakFlops).toBe(rates.headPeakFlops);
  });

  it('NVFP4 decode at batch 1 saves less than its bytes say: its weight stream carries the FP4 memory factor', () => {
    const tpot = (weights: 'nvfp4' | 'fp8') =>
      estimateInference(catalog, priorTable, {
        model: 'llama-3.3-70b',
        hardware: 'b200',
        weights,
        kv: 'fp8',
        engine: 'trtllm',
        batch: 1,
        concurrency: [],
      }).tpotSeconds.value;
    const ratio = tpot('nvfp4') / tpot('fp8');
    // Bytes alone would give ~0.59 (4.5 against 8 bits, BF16 head in both); each format's stream runs at its
    // path's share of the 16-bit rate (priors: FP8 0.83, FP4 0.4).
    const streamRatio = ((4.5 / 8) * pathFactorPriors.fp8.memory) / pathFactorPriors.fp4.memory;
    expect(ratio).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(streamRatio + 0.02);
  });
});

describe('path factors in the calibration', () => {
  const trtllm = new Set(['trtllm'] as const);
  const points = includedPoints(shippedCalibration().inference);
  const fp4Points = points.filter((p) => p.weights === 'nvfp4');

  it('with the FP4 points held out, TensorRT-LLM keeps the FP4 prior (no FP4 point identifies it)', () => {
    const heldOut = fitEfficiencies(
      catalog,
      points.filter((p) => p.weights !== 'nvfp4'),
      trtllm,
    );
    const entry = efficiencyFor(heldOut, 'datacenter-gpu', 'trtllm');
    expect(pathFactorFor(entry, 'fp4')).toEqual({
      compute: pathFactorPriors.fp4.compute,
      memory: pathFactorPriors.fp4.memory,
    });
  });

  it('with them, the FP4 factors are fitted within ×/÷ 3 of their priors', () => {
    expect(fp4Points.length).toBeGreaterThan(10);
    const fitted = efficiencyFor(fitEfficiencies(catalog, points, trtllm), 'datacenter-gpu', 'trtllm');
    const fp4 = pathFactorFor(fitted, 'fp4');
    expect(fp4).not.toEqual({ compute: pathFactorPriors.fp4.compute, memory: pathFactorPriors.fp4.memory });
    for (const k of ['compute', 'memory'] as const) {
      expect(fp4[k]).toBeGreaterThan(pathFactorPriors.fp4[k] / 3 - 1e-9);
      expect(fp4[k]).toBeLessThan(pathFactorPriors.fp4[k] * 3 + 1e-9);
    }
  });
});

describe('--weights default: the checkpoint as released', () => {
  it('DeepSeek-R1 is estimated in block-scaled FP8 and gpt-oss with MXFP4 experts when --weights is not given; 16-bit checkpoints in bf16', () => {
    const weightsOf = (m: string, hardware = 'h200') =>
      resolveInference(catalog, priorTable, { model: m, hardware, count: 8 }).weights;
    expect(weightsOf('deepseek-r1')).toBe('fp8_block');
    expect(weightsOf('gpt-oss-120b')).toBe('mxfp4');
    expect(weightsOf('llama-3.1-70b')).toBe('bf16');
    // An explicit flag is taken as given.
    expect(
      resolveInference(catalog, priorTable, {
        model: 'deepseek-r1',
        hardware: 'h200',
        count: 8,
        weights: 'bf16',
      }).weights,
    ).toBe('bf16');
  });

  it('the derivation says the default was the checkpoint format, and names its source', () => {
    const e = estimateInference(catalog, priorTable, {
      model: 'deepseek-r1',
      hardware: 'h200',
      count: 8,
      concurrency: [],
    });
    const bpw = findFigure(e.memory.weightsBytes, 'bytesPerWeight');
    expect(bpw?.note).toMatch(/default --weights fp8_block: the checkpoint ships fp8_block/);
    expect(bpw?.sources.some((s) => /DeepSeek-R1 config\.json/.test(s.title))).toBe(true);
  });
});

describe("block-scaled FP8: the GEMM kernel is the release's", () => {
  const h200 = device('h200');
  const r1 = model('deepseek-r1');
  const kernelsOf = (
    engine: 'sglang' | 'vllm' | 'vllm-rocm',
    version: string,
    weights: 'fp8' | 'fp8_block',
    on = h200,
  ) => {
    const plan = formatPlan(r1, on, weights, engine);
    return releaseKernels(catalog, engine, r1, on, version, 'point', plan);
  };

  it('stores one FP32 scale per 128×128 weights and runs on the FP8 tensor cores, like per-tensor FP8', () => {
    expect(weightFormats.fp8_block.bitsPerWeight).toBeCloseTo(8 + 32 / 16384, 9);
    const plan = formatPlan(r1, h200, 'fp8_block');
    expect([plan.blocksPath.dtype, plan.expertsPath.dtype, plan.headPath.dtype]).toEqual([
      'fp8',
      'fp8',
      'bf16',
    ]);
  });

  it("SGLang 0.4.3's Triton block kernel and vLLM 0.7.4's CUTLASS one slow the blocks' GEMMs of a block-scaled checkpoint only", () => {
    const triton = catalog.kernelPaths.find((p) => p.id === 'triton-block-fp8');
    const cutlass = catalog.kernelPaths.find((p) => p.id === 'cutlass-block-fp8-vllm');
    expect(triton?.factor.compute).toBeLessThan(1);
    expect(cutlass?.factor.memory).toBeLessThan(1);
    const old = kernelsOf('sglang', '0.4.3.post2', 'fp8_block');
    expect(old.factors.blocks).toEqual(triton?.factor);
    // The routed experts run Triton fused_moe in every release recorded: no factor.
    expect(old.factors.experts).toEqual({ compute: 1, memory: 1 });
    // A per-tensor FP8 checkpoint on the same release runs another GEMM: the block kernel does not apply.
    expect(kernelsOf('sglang', '0.4.3.post2', 'fp8').factors.blocks).toEqual({ compute: 1, memory: 1 });
    expect(kernelsOf('vllm', '0.7.4.dev181', 'fp8_block').factors.blocks).toEqual(cutlass?.factor);
    // The reference release runs DeepGEMM (factor 1).
    expect(kernelsOf('sglang', '0.5.7', 'fp8_block').factors.blocks).toEqual({ compute: 1, memory: 1 });
    // The comparisons were measured on Hopper: elsewhere the factor is 1.
    const mi300x = device('mi300x');
    expect(
      releaseKernels(
        catalog,
        'vllm',
        r1,
        mi300x,
        '0.7.4.dev181',
        'point',
        formatPlan(r1, mi300x, 'fp8_block'),
      ).factors.blocks,
    ).toEqual({ compute: 1, memory: 1 });
  });

  it('DeepSeek-R1 on SGLang 0.4.3 is slower in block-scaled FP8 than per-tensor: prompts most (tensor-core bound), decode a little', () => {
    const run = (weights: 'fp8' | 'fp8_block', engineRelease: string) =>
      estimateInference(catalog, priorTable, {
        model: 'deepseek-r1',
        hardware: 'h200',
        count: 8,
        weights,
        kv: 'bf16',
        engine: 'sglang',
        engineRelease,
        inputTokens: 3200,
        outputTokens: 800,
        batch: 32,
        concurrency: [],
      });
    const block = run('fp8_block', '0.4.3.post2');
    const tensor = run('fp8', '0.4.3.post2');
    // Attention projections, dense FFN and shared experts run at the Triton kernel's compute 0.517 (1.04× here).
    expect(block.ttftSeconds.value / tensor.ttftSeconds.value).toBeGreaterThan(1.02);
    // Decode at TP 8 streams mostly routed experts (fused_moe, no factor): the blocks' memory 0.924 moves it little.
    expect(block.tpotSeconds.value).toBeGreaterThan(tensor.tpotSeconds.value);
    // On the reference release the two differ by the scales' bytes alone (1/4096 of a weight).
    const ref = run('fp8_block', '0.5.7').tpotSeconds.value / run('fp8', '0.5.7').tpotSeconds.value;
    expect(ref).toBeCloseTo(1, 2);
  });
});

describe('kernel paths limited to weight formats', () => {
  it('only a GEMM operator (blocks, experts) may be limited to weight formats', () => {
    const base = {
      id: 'x',
      name: 'x',
      factor: { compute: 1, memory: 1 },
      sources: [{ title: 't', date: '2026-12-05' }],
      weights: ['fp8_block'],
    };
    expect(kernelPathSchema.safeParse({ ...base, operator: 'blocks' }).success).toBe(true);
    expect(kernelPathSchema.safeParse({ ...base, operator: 'experts' }).success).toBe(true);
    expect(kernelPathSchema.safeParse({ ...base, operator: 'attention' }).success).toBe(false);
  });
});
