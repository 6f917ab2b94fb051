import { z } from 'zod';
import { dateField, sourceSchema } from './schema.ts';

/**
 * Engine classes (vendor stack × engine) the efficiency factors are fitted for, plus three aliases kept
 * from the first round (public contract): `tuned` = the device's default serving stack, `llamacpp` =
 * llama.cpp on the device's backend, `pytorch` = `pytorch-eager`. The catalog's engines data resolves
 * the aliases per device (estimate/engine-class.ts).
 */
export const engineSchema = z.enum([
  'tuned',
  'llamacpp',
  'pytorch',
  'trtllm',
  'sglang',
  'vllm',
  'vllm-rocm',
  'sglang-rocm',
  'gaudi',
  'llamacpp-cuda',
  'llamacpp-metal',
  'llamacpp-cpu',
  'mlx',
  'pytorch-eager',
  'pytorch-graph',
]);

/** The values of `engineSchema` that name no stack of their own but stand for one chosen per device. */
export const engineAliases = ['tuned', 'llamacpp', 'pytorch'] as const;

/**
 * Weight storage formats the estimator understands: floating point, block-scaled FP4/FP6 (NVFP4, OCP MX),
 * group-wise INT4 (AWQ, GPTQ), llama.cpp's GGUF types and block-scaled FP8 (`fp8_block`: DeepSeek-V3's 128×128
 * weight blocks, Qwen3's "-FP8" checkpoints). Bits, scales and where each runs natively:
 * estimate/precision.ts and docs/methodology.md. Public values: extend, never rename.
 */
export const weightFormatSchema = z.enum([
  'fp32',
  'bf16',
  'fp16',
  'fp8',
  'int8',
  'int4',
  'q4_0',
  'q4_k_m',
  'q8_0',
  'nvfp4',
  'mxfp4',
  'fp6',
  'awq',
  'gptq',
  'q2_k',
  'q2_k_s',
  'q3_k_s',
  'q3_k_m',
  'q3_k_l',
  'q4_k_s',
  'q5_k_s',
  'q5_k_m',
  'q6_k',
  'iq1_s',
  'iq1_m',
  'iq2_xxs',
  'iq2_xs',
  'iq2_s',
  'iq2_m',
  'iq3_xxs',
  'iq3_xs',
  'iq3_s',
  'iq3_m',
  'iq4_xs',
  'iq4_nl',
  'fp8_mixed',
  'fp8_block',
]);
/** KV-cache formats: 16/32-bit, FP8/INT8, NVFP4 (TensorRT-LLM on Blackwell) and llama.cpp's q8_0/q4_0 caches. */
export const kvFormatSchema = z.enum(['fp32', 'bf16', 'fp16', 'fp8', 'int8', 'nvfp4', 'q8_0', 'q4_0']);

/**
 * What a published inference measurement measured:
 * - outputTokensPerSecond: aggregate generated tokens/s across all concurrent requests (MLPerf Offline,
 *   trtllm-bench max throughput), at `batch` concurrent sequences ("max" = the largest batch that fits);
 * - decodeTokensPerSecond: tokens/s of one sequence generating (llama-bench tg128, batch 1);
 * - prefillTokensPerSecond: prompt tokens/s processing `inputTokens` (llama-bench pp512);
 * - at a serving concurrency (benchmark_serving-style sweeps; the point also carries `concurrency`):
 *   perUserTokensPerSecond (one request's output tokens/s), outputTokensPerSecondPerDevice (aggregate output
 *   tokens/s over the devices of one replica), tpotSeconds (mean time per output token) and ttftSeconds (mean
 *   time to first token);
 * - totalTokensPerSecond: prompt and generated tokens/s together over the same run as outputTokensPerSecond
 *   (`vllm bench serve`'s "Total Token throughput", which some pages quote without the output figure):
 *   N · (inputTokens + outputTokens) / duration, i.e. output tokens/s × (I + O) / O.
 */
export const inferenceMetricSchema = z.enum([
  'outputTokensPerSecond',
  'decodeTokensPerSecond',
  'prefillTokensPerSecond',
  'perUserTokensPerSecond',
  'outputTokensPerSecondPerDevice',
  'tpotSeconds',
  'ttftSeconds',
  'totalTokensPerSecond',
]);

/**
 * A published inference measurement with its full setup. `family` names the table, round or post it came
 * from: validation holds a whole family out together, because points of one table share their harness.
 */
export const inferencePointSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  model: z.string(),
  hardware: z.string(),
  /** Devices per replica (the tensor/expert-parallel group that serves one batch). */
  count: z.number().int().positive(),
  /** Identical replicas measured together (MLPerf: 8 GPUs as 4 TP2 engines); the measurement is their sum. */
  replicas: z.number().int().positive().optional(),
  engine: engineSchema,
  /**
   * The engine's own version string as run (e.g. "0.4.3.post2", "0.7.3.dev138", "1.0"), quoted from the
   * source. The step model predicts the point with that release's kernel paths (data/engine-releases.yaml);
   * absent where the source gives no version (its notes say so): the class's reference release is assumed.
   */
  engineRelease: z.string().min(1).max(64).optional(),
  /**
   * The day the source published the measurement (YYYY-MM-DD or YYYY-MM): it ran on or before it, so a point
   * that names no `engineRelease` ran a build no newer than the newest release dated by then, not the class's
   * newest (a 2024 post cannot have run a 2026 build). Ignored where `engineRelease` is given.
   */
  publishedOn: dateField.optional(),
  weights: weightFormatSchema,
  kv: kvFormatSchema,
  /** Sequences decoded together; for a point measured at a client concurrency, that concurrency. */
  batch: z.union([z.number().int().positive(), z.literal('max')]),
  /** Requests the benchmark client kept in flight (closed loop), when the point comes from a concurrency sweep. */
  concurrency: z.number().int().positive().optional(),
  /**
   * Requests sent at once in one burst and timed to the last completion, when the point's client did that
   * (vllm bench serve --num-prompts N at its default infinite request rate): the measured throughput is
   * the burst's output over its makespan, predicted by the serving steady state at concurrency N plus the
   * drain of the last running set (serving-curve.ts `burstServing`). In-flight batching is implied; a point
   * with `concurrency` ignores it.
   */
  requests: z.number().int().positive().optional(),
  /**
   * The engine's token budget per step as run, where the command or the engine's own device rule set it
   * (vLLM --max-num-batched-tokens, or its 2,048 default for the API server on an A100; SGLang
   * --chunked-prefill-size); absent: the point's release's or the engine class's budget.
   */
  maxBatchedTokens: z.number().int().positive().optional(),
  /**
   * How the engine batched the measured run when the point carries no `concurrency`: `static` (the whole
   * batch prefilled, then decoded together: Optimum Habana, llama-bench, our own fixed-batch runs; the
   * default) or `continuous` (in-flight batching fed at an unbounded rate, e.g. trtllm-bench throughput and
   * MLPerf Offline: the serving curve at saturation, with `batch`, when a number, as the engine's
   * max-sequences limit). Points with a `concurrency` are always predicted on the serving curve.
   */
  scheduling: z.enum(['static', 'continuous']).optional(),
  /** Expert-parallel degree inside the replica (count = tensor parallel × expert parallel). */
  expertParallel: z.number().int().positive().optional(),
  /**
   * Attention data-parallel degree inside the replica, as run: groups of count / this devices each run
   * attention and the non-expert layers on their own sequences (TensorRT-LLM enable_attention_dp: this =
   * count). Absent: the expert-parallel degree (the estimate's default layout).
   */
  attentionDataParallel: z.number().int().positive().optional(),
  /**
   * The engine ran without graph capture (vLLM `--enforce-eager`): every kernel of every step launched from
   * Python. Absent: as the engine class runs (its decode steps captured where it captures them).
   */
  eager: z.boolean().optional(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  metric: inferenceMetricSchema,
  measured: z.number().positive(),
  source: sourceSchema,
  /** The table / round / post the point belongs to (e.g. mlperf-inference-v5.1-llama2-70b). */
  family: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/)
    .optional(),
  notes: z.string().optional(),
  /**
   * Why the point is kept in the data but left out of every fit and of validation (its recorded setup is
   * known to be wrong or incomplete); `clearbox validate` lists each exclusion with this reason.
   */
  excluded: z.string().min(1).optional(),
});

/** A published training run: how many device-hours a model took on given hardware. */
export const trainingPointSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  model: z.string(),
  hardware: z.string(),
  dtype: z.enum(['bf16', 'fp16', 'fp8']),
  tokens: z.number().positive(),
  gpuHours: z.number().positive().optional(),
  count: z.number().int().positive().optional(),
  /** MFU as published by the authors (their own FLOP counting), when they published one. */
  publishedMfu: z.number().positive().max(1).optional(),
  source: sourceSchema,
  notes: z.string().optional(),
});

export const calibrationFileSchema = z.strictObject({
  version: z.literal(1),
  inference: z.array(inferencePointSchema).optional(),
  training: z.array(trainingPointSchema).optional(),
});

export type Engine = z.output<typeof engineSchema>;
export type EngineAlias = (typeof engineAliases)[number];
export type WeightFormat = z.output<typeof weightFormatSchema>;
export type KvFormat = z.output<typeof kvFormatSchema>;
export type InferenceMetric = z.output<typeof inferenceMetricSchema>;
export type InferencePoint = z.output<typeof inferencePointSchema>;
export type TrainingPoint = z.output<typeof trainingPointSchema>;
