import type { KvFormat, WeightFormat } from '../catalog/calibration-schema.ts';
import type { DenseTflops } from '../catalog/schema.ts';
import { InputError } from '../errors/clearbox-error.ts';
import type { Source } from '../figure/source.ts';

export interface WeightFormatInfo {
  /** Average stored bits per weight, block scales included. */
  bitsPerWeight: number;
  /** Which tensor-core peak the matmuls run at (weight-only formats dequantize to 16-bit). */
  computeDtype: keyof DenseTflops;
  note: string;
  source: Source;
  /** Why the matmuls run at `computeDtype`, where that is not obvious from the format. */
  computeSource?: Source;
}

const ggmlSource: Source = {
  title: 'ggml quantization block layouts (ggml-common.h block_q4_0, block_q8_0, block_q4_K)',
  url: 'https://github.com/ggml-org/llama.cpp/blob/master/ggml/src/ggml-common.h',
  date: '2024-06',
};
const q4kmSource: Source = {
  title: 'llama.cpp quantize tool: Q4_K_M size for LLaMA-7B (3.80 GiB → ~4.85 bits/weight)',
  url: 'https://github.com/ggml-org/llama.cpp/blob/master/tools/quantize/README.md',
  date: '2024-06',
  note: 'Q4_K_M mixes Q4_K and Q6_K tensors; the average depends on the model, 4.85 is the 7B figure',
};
const mmqSource: Source = {
  title:
    'llama.cpp CUDA MMQ kernels: quantized weights times activations quantized to q8_1, int8 dot products / MMA',
  url: 'https://github.com/ggml-org/llama.cpp/blob/master/ggml/src/ggml-cuda/mmq.cuh',
  date: '2024-06',
};
const ieee: Source = { title: 'IEEE 754 / OCP 8-bit floating point (FP8 E4M3) formats', date: '2023-12' };
const awqSource: Source = {
  title: 'AWQ / GPTQ group-wise INT4 (group size 128, one FP16 scale per group)',
  url: 'https://arxiv.org/abs/2306.00978',
  date: '2023-06',
};

export const weightFormats: Record<WeightFormat, WeightFormatInfo> = {
  fp32: { bitsPerWeight: 32, computeDtype: 'fp32', note: 'single precision', source: ieee },
  bf16: { bitsPerWeight: 16, computeDtype: 'bf16', note: 'bfloat16', source: ieee },
  fp16: { bitsPerWeight: 16, computeDtype: 'fp16', note: 'half precision', source: ieee },
  fp8: {
    bitsPerWeight: 8,
    computeDtype: 'fp8',
    note: 'FP8 E4M3 weights and activations (W8A8)',
    source: ieee,
  },
  int8: {
    bitsPerWeight: 8,
    computeDtype: 'int8',
    note: 'INT8 weights and activations (W8A8 SmoothQuant-style)',
    source: ieee,
  },
  int4: {
    bitsPerWeight: 4.125,
    computeDtype: 'fp16',
    note: 'INT4 weight-only, group 128 with FP16 scales (4 + 16/128 bits); matmuls in FP16',
    source: awqSource,
  },
  q4_0: {
    bitsPerWeight: 4.5,
    computeDtype: 'int8',
    note: 'GGUF Q4_0: blocks of 32 weights in 18 bytes (FP16 scale + 16 bytes of nibbles); int8 MMQ matmuls',
    source: ggmlSource,
    computeSource: mmqSource,
  },
  q4_k_m: {
    bitsPerWeight: 4.85,
    computeDtype: 'int8',
    note: 'GGUF Q4_K_M (mixed Q4_K/Q6_K); llama.cpp multiplies with int8 dot products (MMQ) where the device has them',
    source: q4kmSource,
    computeSource: mmqSource,
  },
  q8_0: {
    bitsPerWeight: 8.5,
    computeDtype: 'int8',
    note: 'GGUF Q8_0: blocks of 32 weights in 34 bytes (FP16 scale + 32 int8)',
    source: ggmlSource,
    computeSource: mmqSource,
  },
};

export const kvFormatBytes: Record<KvFormat, number> = { fp32: 4, bf16: 2, fp16: 2, fp8: 1, int8: 1 };

export function bytesPerWeight(format: WeightFormat): number {
  return weightFormats[format].bitsPerWeight / 8;
}

/**
 * The dtype whose dense peak a device reaches for these weights: the format's own compute dtype when
 * the device has it, otherwise the nearest 16-bit (then 32-bit) rate, because kernels fall back to it.
 */
export function effectiveComputeDtype(format: WeightFormat, peaks: DenseTflops): keyof DenseTflops {
  const order: Array<keyof DenseTflops> = [
    weightFormats[format].computeDtype,
    'bf16',
    'fp16',
    'fp32',
    'tf32',
  ];
  for (const dtype of order) if (peaks[dtype] !== undefined) return dtype;
  // Some parts publish only low-precision peaks (Ascend 950: FP8 and FP4): 16-bit weights have no rate.
  const listed = Object.keys(peaks).join(', ') || 'none';
  throw new InputError(
    `the device publishes no ${[...new Set(order.slice(0, 4))].join(', ')} peak (only ${listed}): choose weights in one of those formats`,
    '--weights',
  );
}
