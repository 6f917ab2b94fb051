import { type InferenceOptions, parseOffload, type TrainingOptions } from '@clearbox/core';
import { createRoute, type OpenAPIHono, type z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.ts';
import { problemContent } from '../http/problem.ts';
import {
  inferenceEstimateSchema,
  inferenceOptionsSchema,
  trainingEstimateSchema,
  trainingOptionsSchema,
} from '../schemas/estimate.ts';

/** zod leaves absent keys as `undefined`; core's options are exact optional properties. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function toInferenceOptions(body: z.output<typeof inferenceOptionsSchema>): InferenceOptions {
  const { offload, ...rest } = defined(body);
  const options = rest as InferenceOptions;
  if (offload !== undefined) options.offload = typeof offload === 'string' ? parseOffload(offload) : offload;
  return options;
}

const errors = {
  400: { content: problemContent, description: 'invalid options (every issue with its field)' },
  404: { content: problemContent, description: 'unknown model or hardware id, with the closest ids' },
} as const;

const inferRoute = createRoute({
  method: 'post',
  path: '/api/estimate/infer',
  tags: ['estimate'],
  summary: 'Inference memory fit, latency, throughput and $ per million tokens (clearbox estimate infer)',
  request: { body: { required: true, content: { 'application/json': { schema: inferenceOptionsSchema } } } },
  responses: {
    200: {
      content: { 'application/json': { schema: inferenceEstimateSchema } },
      description: 'the estimate',
    },
    ...errors,
  },
});

const trainRoute = createRoute({
  method: 'post',
  path: '/api/estimate/train',
  tags: ['estimate'],
  summary: 'Training FLOPs, GPU-hours, implied MFU, cost, energy, memory (clearbox estimate train)',
  request: { body: { required: true, content: { 'application/json': { schema: trainingOptionsSchema } } } },
  responses: {
    200: { content: { 'application/json': { schema: trainingEstimateSchema } }, description: 'the estimate' },
    ...errors,
  },
});

export function estimateRoutes(app: OpenAPIHono, deps: AppDeps): void {
  app.openapi(inferRoute, (c) =>
    c.json(deps.estimator.inference(toInferenceOptions(c.req.valid('json'))) as never, 200),
  );
  app.openapi(trainRoute, (c) =>
    c.json(deps.estimator.training(defined(c.req.valid('json')) as TrainingOptions) as never, 200),
  );
}
