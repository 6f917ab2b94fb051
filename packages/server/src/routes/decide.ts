import { DEFAULT_DECIDE_TOP, decide, decideOptionsSchema, parseWorkload } from '@clearbox/core';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.ts';
import { problemContent } from '../http/problem.ts';
import { documentFile, documentSchema } from '../schemas/document.ts';

const decideRequestSchema = z
  .strictObject({
    workload: documentSchema('workload (version 1, as `clearbox decide WORKLOAD` reads)'),
    // core's schema, shared with the CLI and the web page: the same values are refused in the same words
    ...decideOptionsSchema.shape,
    name: z
      .string()
      .min(1)
      .optional()
      .openapi({ description: 'a file name for error messages (default workload)' }),
  })
  .openapi('DecideRequest');

const decideRoute = createRoute({
  method: 'post',
  path: '/api/decide',
  tags: ['decide'],
  summary:
    'API vs self-hosting for a workload: cheapest plans, frontier, break-even (clearbox decide --json)',
  request: { body: { required: true, content: { 'application/json': { schema: decideRequestSchema } } } },
  responses: {
    200: {
      content: { 'application/json': { schema: z.looseObject({}).openapi('DecideResult') } },
      description: 'the decision',
    },
    400: { content: problemContent, description: 'invalid workload (every issue with file:line and field)' },
  },
});

export function decideRoutes(app: OpenAPIHono, deps: AppDeps): void {
  const { catalog, efficiencies } = deps.estimator;
  app.openapi(decideRoute, (c) => {
    const body = c.req.valid('json');
    const workload = parseWorkload(documentFile(body.name ?? 'workload', body.workload), catalog);
    return c.json(
      decide(catalog, efficiencies, workload, { top: body.top ?? DEFAULT_DECIDE_TOP }) as never,
      200,
    );
  });
}
