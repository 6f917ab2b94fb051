import { z } from 'zod';
import { engineAliases, engineSchema, weightFormatSchema } from './calibration-schema.ts';
import { hardwareClassSchema, sourceSchema } from './schema.ts';

/** The engine values that are classes of their own (`tuned` stays one: the vendor's own compiled stack). */
export const engineClassIdSchema = engineSchema.exclude(['llamacpp', 'pytorch']);

/**
 * Which devices a class is the default stack for, when the user names an alias (`tuned`, `llamacpp`,
 * `pytorch`). A rule matches a device by id, else by vendor and/or hardware class; the most specific
 * matching rule wins (device id, then vendor with class, then vendor, then class).
 */
const defaultRuleSchema = z.strictObject({
  alias: z.enum(engineAliases),
  devices: z.array(z.string()).optional(),
  vendors: z.array(z.string()).optional(),
  classes: z.array(hardwareClassSchema).optional(),
});

const positive = z.number().positive();
const nonNegative = z.number().nonnegative();

export const engineClassSchema = z.strictObject({
  id: engineClassIdSchema,
  name: z.string(),
  /** Vendor software stack the engine runs on. */
  stack: z.enum(['cuda', 'rocm', 'gaudi', 'metal', 'cpu', 'mlx', 'vendor', 'any']),
  defaultFor: z.array(defaultRuleSchema).optional(),
  limits: z.strictObject({
    /** Most sequences the scheduler runs in one batch (vLLM max_num_seqs, TRT-LLM max_batch_size). */
    maxSequences: z.number().int().positive(),
    /** Most tokens in one forward pass (vLLM max_num_batched_tokens, TRT-LLM max_num_tokens): the prefill chunk. */
    maxBatchedTokens: z.number().int().positive(),
    /**
     * Under attention data parallelism each attention rank keeps its own running requests up to
     * maxSequences (TensorRT-LLM's PyTorch executor admits tp_size × max_num_sequences requests): the
     * replica's sequence limit is the rank's times the ranks. The token budget stays the replica's.
     * Absent: the limits are the replica's.
     */
    perAttentionRank: z.boolean().optional(),
  }),
  /** Runtime memory per device outside weights, KV and activations (context, workspaces, graph pools). */
  runtimeOverheadGiB: nonNegative,
  /**
   * How much memory the engine lets its KV cache take, as its default setting says: `free` = that share
   * of what is free after weights, activation workspaces and the runtime (TensorRT-LLM
   * free_gpu_memory_fraction); `total` = weights, activations, runtime and KV together within that share
   * of the device's memory (vLLM gpu_memory_utilization). Absent: all the memory left.
   */
  kvMemory: z
    .strictObject({ basis: z.enum(['free', 'total']), fraction: z.number().gt(0).lte(1) })
    .optional(),
  /**
   * Fixed device time per layer and forward pass (kernel launch gaps, ramp-up and tails of the ~10-30
   * kernels a layer runs, synchronisation), added to the operators' roofline times.
   */
  layerSeconds: nonNegative,
  /**
   * Host time to issue one layer's kernels when the engine launches them from the host each step (eager
   * PyTorch); 0 when the step is captured (CUDA graphs) or compiled. The step takes the longer of the host
   * and the device, since the host runs ahead of the device asynchronously.
   */
  hostLayerSeconds: nonNegative,
  /**
   * Host time per layer to issue a step that carries prompt tokens, for engines whose CUDA graphs cover
   * decode-only steps (prefill and mixed steps launch eagerly from Python); absent: 0. A prior, refitted
   * from the class's points (TTFT and prefill-heavy throughput identify it).
   */
  prefillHostLayerSeconds: nonNegative.optional(),
  /**
   * The serving software a class is a build of (e.g. `sglang` for SGLang on CUDA and on ROCm). Classes of
   * one software share what the fit learns about the engine (how far it sits from its priors); a class
   * without points of its own borrows it from its siblings. Absent: the class is its own software.
   */
  software: z.string().optional(),
  /** Latency of one collective (all-reduce, all-to-all) on top of its bytes over the link. */
  collectiveSeconds: nonNegative,
  /**
   * How routed experts run: `fused` (one fused MoE kernel, grouped GEMMs at full bandwidth), `grouped`
   * (grouped GEMMs plus separate gather/scatter kernels), `loop` (one GEMM per touched expert).
   */
  moeKernel: z.enum(['fused', 'grouped', 'loop']),
  /** MLA decode attention: `fused` (FlashMLA-style, scores stay on chip) or `plain` (scores in memory). */
  mlaKernel: z.enum(['fused', 'plain']),
  /** Per-kernel fixed device cost inside the step (launch gap + ramp/tail), for operators counted by kernel. */
  kernelSeconds: positive,
  sources: z.array(sourceSchema).min(1),
  notes: z.string().optional(),
});

/**
 * The operators whose kernels an engine release chooses: attention (over the KV cache, decode and prefill
 * math), the routed experts' grouped GEMMs, and the blocks' dense GEMMs (projections, dense FFN, shared
 * experts). A kernel path scales its operator's compute rate and weight/KV streaming rate. The tensor-parallel
 * all-reduce is the fourth: its path gives a measured per-collective latency instead (`collectiveSeconds`).
 * `prefill-attention` is the attention of a chunk of a longer prompt, over its cached prefix and itself (vLLM
 * runs a prefix-prefill kernel there, apart from decode's paged attention and a whole prompt's prefill
 * kernel): its factor scales that math and the prefix the chunk reads back, on top of any `attention` path.
 */
export const releaseOperatorSchema = z.enum([
  'attention',
  'experts',
  'blocks',
  'all-reduce',
  'prefill-attention',
]);

/**
 * One kernel an engine runs for an operator, with its efficiency relative to the reference path of that
 * operator (the newest release's kernel: factor 1), read from a published comparison (`sources` quote it).
 * `attention` names the attention kind the kernel serves (MLA latent caches or multi/grouped-query heads);
 * `devices` limits the factor to the devices the comparison was measured on (elsewhere: 1). `weights` limits it
 * to operators whose weights are in one of these formats (a block-scaled FP8 GEMM kernel runs only where the
 * checkpoint is block-scaled; the same release multiplies per-tensor FP8 and BF16 weights with other kernels).
 */
export const kernelPathSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
    operator: releaseOperatorSchema,
    name: z.string(),
    attention: z.enum(['mla', 'mha']).optional(),
    devices: z.array(z.string()).optional(),
    weights: z.array(weightFormatSchema).min(1).optional(),
    /** Rate relative to the reference path: compute (FLOP/s) and memory (bytes/s) of the operator. */
    factor: z.strictObject({ compute: z.number().gt(0).lte(1), memory: z.number().gt(0).lte(1) }),
    /**
     * All-reduce paths only: the small-message latency of one collective as measured for this implementation
     * on the listed devices (seconds, link latency included); it replaces the class's fitted per-collective
     * cost, which describes the reference release's all-reduce.
     */
    collectiveSeconds: z.number().positive().lt(0.01).optional(),
    sources: z.array(sourceSchema).min(1),
    notes: z.string().optional(),
  })
  .refine((p) => (p.operator === 'all-reduce') === (p.collectiveSeconds !== undefined), {
    message:
      'an all-reduce kernel path gives collectiveSeconds (a measured latency), and only an all-reduce path does',
    path: ['collectiveSeconds'],
  })
  .refine((p) => p.weights === undefined || p.operator === 'blocks' || p.operator === 'experts', {
    message:
      'weights limits a GEMM kernel path (operator blocks or experts) to weight formats; other operators have none',
    path: ['weights'],
  });

/**
 * A release's default for chunked prefill where it differs from its engine class's limits: for models whose
 * context exceeds `aboveContext` tokens the release chunks prompts into steps of at most `maxBatchedTokens`
 * (vLLM V0 turned chunked prefill on by default above 32K of max_model_len, with a 512-token budget).
 */
export const releaseChunkedPrefillSchema = z.strictObject({
  aboveContext: z.number().int().positive(),
  maxBatchedTokens: z.number().int().positive(),
  sources: z.array(sourceSchema).min(1),
});

/**
 * A release of an engine class as run in published measurements: its version string as the engine prints
 * it, a date by which it existed (its source's), and the kernel paths it runs for the operators that
 * changed between releases (an operator without one: the reference path). The newest release of a class
 * (by version order) is its reference: the fitted constants describe it.
 */
export const engineReleaseSchema = z.strictObject({
  engine: engineClassIdSchema,
  version: z.string().min(1).max(64),
  date: sourceSchema.shape.date,
  /** Ids of the kernel paths (kernelPaths) the release runs; an operator without one runs its reference path. */
  paths: z.array(z.string()).optional(),
  /** The release's default chunked prefill where it differs from the class's limits. */
  chunkedPrefill: releaseChunkedPrefillSchema.optional(),
  /**
   * The release's default cap on running sequences where it differs from its engine class's limits (vLLM
   * V0's EngineArgs max_num_seqs, 256, where the class carries the newer default).
   */
  maxSequences: z
    .strictObject({ value: z.number().int().positive(), sources: z.array(sourceSchema).min(1) })
    .optional(),
  /**
   * Longest context the release's decode CUDA graphs cover by default (vLLM V0 max_seq_len_to_capture):
   * a decode step holding a longer sequence falls back to eager launch. Absent: decode is always captured.
   */
  decodeGraphMaxContext: z.number().int().positive().optional(),
  /**
   * The runtime the release ran its model on where an engine ships more than one (TensorRT-LLM's compiled
   * TensorRT engines against its PyTorch backend). A release's age is counted against the newest release
   * of the same runtime (estimate/engine-release.ts `ageReference`); absent: the engine's one runtime.
   */
  runtime: z.string().min(1).max(64).optional(),
  sources: z.array(sourceSchema).min(1),
  notes: z.string().optional(),
});

export const engineFileSchema = z.strictObject({
  version: z.literal(1),
  engines: z.array(engineClassSchema).optional(),
  kernelPaths: z.array(kernelPathSchema).optional(),
  releases: z.array(engineReleaseSchema).optional(),
});

export type EngineClassId = z.output<typeof engineClassIdSchema>;
export type EngineClass = z.output<typeof engineClassSchema>;
export type ReleaseOperator = z.output<typeof releaseOperatorSchema>;
export type KernelPath = z.output<typeof kernelPathSchema>;
export type EngineRelease = z.output<typeof engineReleaseSchema>;
