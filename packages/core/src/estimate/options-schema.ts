import { z } from 'zod';
import { engineSchema, kvFormatSchema, weightFormatSchema } from '../catalog/calibration-schema.ts';
import {
  fractionOfOne,
  nonNegativeNumber,
  positiveNumber,
  pueNumber,
  rate,
  wholeNumber,
} from '../input/numbers.ts';

/**
 * The options of an estimate as the CLI flags, the HTTP API and the web app all give them: one schema,
 * so `--usd-per-hour -1` and `{"usdPerHour": -1}` are refused with the same words.
 */

const weightFormat = z.enum(weightFormatSchema.options);
const kvFormat = z.enum(kvFormatSchema.options);

/** OffloadSpec as an object, or the CLI's `--offload` text (`none`, `cpu:20`, `stream:nvme`). */
const offload = z.union([
  z.string().meta({ example: 'cpu:20', description: 'none | cpu:LAYERS | stream:host|nvme|ssd|hdd' }),
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('cpu'), layers: wholeNumber(0) }),
  z.object({ kind: z.literal('stream'), from: z.enum(['host', 'nvme', 'ssd', 'hdd']) }),
]);

/** InferenceOptions, the camelCase twin of `clearbox estimate infer`'s flags. */
export const inferenceOptionsSchema = z.strictObject({
  model: z.string().min(1).meta({ example: 'llama-3.1-8b', description: 'catalog model id (--model)' }),
  hardware: z.string().min(1).meta({ example: 'h100-sxm', description: 'catalog hardware id (--hardware)' }),
  count: wholeNumber().optional().meta({ description: 'devices in one replica (--count)' }),
  weights: weightFormat.optional(),
  kv: kvFormat.optional(),
  batch: z.union([wholeNumber(), z.literal('max')]).optional(),
  inputTokens: wholeNumber().optional().meta({ description: 'prompt tokens per request (--input)' }),
  outputTokens: wholeNumber().optional().meta({ description: 'generated tokens per request (--output)' }),
  engine: z.enum(engineSchema.options).optional(),
  offload: offload.optional(),
  host: z.string().min(1).optional(),
  tensorParallel: wholeNumber().optional().meta({ description: '--tp' }),
  expertParallel: wholeNumber().optional().meta({ description: '--ep' }),
  attentionDataParallel: wholeNumber()
    .optional()
    .meta({ example: 8, description: 'attention data-parallel degree (--attention-dp; default --ep)' }),
  usdPerHour: nonNegativeNumber().optional().meta({ description: '--usd-per-hour' }),
  utilization: fractionOfOne().optional(),
  efficiencyCompute: fractionOfOne().optional().meta({ description: '--eff-compute' }),
  efficiencyMemory: fractionOfOne().optional().meta({ description: '--eff-memory' }),
  concurrency: z
    .array(wholeNumber())
    .max(32)
    .optional()
    .meta({
      example: [1, 4, 16, 64],
      description: 'concurrent users of the serving curve (--concurrency); [] = none',
    }),
  mtpAcceptance: rate()
    .optional()
    .meta({ example: 0.85, description: 'multi-token prediction draft acceptance, 0 = off (--mtp)' }),
  engineRelease: z.string().trim().min(1).max(64).optional().meta({
    example: '0.4.3.post2',
    description:
      'engine release as run (--engine-release); default: the newest release the data knows for the engine class',
  }),
  eager: z.boolean().optional().meta({
    description:
      'the engine runs without graph capture, every kernel launched from Python each step (--eager; vLLM --enforce-eager)',
  }),
});

/** TrainingOptions, the camelCase twin of `clearbox estimate train`'s flags. */
export const trainingOptionsSchema = z.strictObject({
  model: z.string().min(1).meta({ example: 'deepseek-v3' }),
  hardware: z.string().min(1).meta({ example: 'h800' }),
  tokens: positiveNumber().optional().meta({ example: 14.8e12 }),
  count: wholeNumber().optional(),
  dtype: z.enum(['bf16', 'fp16', 'fp8']).optional(),
  mfu: fractionOfOne().optional(),
  gpuHours: positiveNumber().optional().meta({ example: 2.788e6 }),
  days: positiveNumber().optional(),
  usdPerGpuHour: nonNegativeNumber().optional(),
  sequenceLength: wholeNumber().optional().meta({ description: '--seq' }),
  tensorParallel: wholeNumber().optional().meta({ description: '--tp' }),
  pipelineParallel: wholeNumber().optional().meta({ description: '--pp' }),
  expertParallel: wholeNumber().optional().meta({ description: '--ep' }),
  zeroStage: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).optional(),
  microBatch: wholeNumber().optional().meta({ description: '--micro-batch' }),
  pue: pueNumber().optional(),
  gridKgCo2PerKwh: nonNegativeNumber().optional(),
});

/** The CLI flag of each option, so a refused value names what the user typed. */
export const inferenceOptionFlags: Record<string, string> = {
  count: '--count',
  batch: '--batch',
  inputTokens: '--input',
  outputTokens: '--output',
  offload: '--offload',
  tensorParallel: '--tp',
  expertParallel: '--ep',
  attentionDataParallel: '--attention-dp',
  usdPerHour: '--usd-per-hour',
  utilization: '--utilization',
  efficiencyCompute: '--eff-compute',
  efficiencyMemory: '--eff-memory',
  concurrency: '--concurrency',
  mtpAcceptance: '--mtp',
  engineRelease: '--engine-release',
};

export const trainingOptionFlags: Record<string, string> = {
  tokens: '--tokens',
  count: '--count',
  mfu: '--mfu',
  gpuHours: '--gpu-hours',
  days: '--days',
  usdPerGpuHour: '--usd-per-gpu-hour',
  sequenceLength: '--seq',
  tensorParallel: '--tp',
  pipelineParallel: '--pp',
  expertParallel: '--ep',
  microBatch: '--micro-batch',
  pue: '--pue',
  gridKgCo2PerKwh: '--grid',
};
