import { calendarDateSchema, InputError, watchSignals } from '@clearbox/core';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { problemContent } from '../http/problem.ts';
import { documentFile, documentSchema } from '../schemas/document.ts';

const watchRequestSchema = z
  .strictObject({
    signals: documentSchema('signals file (format version 1, as `clearbox watch FILE` reads)'),
    since: calendarDateSchema.optional().openapi({
      description: 'alert on any firing on or after this date (--since; default: only the latest period)',
    }),
    name: z
      .string()
      .min(1)
      .optional()
      .openapi({ description: 'a file name for error messages and the report (default signals)' }),
  })
  .openapi('WatchRequest');

const watchRoute = createRoute({
  method: 'post',
  path: '/api/watch',
  tags: ['watch'],
  summary: 'Evaluate threshold rules over data series: every firing and the alerts (clearbox watch --json)',
  description:
    'Series must be given inline as `points`: a server reads no CSV files named by a request. An alert is not an error: the answer is 200 with `alerts` counted, where the CLI exits 1.',
  request: { body: { required: true, content: { 'application/json': { schema: watchRequestSchema } } } },
  responses: {
    200: {
      content: {
        'application/json': {
          schema: z
            .looseObject({
              file: z.string(),
              since: z.string().optional(),
              results: z.array(
                z.looseObject({
                  signal: z.string(),
                  rule: z.string(),
                  firings: z.array(z.looseObject({ date: z.string(), value: z.number() })),
                  alert: z.boolean(),
                }),
              ),
              alerts: z.number(),
            })
            .openapi('WatchReport'),
        },
      },
      description: 'each rule, its firings and whether it alerts',
    },
    400: { content: problemContent, description: 'invalid signals (every issue with file:line and field)' },
  },
});

export function watchRoutes(app: OpenAPIHono): void {
  app.openapi(watchRoute, (c) => {
    const body = c.req.valid('json');
    const file = documentFile(body.name ?? 'signals', body.signals);
    const report = watchSignals(
      file,
      (path) => {
        throw new InputError(
          `a request cannot name a CSV file ("${path}"): give the series inline as points`,
          `${file.path} series.csv`,
        );
      },
      body.since,
    );
    return c.json(report as never, 200);
  });
}
