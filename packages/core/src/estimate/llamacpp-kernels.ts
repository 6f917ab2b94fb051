import type { WeightFormat } from '../catalog/calibration-schema.ts';
import type { EngineClassId } from '../catalog/engine-schema.ts';
import type { Device } from '../catalog/schema.ts';
import type { Source } from '../figure/source.ts';
import type { ComputePath } from './precision.ts';
import { weightFormats } from './precision.ts';

/**
 * Which kernels llama.cpp runs a weight format's matmuls with, per backend, and what they cost beyond the
 * roofline (docs/methodology.md "llama.cpp kernels"). Other engines take `computePathFor` as it is.
 *
 * CUDA (and HIP, which compiles the same sources):
 * - quantized GGUF types on a part with int8 tensor cores: MMQ (`ggml_cuda_should_use_mmq` is true on every
 *   NVIDIA part from Turing on, for every batch above the mat-vec kernels' 8 columns). The weight tile and
 *   the activations (quantized to q8_1) meet in int8 MMA; each scale group's int32 sum is converted to float
 *   and scaled per token and output row on the vector units. That per-token work, not the tensor cores,
 *   sets the pace on every NVIDIA part measured: pp512 of a 7B Q4_0 runs at 470-620 FLOP per SM and clock
 *   on A100, RTX 3060/3090/4090/5090 and H100 alike, whose int8 tensor rates per SM differ 4×.
 * - F16 weights: cuBLAS with FP16 accumulation (CUBLAS_COMPUTE_16F), which on NVIDIA tensor cores runs at
 *   half the INT8 rate: twice the FP32-accumulate rate the catalog lists for GeForce parts, the same on
 *   datacenter parts.
 * Metal: `kernel_mul_mm` unpacks a 64-row weight tile to half in threadgroup memory for every 32 tokens and
 * multiplies it with simdgroup matrices at the FP16 rate.
 */

const mmqSource: Source = {
  title:
    'llama.cpp ggml/src/ggml-cuda/mmq.cu (ggml_cuda_should_use_mmq: MMQ for every quantized type on Turing and later) and mmq.cuh (int8 MMA per scale group, float scaling per token)',
  url: 'https://github.com/ggml-org/llama.cpp/blob/master/ggml/src/ggml-cuda/mmq.cu',
  date: '2026-12-05',
  note: 'MMQ is the default since ggml-org/llama.cpp PR #8075 (June 2024); before it, quantized batches above 32 tokens were dequantized to F16 for cuBLAS',
};
const cublasFp16Source: Source = {
  title:
    'llama.cpp ggml/src/ggml-cuda/ggml-cuda.cu: F16 matmuls through cublasGemmEx with CUBLAS_COMPUTE_16F (FP16 accumulate)',
  url: 'https://github.com/ggml-org/llama.cpp/blob/master/ggml/src/ggml-cuda/ggml-cuda.cu',
  date: '2026-12-05',
  note: 'FP16-accumulate tensor rate = half the dense INT8 rate on NVIDIA parts (catalog notes: RTX 4090 330.3, RTX 5090 419, RTX 3060 50.9 TFLOPS with FP16 accumulate)',
};
const wgmmaSource: Source = {
  title:
    'Hopper and datacenter Blackwell reach their dense tensor peak only through warpgroup MMA (wgmma / tcgen05); the warp-level mma.sync that llama.cpp issues runs at about half of it',
  url: 'https://github.com/waynehacking8/blackwell-tensorcore-kernels',
  date: '2026-12-05',
  note: 'secondary: that repository measures a WMMA GEMM at 8% of cuBLAS on H100 against 45% on sm_120 "because Hopper\'s Tensor Core ceiling is only reachable through wgmma"; r/CUDA (2026) "WGMMA has 2x throughput of WMMA in H100"; llama.cpp ggml-cuda/mma.cuh issues mma.sync (PTX) only',
};
const metalSource: Source = {
  title:
    'llama.cpp ggml/src/ggml-metal/ggml-metal.metal: kernel_mul_mm dequantizes 64×32 weight tiles to half in threadgroup memory, simdgroup_multiply_accumulate',
  url: 'https://github.com/ggml-org/llama.cpp/blob/master/ggml/src/ggml-metal/ggml-metal.metal',
  date: '2026-12-05',
};

/**
 * Vector-unit instructions (FMA slots) per scale group, output row and token in MMQ: one int32 → float
 * conversion, which NVIDIA SMs from Turing on issue at 16 per clock against 128 FP32 FMAs (CUDA C++
 * Programming Guide, arithmetic instruction throughput), i.e. 8 FMA slots; the two scale multiplies and
 * the accumulate dual-issue beside it. A prior from the kernel's code, not fitted.
 */
export const MMQ_FMA_SLOTS_PER_GROUP_TOKEN = 8;
/** Tokens `kernel_mul_mm` multiplies per unpacked weight tile (its N tile). */
export const METAL_MUL_MM_TILE_TOKENS = 32;

export const llamacppKernelSources = [mmqSource, cublasFp16Source, metalSource, wgmmaSource];

/**
 * NVIDIA parts whose listed dense peak needs warpgroup MMA: every NVIDIA part with HBM and an FP8 rate is a
 * Hopper (sm_90) or datacenter Blackwell (sm_100) part; Ampere (A100) lists no FP8, and the Ada and
 * GeForce/workstation Blackwell parts with FP8 use GDDR and reach their peak with mma.sync.
 */
function peakNeedsWarpgroupMma(device: Device): boolean {
  return (
    device.vendor === 'NVIDIA' &&
    device.compute.denseTflops.fp8 !== undefined &&
    (device.memory.type ?? '').toUpperCase().startsWith('HBM')
  );
}
/** The share of the dense INT8 peak llama.cpp's mma.sync MMQ reaches where the peak needs wgmma (prior). */
export const MMA_SYNC_SHARE_OF_WARPGROUP_PEAK = 0.5;

/**
 * The path llama.cpp takes for `format` on `device` under `engineClass`, refining the generic path (the
 * format's own peak where the device lists it, else unpacked to 16 bits per 128 tokens). Undefined: the
 * generic path stands (other engines, the CPU backend, parts without tensor cores).
 */
export function llamacppComputePath(
  format: WeightFormat,
  device: Device,
  engineClass: EngineClassId | undefined,
  generic: ComputePath,
): ComputePath | undefined {
  const info = weightFormats[format];
  const peaks = device.compute.denseTflops;
  if (engineClass === 'llamacpp-cuda') {
    if (format === 'fp16' && peaks.int8 !== undefined && device.vendor === 'NVIDIA') {
      return {
        ...generic,
        peakTflops: peaks.int8 / 2,
        note: 'fp16 through cuBLAS with FP16 accumulation (half the INT8 tensor rate)',
      };
    }
    const group = info.scaleGroupWeights;
    if (info.gguf && group !== undefined && generic.native && generic.dtype === 'int8') {
      const warpgroup = peakNeedsWarpgroupMma(device);
      return {
        dtype: 'int8',
        native: true,
        dequantOpsPerWeight: MMQ_FMA_SLOTS_PER_GROUP_TOKEN / group,
        dequantTileTokens: 1,
        ...(warpgroup && peaks.int8 !== undefined
          ? { peakTflops: peaks.int8 * MMA_SYNC_SHARE_OF_WARPGROUP_PEAK }
          : {}),
        note: `${format} through MMQ: int8 MMA${warpgroup ? ` (mma.sync: ${MMA_SYNC_SHARE_OF_WARPGROUP_PEAK} of the wgmma peak)` : ''}, then ${MMQ_FMA_SLOTS_PER_GROUP_TOKEN} vector FMA slots per ${group}-weight scale group per token`,
      };
    }
    return undefined;
  }
  if (engineClass === 'llamacpp-metal' && info.gguf && !generic.native) {
    return {
      ...generic,
      dequantTileTokens: METAL_MUL_MM_TILE_TOKENS,
      note: `${format} unpacked to half per ${METAL_MUL_MM_TILE_TOKENS}-token tile (Metal kernel_mul_mm)`,
    };
  }
  return undefined;
}
