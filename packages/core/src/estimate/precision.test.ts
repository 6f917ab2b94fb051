import { describe, expect, it } from 'vitest';
import { shippedCatalog } from '../../test/load-catalog.ts';
import { weightFormatSchema } from '../catalog/calibration-schema.ts';
import { findDevice, findModel } from '../catalog/catalog.ts';
import { InputError } from '../errors/clearbox-error.ts';
import { priorTable } from './efficiency.ts';
import { formatPlan } from './format-plan.ts';
import { estimateInference, resolveInference, runResolved } from './inference.ts';
import { countParameters } from './parameters.ts';
import {
  bytesPerWeight,
  computePathFor,
  kvFormatBytes,
  vectorSecondsPerInstruction,
  weightFormatFromGguf,
  weightFormats,
} from './precision.ts';

const catalog = shippedCatalog();
const table = priorTable;
const device = (id: string) => findDevice(catalog, id);

/** Bits per weight of a block format from its layout: element bits plus scale bits shared by a block. */
const blockBits = (elementBits: number, scaleBits: number, blockSize: number) =>
  elementBits + scaleBits / blockSize;
/** Bits per weight of a GGUF block type from its byte size per block (ggml-common.h static_asserts). */
const ggmlBits = (bytes: number, weights: number) => (bytes * 8) / weights;

describe('bits per weight of each format (block scales included)', () => {
  it('NVFP4 = 4 + 8/16, MXFP4 = 4 + 8/32, MXFP6 = 6 + 8/32, AWQ/GPTQ = 4 + (16 + 4)/128', () => {
    expect(weightFormats.nvfp4.bitsPerWeight).toBe(blockBits(4, 8, 16));
    expect(weightFormats.nvfp4.bitsPerWeight).toBe(4.5);
    expect(weightFormats.mxfp4.bitsPerWeight).toBe(4.25);
    expect(weightFormats.fp6.bitsPerWeight).toBe(blockBits(6, 8, 32));
    expect(weightFormats.awq.bitsPerWeight).toBeCloseTo(4.156, 3);
    expect(weightFormats.gptq.bitsPerWeight).toBe(weightFormats.awq.bitsPerWeight);
  });

  it('GGUF pure block types match their block byte sizes; mixed presets sit at or above their base type', () => {
    expect(weightFormats.q4_0.bitsPerWeight).toBe(ggmlBits(18, 32));
    expect(weightFormats.q8_0.bitsPerWeight).toBe(ggmlBits(34, 32));
    // Q6_K is 210 B per 256 weights (6.5625); the whole-file figure adds only the F32 norms.
    expect(weightFormats.q6_k.bitsPerWeight).toBeCloseTo(ggmlBits(210, 256), 2);
    const base: Array<[keyof typeof weightFormats, number]> = [
      ['q2_k', ggmlBits(84, 256)],
      ['q3_k_s', ggmlBits(110, 256)],
      ['q3_k_m', ggmlBits(110, 256)],
      ['q4_k_s', ggmlBits(144, 256)],
      ['q4_k_m', ggmlBits(144, 256)],
      ['q5_k_m', ggmlBits(176, 256)],
      ['iq1_s', ggmlBits(50, 256)],
      ['iq2_xxs', ggmlBits(66, 256)],
      ['iq3_xxs', ggmlBits(98, 256)],
      ['iq4_xs', ggmlBits(136, 256)],
    ];
    for (const [format, bits] of base) {
      expect(weightFormats[format].bitsPerWeight, format).toBeGreaterThanOrEqual(bits);
      expect(weightFormats[format].bitsPerWeight, format).toBeLessThan(bits + 1);
    }
    // Presets grow with their name: Q2_K < Q3_K_M < Q4_K_M < Q5_K_M < Q6_K < Q8_0.
    const ladder = ['q2_k', 'q3_k_m', 'q4_k_m', 'q5_k_m', 'q6_k', 'q8_0'] as const;
    for (let i = 1; i < ladder.length; i++)
      expect(bytesPerWeight(ladder[i] ?? 'q8_0')).toBeGreaterThan(bytesPerWeight(ladder[i - 1] ?? 'q2_k'));
  });

  it('every weight format has a source, a layout and a width between 1.5 and 32 bits', () => {
    for (const f of weightFormatSchema.options) {
      const info = weightFormats[f];
      expect(info.bitsPerWeight, f).toBeGreaterThanOrEqual(1.5);
      expect(info.bitsPerWeight, f).toBeLessThanOrEqual(32);
      expect(info.layout.length, f).toBeGreaterThan(0);
      expect(info.source.title.length, f).toBeGreaterThan(0);
    }
  });

  it('KV caches: NVFP4 and q4_0 at 4.5 bits, q8_0 at 8.5', () => {
    expect(kvFormatBytes.nvfp4).toBe(0.5625);
    expect(kvFormatBytes.q4_0).toBe(0.5625);
    expect(kvFormatBytes.q8_0).toBe(1.0625);
  });

  it('maps the GGUF type names llama.cpp writes to formats, and nothing else', () => {
    expect(weightFormatFromGguf('Q4_K_M')).toBe('q4_k_m');
    expect(weightFormatFromGguf('IQ4_XS')).toBe('iq4_xs');
    expect(weightFormatFromGguf('F16')).toBe('fp16');
    expect(weightFormatFromGguf('Q4_1')).toBeUndefined();
    expect(weightFormatFromGguf('nvfp4')).toBeUndefined();
  });
});

describe('where a format runs natively and where it is unpacked (weight-only)', () => {
  it('Blackwell runs NVFP4 and MXFP4 at its FP4 peak; Hopper runs them weight-only at BF16', () => {
    for (const f of ['nvfp4', 'mxfp4'] as const) {
      expect(computePathFor(f, device('b200'))).toMatchObject({
        dtype: 'fp4',
        native: true,
        dequantOpsPerWeight: 0,
      });
      const hopper = computePathFor(f, device('h100-sxm'));
      expect(hopper).toMatchObject({ dtype: 'bf16', native: false });
      expect(hopper.dequantOpsPerWeight).toBeGreaterThan(0);
    }
  });

  it('Hopper refuses native FP4 compute (TensorRT-LLM runs NVFP4 only on FP4 tensor cores) but allows weight-only FP4', () => {
    const refuse = () => computePathFor('nvfp4', device('h100-sxm'), 'trtllm');
    expect(refuse).toThrow(InputError);
    expect(refuse).toThrow(/trtllm runs nvfp4 only on FP4 tensor cores/);
    try {
      refuse();
    } catch (error) {
      expect((error as InputError).where).toBe('--weights');
    }
    expect(computePathFor('nvfp4', device('h100-sxm'), 'vllm').native).toBe(false);
    expect(computePathFor('nvfp4', device('b200'), 'trtllm').native).toBe(true);
    // MXFP4 on Hopper is served weight-only by TensorRT-LLM itself (gpt-oss: BF16 × MXFP4, Triton).
    expect(computePathFor('mxfp4', device('h200'), 'trtllm').native).toBe(false);
  });

  it('MI355X runs the OCP formats natively but not NVIDIA’s NVFP4', () => {
    expect(computePathFor('mxfp4', device('mi355x'))).toMatchObject({ dtype: 'fp4', native: true });
    expect(computePathFor('fp6', device('mi355x'))).toMatchObject({ dtype: 'fp6', native: true });
    expect(computePathFor('nvfp4', device('mi355x'))).toMatchObject({ dtype: 'bf16', native: false });
  });

  it('INT4 AWQ is always unpacked; FP8 on an A100 (no FP8 peak) is unpacked to BF16', () => {
    expect(computePathFor('awq', device('b200'))).toMatchObject({ dtype: 'fp16', native: false });
    expect(computePathFor('fp8', device('a100-sxm-80gb'))).toMatchObject({ dtype: 'bf16', native: false });
    expect(computePathFor('bf16', device('a100-sxm-80gb'))).toMatchObject({
      native: true,
      dequantOpsPerWeight: 0,
    });
  });

  it('the vector units run half as many instructions per second as FP32 FLOP/s (an FMA counts 2)', () => {
    expect(vectorSecondsPerInstruction(device('h100-sxm').compute.denseTflops)).toBeCloseTo(1 / 33.5e12, 20);
  });
});

describe('memory and speed of the new formats', () => {
  const weightsBytes = (
    model: string,
    hardware: string,
    weights: 'nvfp4' | 'fp8' | 'mxfp4' | 'bf16',
    count = 1,
  ) =>
    runResolved(resolveInference(catalog, table, { model, hardware, weights, count }), 1)
      .weightsBytesPerDevice;

  it('Llama 3.1 70B at NVFP4 holds 0.59 of its FP8 bytes (blocks at 4.5 and 8 bits; both keep embeddings and LM head at 16)', () => {
    const p = countParameters(findModel(catalog, 'llama-3.1-70b').architecture);
    const head = p.embedding + p.lmHead;
    const expected = ((p.total - head) * 4.5) / 8 + head * 2;
    const nvfp4 = weightsBytes('llama-3.1-70b', 'b200', 'nvfp4');
    expect(nvfp4).toBeCloseTo(expected, -3);
    const fp8 = weightsBytes('llama-3.1-70b', 'b200', 'fp8');
    // ModelOpt's FP8 recipe leaves the LM head (and the embedding table) in BF16, as its NVFP4 recipe does.
    expect(fp8).toBeCloseTo(p.total - head + head * 2, -3);
    const ratio = nvfp4 / fp8;
    expect(ratio).toBeGreaterThan(0.58);
    expect(ratio).toBeLessThan(0.6);
  });

  it('gpt-oss-120b as released (MXFP4 experts, BF16 rest) fits one 80 GB GPU; gpt-oss-20b fits 16 GB', () => {
    const big = weightsBytes('gpt-oss-120b', 'h100-sxm', 'mxfp4');
    expect(big / 1e9).toBeGreaterThan(60);
    expect(big / 1e9).toBeLessThan(70);
    const fits = runResolved(
      resolveInference(catalog, table, { model: 'gpt-oss-120b', hardware: 'h100-sxm', weights: 'mxfp4' }),
      1,
    ).fits;
    expect(fits).toBe(true);
    expect(weightsBytes('gpt-oss-120b', 'h100-sxm', 'bf16') / 1e9).toBeGreaterThan(200);
    expect(weightsBytes('gpt-oss-20b', 'h100-sxm', 'mxfp4') / 1e9).toBeLessThan(15);
    const plan = formatPlan(findModel(catalog, 'gpt-oss-120b'), device('h100-sxm'), 'mxfp4');
    expect(plan).toMatchObject({
      blocks: 'bf16',
      experts: 'mxfp4',
      bytesPerWeight: 2,
      expertBytesPerWeight: 4.25 / 8,
    });
  });

  it('prefill on Blackwell is faster at NVFP4 than at FP8 (twice the peak, less each path factor, attention at FP8 in both); on Hopper FP4 prefill pays for unpacking', () => {
    const ttft = (hardware: string, weights: 'nvfp4' | 'fp8' | 'bf16', engine?: 'vllm') =>
      runResolved(
        resolveInference(catalog, table, {
          model: 'llama-3.1-70b',
          hardware,
          count: hardware === 'b200' ? 1 : 2,
          weights,
          inputTokens: 8192,
          outputTokens: 1,
          ...(engine ? { engine } : {}),
        }),
        1,
      ).prefillSingle.compute;
    // Matmuls alone: half the time at twice the peak, times the FP4/FP8 compute-path priors (0.8 vs 0.9).
    const matmulRatio = (0.5 * 0.9) / 0.8;
    expect(ttft('b200', 'nvfp4')).toBeGreaterThan(matmulRatio * ttft('b200', 'fp8'));
    expect(ttft('b200', 'nvfp4')).toBeLessThan(0.7 * ttft('b200', 'fp8'));
    // Hopper: the same BF16 matmuls plus the unpacking of every weight once per 128 tokens.
    const fp4 = ttft('h100-sxm', 'nvfp4', 'vllm');
    const bf16 = ttft('h100-sxm', 'bf16', 'vllm');
    expect(fp4).toBeGreaterThan(bf16);
    expect(fp4).toBeLessThan(1.5 * bf16);
  });

  it('decode at batch 1 reads 4.5-bit weights: NVFP4 on Hopper (weight-only) beats BF16 by over 2× (the BF16 LM head and per-layer costs stay)', () => {
    const tpot = (weights: 'nvfp4' | 'bf16') =>
      estimateInference(catalog, table, {
        model: 'llama-3.1-8b',
        hardware: 'h100-sxm',
        weights,
        engine: 'vllm',
        batch: 1,
      }).tpotSeconds.value;
    expect(tpot('bf16') / tpot('nvfp4')).toBeGreaterThan(2);
    expect(tpot('bf16') / tpot('nvfp4')).toBeLessThan(16 / 4.5);
  });

  it('refuses an NVFP4 KV cache off Blackwell, naming --kv', () => {
    const run = () =>
      resolveInference(catalog, table, { model: 'llama-3.1-8b', hardware: 'h100-sxm', kv: 'nvfp4' });
    expect(run).toThrow(/NVFP4 KV cache needs FP4 tensor cores/);
    expect(() =>
      resolveInference(catalog, table, { model: 'llama-3.1-8b', hardware: 'b200', kv: 'nvfp4' }),
    ).not.toThrow();
  });
});
