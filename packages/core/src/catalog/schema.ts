import { z } from 'zod';
import { calendarDateSchema } from '../input/dates.ts';

/**
 * Catalog file formats (version 1). Every fact group carries a `source` with a date; where sources
 * disagree, the group keeps `alternatives` (each with its own source) and `choice` says why the
 * default was picked.
 */

const isoDate = calendarDateSchema.describe('ISO date (YYYY-MM or YYYY-MM-DD)');

/** YAML turns unquoted dates into Date objects; accept both and keep the string form. */
export const dateField = z.preprocess((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v), isoDate);

export const sourceSchema = z.strictObject({
  title: z.string().min(1),
  url: z.string().optional(),
  date: dateField,
  note: z.string().optional(),
});

const positive = z.number().positive();
const nonNegative = z.number().nonnegative();

/** Dense tensor peaks per device in TFLOPS (TOPS for int8). Never sparse ("with sparsity") figures. */
export const denseTflopsSchema = z.strictObject({
  fp64: positive.optional(),
  fp32: positive.optional(),
  tf32: positive.optional(),
  bf16: positive.optional(),
  fp16: positive.optional(),
  fp8: positive.optional(),
  int8: positive.optional(),
  fp6: positive.optional(),
  fp4: positive.optional(),
});

/**
 * The largest matmul rate measured on the device with its vendor stack (MAMF, "maximum achievable matmul
 * FLOPS": the best of a sweep of large GEMM shapes), per dtype. Below the dense peak where clocks drop under
 * load or the stack falls short of the datapath; inference prices its matmuls against it where listed.
 */
const achievableSchema = z.strictObject({ tflops: denseTflopsSchema, source: sourceSchema });
/**
 * The compute units a kernel's thread blocks (workgroups) are spread over: NVIDIA streaming multiprocessors,
 * AMD compute units. A kernel whose grid has fewer tiles than this, or a last wave that fills it partly,
 * leaves units idle (inference-kernel.ts prices it for the prefill attention kernel's grid).
 */
const computeUnitsSchema = z.strictObject({ count: z.number().int().positive(), source: sourceSchema });
const computeFields = {
  denseTflops: denseTflopsSchema,
  achievable: achievableSchema.optional(),
  units: computeUnitsSchema.optional(),
};
const memoryFields = {
  capacityGB: positive,
  bandwidthGBs: positive,
  type: z.string().optional(),
  /**
   * Total memory the driver reports (nvidia-smi memory.total), which serving engines divide between
   * weights, activations and KV cache: a vendor's "80 GB" of HBM is binary (80 GiB, less a few hundred MiB
   * the driver keeps), and GDDR with ECC on gives up 1/16 of it. Absent: capacityGB decimal gigabytes.
   */
  reported: z.strictObject({ totalMiB: positive, source: sourceSchema }).optional(),
};
const linkFields = {
  /** Vendor's aggregate (bidirectional) scale-up bandwidth per device, e.g. NVLink 900 GB/s. */
  scaleUpGBs: positive.optional(),
  /** Scale-out network bandwidth per device, one direction (400 Gb/s InfiniBand = 50 GB/s). */
  scaleOutGBs: positive.optional(),
  /** Host link per device, one direction (PCIe 4.0 x16 ≈ 32 GB/s, 5.0 x16 ≈ 64 GB/s). */
  hostLinkGBs: positive.optional(),
  /** Largest group of devices joined by the scale-up fabric. */
  scaleUpDomain: z.number().int().positive().optional(),
  /**
   * How the scale-up ports join the domain: `switched` (a switch gives every device its whole scale-up
   * bandwidth towards any peer: NVLink with NVSwitch) or `mesh` (each device wires an equal share of its
   * ports straight to each of the domain's other devices, so a collective among g of them crosses only
   * (g − 1) of the domain − 1 shares: Gaudi's all-to-all RoCE). Absent: switched.
   */
  scaleUpTopology: z.enum(['switched', 'mesh']).optional(),
};
/**
 * What a power figure covers. `chip`: the device's rated TDP/TBP. `system`: a whole machine that holds
 * one device (a Mac Studio's wall power). `system-share`: a multi-device system's power divided by its
 * chips (hosts, optics, switches included: Ascend 910C in CloudMatrix 384), never a chip figure.
 */
export const powerScopeSchema = z.enum(['chip', 'system', 'system-share']);
const powerFields = {
  tdpWatts: positive,
  scope: powerScopeSchema.default('chip'),
  /** No vendor figure exists and the number is derived (TPU v5e/v5p/v6e): every ratio it feeds says so. */
  estimated: z.boolean().optional(),
};

function sourced<T extends z.ZodRawShape>(fields: T) {
  const alternative = z.strictObject({
    ...z.strictObject(fields).partial().shape,
    source: sourceSchema,
    note: z.string().optional(),
  });
  return z.strictObject({
    ...fields,
    source: sourceSchema,
    alternatives: z.array(alternative).optional(),
    choice: z.string().optional().describe('why the default was picked over the alternatives'),
  });
}

export const priceRangeSchema = z
  .strictObject({
    low: nonNegative,
    high: nonNegative,
    date: dateField,
    source: sourceSchema,
    note: z.string().optional(),
  })
  .refine((p) => p.low <= p.high, { message: 'low must not exceed high' });

export const hardwareClassSchema = z.enum([
  'datacenter-gpu',
  'consumer-gpu',
  'accelerator',
  'tpu',
  'lpu',
  'apple-silicon',
  'cpu',
  'sbc',
]);

/** When a device could be bought (export rules end some lines: the H800 sold March to October 2023). */
export const availabilitySchema = z.strictObject({
  from: dateField,
  until: dateField.optional(),
  source: sourceSchema,
  note: z.string().optional(),
});

/** The date an entry's facts were last compared with its sources (freshness: `clearbox catalog --stale`). */
const checkedField = dateField.describe('date the entry was last checked against its sources');

export const deviceSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'expected a lower-case id like h100-sxm'),
  name: z.string(),
  vendor: z.string(),
  class: hardwareClassSchema,
  aliases: z.array(z.string()).optional(),
  released: dateField.optional(),
  availability: availabilitySchema.optional(),
  checked: checkedField.optional(),
  compute: sourced(computeFields),
  memory: sourced(memoryFields),
  links: sourced(linkFields).optional(),
  power: sourced(powerFields),
  prices: z
    .strictObject({
      purchaseUsd: priceRangeSchema.optional(),
      rentalUsdPerHour: priceRangeSchema.optional(),
    })
    .optional(),
  notes: z.string().optional(),
});

/** Storage and link tiers that hold offloaded weights (PCIe, NVMe, SATA SSD, HDD, host DRAM). */
export const linkTierSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/),
  name: z.string(),
  kind: z.enum(['link', 'storage']),
  /** Sustained sequential read bandwidth, one direction. */
  bandwidthGBs: positive,
  latencyMicroseconds: nonNegative.optional(),
  checked: dateField.optional(),
  source: sourceSchema,
  notes: z.string().optional(),
});

export const hardwareFileSchema = z.strictObject({
  version: z.literal(1),
  devices: z.array(deviceSchema).optional(),
  tiers: z.array(linkTierSchema).optional(),
});

export const attentionSchema = z.strictObject({
  type: z.enum(['mha', 'gqa', 'mqa', 'mla']),
  heads: z.number().int().positive(),
  kvHeads: z.number().int().positive(),
  headDim: z.number().int().positive(),
  qkvBias: z.boolean().optional(),
  /** Sliding-window size in tokens for the layers that use it (Mistral, Gemma). */
  slidingWindow: z.number().int().positive().optional(),
  /** How many layers use the sliding window (default: all, when slidingWindow is set). */
  slidingWindowLayers: z.number().int().nonnegative().optional(),
  /** MLA (DeepSeek-V2/V3): compressed KV rank d_c, query rank d_c' (absent = no query compression). */
  kvLoraRank: z.number().int().positive().optional(),
  qLoraRank: z.number().int().positive().optional(),
  ropeHeadDim: z.number().int().positive().optional(),
  nopeHeadDim: z.number().int().positive().optional(),
  vHeadDim: z.number().int().positive().optional(),
  /** RMSNorm on each head's query and key (Qwen3, Gemma 3): 2 · d_h weights per layer. */
  qkNorm: z.boolean().optional(),
  /** Learned per-head sink logits that soak up attention mass (gpt-oss): one weight per head per layer. */
  sinks: z.boolean().optional(),
  /** Full-attention queries pass through a sigmoid output gate (Qwen3-Next): q_proj is twice as wide. */
  outputGate: z.boolean().optional(),
  /**
   * DeepSeek Sparse Attention (V3.2): a small indexer scores every earlier token (its own per-token key
   * cache), and the main attention reads only the top-k tokens.
   */
  sparse: z
    .strictObject({
      indexerHeads: z.number().int().positive(),
      indexerHeadDim: z.number().int().positive(),
      topK: z.number().int().positive(),
    })
    .optional(),
});

/**
 * Linear-attention layers of a hybrid (Qwen3-Next's Gated DeltaNet): a fixed-size recurrent state per
 * sequence instead of a KV entry per token. `layers` of the model's layers are linear; the rest attend.
 */
export const linearAttentionSchema = z.strictObject({
  type: z.enum(['gated-deltanet']),
  layers: z.number().int().positive(),
  keyHeads: z.number().int().positive(),
  valueHeads: z.number().int().positive(),
  keyHeadDim: z.number().int().positive(),
  valueHeadDim: z.number().int().positive(),
  /** Short causal convolution over q, k and v (its last kernel-1 inputs are state too). */
  convKernel: z.number().int().positive(),
});

/** Weight formats a checkpoint can ship in natively. */
export const checkpointWeightFormatSchema = z.enum([
  'bf16',
  'fp16',
  'fp8',
  'mxfp4',
  'nvfp4',
  'int4',
  // Block-scaled FP8 (DeepSeek-V3's quantization_config: weight_block_size [128, 128]).
  'fp8_block',
]);

export const ffnSchema = z.strictObject({
  /** gated = SwiGLU/GeGLU (3 matrices); plain = GELU MLP (2 matrices, GPT-3, BLOOM). */
  type: z.enum(['gated', 'plain']),
  intermediateSize: z.number().int().positive(),
  bias: z.boolean().optional(),
});

export const moeSchema = z.strictObject({
  routedExperts: z.number().int().positive(),
  activeExperts: z.number().int().positive(),
  sharedExperts: z.number().int().nonnegative(),
  expertIntermediateSize: z.number().int().positive(),
  /** Shared experts' FFN size when it differs from a routed expert's (Qwen2-MoE). */
  sharedIntermediateSize: z.number().int().positive().optional(),
  /** A sigmoid gate (d → 1) scales the shared expert's output (Qwen2-MoE, Qwen3-Next). */
  sharedExpertGate: z.boolean().optional(),
  /** The first k layers are dense (DeepSeek-V3: 3). */
  firstDenseLayers: z.number().int().nonnegative().default(0),
  /** Every n-th layer (after the dense ones) is MoE; others dense (Llama 4 Maverick: 2). */
  moeLayerStep: z.number().int().positive().default(1),
});

export const architectureSchema = z.strictObject({
  layers: z.number().int().positive(),
  hiddenSize: z.number().int().positive(),
  vocabSize: z.number().int().positive(),
  tiedEmbeddings: z.boolean(),
  /** Learned absolute position embeddings (GPT-3, OPT): positions x hidden parameters. */
  positionEmbeddings: z.number().int().nonnegative().optional(),
  attention: attentionSchema,
  ffn: ffnSchema,
  moe: moeSchema.optional(),
  linearAttention: linearAttentionSchema.optional(),
  contextLength: z.number().int().positive(),
});

export const modelSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'expected a lower-case id like llama-3.1-8b'),
  name: z.string(),
  family: z.string(),
  aliases: z.array(z.string()).optional(),
  released: dateField.optional(),
  checked: checkedField.optional(),
  /** Open-weight licence as published (Apache-2.0, MIT, a custom licence name). */
  license: z.string().optional(),
  architecture: architectureSchema,
  /**
   * The format the released checkpoint stores its weights in, when not 16-bit (gpt-oss: MXFP4 experts;
   * DeepSeek-V3: FP8 block-scaled). `appliesTo: experts` leaves attention and embeddings in 16 bits.
   */
  nativeWeights: z
    .strictObject({
      format: checkpointWeightFormatSchema,
      appliesTo: z.enum(['all', 'experts']),
      source: sourceSchema,
    })
    .optional(),
  /** Where the architecture numbers come from (usually the published config.json). */
  source: sourceSchema,
  /** Published parameter counts, to test the computed ones against. */
  published: z
    .strictObject({
      totalParams: positive,
      activeParams: positive.optional(),
      /**
       * What the published active count leaves out: the input embedding table (a token reads one row,
       * no matmul; DeepSeek's and OpenAI's convention), or both it and the output head (Zhipu's GLM).
       * Absent: nothing left out (Meta, Mistral, Qwen).
       */
      activeExcludes: z.enum(['input-embedding', 'embeddings']).optional(),
      source: sourceSchema,
    })
    .optional(),
  training: z
    .strictObject({
      tokens: positive,
      sequenceLength: z.number().int().positive().optional(),
      source: sourceSchema,
    })
    .optional(),
  notes: z.string().optional(),
});

export const modelFileSchema = z.strictObject({
  version: z.literal(1),
  models: z.array(modelSchema),
});

export type SourceInput = z.input<typeof sourceSchema>;
export type Device = z.output<typeof deviceSchema>;
export type LinkTier = z.output<typeof linkTierSchema>;
export type Model = z.output<typeof modelSchema>;
export type Architecture = z.output<typeof architectureSchema>;
export type HardwareClass = z.output<typeof hardwareClassSchema>;
export type DenseTflops = z.output<typeof denseTflopsSchema>;
export type PowerScope = z.output<typeof powerScopeSchema>;
export type CheckpointWeightFormat = z.output<typeof checkpointWeightFormatSchema>;
