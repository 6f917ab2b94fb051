import { defaultOverlapOptions, type OverlapOptions } from '@clearbox/core';
import { investigateOverlapTexts } from '@clearbox/store';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { problemContent } from '../http/problem.ts';

const corpusSchema = (role: string) =>
  z
    .string()
    .min(1)
    .openapi({ description: `the ${role} corpus as JSONL text: one {"promptId", "text"} per line` });

/** The CLI's flags by their option names; every one defaults as the CLI does. */
const overlapOptionsSchema = z
  .strictObject({
    spanWords: z
      .number()
      .int()
      .min(2)
      .optional()
      .openapi({ description: 'O1: minimum verbatim span in words (--span-words, 12)' }),
    containmentSizes: z
      .array(z.number().int().min(1).max(64))
      .min(1)
      .optional()
      .openapi({ description: 'O2: n-gram sizes (--ngram 8..13 is [8,9,10,11,12,13])' }),
    phraseWords: z
      .number()
      .int()
      .positive()
      .optional()
      .openapi({ description: 'O3: phrase length in words (--phrase-words, 6)' }),
    phraseMinPrompts: z.number().int().positive().optional().openapi({
      description: 'O3: split-A teacher answers a phrase must appear in (--phrase-min-prompts, 3)',
    }),
    seed: z.number().int().optional().openapi({ description: 'seed of the O3 prompt split (--seed, 1)' }),
    teacherNames: z
      .array(z.string().min(1))
      .optional()
      .openapi({ description: 'O4: names identifying the teacher (--teacher-name)' }),
    watermark: z
      .strictObject({
        key: z.number().int(),
        gamma: z.number().gt(0).lt(1).default(0.25),
        contextWidth: z.number().int().positive().default(1),
      })
      .optional()
      .openapi({
        description:
          "O5: the teacher's green-list key, fraction and context width (--watermark-key, --gamma, --context-width)",
      }),
    alpha: z
      .number()
      .gt(0)
      .lt(1)
      .optional()
      .openapi({ description: 'level for intervals, power and Holm (--alpha, 0.05)' }),
  })
  .openapi('OverlapOptions');

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
