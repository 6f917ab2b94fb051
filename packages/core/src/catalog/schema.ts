import { z } from 'zod';

/**
 * Catalog file formats (version 1). Every fact group carries a `source` with a date; where sources
 * disagree, the group keeps `alternatives` (each with its own source) and `choice` says why the
 * default was picked.
 */

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}(-\d{2})?$/, 'expected a date as YYYY-MM or YYYY-MM-DD')
  .describe('ISO date (YYYY-MM or YYYY-MM-DD)');

/** YAML turns unquoted dates into Date objects; accept both and keep the string form. */
const dateField = z.preprocess((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v), isoDate);

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

const computeFields = { denseTflops: denseTflopsSchema };
const memoryFields = {
  capacityGB: positive,
  bandwidthGBs: positive,
  type: z.string().optional(),
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
};
const powerFields = { tdpWatts: positive };

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

export const deviceSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'expected a lower-case id like h100-sxm'),
  name: z.string(),
  vendor: z.string(),
  class: hardwareClassSchema,
  aliases: z.array(z.string()).optional(),
  released: dateField.optional(),
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
});

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
  contextLength: z.number().int().positive(),
});

export const modelSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'expected a lower-case id like llama-3.1-8b'),
  name: z.string(),
  family: z.string(),
  aliases: z.array(z.string()).optional(),
  released: dateField.optional(),
  architecture: architectureSchema,
  /** Where the architecture numbers come from (usually the published config.json). */
  source: sourceSchema,
  /** Published parameter counts, to test the computed ones against. */
  published: z
    .strictObject({
      totalParams: positive,
      activeParams: positive.optional(),
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
