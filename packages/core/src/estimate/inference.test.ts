import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shippedCatalog } from '../../test/load-catalog.ts';
import { InputError } from '../errors/clearbox-error.ts';
import { priorTable } from './efficiency.ts';
import { eagerHostLayerSeconds } from './engine-class.ts';
import {
  estimateInference,
  maxBatchThatFits,
  replicaLink,
  resolveInference,
  runResolved,
  servingLimitsFor,
} from './inference.ts';
import {
  decodeOperators,
  type KernelHardware,
  type KernelModel,
  OFFLOAD_NONE,
  prefillOperators,
  runInferenceKernel,
} from './inference-kernel.ts';

/** A hand-checkable dense model: 1e9 non-embedding params, no embeddings, 10 layers. */
const toy: KernelModel = {
  layers: 10,
  hiddenSize: 1000,
  vocabSize: 1000,
  ffnWidth: 4000,
  heads: 10,
  attentionWidth: 200,
  totalParams: 1e9,
  activeParams: 1e9,
  embeddingParams: 0,
  lmHeadParams: 0,
  nonExpertParams: 1e9,
  perExpertParams: 0,
  moeLayers: 0,
  routedExperts: 0,
  activeExperts: 0,
  kvElementsPerTokenPerLayer: 2000,
  kvShardLimit: 10,
  slidingWindow: 0,
  slidingWindowLayers: 0,
  projectionParams: 1e9,
  projectionKernelsPerLayer: 2,
  denseFfnParams: 0,
  denseLayers: 10,
  sharedExpertParams: 0,
  routerParams: 0,
  lmHeadMatmulParams: 0,
  mlaHeads: 0,
};
const device: KernelHardware = {
  count: 1,
  tensorParallel: 1,
  expertParallel: 1,
  peakFlops: 100e12,
  memoryBandwidth: 1e12,
  capacityBytes: 80e9,
  linkBandwidth: 100e9,
  linkLatencySeconds: 0,
  effCompute: 0.5,
  effMemory: 0.8,
  overheadBytesPerDevice: 1e9,
  kernelSeconds: 0,
  layerSeconds: 0,
  hostLayerSeconds: 0,
  collectiveSeconds: 0,
  moeKernel: 0,
  mlaPlain: 0,
};
const noOffload = {
  mode: OFFLOAD_NONE,
  cpuLayers: 0,
  hostBandwidth: 1,
  hostPeakFlops: 1,
  hostEffMemory: 1,
  hostEffCompute: 1,
  streamBandwidth: 1,
  streamEfficiency: 1,
};

describe('inference roofline (hand values)', () => {
  const work = {
    batch: 1,
    inputTokens: 0,
    outputTokens: 1,
    bytesPerWeight: 2,
    bytesPerKv: 2,
    prefillChunkTokens: 8192,
  };

  it('batch-1 decode reads every weight once: 2 GB / (1 TB/s · 0.8) = 2.5 ms', () => {
    const r = runInferenceKernel(toy, device, noOffload, work);
    // KV of the half-finished sequence (0.5 token) adds 0.5 · 10 · 2000 · 2 B = 20 kB; norms and
    // elementwise work 10 layers · 12 vectors · 1000 · 2 B = 240 kB.
    expect(r.decode.memory).toBeCloseTo((2e9 + 20_000 + 240_000) / 0.8e12, 12);
    expect(r.decode.compute).toBeCloseTo((2 * 1e9 + 2 * 10 * 10 * 200 * 0.5) / 50e12, 12);
    expect(r.tpotSeconds).toBeCloseTo(r.decode.memory, 12);
    expect(r.bound).toBe(1);
  });

  it('fixed costs add per kernel and per layer: 10 layers · (2 kernels · 5 µs + 20 µs)', () => {
    const fixed = { ...device, kernelSeconds: 5e-6, layerSeconds: 20e-6 };
    const r = runInferenceKernel(toy, fixed, noOffload, work);
    const base = runInferenceKernel(toy, device, noOffload, work);
    // Projections 2 kernels and attention 1 kernel per layer, plus the per-layer cost.
    expect(r.tpotSeconds - base.tpotSeconds).toBeCloseTo(10 * (3 * 5e-6 + 20e-6), 12);
    expect(r.decode.overhead).toBeCloseTo(10 * (3 * 5e-6 + 20e-6), 12);
  });

  it('an eager host that issues kernels slower than the device runs sets the step', () => {
    const eager = { ...device, hostLayerSeconds: 1e-3 };
    const r = runInferenceKernel(toy, eager, noOffload, work);
    expect(r.tpotSeconds).toBeCloseTo(10 * 1e-3, 12);
    expect(r.bound).toBe(4);
    const big = runInferenceKernel(toy, eager, noOffload, { ...work, batch: 4096, inputTokens: 1 });
    expect(big.tpotSeconds).toBeGreaterThan(10 * 1e-3);
  });

  it('weights and KV bytes held: 2 GB + B · (I + O) · L · 2000 · 2 B', () => {
    const r = runInferenceKernel(toy, device, noOffload, {
      ...work,
      batch: 4,
      inputTokens: 100,
      outputTokens: 50,
    });
    expect(r.weightsBytesPerDevice).toBe(2e9);
    expect(r.kvCacheBytesPerDevice).toBe(4 * 150 * 10 * 2000 * 2);
  });

  it('prefill of 1000 tokens is compute-bound: (2 · 1e9 · 1000 + attention) / (100e12 · 0.5)', () => {
    const r = runInferenceKernel(toy, device, noOffload, { ...work, inputTokens: 1000, outputTokens: 0 });
    const attention = (2 * 10 * 10 * 200 * (1000 * 1000)) / 2;
    expect(r.prefillSingle.compute).toBeCloseTo((2e12 + attention) / 50e12, 12);
    expect(r.prefillTokensPerSecond).toBeCloseTo(1000 / r.prefillSingle.total, 9);
  });

  it('tensor parallel adds two ring all-reduces per layer', () => {
    const tp2 = { ...device, count: 2, tensorParallel: 2, linkLatencySeconds: 5e-6 };
    const r = runInferenceKernel(toy, tp2, noOffload, work);
    const allReduce = (((2 * 1) / 2) * (1 * 1000 * 2)) / 100e9 + 5e-6 + 0;
    expect(r.decode.communication).toBeCloseTo(2 * 10 * allReduce, 15);
  });
});

describe('inference roofline: hybrids and sparse attention (hand values)', () => {
  const work = {
    batch: 4,
    inputTokens: 0,
    outputTokens: 2,
    bytesPerWeight: 2,
    bytesPerKv: 2,
    prefillChunkTokens: 8192,
  };

  it('a fixed recurrent state is held and read per sequence whatever the context', () => {
    const hybrid: KernelModel = { ...toy, stateElementsPerSequence: 1e6, attentionLayers: 5 };
    const plain = runInferenceKernel(toy, device, noOffload, work);
    const r = runInferenceKernel(hybrid, device, noOffload, work);
    expect(r.kvCacheBytesPerDevice - plain.kvCacheBytesPerDevice).toBeCloseTo(4 * 1e6 * 2, 3);
    const extraRead = (4 * 1e6 * 2) / (1e12 * 0.8);
    expect(r.decode.memory - plain.decode.memory).toBeCloseTo(extraRead, 12);
    // Half the layers score tokens: half the attention FLOPs of the plain model.
    const flops = (m: KernelModel) =>
      runInferenceKernel(m, { ...device, peakFlops: 1e3 }, noOffload, { ...work, inputTokens: 100 });
    expect(flops(hybrid).prefillSingle.compute).toBeLessThan(flops(toy).prefillSingle.compute);
  });

  it('a sparse model reads its indexer keys for every token but the main KV for the top-k only', () => {
    const long = { ...work, batch: 1, inputTokens: 10_000, outputTokens: 2 };
    const sparse: KernelModel = { ...toy, attendedTokensLimit: 1000, indexerElementsPerTokenPerLayer: 200 };
    const dense: KernelModel = { ...toy };
    const held = 10_000 + 1;
    const main = 1000 * 10 * (2000 - 200) * 2;
    const indexer = held * 10 * 200 * 2;
    const weights = 1e9 * 2;
    // Norms and elementwise work: 10 layers · 12 vectors · 1000 · 2 B for the one decoding token.
    const elementwise = 10 * 12 * 1000 * 2;
    const r = runInferenceKernel(sparse, device, noOffload, long);
    expect(r.decode.memory).toBeCloseTo((weights + main + indexer + elementwise) / (1e12 * 0.8), 12);
    expect(r.decode.memory).toBeLessThan(runInferenceKernel(dense, device, noOffload, long).decode.memory);
    // Memory held is unchanged: every token's KV stays (the indexer may pick any of them).
    expect(r.kvCacheBytesPerDevice).toBe(
      runInferenceKernel(dense, device, noOffload, long).kvCacheBytesPerDevice,
    );
  });
});

describe('inference on the catalog', () => {
  const catalog = shippedCatalog();

  it('Qwen3-Next at 128K holds a quarter of a dense layer stack of KV plus a fixed state', () => {
    const r = resolveInference(catalog, priorTable, {
      model: 'qwen3-next-80b-a3b',
      hardware: 'h200',
      inputTokens: 131_072,
      outputTokens: 1,
      batch: 1,
    });
    const k = runResolved(r, 1);
    const kvPerToken = 12 * 2 * 2 * 256 * 2;
    const state = 36 * (32 * 128 * 128 + (2 * 2048 + 4096) * 3) * 2;
    expect(k.kvCacheBytesPerDevice).toBeCloseTo(131_073 * kvPerToken + state, -3);
  });

  it('MoE decode reads only the active experts at batch 1 and nearly all at large batch', () => {
    const r = resolveInference(catalog, priorTable, {
      model: 'deepseek-v3',
      hardware: 'h200',
      count: 8,
      weights: 'fp8',
    });
    const one = runResolved(r, 1);
    const many = runResolved(r, 512);
    expect(one.distinctExpertsDecode).toBeCloseTo(8, 6);
    expect(many.distinctExpertsDecode).toBeGreaterThan(250);
    // Per token, large batches are far cheaper: the reason MoE is cheap only at scale.
    expect(many.tpotSeconds / 512).toBeLessThan(one.tpotSeconds / 20);
  });

  it('MLA under TP8 without DP attention: every rank reads the whole latent cache for its 16 of 128 heads', () => {
    // SGLang's DeepSeek-R1 runs (InferenceX issue 870): --tensor-parallel-size 8 --data-parallel-size 1.
    const options = {
      model: 'deepseek-r1',
      hardware: 'h200',
      weights: 'fp8' as const,
      inputTokens: 4096,
      outputTokens: 1024,
    };
    const one = resolveInference(catalog, priorTable, { ...options, count: 1 });
    const tp8 = resolveInference(catalog, priorTable, { ...options, count: 8 });
    const attention = (r: typeof one) =>
      decodeOperators(r.km, r.hw, r.off, { ...r.work, batch: 64 }).find(
        (o) => o.operator === 'attention over KV',
      );
    const a1 = attention(one);
    const a8 = attention(tp8);
    // The latent is replicated: the bytes each device reads do not shrink with TP; the FLOPs (heads) do.
    expect(a8?.memorySeconds).toBeCloseTo(a1?.memorySeconds ?? 0, 12);
    expect((a8?.computeSeconds ?? 0) * 8).toBeCloseTo(a1?.computeSeconds ?? 0, 12);
    // Attention DP over the 8 devices: each keeps and reads only its own sequences' latent.
    const dp = resolveInference(catalog, priorTable, { ...options, count: 8, attentionDataParallel: 8 });
    expect((attention(dp)?.memorySeconds ?? 0) * 8).toBeCloseTo(a1?.memorySeconds ?? 0, 12);
  });

  it('attention data parallel: whole KV heads per device, whole non-expert weights, no attention all-reduce', () => {
    // Qwen3-235B-A22B has 4 KV heads: tensor parallelism over 8 devices holds each head twice, attention
    // data parallelism (TensorRT-LLM enable_attention_dp) holds each sequence's KV once, on its own device.
    const options = {
      model: 'qwen3-235b-a22b',
      hardware: 'h200',
      count: 8,
      weights: 'fp8' as const,
      kv: 'fp8' as const,
      expertParallel: 8,
      inputTokens: 1000,
      outputTokens: 1000,
    };
    const tp = resolveInference(catalog, priorTable, { ...options, attentionDataParallel: 1 });
    const dp = resolveInference(catalog, priorTable, { ...options, attentionDataParallel: 8 });
    const a = runResolved(tp, 256);
    const b = runResolved(dp, 256);
    expect(a.kvCacheBytesPerDevice / b.kvCacheBytesPerDevice).toBeCloseTo(2, 10);
    const nonExpert = tp.km.nonExpertParams * 1; // FP8: 1 byte per weight
    expect(b.weightsBytesPerDevice - a.weightsBytesPerDevice).toBeGreaterThan(0.8 * nonExpert);
    const allReduce = (k: ReturnType<typeof runResolved>) => k.decode.communication;
    // TP8 pays two all-reduces per layer; attention DP only exchanges tokens around the MoE layers.
    expect(allReduce(b)).toBeLessThan(allReduce(a));
  });

  it('attention data parallel prefills a prompt on one device: its projections take g times the TP time', () => {
    const options = {
      model: 'qwen3-235b-a22b',
      hardware: 'h200',
      count: 8,
      weights: 'fp8' as const,
      expertParallel: 8,
      inputTokens: 4096,
      outputTokens: 16,
    };
    const projections = (adp: number) => {
      const r = resolveInference(catalog, priorTable, { ...options, attentionDataParallel: adp });
      const op = prefillOperators(r.km, r.hw, r.off, r.work).find(
        (o) => o.operator === 'attention projections',
      );
      return op?.computeSeconds ?? Number.NaN;
    };
    // TP8 splits each projection 8 ways over the prompt's tokens; ADP8 runs the whole prompt on one device.
    expect(projections(8) / projections(1)).toBeCloseTo(8, 10);
  });

  it('MoE activation traffic: each (token, expert) pair moves 4·d + 6·I 16-bit elements per layer', () => {
    const r = resolveInference(catalog, priorTable, {
      model: 'qwen3-30b-a3b',
      hardware: 'h200',
      weights: 'fp8',
      inputTokens: 2048,
      outputTokens: 16,
    });
    // Qwen3-30B-A3B: hidden 2048, expert width 768 (gated), top-8 of 128, 48 layers.
    expect(r.km.routedHiddenElements).toBe(4 * 2048);
    expect(r.km.routedIntermediateElements).toBe(6 * 768);
    const experts = prefillOperators(r.km, r.hw, r.off, r.work).find((o) => o.operator === 'routed experts');
    const byteRate = r.hw.memoryBandwidth * r.hw.effMemory;
    const activations = (48 * 2048 * 8 * (4 * 2048 + 6 * 768) * 2) / byteRate;
    // FP8 expert weights stream at the FP8 path's share of the class rate (efficiency.ts pathFactorPriors).
    const weights = (48 * 128 * r.km.perExpertParams * 1) / (byteRate * (r.hw.expertMemoryScale ?? 1));
    // A 2048-token prompt touches every expert (E · (1 − (1 − 8/128)^2048) ≈ 128).
    expect(experts?.memorySeconds).toBeCloseTo(weights + activations, 6);
  });

  it('refuses an attention data-parallel degree that does not divide the devices, or a dense model', () => {
    const base = { model: 'qwen3-235b-a22b', hardware: 'h200', count: 8, weights: 'fp8' as const };
    expect(() => resolveInference(catalog, priorTable, { ...base, attentionDataParallel: 3 })).toThrow(
      /--attention-dp 3 must divide --count 8/,
    );
    expect(() =>
      resolveInference(catalog, priorTable, {
        model: 'llama-3.1-70b',
        hardware: 'h200',
        count: 2,
        attentionDataParallel: 2,
      }),
    ).toThrow(InputError);
  });

  it('Llama-2-70B in BF16 does not fit one H100 and does fit two', () => {
    expect(estimateInference(catalog, priorTable, { model: 'llama-2-70b', hardware: 'h100-sxm' }).fits).toBe(
      false,
    );
    expect(
      estimateInference(catalog, priorTable, { model: 'llama-2-70b', hardware: 'h100-sxm', count: 2 }).fits,
    ).toBe(true);
  });

  it('AirLLM-style streaming fits a 70B model on a 24 GB card and is bound by the stream', () => {
    const e = estimateInference(catalog, priorTable, {
      model: 'llama-2-70b',
      hardware: 'rtx-4090',
      offload: { kind: 'stream', from: 'nvme' },
    });
    expect(e.fits).toBe(true);
    expect(e.bound).toBe('offload');
    expect(e.tpotSeconds.value).toBeGreaterThan(10);
  });

  it('llama.cpp CPU layers add their time after the GPU layers', () => {
    const base = { model: 'llama-2-70b', hardware: 'rtx-4090', weights: 'q4_0', engine: 'llamacpp' } as const;
    const split = estimateInference(catalog, priorTable, { ...base, offload: { kind: 'cpu', layers: 40 } });
    const more = estimateInference(catalog, priorTable, { ...base, offload: { kind: 'cpu', layers: 60 } });
    expect(split.fits).toBe(true);
    expect(more.tpotSeconds.value).toBeGreaterThan(split.tpotSeconds.value);
  });

  it('unknown ids list the closest ones', () => {
    expect(() => estimateInference(catalog, priorTable, { model: 'deepseek-v4x', hardware: 'h100' })).toThrow(
      /closest: .*deepseek-v3/,
    );
  });

  const models = ['llama-3.1-8b', 'llama-2-70b', 'mixtral-8x7b', 'deepseek-v3', 'qwen3-235b-a22b'];
  const devices = ['h100-sxm', 'h200', 'rtx-4090', 'mi300x', 'b200'];

  it('property: a larger batch never lowers aggregate throughput while it fits', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...models),
        fc.constantFrom(...devices),
        fc.constantFrom(1, 2, 4, 8),
        fc.integer({ min: 1, max: 256 }),
        fc.integer({ min: 1, max: 256 }),
        (model, hardware, count, b1, extra) => {
          const r = resolveInference(catalog, priorTable, {
            model,
            hardware,
            count,
            weights: 'fp8',
            inputTokens: 512,
            outputTokens: 128,
          });
          const small = runResolved(r, b1);
          const large = runResolved(r, b1 + extra);
          if (!large.fits) return true;
          return large.outputTokensPerSecond >= small.outputTokensPerSecond * (1 - 1e-12);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: more devices never reduce the batch that fits', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...models),
        fc.constantFrom(...devices),
        fc.constantFrom(1, 2, 4),
        (model, hardware, count) => {
          const fit = (n: number) =>
            maxBatchThatFits(
              resolveInference(catalog, priorTable, { model, hardware, count: n, weights: 'fp8' }),
            );
          return fit(count * 2) >= fit(count);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('a device that publishes only low-precision peaks', () => {
  it('refuses 16-bit weights as a user mistake naming --weights, and serves FP8', () => {
    const catalog = shippedCatalog();
    const request = { model: 'llama-3.1-8b', hardware: 'ascend-950pr' };
    const bf16 = () => estimateInference(catalog, priorTable, { ...request, weights: 'bf16' });
    expect(bf16).toThrow(InputError);
    expect(bf16).toThrow(/--weights.*only fp8, fp4/);
    expect(estimateInference(catalog, priorTable, { ...request, weights: 'fp8' }).fits).toBeDefined();
  });
});

describe('operators per serving-curve point', () => {
  it('prices each point’s decode step and prefill-carrying step operator by operator', () => {
    const e = estimateInference(shippedCatalog(), priorTable, {
      model: 'llama-3.1-8b',
      hardware: 'h100-sxm',
      concurrency: [1, 16, 64],
    });
    expect(e.operators.curve.map((p) => p.concurrency)).toEqual([1, 16, 64]);
    for (const p of e.operators.curve) {
      // The operators add up to the step (host issue time, when longer, comes on top).
      const sum = p.decode.reduce((a, o) => a + o.seconds, 0);
      expect(sum).toBeLessThanOrEqual(p.decodeStepSeconds * (1 + 1e-12));
      expect(sum).toBeGreaterThan(0);
      const longest = [...p.decode].sort((a, b) => b.seconds - a.seconds)[0];
      expect(p.decodeBounding).toBe(`${longest?.operator} (${longest?.bound})`);
      if (p.mixed.length > 0) expect(p.mixedStepSeconds).toBeGreaterThan(p.decodeStepSeconds);
    }
    expect(e.operators.curve.at(-1)?.mixed.length).toBeGreaterThan(0);
  });
});

describe("the engine's KV memory reservation", () => {
  const catalog = shippedCatalog();
  const GiB = 2 ** 30;
  const bytes = (r: ReturnType<typeof resolveInference>, batch: number) => {
    const k = runResolved(r, batch);
    return {
      fixed: k.weightsBytesPerDevice + k.activationBytesPerDevice + r.hw.overheadBytesPerDevice,
      kv: k.kvCacheBytesPerDevice,
    };
  };

  it('TensorRT-LLM on 8x H100 80GB, Llama 4 Maverick FP8: KV budget = 0.9 x (memory free after weights and workspace)', () => {
    const r = resolveInference(catalog, priorTable, {
      model: 'llama-4-maverick',
      hardware: 'h100-sxm',
      count: 8,
      engine: 'trtllm',
      weights: 'fp8',
      kv: 'fp8',
      inputTokens: 128,
      outputTokens: 2048,
    });
    const batch = maxBatchThatFits(r);
    expect(batch).toBeGreaterThan(1);
    expect(batch).toBeLessThan(r.engineClass.limits.maxSequences);
    const at = bytes(r, batch);
    const over = bytes(r, batch + 1);
    const budget = 0.9 * (r.hw.capacityBytes - at.fixed);
    expect(at.kv).toBeLessThanOrEqual(budget);
    expect(over.kv).toBeGreaterThan(0.9 * (r.hw.capacityBytes - over.fixed));
    // The 10% the engine keeps back is real memory: the batch falls short of filling the device.
    expect(at.fixed + over.kv).toBeLessThan(r.hw.capacityBytes - 1 * GiB);
    const unreserved = maxBatchThatFits({ ...r, hw: { ...r.hw, kvShareOfFree: 1 } });
    expect(batch / unreserved).toBeGreaterThan(0.85);
    expect(batch / unreserved).toBeLessThan(0.95);
  });

  it('vLLM: weights, activations, runtime and KV within 0.9 of the device memory', () => {
    const r = resolveInference(catalog, priorTable, {
      model: 'llama-3.1-8b',
      hardware: 'h100-sxm',
      engine: 'vllm',
      weights: 'bf16',
      kv: 'bf16',
      inputTokens: 8192,
      outputTokens: 8192,
    });
    const batch = maxBatchThatFits(r);
    const usable = 0.9 * r.hw.capacityBytes;
    const at = bytes(r, batch);
    const over = bytes(r, batch + 1);
    expect(at.fixed + at.kv).toBeLessThanOrEqual(usable);
    expect(over.fixed + over.kv).toBeGreaterThan(usable);
  });
});

describe('device memory as the driver reports it', () => {
  const catalog = shippedCatalog();
  const seventyOnOneH100 = () =>
    resolveInference(catalog, priorTable, {
      model: 'llama-3.1-70b',
      hardware: 'h100-sxm',
      engine: 'trtllm',
      weights: 'fp8',
      kv: 'fp8',
      inputTokens: 128,
      outputTokens: 2048,
    });

  it("an H100's 80 GB is the 81,559 MiB nvidia-smi reports, not 80e9 bytes", () => {
    expect(seventyOnOneH100().hw.capacityBytes).toBe(81559 * 2 ** 20);
  });

  it('Llama 3.1 70B FP8 on one H100 holds about twice the sequences the decimal reading allowed', () => {
    // 72.7 GB of FP8 weights (16-bit embeddings and head) leave 5.7 GB of 80e9 but 11.2 GB of 85.5e9:
    // TensorRT-LLM's perf overview serves 912 tokens/s at 128/2048 there, which 13 sequences cannot.
    const r = seventyOnOneH100();
    const reported = maxBatchThatFits(r);
    const decimal = maxBatchThatFits({ ...r, hw: { ...r.hw, capacityBytes: 80e9 } });
    expect(decimal).toBeLessThan(16);
    expect(reported).toBeGreaterThan(24);
  });

  it('a device without a reported total keeps its gigabytes as 1e9 bytes', () => {
    const r = resolveInference(catalog, priorTable, { model: 'llama-3.1-8b', hardware: 'gaudi3' });
    expect(r.hw.capacityBytes).toBe(128e9);
  });
});

describe('collectives over a point-to-point scale-up mesh', () => {
  const catalog = shippedCatalog();
  const device = (id: string) => {
    const d = catalog.devices.find((x) => x.id === id);
    if (!d) throw new Error(`${id} missing from the catalog`);
    return d;
  };

  it('HLS-Gaudi3: 2 cards share the 3 ports that join them, 8 cards all 21 (docs.habana.ai)', () => {
    const gaudi3 = device('gaudi3');
    // 21 x 200 Gb/s scale-up ports, 3 to each of 7 peers: 75 GB/s a direction to one peer, 525 to all.
    expect(replicaLink(gaudi3, 2).bandwidth).toBeCloseTo(75e9, -6);
    expect(replicaLink(gaudi3, 4).bandwidth).toBeCloseTo(225e9, -6);
    expect(replicaLink(gaudi3, 8).bandwidth).toBeCloseTo(525e9, -6);
    expect(replicaLink(device('gaudi2'), 2).bandwidth).toBeCloseTo(37.5e9, -6);
  });

  it('MI300X: seven Infinity Fabric links fully connect eight GPUs, so 2 of them share one 64 GB/s link', () => {
    expect(replicaLink(device('mi300x'), 2).bandwidth).toBeCloseTo(64e9, -6);
    expect(replicaLink(device('mi300x'), 8).bandwidth).toBeCloseTo(448e9, -6);
  });

  it('a switched fabric gives any group the whole scale-up bandwidth', () => {
    const h100 = device('h100-sxm');
    expect(h100.links?.scaleUpTopology ?? 'switched').toBe('switched');
    expect(replicaLink(h100, 2).bandwidth).toBe(replicaLink(h100, 8).bandwidth);
  });

  it('Llama 3.1 70B FP8 on 2x Gaudi 3: each decode all-reduce moves its bytes at 75, not 525 GB/s', () => {
    const r = resolveInference(catalog, priorTable, {
      model: 'llama-3.1-70b',
      hardware: 'gaudi3',
      count: 2,
      engine: 'gaudi',
      weights: 'fp8',
      kv: 'fp8',
      inputTokens: 128,
      outputTokens: 128,
    });
    const allReduce = (hw: typeof r.hw) =>
      decodeOperators(r.km, hw, r.off, { ...r.work, batch: 1024 }).find((o) => o.operator === 'all-reduce')
        ?.communicationSeconds ?? 0;
    const mesh = allReduce(r.hw);
    const allPorts = allReduce({ ...r.hw, linkBandwidth: 525e9 });
    expect(r.hw.linkBandwidth).toBeCloseTo(75e9, -6);
    // 2 all-reduces a layer x 80 layers of 1024 x 8192 x 2 B, ring factor 2(g-1)/g = 1 at g = 2; the
    // per-collective latency is the same on both, so only the bytes term differs.
    const message = 1024 * 8192 * 2;
    expect(mesh - allPorts).toBeCloseTo(160 * message * (1 / 75e9 - 1 / 525e9), 6);
  });
});

describe('matmuls at the achievable rate where the catalog measures one', () => {
  const catalog = shippedCatalog();
  const request = {
    model: 'llama-3.1-8b',
    hardware: 'gaudi3',
    engine: 'gaudi',
    weights: 'fp8',
    kv: 'fp8',
  } as const;
  // The same catalog with Gaudi 3's measured maximum achievable matmul rate taken out.
  const unmeasured = {
    ...catalog,
    devices: catalog.devices.map((d) => {
      if (d.id !== 'gaudi3') return d;
      const { achievable: _measured, ...compute } = d.compute;
      return { ...d, compute };
    }),
  };

  it('Gaudi 3 FP8 matmuls run against the measured 1,289.5 TFLOP/s, not the 1,677 dense peak', () => {
    const measured = resolveInference(catalog, priorTable, request);
    const peakOnly = resolveInference(unmeasured, priorTable, request);
    expect(measured.hw.peakFlops / peakOnly.hw.peakFlops).toBeCloseTo(1289.5 / 1677, 6);
    expect(measured.hw.memoryBandwidth).toBe(peakOnly.hw.memoryBandwidth);
  });

  it('so a compute-bound prefill takes the peak-to-achievable ratio longer', () => {
    const measured = resolveInference(catalog, priorTable, { ...request, inputTokens: 8192 });
    const peakOnly = resolveInference(unmeasured, priorTable, { ...request, inputTokens: 8192 });
    const matmul = (r: typeof measured) =>
      prefillOperators(r.km, r.hw, r.off, { ...r.work, batch: 16 }).find((o) => o.operator === 'dense FFN')
        ?.computeSeconds ?? 0;
    expect(matmul(measured) / matmul(peakOnly)).toBeCloseTo(1677 / 1289.5, 3);
  });
});

describe('collectives over PCIe', () => {
  const catalog = shippedCatalog();
  const l40s = catalog.devices.find((d) => d.id === 'l40s');
  if (!l40s) throw new Error('l40s missing from the catalog');

  it("rings through the host reach NCCL's measured share of the link, at its measured latency", () => {
    // 8x RTX 5090 on PCIe 5.0 x16: 28 GB/s bus bandwidth at 8 GPUs, 35 at 4, of 64 (NVIDIA/nccl#1639).
    const eight = replicaLink(l40s, 8);
    const four = replicaLink(l40s, 4);
    expect(eight.bandwidth).toBeCloseTo(32e9 * (28 / 64), -6);
    expect(four.bandwidth).toBeCloseTo(32e9 * (35 / 64), -6);
    expect(eight.latency).toBeGreaterThanOrEqual(40e-6);
  });

  it('Llama 3.1 70B FP8 on 8x L40S: the decode all-reduces take over twice the full-link time', () => {
    const r = resolveInference(catalog, priorTable, {
      model: 'llama-3.1-70b',
      hardware: 'l40s',
      count: 8,
      engine: 'trtllm',
      weights: 'fp8',
      kv: 'fp8',
      inputTokens: 128,
      outputTokens: 2048,
    });
    const allReduce = (hw: typeof r.hw) =>
      decodeOperators(r.km, hw, r.off, { ...r.work, batch: 256 }).find((o) => o.operator === 'all-reduce')
        ?.communicationSeconds ?? 0;
    const fullLink = allReduce({ ...r.hw, linkBandwidth: 32e9, linkLatencySeconds: 10e-6 });
    expect(allReduce(r.hw)).toBeGreaterThan(2 * fullLink);
  });
});

describe('scheduler limits under attention data parallelism', () => {
  const catalog = shippedCatalog();
  const qwen = (attentionDataParallel: number) =>
    resolveInference(catalog, priorTable, {
      model: 'qwen3-235b-a22b',
      hardware: 'b200',
      count: 8,
      engine: 'trtllm',
      weights: 'nvfp4',
      kv: 'fp8',
      expertParallel: 8,
      attentionDataParallel,
      inputTokens: 128,
      outputTokens: 2048,
    });

  it("TensorRT-LLM's ranks each keep their own requests: the replica admits 8x the rank's sequences", () => {
    const r = qwen(8);
    expect(servingLimitsFor(r).maxSequences).toBe(8 * r.engineClass.limits.maxSequences);
    // The token budget stays the replica's: no source read says how trtllm-bench sizes it per rank.
    expect(servingLimitsFor(r).maxBatchedTokens).toBe(r.engineClass.limits.maxBatchedTokens);
    // Memory, not the one-rank limit, now caps Qwen3-235B NVFP4 at 128/2048 on 8 B200.
    expect(maxBatchThatFits(r)).toBeGreaterThan(r.engineClass.limits.maxSequences);
  });

  it('without attention DP the limits are the one scheduler’s', () => {
    const r = qwen(1);
    expect(servingLimitsFor(r).maxSequences).toBe(r.engineClass.limits.maxSequences);
  });

  it("a release that carries its own scheduler default caps the running sequences at it (vLLM V0's 256)", () => {
    const llama = (engineRelease?: string) =>
      resolveInference(catalog, priorTable, {
        model: 'llama-3.1-405b',
        hardware: 'mi300x',
        count: 8,
        engine: 'vllm-rocm',
        inputTokens: 82,
        outputTokens: 59,
        ...(engineRelease === undefined ? {} : { engineRelease }),
      });
    const v0 = llama('0.6.3.dev116+g151ef4ef');
    expect(v0.release.maxSequences).toBe(256);
    expect(servingLimitsFor(v0).maxSequences).toBe(256);
    expect(v0.engineClass.limits.maxSequences).toBeGreaterThan(256);
    // The newest release keeps the class's limit.
    const newest = llama();
    expect(newest.release.maxSequences).toBeUndefined();
    expect(servingLimitsFor(newest).maxSequences).toBe(newest.engineClass.limits.maxSequences);
  });
});

describe('an engine run without graph capture (--eager)', () => {
  const catalog = shippedCatalog();
  const llama405bOnMi300x = {
    model: 'llama-3.1-405b',
    hardware: 'mi300x',
    count: 8,
    weights: 'fp8' as const,
    engine: 'vllm-rocm' as const,
    inputTokens: 128,
    outputTokens: 2048,
  };

  it("decode steps pay the class's eager launch per layer, a floor the host sets under small batches", () => {
    const graphs = runResolved(resolveInference(catalog, priorTable, llama405bOnMi300x), 4);
    const eager = runResolved(
      resolveInference(catalog, priorTable, { ...llama405bOnMi300x, eager: true }),
      4,
    );
    // vllm-rocm writes 0.3 ms per eagerly launched layer; Llama 3.1 405B has 126 layers.
    expect(eager.tpotSeconds).toBeCloseTo(Math.max(graphs.tpotSeconds, 126 * 0.0003), 9);
    expect(eager.tpotSeconds).toBeGreaterThan(graphs.tpotSeconds);
    // At a batch whose device time passes the host's, the host runs ahead and costs nothing more.
    const bigGraphs = runResolved(resolveInference(catalog, priorTable, llama405bOnMi300x), 256);
    const bigEager = runResolved(
      resolveInference(catalog, priorTable, { ...llama405bOnMi300x, eager: true }),
      256,
    );
    expect(bigGraphs.tpotSeconds).toBeGreaterThan(126 * 0.0003);
    expect(bigEager.tpotSeconds).toBeCloseTo(bigGraphs.tpotSeconds, 12);
  });

  it('the penalty is the H200 eager-minus-graph gap where a class writes no eager launch of its own', () => {
    const eagerClass = catalog.engines.find((e) => e.id === 'pytorch-eager');
    const graphClass = catalog.engines.find((e) => e.id === 'pytorch-graph');
    if (!eagerClass || !graphClass) throw new Error('the pytorch classes are catalog data');
    expect(eagerHostLayerSeconds(catalog, graphClass)).toBe(
      eagerClass.hostLayerSeconds - graphClass.hostLayerSeconds,
    );
    // PyTorch launched from Python is already eager: the flag changes nothing there.
    expect(eagerHostLayerSeconds(catalog, eagerClass)).toBe(eagerClass.hostLayerSeconds);
    const base = { model: 'llama-3.1-8b', hardware: 'h200', engine: 'pytorch' as const };
    expect(runResolved(resolveInference(catalog, priorTable, { ...base, eager: true }), 1).tpotSeconds).toBe(
      runResolved(resolveInference(catalog, priorTable, base), 1).tpotSeconds,
    );
  });
});
