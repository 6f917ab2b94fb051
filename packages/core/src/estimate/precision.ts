import type { Engine, KvFormat, WeightFormat } from '../catalog/calibration-schema.ts';
import type { DenseTflops } from '../catalog/schema.ts';
import { InputError } from '../errors/clearbox-error.ts';
import type { Source } from '../figure/source.ts';

export interface WeightFormatInfo {
  /** Average stored bits per weight of the transformer blocks, block scales included. */
  bitsPerWeight: number;
  /**
   * Bits of the embedding table and LM head. ModelOpt, AWQ and GPTQ quantize only the linear layers of the
   * blocks and keep these in 16 bits; GGUF's averages already include them (quantized like the rest).
   */
  headBitsPerWeight: number;
  /** The tensor-core dtype the format's own matmuls run at, where the device has that path. */
  computeDtype: keyof DenseTflops;
  /** Always dequantized to 16-bit before the matmul (W4A16), whatever the device: INT4 AWQ/GPTQ. */
  weightOnly?: true;
  /** Vendors whose parts run the format on tensor cores when they list `computeDtype` (NVFP4: NVIDIA only). */
  nativeVendors?: readonly string[];
  /** Engines that run the format only natively and refuse it elsewhere (TensorRT-LLM: NVFP4 needs Blackwell). */
  nativeOnlyEngines?: readonly Engine[];
  /** ALU instructions per weight element to unpack and scale it to 16 bits, when it is dequantized. */
  dequantOpsPerWeight: number;
  /** Element and scale layout, for docs/methodology.md's table. */
  layout: string;
  note: string;
  source: Source;
  /** Why the matmuls run at `computeDtype`, where that is not obvious from the format. */
  computeSource?: Source;
  /** A llama.cpp type: its value is the lower-cased name GGUF files give it (general.file_type). */
  gguf?: true;
  /**
   * `inner-ffn`: the format covers only the FFN of the layers between the first and the last (the routed
   * experts on an MoE model); attention, shared experts, the first and last layers, embeddings and LM head
   * stay BF16 (Meta's fp8_mixed). Absent: every linear layer of the blocks.
   */
  scope?: 'inner-ffn';
  /**
   * GGUF: weights per scale group (sub-block) of the dominant block type; llama.cpp's MMQ converts and
   * scales one int32 sum per group, output row and token (estimate/llamacpp-kernels.ts).
   */
  scaleGroupWeights?: number;
}

const ggmlSource: Source = {
  title:
    'ggml quantization block layouts (ggml-common.h: block_q4_0, block_q8_0, block_q2_K..block_q6_K, block_iq*)',
  url: 'https://github.com/ggml-org/llama.cpp/blob/master/ggml/src/ggml-common.h',
  date: '2026-12-04',
  note: 'static_assert sizes: q2_K 84 B, q3_K 110 B, q4_K 144 B, q5_K 176 B, q6_K 210 B per 256 weights; q4_0 18 B, q8_0 34 B per 32',
};
const q4kmSource: Source = {
  title: 'llama.cpp quantize tool: Q4_K_M size for LLaMA-7B (3.80 GiB → ~4.85 bits/weight)',
  url: 'https://github.com/ggml-org/llama.cpp/blob/master/tools/quantize/README.md',
  date: '2024-06',
  note: 'Q4_K_M mixes Q4_K and Q6_K tensors; the average depends on the model: 4.84 for Llama 2 7B, 4.89 for Llama 3.1 8B',
};
/** Whole-file averages of llama.cpp's mixed presets for one model (embeddings and output included). */
const quantizeTable: Source = {
  title: 'llama.cpp tools/quantize/README.md: bits/weight of each quant type for meta-llama/Llama-3.1-8B',
  url: 'https://github.com/ggml-org/llama.cpp/blob/master/tools/quantize/README.md',
  date: '2026-12-04',
  note: 'Whole-file averages for Llama 3.1 8B (F16 reads 16.0005): mixed presets keep some tensors at more bits, so a larger model sits a little lower; Q3_K_M from the Llama 2 7B table of the same README (3.91)',
};
const mmqSource: Source = {
  title:
    'llama.cpp CUDA MMQ kernels: quantized weights times activations quantized to q8_1, int8 dot products / MMA',
  url: 'https://github.com/ggml-org/llama.cpp/blob/master/ggml/src/ggml-cuda/mmq.cuh',
  date: '2024-06',
};
const ieee: Source = { title: 'IEEE 754 / OCP 8-bit floating point (FP8 E4M3) formats', date: '2023-12' };
/**
 * ModelOpt's quantization recipes leave the LM head and MoE routers unquantized: every default config
 * (INT8_DEFAULT_CFG, INT8_SMOOTHQUANT_CFG, FP8_DEFAULT_CFG, NVFP4_DEFAULT_CFG, ...) spreads
 * `_default_disabled_quantizer_cfg`, which sets `"*lm_head*": {"enable": False}` and disables `*router*`,
 * `*mlp.gate.*` and `*block_sparse_moe.gate*` ("Skip the MOE router").
 */
export const modelOptExclusions: Source = {
  title:
    'NVIDIA TensorRT Model Optimizer, modelopt/torch/quantization/config.py: _default_disabled_quantizer_cfg',
  url: 'https://github.com/NVIDIA/TensorRT-Model-Optimizer/blob/09914046803993961dfefe763ba04fffed76aaec/modelopt/torch/quantization/config.py',
  date: '2026-12-05',
  note: '"*lm_head*": {"enable": False}; "*router*": {"enable": False}, "*mlp.gate.*": {"enable": False}  # Skip the MOE router; spread into FP8_DEFAULT_CFG, INT8_SMOOTHQUANT_CFG and the NVFP4 configs',
};
const awqSource: Source = {
  title: 'AWQ / GPTQ group-wise INT4 (group size 128, one FP16 scale per group)',
  url: 'https://arxiv.org/abs/2306.00978',
  date: '2023-06',
};
const int4CheckpointSource: Source = {
  title:
    'AutoAWQ / GPTQ checkpoints: qweight (8 × 4-bit per int32), qzeros (4-bit per group), FP16 scales, group size 128',
  url: 'https://nvidia.github.io/Model-Optimizer/guides/0_support_matrix.html',
  date: '2026-12-04',
  note: '4 + 16/128 (scale) + 4/128 (zero point) = 4.156 bits; ModelOpt support matrix: W4A16 is INT4 weights with 16-bit activations on Ampere and later',
};
const nvfp4Source: Source = {
  title: 'NVFP4: E2M1 elements, one FP8 E4M3 scale per 16 elements, one FP32 scale per tensor',
  url: 'https://developer.nvidia.com/blog/introducing-nvfp4-for-efficient-and-accurate-low-precision-inference/',
  date: '2026-12-04',
  note: '(16 · 4 + 8) / 16 = 4.5 bits; the per-tensor FP32 scale is negligible. ModelOpt support matrix: FP4 weights and activations on Blackwell and later, deployed with TensorRT-LLM',
};
const mxSource: Source = {
  title:
    'OCP Microscaling (MX) Formats Specification v1.0 (September 2023): blocks of 32 elements share one E8M0 scale',
  url: 'https://www.opencompute.org/blog/amd-arm-intel-meta-microsoft-nvidia-and-qualcomm-standardize-next-generation-narrow-precision-data-formats-for-ai',
  date: '2026-12-04',
  note: 'MXFP4 (E2M1): (32 · 4 + 8) / 32 = 4.25 bits; MXFP6 (E2M3/E3M2): (32 · 6 + 8) / 32 = 6.25 bits',
};
const w4a16Source: Source = {
  title:
    'TensorRT-LLM gpt-oss deployment guide: MoE backends (H200: BF16 activations × MXFP4 weights, Triton; B200/GB200: MXFP8 × MXFP4)',
  url: 'https://nvidia.github.io/TensorRT-LLM/deployment-guide/deployment-guide-for-gpt-oss-on-trtllm.html',
  date: '2026-12-04',
  note: 'Without FP4 tensor cores the weights are unpacked to 16 bits in the GEMM (vLLM serves NVFP4 on Hopper through Marlin W4A16)',
};

/** Dequantized matmuls are W4A16 / W8A16: the 16-bit peak, plus the unpacking on the vector units. */
const DEQUANT_FALLBACK: Array<keyof DenseTflops> = ['bf16', 'fp16', 'fp32', 'tf32'];

function gguf(
  bits: number,
  layout: string,
  note: string,
  source: Source,
  dequantOpsPerWeight = 1.5,
  scaleGroupWeights = 32,
): WeightFormatInfo {
  return {
    bitsPerWeight: bits,
    headBitsPerWeight: bits,
    computeDtype: 'int8',
    dequantOpsPerWeight,
    layout,
    note,
    source,
    computeSource: mmqSource,
    gguf: true,
    scaleGroupWeights,
  };
}

export const weightFormats: Record<WeightFormat, WeightFormatInfo> = {
  fp32: {
    bitsPerWeight: 32,
    headBitsPerWeight: 32,
    computeDtype: 'fp32',
    dequantOpsPerWeight: 0,
    layout: 'IEEE single',
    note: 'single precision',
    source: ieee,
  },
  bf16: {
    bitsPerWeight: 16,
    headBitsPerWeight: 16,
    computeDtype: 'bf16',
    dequantOpsPerWeight: 0,
    layout: '1 sign, 8 exponent, 7 mantissa',
    note: 'bfloat16',
    source: ieee,
  },
  fp16: {
    bitsPerWeight: 16,
    headBitsPerWeight: 16,
    computeDtype: 'fp16',
    dequantOpsPerWeight: 0,
    layout: 'IEEE half',
    note: 'half precision',
    source: ieee,
  },
  fp8: {
    bitsPerWeight: 8,
    headBitsPerWeight: 16,
    computeDtype: 'fp8',
    dequantOpsPerWeight: 0.5,
    layout: 'E4M3, per-tensor or per-channel FP32 scale',
    note: 'FP8 E4M3 weights and activations (W8A8); embeddings and LM head stay BF16 (ModelOpt, DeepSeek and llm-compressor FP8 checkpoints)',
    source: ieee,
    computeSource: modelOptExclusions,
  },
  fp8_mixed: {
    bitsPerWeight: 8,
    headBitsPerWeight: 16,
    computeDtype: 'fp8',
    dequantOpsPerWeight: 0.5,
    scope: 'inner-ffn',
    layout:
      'E4M3 row-wise (one FP32 scale per output row, activations scaled per row, upper bound 1200) on the FFN of layers 1..L-2; the rest BF16',
    note: "Meta's FP8 release of Llama 3.1 (meta-llama/Llama-3.1-405B-FP8, fbgemm_fp8): FP8 weights and activations in the FFN of every layer but the first and last; attention, those two layers, embeddings and LM head BF16",
    source: {
      title:
        'meta-llama/llama-stack quantize_checkpoint.py (meta_reference quantization scripts): the FP8 conversion of the Llama 3 checkpoints',
      url: 'https://github.com/meta-llama/llama-stack/blob/0747ee2f10ca9653b9d386fbd4a3c821e67bff6c/llama_stack/providers/inline/inference/meta_reference/quantization/scripts/quantize_checkpoint.py',
      date: '2026-12-05',
      note: 'quoted: "if block.layer_id == 0 or block.layer_id == (model.n_layers - 1): continue", then quantize_fp8 of feed_forward.w1, w3 and w2 only (fp8_activation_scale_ub 1200.0). Corroborated by dstack\'s vLLM log for meta-llama/Llama-3.1-405B-FP8 at TP 8: "Loading model weights took 56.7677 GB" per GPU (github.com/dstackai/benchmarks, comparison/h100sxm5_vs_mi300x/raw_data/gpu-usage.md, read 2026-12-05), where this layout gives 56.7 GiB and an all-FP8 one 47.7',
    },
    computeSource: {
      title: 'Llama 3 Herd of Models, section 6.2 (FP8 quantization), as summarised in a stored reading list',
      date: '2026-12-05',
      note: 'quoted: "FP8 quantization is applied to most parameters and activations in feed-forward network but not to parameters of self-attention layers of the model ... and do not perform quantization in the first and last Transformer layers, and use row-wise quantization"',
    },
  },
  fp8_block: {
    // One FP32 scale per 128 × 128 weights: 8 + 32 / 16384 bits.
    bitsPerWeight: 8 + 32 / (128 * 128),
    headBitsPerWeight: 16,
    computeDtype: 'fp8',
    dequantOpsPerWeight: 0.5,
    layout:
      'E4M3, FP32 scale per 128×128 weight block; activations quantized per token and 128 channels (1×128)',
    note: "block-scaled FP8 W8A8 (DeepSeek-V3/R1's native weights, Qwen3 '-FP8' checkpoints): the same FP8 tensor cores as per-tensor FP8, but the GEMM applies a scale per 128-deep slice of K, so its kernel (Triton, CUTLASS blockwise, DeepGEMM, TensorRT-LLM's) is the engine release's (data/engines/releases.yaml); embeddings and LM head stay BF16",
    source: {
      title: 'Hugging Face Transformers documentation, "Fine-grained FP8" (quantization/finegrained_fp8)',
      url: 'https://huggingface.co/docs/transformers/quantization/finegrained_fp8',
      date: '2026-12-05',
      note: 'quoted: "The weights are quantized to 8-bits for each 2D block (weight_block_size=(128, 128))." "The activations are quantized to 8-bits for each group per token. The group value matches the weights in the input channel (128 by default)." "FP8 quantization enables support for DeepSeek-V3 and DeepSeek-R1." DeepSeek-V3/R1 config.json: quantization_config { fmt e4m3, quant_method fp8, weight_block_size [128, 128], activation_scheme dynamic }',
    },
    computeSource: modelOptExclusions,
  },
  int8: {
    bitsPerWeight: 8,
    headBitsPerWeight: 16,
    computeDtype: 'int8',
    dequantOpsPerWeight: 0.5,
    layout: 'INT8, per-channel FP16 scale',
    note: 'INT8 weights and activations (W8A8 SmoothQuant-style); embeddings and LM head stay 16-bit',
    source: ieee,
    computeSource: modelOptExclusions,
  },
  int4: {
    bitsPerWeight: 4.125,
    headBitsPerWeight: 4.125,
    computeDtype: 'fp16',
    weightOnly: true,
    dequantOpsPerWeight: 1,
    layout: 'INT4, FP16 scale per 128 (symmetric)',
    note: 'INT4 weight-only, group 128 with FP16 scales (4 + 16/128 bits); matmuls in FP16',
    source: awqSource,
  },
  q4_0: gguf(
    4.5,
    'blocks of 32: FP16 scale + 32 nibbles (18 B)',
    'GGUF Q4_0: 18 bytes per 32 weights',
    ggmlSource,
    1,
  ),
  q4_k_m: gguf(
    4.85,
    'Q4_K (256-weight super-blocks, 6-bit scales and mins per 32) with Q6_K for half of attn_v/ffn_down and the output',
    'GGUF Q4_K_M (mixed Q4_K/Q6_K); llama.cpp multiplies with int8 dot products (MMQ) where the device has them',
    q4kmSource,
  ),
  q8_0: gguf(
    8.5,
    'blocks of 32: FP16 scale + 32 int8 (34 B)',
    'GGUF Q8_0: 34 bytes per 32 weights',
    ggmlSource,
    0.5,
  ),
  nvfp4: {
    bitsPerWeight: 4.5,
    headBitsPerWeight: 16,
    computeDtype: 'fp4',
    nativeVendors: ['NVIDIA'],
    nativeOnlyEngines: ['trtllm'],
    dequantOpsPerWeight: 1,
    layout: 'E2M1, FP8 E4M3 scale per 16, FP32 per tensor',
    note: 'NVFP4 weights and activations (W4A4) on FP4 tensor cores; embeddings and LM head stay BF16',
    source: nvfp4Source,
    computeSource: w4a16Source,
  },
  mxfp4: {
    bitsPerWeight: 4.25,
    headBitsPerWeight: 16,
    computeDtype: 'fp4',
    dequantOpsPerWeight: 1,
    layout: 'E2M1, E8M0 scale per 32',
    note: 'OCP MXFP4 (W4A4 where the part has MX FP4 tensor cores); embeddings and LM head stay BF16',
    source: mxSource,
    computeSource: w4a16Source,
  },
  fp6: {
    bitsPerWeight: 6.25,
    headBitsPerWeight: 16,
    computeDtype: 'fp6',
    dequantOpsPerWeight: 1.5,
    layout: 'E2M3 or E3M2, E8M0 scale per 32 (MXFP6)',
    note: 'OCP MXFP6 (W6A6 where the part lists an FP6 peak); embeddings and LM head stay BF16',
    source: mxSource,
    computeSource: w4a16Source,
  },
  awq: {
    bitsPerWeight: 4 + 16 / 128 + 4 / 128,
    headBitsPerWeight: 16,
    computeDtype: 'fp16',
    weightOnly: true,
    dequantOpsPerWeight: 1,
    layout: 'INT4, FP16 scale + 4-bit zero point per 128',
    note: 'AWQ INT4 weight-only (W4A16), group 128 with scale and zero point; LM head stays 16-bit',
    source: int4CheckpointSource,
    computeSource: awqSource,
  },
  gptq: {
    bitsPerWeight: 4 + 16 / 128 + 4 / 128,
    headBitsPerWeight: 16,
    computeDtype: 'fp16',
    weightOnly: true,
    dequantOpsPerWeight: 1,
    layout: 'INT4, FP16 scale + 4-bit zero point per 128',
    note: 'GPTQ INT4 weight-only (W4A16), group 128 (qzeros stored even when symmetric); LM head stays 16-bit',
    source: int4CheckpointSource,
  },
  q2_k: gguf(
    3.1593,
    'Q2_K (2.625 bits: 84 B per 256) mixed with Q3_K/Q4_K/Q6_K',
    'GGUF Q2_K preset',
    quantizeTable,
    1.5,
    16,
  ),
  q3_k_s: gguf(
    3.6429,
    'Q3_K (3.4375 bits: 110 B per 256), small mix',
    'GGUF Q3_K_S preset',
    quantizeTable,
    1.5,
    16,
  ),
  q3_k_m: gguf(
    3.91,
    'Q3_K with Q4_K/Q5_K for attn_v, ffn_down, output',
    'GGUF Q3_K_M preset',
    quantizeTable,
    1.5,
    16,
  ),
  q3_k_l: gguf(
    4.2979,
    'Q3_K with Q5_K for attn_v, ffn_down, output',
    'GGUF Q3_K_L preset',
    quantizeTable,
    1.5,
    16,
  ),
  q4_k_s: gguf(4.6672, 'Q4_K (4.5 bits: 144 B per 256), small mix', 'GGUF Q4_K_S preset', quantizeTable),
  q5_k_s: gguf(5.5704, 'Q5_K (5.5 bits: 176 B per 256), small mix', 'GGUF Q5_K_S preset', quantizeTable),
  q5_k_m: gguf(5.7036, 'Q5_K with Q6_K for half of attn_v/ffn_down', 'GGUF Q5_K_M preset', quantizeTable),
  q6_k: gguf(6.5633, 'Q6_K (6.5625 bits: 210 B per 256)', 'GGUF Q6_K', quantizeTable, 1.5, 16),
  iq1_s: gguf(
    2.0042,
    'IQ1_S (1.5625 bits: 50 B per 256) with larger types kept',
    'GGUF IQ1_S preset',
    quantizeTable,
    2,
  ),
  q2_k_s: gguf(2.9697, 'Q2_K with fewer larger tensors', 'GGUF Q2_K_S preset', quantizeTable, 1.5, 16),
  iq1_m: gguf(
    2.146,
    'IQ1_M (1.75 bits: 56 B per 256) with larger types kept',
    'GGUF IQ1_M preset',
    quantizeTable,
    2,
  ),
  iq2_xxs: gguf(
    2.3824,
    'IQ2_XXS (2.0625 bits: 66 B per 256, E8 lattice codebook)',
    'GGUF IQ2_XXS preset',
    quantizeTable,
    2,
  ),
  iq2_xs: gguf(2.5882, 'IQ2_XS (2.3125 bits: 74 B per 256)', 'GGUF IQ2_XS preset', quantizeTable, 2, 16),
  iq2_m: gguf(
    2.9294,
    'IQ2_S (2.5625 bits: 82 B per 256) with IQ3/IQ4 tensors',
    'GGUF IQ2_M preset',
    quantizeTable,
    2,
    16,
  ),
  iq2_s: gguf(2.7403, 'IQ2_S (2.5625 bits: 82 B per 256)', 'GGUF IQ2_S preset', quantizeTable, 2, 16),
  iq3_xxs: gguf(3.2548, 'IQ3_XXS (3.0625 bits: 98 B per 256)', 'GGUF IQ3_XXS preset', quantizeTable, 2),
  iq3_xs: gguf(3.4977, 'IQ3_XXS/IQ3_S mix', 'GGUF IQ3_XS preset', quantizeTable, 2),
  iq3_s: gguf(3.6606, 'IQ3_S (3.4375 bits: 110 B per 256)', 'GGUF IQ3_S preset', quantizeTable, 2),
  iq3_m: gguf(
    3.7628,
    'IQ3_S (3.4375 bits: 110 B per 256) with IQ4 tensors',
    'GGUF IQ3_M preset',
    quantizeTable,
    2,
  ),
  iq4_xs: gguf(
    4.4597,
    'IQ4_XS (4.25 bits: 136 B per 256, non-linear grid)',
    'GGUF IQ4_XS preset',
    quantizeTable,
  ),
  iq4_nl: gguf(
    4.6818,
    'IQ4_NL (4.5 bits: 18 B per 32, non-linear grid)',
    'GGUF IQ4_NL preset',
    quantizeTable,
  ),
};

/**
 * Bytes per KV element. NVFP4 and llama.cpp's q4_0 carry one 8-bit or 16-bit scale per block: the same
 * 4.5 bits; q8_0 is 34 bytes per 32.
 */
export const kvFormatBytes: Record<KvFormat, number> = {
  fp32: 4,
  bf16: 2,
  fp16: 2,
  fp8: 1,
  int8: 1,
  nvfp4: 4.5 / 8,
  q8_0: 8.5 / 8,
  q4_0: 4.5 / 8,
};

export function bytesPerWeight(format: WeightFormat): number {
  return weightFormats[format].bitsPerWeight / 8;
}

/** Bytes per weight of the embedding table and LM head in this format. */
export function headBytesPerWeight(format: WeightFormat): number {
  return weightFormats[format].headBitsPerWeight / 8;
}

/** What a device needs of its catalog entry to decide how a format's matmuls run. */
export interface ComputeDevice {
  id: string;
  vendor: string;
  compute: { denseTflops: DenseTflops };
}

/** How the matmuls of a weight format run on a device. */
export interface ComputePath {
  /** The dense peak the matmuls run at. */
  dtype: keyof DenseTflops;
  /** The format's own tensor-core path (false: the weights are unpacked to `dtype` first, weight-only). */
  native: boolean;
  /** ALU instructions per weight element per pass over the weights, when dequantized (0 when native). */
  dequantOpsPerWeight: number;
  /** Tokens per pass over the weights (default DEQUANT_TILE_TOKENS; llama.cpp: estimate/llamacpp-kernels.ts). */
  dequantTileTokens?: number;
  /** The rate the matmuls run at when it is not the device's listed `dtype` peak (TFLOP/s). */
  peakTflops?: number;
  note: string;
}

function runsNatively(info: WeightFormatInfo, device: ComputeDevice): boolean {
  if (info.weightOnly) return false;
  if (device.compute.denseTflops[info.computeDtype] === undefined) return false;
  return info.nativeVendors === undefined || info.nativeVendors.includes(device.vendor);
}

/**
 * How a format's matmuls run on a device: natively at the format's own peak where the device has it
 * (NVFP4/MXFP4 at the FP4 peak on Blackwell, MXFP4/MXFP6 on MI355X), else weight-only: the weights are
 * unpacked to 16 bits on the vector units and multiplied at the 16-bit peak (FP4 on Hopper runs as W4A16,
 * memory at 4.x bits). An engine that runs the format only natively refuses it (TensorRT-LLM and NVFP4 on
 * Hopper), naming --weights.
 */
export function computePathFor(format: WeightFormat, device: ComputeDevice, engine?: Engine): ComputePath {
  const info = weightFormats[format];
  const peaks = device.compute.denseTflops;
  if (runsNatively(info, device))
    return { dtype: info.computeDtype, native: true, dequantOpsPerWeight: 0, note: `${format} native` };
  if (engine !== undefined && info.nativeOnlyEngines?.includes(engine)) {
    throw new InputError(
      `${engine} runs ${format} only on ${info.computeDtype.toUpperCase()} tensor cores, which ${device.id} lacks: choose an engine that runs it weight-only (vllm, sglang) or another format`,
      '--weights',
    );
  }
  const order = info.weightOnly ? [info.computeDtype, ...DEQUANT_FALLBACK] : DEQUANT_FALLBACK;
  for (const dtype of order) {
    if (peaks[dtype] === undefined) continue;
    // 16/32-bit weights on a part without their own peak convert for free (fp16 ↔ bf16 in the load).
    const ops = info.bitsPerWeight >= 16 ? 0 : info.dequantOpsPerWeight;
    const why = info.weightOnly
      ? 'weight-only by design'
      : `${device.id} has no ${info.computeDtype.toUpperCase()} path for ${format}`;
    return {
      dtype,
      native: false,
      dequantOpsPerWeight: ops,
      note: `${format} dequantized to ${dtype} (${why})`,
    };
  }
  // Some parts publish only low-precision peaks (Ascend 950: FP8 and FP4): 16-bit weights have no rate.
  const listed = Object.keys(peaks).join(', ') || 'none';
  throw new InputError(
    `the device publishes no ${[...new Set([info.computeDtype, ...DEQUANT_FALLBACK.slice(0, 3)])].join(', ')} peak (only ${listed}): choose weights in one of those formats`,
    '--weights',
  );
}

/**
 * The dtype whose dense peak a device reaches for these weights (see computePathFor; vendor-neutral: a
 * format limited to some vendors' parts counts as native wherever its peak is listed).
 */
export function effectiveComputeDtype(format: WeightFormat, peaks: DenseTflops): keyof DenseTflops {
  const vendor = weightFormats[format].nativeVendors?.[0] ?? '';
  return computePathFor(format, { id: 'the device', vendor, compute: { denseTflops: peaks } }).dtype;
}

/**
 * Seconds of vector-unit work per weight element and instruction: dequantization runs on the CUDA cores
 * (or their equivalent), not the tensor cores. FP32 FLOP/s counts an FMA as 2, so instructions/s is half
 * of it; a part that lists no FP32 rate is taken at 1/16 of its 16-bit tensor peak (Hopper: 67 against
 * 989.5 TFLOP/s, so 1/15).
 */
export function vectorSecondsPerInstruction(peaks: DenseTflops): number {
  const fp32 = peaks.fp32;
  if (fp32 !== undefined) return 1 / ((fp32 * 1e12) / 2);
  const tensor16 = peaks.bf16 ?? peaks.fp16 ?? peaks.fp8 ?? peaks.fp4 ?? 1;
  return 1 / ((tensor16 * 1e12) / 16 / 2);
}

/**
 * Tokens per pass over the weights in a dequantizing GEMM: each weight tile is unpacked once per
 * thread-block tile of tokens (the M/N tile of CUTLASS mixed-input and Machete GEMMs is 128), so the
 * unpacking work is weights × ⌈tokens / 128⌉ × ops per weight.
 */
export const DEQUANT_TILE_TOKENS = 128;

/** The GGUF type names llama.cpp writes (general.file_type) that are Clearbox weight formats. */
export function weightFormatFromGguf(name: string): WeightFormat | undefined {
  const n = name.toLowerCase();
  if (n === 'f16') return 'fp16';
  if (n === 'f32') return 'fp32';
  if (n === 'bf16') return 'bf16';
  const known = Object.keys(weightFormats) as WeightFormat[];
  return known.find((k) => k === n && weightFormats[k].gguf === true);
}

/**
 * The tensor-core paths whose achieved share of their own dense peak differs (docs/methodology.md,
 * "Efficiency by compute path"): 16-bit (BF16/FP16, and the FP32/TF32 rates, the reference), FP8 (FP6 runs
 * at the FP8 rate on Blackwell and MI355X), FP4 and INT8.
 */
export const computePathIds = ['bf16', 'fp8', 'fp4', 'int8'] as const;
export type ComputePathId = (typeof computePathIds)[number];

/** The path a dtype's matmuls take. */
export function computePathOf(dtype: keyof DenseTflops): ComputePathId {
  if (dtype === 'fp4') return 'fp4';
  if (dtype === 'fp8' || dtype === 'fp6') return 'fp8';
  if (dtype === 'int8') return 'int8';
  return 'bf16';
}

/**
 * The dtype attention math (QK^T, PV) runs at: the KV cache's precision where the device has that path
 * (FP8 KV: FP8 attention kernels, TensorRT-LLM's FP8 context FMHA and XQA, FlashAttention-3 FP8), the NVFP4
 * cache dequantized to FP8 for the MMA, llama.cpp's q8_0/q4_0 caches and INT8 caches to 16 bits; a device
 * without the path runs it at 16 bits.
 */
export function attentionDtypeFor(kv: KvFormat, peaks: DenseTflops): keyof DenseTflops {
  const own: Record<KvFormat, keyof DenseTflops> = {
    fp32: 'fp32',
    bf16: 'bf16',
    fp16: 'fp16',
    fp8: 'fp8',
    int8: 'bf16',
    nvfp4: 'fp8',
    q8_0: 'fp16',
    q4_0: 'fp16',
  };
  const order: Array<keyof DenseTflops> = [own[kv], 'bf16', 'fp16', 'fp32', 'fp8', 'fp4'];
  return order.find((d) => peaks[d] !== undefined) ?? own[kv];
}

/** The dtype of 16-bit matmuls on a device (LM head and router kept unquantized): BF16, else FP16, else FP32. */
export function sixteenBitDtype(peaks: DenseTflops): keyof DenseTflops {
  const order: Array<keyof DenseTflops> = ['bf16', 'fp16', 'fp32', 'fp8', 'fp4'];
  return order.find((d) => peaks[d] !== undefined) ?? 'bf16';
}
