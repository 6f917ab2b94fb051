import { engineSchema, kvFormatSchema, weightFormatSchema } from '@clearbox/core';
import { z } from '@hono/zod-openapi';

const positiveInt = z.number().int().positive();
const fraction = z.number().positive().max(1);
const weightFormat = z.enum(weightFormatSchema.options);
const kvFormat = z.enum(kvFormatSchema.options);

/** OffloadSpec as an object, or the CLI's `--offload` text (`none`, `cpu:20`, `stream:nvme`). */
const offload = z.union([
  z.string().openapi({ example: 'cpu:20', description: 'none | cpu:LAYERS | stream:host|nvme|ssd|hdd' }),
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('cpu'), layers: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('stream'), from: z.enum(['host', 'nvme', 'ssd', 'hdd']) }),
]);

/** The body of POST /api/estimate/infer: InferenceOptions, the camelCase twin of the CLI flags. */
export const inferenceOptionsSchema = z
  .strictObject({
    model: z.string().min(1).openapi({ example: 'llama-3.1-8b', description: 'catalog model id (--model)' }),
    hardware: z
      .string()
      .min(1)
      .openapi({ example: 'h100-sxm', description: 'catalog hardware id (--hardware)' }),
    count: positiveInt.optional().openapi({ description: 'devices in one replica (--count)' }),
    weights: weightFormat.optional(),
    kv: kvFormat.optional(),
    batch: z.union([positiveInt, z.literal('max')]).optional(),
    inputTokens: positiveInt.optional().openapi({ description: 'prompt tokens per request (--input)' }),
    outputTokens: positiveInt.optional().openapi({ description: 'generated tokens per request (--output)' }),
    engine: z.enum(engineSchema.options).optional(),
    offload: offload.optional(),
    host: z.string().min(1).optional(),
    tensorParallel: positiveInt.optional().openapi({ description: '--tp' }),
    expertParallel: positiveInt.optional().openapi({ description: '--ep' }),
    usdPerHour: z.number().nonnegative().optional(),
    utilization: fraction.optional(),
    efficiencyCompute: fraction.optional().openapi({ description: '--eff-compute' }),
    efficiencyMemory: fraction.optional().openapi({ description: '--eff-memory' }),
  })
  .openapi('InferenceOptions');

/** The body of POST /api/estimate/train: TrainingOptions, the camelCase twin of the CLI flags. */
export const trainingOptionsSchema = z
  .strictObject({
    model: z.string().min(1).openapi({ example: 'deepseek-v3' }),
    hardware: z.string().min(1).openapi({ example: 'h800' }),
    tokens: z.number().positive().optional().openapi({ example: 14.8e12 }),
    count: positiveInt.optional(),
    dtype: z.enum(['bf16', 'fp16', 'fp8']).optional(),
    mfu: fraction.optional(),
    gpuHours: z.number().positive().optional().openapi({ example: 2.788e6 }),
    days: z.number().positive().optional(),
    usdPerGpuHour: z.number().nonnegative().optional(),
    sequenceLength: positiveInt.optional().openapi({ description: '--seq' }),
    tensorParallel: positiveInt.optional().openapi({ description: '--tp' }),
    pipelineParallel: positiveInt.optional().openapi({ description: '--pp' }),
    expertParallel: positiveInt.optional().openapi({ description: '--ep' }),
    zeroStage: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).optional(),
    microBatch: positiveInt.optional(),
    pue: z.number().min(1).optional(),
    gridKgCo2PerKwh: z.number().nonnegative().optional(),
  })
  .openapi('TrainingOptions');

const source = z
  .object({ title: z.string(), url: z.string().optional(), date: z.string(), note: z.string().optional() })
  .openapi('Source');

/** A number with its derivation; `inputs` holds Figures or named values (kept open in the schema). */
export const figureSchema = z
  .looseObject({
    name: z.string(),
    value: z.number(),
    unit: z.string(),
    low: z.number().optional(),
    high: z.number().optional(),
    formula: z.string(),
    inputs: z.array(z.unknown()),
    sources: z.array(source),
    note: z.string().optional(),
  })
  .openapi('Figure');

export const inferenceEstimateSchema = z
  .looseObject({
    model: z.string(),
    hardware: z.string(),
    count: z.number(),
    fits: z.boolean(),
    batch: figureSchema,
    ttftSeconds: figureSchema,
    tpotSeconds: figureSchema,
    usdPerMillionOutputTokens: figureSchema,
    warnings: z.array(z.string()),
  })
  .openapi('InferenceEstimate', { description: 'the same JSON as `clearbox estimate infer --json`' });

export const trainingEstimateSchema = z
  .looseObject({
    model: z.string(),
    hardware: z.string(),
    flops: figureSchema,
    gpuHours: figureSchema,
    mfu: figureSchema,
    costUsd: figureSchema,
    warnings: z.array(z.string()),
  })
  .openapi('TrainingEstimate', { description: 'the same JSON as `clearbox estimate train --json`' });
