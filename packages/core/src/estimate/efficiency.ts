import type { EngineClassId } from '../catalog/engine-schema.ts';
import type { HardwareClass } from '../catalog/schema.ts';
import type { Source } from '../figure/source.ts';
import { type ComputePathId, computePathIds } from './precision.ts';

/** Fractions of the dense peak (compute) and of the memory bandwidth (memory) an engine reaches. */
export interface Efficiency {
  compute: number;
  memory: number;
}

export interface EfficiencyEntry extends Efficiency {
  engine: EngineClassId;
  /**
   * Fitted multiplier on the engine class's device fixed costs (per kernel, per layer, per collective);
   * absent: 1 (the class's data as written).
   */
  fixedCostScale?: number;
  /**
   * Software maturity: the fitted slope (per year, natural log) by which the fixed costs of a release older
   * than the class's reference grow, exp(fixedCostPerYear × age): one value fitted across every class.
   * Absent: no slope was fitted (a per-class fit for reference releases only, `fitEfficiencies`), and
   * every release runs the reference's fixed costs.
   */
  fixedCostPerYear?: number;
  /**
   * Fitted multiplier, on top of fixedCostScale, on the fixed costs of the operators only MoE and MLA layers
   * run (router, routed and shared experts, MLA projections and latent attention, expert collectives'
   * latency): inference-kernel.ts `moeMlaFixedCostScale`. Absent: 1 (the prior: they cost what dense ones do).
   */
  moeMlaFixedCostScale?: number;
  /**
   * The MoE/MLA operators' own maturity: ln growth per year of a release's age, on top of fixedCostPerYear
   * (exp(moeMlaFixedCostPerYear × age) on moeMlaFixedCostScale): one value fitted across every class. Absent
   * as fixedCostPerYear is, and then 0.
   */
  moeMlaFixedCostPerYear?: number;
  /**
   * Fitted share of the attention peak that prefill attention (QKᵀ and PV over the prompt's tokens) reaches:
   * the FlashAttention-class kernel's own efficiency, apart from the GEMMs' `compute`. Fitted only where
   * long-prompt points identify it; absent: the class's prior (`prefillAttentionPriors`).
   */
  prefillAttention?: number;
  /** Fitted host time per layer of a prefill or mixed step (eager launch); absent: the class's prior. */
  prefillHostLayerSeconds?: number;
  /**
   * Fitted factors per compute path on the class efficiencies (docs/methodology.md "Efficiency by compute
   * path"); a path absent here takes its prior (`pathFactorPriors`).
   */
  paths?: Partial<Record<ComputePathId, PathFactor>>;
  /** Absent for engine-wide values that apply to every hardware class. */
  hardwareClass?: HardwareClass;
  /** How the values were obtained: a literature prior, or a fit over named calibration points. */
  origin: 'prior' | 'fitted';
  points: string[];
  sources: Source[];
  note: string;
}

const mbuSource: Source = {
  title: 'Databricks, "LLM Inference Performance Engineering: Best Practices" (model bandwidth utilization)',
  url: 'https://www.databricks.com/blog/llm-inference-performance-engineering-best-practices',
  date: '2023-10',
};
const llmAnalysisSource: Source = {
  title: 'cli99/llm-analysis README: flops and memory efficiency defaults',
  url: 'https://github.com/cli99/llm-analysis',
  date: '2024-11',
};
const llmfitSource: Source = {
  title: 'AlexsJones/llmfit: llama.cpp-class bandwidth efficiency default 0.55',
  url: 'https://github.com/AlexsJones/llmfit',
  date: '2025-06',
};

const bentomlSource: Source = {
  title:
    'BentoML, "Benchmarking LLM Inference Backends" (vLLM, LMDeploy, TensorRT-LLM, TGI on A100: decode tokens/s)',
  url: 'https://www.bentoml.com/blog/benchmarking-llm-inference-backends',
  date: '2024-06',
  note: 'TensorRT-LLM and LMDeploy decode faster than vLLM at high concurrency on the same GPU',
};
const semianalysisMi300x: Source = {
  title:
    'SemiAnalysis, "MI300X vs H100 vs H200 Benchmark Part 1: Training" (achieved BF16 GEMM TFLOP/s vs spec)',
  url: 'https://semianalysis.com/2024/12/22/mi300x-vs-h100-vs-h200-benchmark-part-1-training/',
  date: '2024-12',
  note: 'MI300X reaches a smaller share of its spec-sheet peak than H100/H200 under the public ROCm stack',
};
const rocmServing: Source = {
  title:
    'Clearbox issue 14: MI300X/MI325X serve DeepSeek-R1 at ~0.67× H200 under the same harness and engine version',
  date: '2026-12-04',
  note: 'with 1.1× the bandwidth and 1.3× the dense peak of H200: ~0.6× the efficiency of the CUDA stack',
};
const gaudiMlperf: Source = {
  title: 'MLPerf Inference v4.0, Intel Gaudi 2 Llama-2-70B Offline vs NVIDIA H100 (closed division)',
  url: 'https://mlcommons.org/benchmarks/inference-datacenter/',
  date: '2024-03',
  note: 'Gaudi 2 at ~1/3 of H100 throughput with ~0.44× its dense peak: ~0.75× the CUDA compute efficiency',
};
const appleLlamacpp: Source = {
  title: 'llama.cpp discussion #4167: Apple silicon llama-bench (7B Q4_0 tg128 vs memory bandwidth)',
  url: 'https://github.com/ggml-org/llama.cpp/discussions/4167',
  date: '2024-11',
  note: 'token generation reaches ~40-55% of the quoted unified-memory bandwidth',
};
const h200Own: Source = {
  title: 'Clearbox H200 measurements (shared reference h200-measurements.md)',
  date: '2026-12-04',
  note: 'GEMMs by shape: t = 9.5 µs + max(FLOPs / (0.70 · peak), bytes / (0.83 · bandwidth)) fits all 30 BF16 shapes × M ∈ {1, 16, 64, 256, 1024, 8192} within ~7% rms',
};
const assumptionSource = (note: string): Source => ({
  title: 'assumption, refitted where points exist',
  date: '2026-12-04',
  note,
});

function prior(
  engine: EngineClassId,
  compute: number,
  memory: number,
  sources: Source[],
  note: string,
): EfficiencyEntry {
  return { engine, compute, memory, origin: 'prior', points: [], sources, note };
}

/**
 * Literature priors per engine class. The calibration fit starts from these and keeps them where the
 * measurements cannot tell (e.g. compute efficiency from memory-bound decode points alone).
 */
export const efficiencyPriors: Record<EngineClassId, EfficiencyEntry> = {
  trtllm: prior(
    'trtllm',
    0.6,
    0.8,
    [mbuSource, llmAnalysisSource],
    'TensorRT-LLM: ~80% MBU, 50-70% of dense peak on large GEMMs',
  ),
  sglang: prior(
    'sglang',
    0.55,
    0.75,
    [mbuSource, bentomlSource],
    'SGLang on CUDA: close to TensorRT-LLM, slightly below on dense models',
  ),
  vllm: prior(
    'vllm',
    0.5,
    0.7,
    [mbuSource, bentomlSource],
    'vLLM on CUDA: below TensorRT-LLM at high concurrency',
  ),
  'vllm-rocm': prior(
    'vllm-rocm',
    0.4,
    0.5,
    [semianalysisMi300x, rocmServing],
    'vLLM on ROCm: ~0.6-0.7× the efficiency of the CUDA stacks on the same workload',
  ),
  'sglang-rocm': prior(
    'sglang-rocm',
    0.4,
    0.5,
    [semianalysisMi300x, rocmServing],
    'SGLang on ROCm: ~0.6-0.7× the efficiency of the CUDA stacks on the same workload',
  ),
  gaudi: prior(
    'gaudi',
    0.45,
    0.6,
    [gaudiMlperf],
    'vLLM / Optimum Habana on Gaudi: ~0.75× the CUDA compute efficiency (MLPerf Llama-2-70B)',
  ),
  'llamacpp-cuda': prior(
    'llamacpp-cuda',
    0.35,
    0.55,
    [llmfitSource],
    'llama.cpp on CUDA/HIP: quantized kernels, 55% of bandwidth; compute prior is an assumption',
  ),
  'llamacpp-metal': prior(
    'llamacpp-metal',
    0.35,
    0.5,
    [appleLlamacpp],
    'llama.cpp on Metal: ~40-55% of unified-memory bandwidth in token generation',
  ),
  'llamacpp-cpu': prior(
    'llamacpp-cpu',
    0.2,
    0.6,
    [
      llmfitSource,
      assumptionSource('CPU decode streams weights near DRAM bandwidth; matmuls far from the SIMD peak'),
    ],
    'llama.cpp on CPUs: memory-bound decode near DRAM bandwidth, compute an assumption',
  ),
  mlx: prior(
    'mlx',
    0.35,
    0.55,
    [appleLlamacpp, assumptionSource('MLX assumed on par with llama.cpp Metal on Apple silicon')],
    'Apple MLX: assumed on par with llama.cpp on Metal',
  ),
  'pytorch-eager': prior(
    'pytorch-eager',
    0.7,
    0.83,
    [h200Own, llmAnalysisSource],
    'plain PyTorch/Transformers eager decoding: the same kernels as in CUDA graphs (H200 GEMM fit), with the host issuing each one (engine class hostLayerSeconds)',
  ),
  'pytorch-graph': prior(
    'pytorch-graph',
    0.7,
    0.83,
    [h200Own],
    'PyTorch in CUDA graphs (cuBLAS, SDPA), fitted on the H200 GEMM microbenchmarks: t = 9.5 µs + max(FLOPs / (0.70 · peak), bytes / (0.83 · bandwidth))',
  ),
  tuned: prior(
    'tuned',
    0.6,
    0.8,
    [mbuSource, llmAnalysisSource],
    "a vendor's own compiled serving stack (TPU, LPU, Ascend): ~80% MBU, 50-70% of dense peak (assumed like TensorRT-LLM)",
  ),
};

export interface EfficiencyTable {
  entries: EfficiencyEntry[];
}

/** Most specific entry: (hardware class, engine) fit, then engine-wide fit, then the prior. */
export function efficiencyFor(
  table: EfficiencyTable,
  hardwareClass: HardwareClass,
  engine: EngineClassId,
): EfficiencyEntry {
  return (
    table.entries.find((e) => e.engine === engine && e.hardwareClass === hardwareClass) ??
    table.entries.find((e) => e.engine === engine && e.hardwareClass === undefined) ??
    efficiencyPriors[engine]
  );
}

export const priorTable: EfficiencyTable = { entries: Object.values(efficiencyPriors) };

/**
 * A compute path's efficiency relative to the class efficiencies, which are those of the 16-bit path:
 * `compute` scales the share of the path's own dense peak that large GEMMs reach, `memory` the share of
 * bandwidth at which skinny (decode) GEMMs stream weights stored in that format.
 */
export interface PathFactor {
  compute: number;
  memory: number;
}

export interface PathPrior extends PathFactor {
  sources: Source[];
  note: string;
}

const h200Paths: Source = {
  title:
    'Clearbox H200 measurements (shared reference h200-measurements.md): FP8 torch._scaled_mm vs BF16 torch.matmul',
  date: '2026-12-04',
  note: 'large M (1024, 8192), three shapes: FP8 reaches 1212-1293 of 1979 TFLOP/s (61-65%), BF16 676-757 of 989.5 (68-77%): ratios 0.85-0.94, median 0.905. Skinny GEMMs (M 16, 64): FP8 streams weights at 1560-3605 GB/s against BF16 2199-3955: ratios 0.69-1.07, median 0.83',
};
const vllmSm100Fp8: Source = {
  title: 'vLLM PR #19566 "[Perf] Further tunings for SM100 FP8 CUTLASS kernel" (B200, bench_fp8_gemm.py)',
  url: 'https://github.com/vllm-project/vllm/pull/19566',
  date: '2026-12-05',
  note: 'cross-check of the FP8 prior on Blackwell: batch 16384, torch-bf16 1512.8 TFLOP/s (0.67 of 2250) vs fp8-tensor-w-tensor-a-noquant 2544.7 (0.57 of 4500): ratio 0.84',
};
const aoNvfp4: Source = {
  title:
    'pytorch/ao PR #2427 (benchmarks/float8/bench_matmul.py --recipe nvfp4 on NVIDIA B200; peaks bf16 2.25e15, fp4 9.00e15)',
  url: 'https://github.com/pytorch/ao/pull/2427',
  date: '2026-12-05',
  note: 'square M=K=N, NVFP4 torch._scaled_mm vs BF16: 3072: pct_peak 0.390 vs 0.672 (0.58); 4096: 0.495 vs 0.627 (0.79); 6144: 0.611 vs 0.646 (0.95); 8192: 5.37e15 of 9e15 = 0.597 vs 0.631 (0.95). Prior 0.80 = geometric mean of the four ratios',
};
const flashinferFp4: Source = {
  title:
    'flashinfer issue #1732 "[Perf] FP4 GEMM on B200" (1xB200 SXM, flashinfer 0.3.1 mm_fp4, CUTLASS backend)',
  url: 'https://github.com/flashinfer-ai/flashinfer/issues/1732',
  date: '2026-12-05',
  note: 'M=1, N=K=8192: "achieves 1.78 Tb/s compared to 8 Tb/s theoretical. For fp16 matmul of the same size we could achieve 5-6 Tb/s": 0.30-0.36 of the 16-bit rate',
};
const cutlassFp4Grouped: Source = {
  title:
    'NVIDIA/cutlass issue #2266 "[QST] Memory-bound nvfp4 grouped gemm" (B200, example 75, m=16, 32 groups)',
  url: 'https://github.com/NVIDIA/cutlass/issues/2266',
  date: '2026-12-05',
  note: '"not getting much higher than 3 TB/sec" (near 4 after retiling) where "with mxfp8, memory b/w is much closer to my desired 6 TB/sec": 0.5-0.67 of FP8, 0.42-0.55 of 16-bit with the FP8 memory prior 0.83',
};
const trtllmFp4Decode: Source = {
  title:
    'TensorRT-LLM issue #4412 "Slow Decode speed of FP4 LLM" (RTX 5090, TensorRT-LLM 0.20.0rc2, ModelOpt nvfp4)',
  url: 'https://github.com/NVIDIA/TensorRT-LLM/issues/4412',
  date: '2026-12-05',
  note: '"At prefill stage, FP4 shows faster(almost doubled) inference compared to FP8 / But at decode stage, FP4 is slightly slower than FP8": with 0.56× the bytes, FP4 streams at ≤ 0.56× the FP8 rate, ≤ 0.47 of 16-bit',
};
const trtllmFp4B200: Source = {
  title:
    'TensorRT-LLM issue #5929 "DS-R1 FP4 on B200 vs DS-R1 FP8 on H200" (8 GPUs, v0.21.0rc2, trtllm-serve, batch 1)',
  url: 'https://github.com/NVIDIA/TensorRT-LLM/issues/5929',
  date: '2026-12-05',
  note: 'ITL p50 at TP8, 1600/600 tokens: FP8 on H200 0.01378 s, FP4 on B200 0.00678 s (2.03×); bandwidth 7.7/4.8 TB/s and bytes 0.56× would give 2.85× at equal stream efficiency, so FP4 streams at ≥ 0.71× FP8 (fixed costs in the step make it a lower bound), ≥ 0.59 of 16-bit',
};

/**
 * Priors for the compute-path factors, relative to the 16-bit path (factor 1). The calibration refits them
 * per serving software where its points span more than one path (bounded ×/÷ 3, pulled toward these), so a
 * class fitted on FP8 points alone keeps the FP4 prior: these numbers decide FP4 predictions held out.
 */
export const pathFactorPriors: Record<ComputePathId, PathPrior> = {
  bf16: {
    compute: 1,
    memory: 1,
    sources: [h200Own],
    note: 'the reference: class efficiencies are those of 16-bit GEMMs',
  },
  fp8: {
    compute: 0.9,
    memory: 0.83,
    sources: [h200Paths, vllmSm100Fp8],
    note: 'FP8 GEMMs reach ~0.9× the share of their (2× higher) peak that BF16 GEMMs reach of theirs; skinny FP8 GEMMs stream weights at ~0.83× the BF16 rate (H200, cuBLASLt)',
  },
  fp4: {
    compute: 0.8,
    memory: 0.44,
    sources: [aoNvfp4, flashinferFp4, cutlassFp4Grouped, trtllmFp4Decode, trtllmFp4B200],
    note: "NVFP4 GEMMs reach 0.58-0.95× BF16's share of peak on B200 (lower at moderate sizes, where the 4× faster MMA leaves fixed work exposed); skinny FP4 GEMMs stream weights at 0.30-0.59× the 16-bit rate in the kernels and TensorRT-LLM runs read (prior 0.44: geometric mean of the six estimates 0.30, 0.36, 0.42, 0.55, 0.47, 0.59)",
  },
  int8: {
    compute: 1,
    memory: 1,
    sources: [
      assumptionSource(
        'no INT8-vs-BF16 comparison read; the only INT8-path engine is llama.cpp, whose MMQ kernels llamacpp-kernels.ts models per format: kept at 1, not fitted',
      ),
    ],
    note: 'neutral prior: the class efficiency as fitted',
  },
};

/** The factors an entry gives a path: fitted where the entry has them, else the prior. */
export function pathFactorFor(entry: EfficiencyEntry, path: ComputePathId): PathFactor {
  const fitted = entry.paths?.[path];
  if (fitted) return fitted;
  const prior = pathFactorPriors[path];
  return { compute: prior.compute, memory: prior.memory };
}

/** Every path's factors for an entry (fitted where it has them, else the priors). */
export function pathFactorsOf(entry: EfficiencyEntry): Record<ComputePathId, PathFactor> {
  const out = {} as Record<ComputePathId, PathFactor>;
  for (const p of computePathIds) out[p] = pathFactorFor(entry, p);
  return out;
}

/** A literature prior for one engine class's prefill attention efficiency, with where it comes from. */
export interface PrefillAttentionPrior {
  /** Share of the attention peak (QKᵀ and PV at the KV cache's precision) the prefill kernel reaches. */
  value: number;
  sources: Source[];
  note: string;
}

const flashAttention2: Source = {
  title:
    'Tri Dao, "FlashAttention-2: Faster Attention with Better Parallelism and Work Partitioning" (arXiv 2307.08691), abstract',
  url: 'https://arxiv.org/abs/2307.08691',
  date: '2026-12-05',
  note: 'quoted: "These yield around 2× speedup compared to FlashAttention, reaching 50-73% of the theoretical maximum FLOPs/s on A100" (forward and backward kernels at long sequence lengths; read in the paper\'s stored text)',
};
const flashAttention3: Source = {
  title:
    'Shah, Bikshandi, Zhang, Thakkar, Ramani, Dao, "FlashAttention-3: Fast and Accurate Attention with Asynchrony and Low-precision" (arXiv 2407.08608), abstract',
  url: 'https://arxiv.org/abs/2407.08608',
  date: '2026-12-05',
  note: 'quoted: "FlashAttention-2 achieving only 35% utilization on the H100 GPU" and "FlashAttention-3, achieves speedup on H100 GPUs by 1.5-2.0× with FP16 reaching up to 740 TFLOPs/s (75% utilization), and with FP8 reaching close to 1.2 PFLOPs/s" (read in the paper\'s stored text)',
};
const rocmPagedPrefill: Source = {
  title:
    'sgl-project/sglang PR #36758 "[AMD] Qwen3.5 ASM FMHA chunked-prefill context attention" (description of 2026-08-28; MI355X, 70k-token prompts in 16k-token chunks)',
  url: 'https://github.com/sgl-project/sglang/pull/36758',
  date: '2026-12-05',
  note: 'quoted: "spends most of its prefill attention time in aiter\'s ck_tile paged `mha_batch_prefill`. Measured at production shapes (head_dim 256, fp8 KV, 16k-token chunks), that kernel runs at roughly 15% of the GPU\'s FP8 peak" and "fp8 inputs are only ~1.2x faster than bf16"; the ASM kernel for the no-prefix chunk "runs the same shapes 3.5x faster". In BF16: 0.15 / 1.2 of the FP8 peak = 0.125 of it = 0.25 of the BF16 peak',
};
const rocmChunkedPrefill: Source = {
  title:
    'vllm-project/vllm PR #11146 "[ROCm][AMD] Disable auto enabling chunked prefill on ROCm" (2024-12-12)',
  url: 'https://github.com/vllm-project/vllm/pull/11146',
  date: '2026-12-05',
  note: 'quoted: "On ROCm platform chunked prefill is showing poor performance dueto a suboptimal triton kernel." (qualitative: ROCm prefix attention below the CUDA kernels)',
};

/** CUDA FlashAttention-class kernels (FA2, FA3, FlashInfer, TensorRT-LLM's FMHA): the published range's middle. */
const cudaFlashAttention = (): PrefillAttentionPrior => ({
  value: 0.5,
  sources: [flashAttention2, flashAttention3],
  note: "FlashAttention-2 reaches 0.50-0.73 of the A100 peak and 0.35 of the H100 peak, FlashAttention-3 up to 0.75 of H100 (long non-causal sequences, the kernels' best case); 0.5 ≈ √(0.35 · 0.75), the geometric middle of the Hopper range: causal prompts and chunks over a cached prefix run below the papers' peaks",
});
const rocmFlashAttention = (): PrefillAttentionPrior => ({
  value: 0.25,
  sources: [rocmPagedPrefill, rocmChunkedPrefill],
  note: "ROCm's paged prefill attention (CK tile / Triton): ~0.15 of the FP8 peak at ~1.2× its BF16 speed on MI355X, 0.25 of the BF16 peak; vLLM turned chunked prefill off on ROCm for its slow Triton prefix kernel",
});
/** Classes without a published prefill-attention figure: their GEMM compute prior (the former assumption). */
const asGemms = (engine: EngineClassId): PrefillAttentionPrior => ({
  value: efficiencyPriors[engine].compute,
  sources: [
    assumptionSource('no prefill-attention kernel figure read for this stack: its GEMM compute prior'),
  ],
  note: 'assumed at the class compute prior (attention as efficient as the GEMMs)',
});

/**
 * Literature priors for the prefill attention kernel per engine class, as a share of the attention peak. The
 * calibration refits them per class where long prompts make attention a visible share of a point's time
 * (bounded ×/÷ 3, pulled toward these): elsewhere these numbers decide long-prompt TTFT and throughput.
 */
export const prefillAttentionPriors: Record<EngineClassId, PrefillAttentionPrior> = {
  trtllm: cudaFlashAttention(),
  sglang: cudaFlashAttention(),
  vllm: cudaFlashAttention(),
  'pytorch-eager': cudaFlashAttention(),
  'pytorch-graph': cudaFlashAttention(),
  'vllm-rocm': rocmFlashAttention(),
  'sglang-rocm': rocmFlashAttention(),
  gaudi: asGemms('gaudi'),
  'llamacpp-cuda': asGemms('llamacpp-cuda'),
  'llamacpp-metal': asGemms('llamacpp-metal'),
  'llamacpp-cpu': asGemms('llamacpp-cpu'),
  mlx: asGemms('mlx'),
  tuned: asGemms('tuned'),
};

/** The prefill attention efficiency an entry gives its class: fitted where it has one, else the prior. */
export function prefillAttentionFor(entry: EfficiencyEntry): number {
  return entry.prefillAttention ?? prefillAttentionPriors[entry.engine].value;
}
