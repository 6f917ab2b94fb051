import {
  overlapOptionsSchema as coreOverlapOptions,
  defaultOverlapOptions,
  type OverlapOptions,
} from '@clearbox/core';
import { investigateOverlapTexts } from '@clearbox/store';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { problemContent } from '../http/problem.ts';

const corpusSchema = (role: string) =>
  z
    .string()
    .min(1)
    .openapi({ description: `the ${role} corpus as JSONL text: one {"promptId", "text"} per line` });

/** The CLI's flags by their option names; core's schema, shared with the CLI. */
const overlapOptionsSchema = z.strictObject(coreOverlapOptions.shape).openapi('OverlapOptions');

const overlapRequestSchema = z
  .strictObject({
    teacher: corpusSchema('teacher'),
    suspect: corpusSchema('suspect (same prompts)'),
    baselines: z.array(corpusSchema('baseline')).openapi({
      description: 'baseline models answering the same prompts; at least one (two or more recommended)',
    }),
    reference: corpusSchema('public reference').optional(),
    options: overlapOptionsSchema.optional(),
  })
  .openapi('OverlapRequest');

const overlapRoute = createRoute({
  method: 'post',
  path: '/api/investigate/overlap',
  tags: ['investigate'],
  summary:
    "Does a suspect model's output copy a teacher's more than baselines do? O1-O5 with Holm (clearbox investigate overlap --json)",
  description:
    'Inputs are named teacher.jsonl, suspect.jsonl, baseline-N.jsonl and reference.jsonl in the report and its errors; their SHA-256 is of the text sent. A significant test is not an error: the answer is 200, where the CLI exits 1.',
  request: { body: { required: true, content: { 'application/json': { schema: overlapRequestSchema } } } },
  responses: {
    200: {
      content: {
        'application/json': {
          schema: z
            .looseObject({
              kind: z.literal('clearbox.investigate.overlap'),
              tests: z.array(
                z.looseObject({
                  id: z.string(),
                  statistic: z.number(),
                  p: z.number(),
                  pHolm: z.number().nullable(),
                }),
              ),
              statement: z.string(),
            })
            .openapi('OverlapReport'),
        },
      },
      description: 'the overlap tests, provenance and the caveat statement',
    },
    400: {
      content: problemContent,
      description: 'no baseline, or bad JSONL lines (every bad line with its file:line)',
    },
  },
});

export function investigateRoutes(app: OpenAPIHono): void {
  app.openapi(overlapRoute, (c) => {
    const body = c.req.valid('json');
    const given = body.options ?? {};
    const options: OverlapOptions = {
      ...defaultOverlapOptions,
      ...(given.spanWords === undefined ? {} : { spanWords: given.spanWords }),
      ...(given.containmentSizes === undefined ? {} : { containmentSizes: given.containmentSizes }),
      ...(given.phraseWords === undefined ? {} : { phraseWords: given.phraseWords }),
      ...(given.phraseMinPrompts === undefined ? {} : { phraseMinPrompts: given.phraseMinPrompts }),
      ...(given.seed === undefined ? {} : { seed: given.seed }),
      teacherNames: given.teacherNames ?? [],
      ...(given.alpha === undefined ? {} : { alpha: given.alpha }),
      // The CLI keeps the key as an unsigned 32-bit integer.
      ...(given.watermark === undefined
        ? {}
        : { watermark: { ...given.watermark, key: given.watermark.key >>> 0 } }),
    };
    const report = investigateOverlapTexts(
      {
        teacher: { path: 'teacher.jsonl', text: body.teacher },
        suspect: { path: 'suspect.jsonl', text: body.suspect },
        baselines: body.baselines.map((text, i) => ({ path: `baseline-${i + 1}.jsonl`, text })),
        ...(body.reference === undefined
          ? {}
          : { reference: { path: 'reference.jsonl', text: body.reference } }),
        options,
      },
      new Date(),
    );
    return c.json(report as never, 200);
  });
}
