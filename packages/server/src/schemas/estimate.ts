import {
  inferenceOptionsSchema as coreInferenceOptions,
  trainingOptionsSchema as coreTrainingOptions,
} from '@clearbox/core';
import { z } from '@hono/zod-openapi';

/** The bodies of POST /api/estimate/infer and /train: core's option schemas, shared with the CLI. */
export const inferenceOptionsSchema = z.strictObject(coreInferenceOptions.shape).openapi('InferenceOptions');
export const trainingOptionsSchema = z.strictObject(coreTrainingOptions.shape).openapi('TrainingOptions');

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

/** One point of the serving curve in plain numbers (`curve[]`). */
export const servingCurvePointSchema = z
  .looseObject({
    concurrency: z.number(),
    perUserTokensPerSecond: z.number(),
    outputTokensPerSecondPerDevice: z.number(),
    ttftSeconds: z.number(),
    tpotSeconds: z.number(),
  })
  .openapi('ServingCurvePoint');

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
    curve: z.array(servingCurvePointSchema),
    engineRelease: z
      .looseObject({
        engineClass: z.string(),
        version: z.string().optional(),
        referenceVersion: z.string().optional(),
        reference: z.boolean(),
        paths: z.array(z.unknown()),
      })
      .openapi('EngineRelease', {
        description:
          'the release the step was modelled for and the kernel path (with its prior) per operator',
      }),
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
