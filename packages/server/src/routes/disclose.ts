import {
  disclosureJsonSchema,
  disclosureReportOptionsSchema,
  evaluateDisclosure,
  InputError,
  parseDisclosure,
  parseDisclosureData,
  renderDisclosureHtml,
  renderDisclosureMarkdown,
  type TextFile,
  validateDisclosure,
} from '@clearbox/core';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../deps.ts';
import { problemContent, problemResponse } from '../http/problem.ts';
import { documentFile, documentSchema } from '../schemas/document.ts';

const disclosure = documentSchema('disclosure (format v1, as `clearbox disclose check FILE` reads)');
const name = z
  .string()
  .min(1)
  .optional()
  .openapi({ description: 'a file name for error messages (default disclosure)' });

const checkRequestSchema = z.strictObject({ disclosure, name }).openapi('DiscloseCheckRequest');
const reportRequestSchema = z
  .strictObject({
    disclosure,
    name,
    // core's schema, shared with the CLI and the web page: the same values are refused in the same words
    ...disclosureReportOptionsSchema.shape,
    format: z
      .enum(['json', 'html', 'md'])
      .optional()
      .openapi({ description: 'json (default), or the self-contained html / md report to download' }),
  })
  .openapi('DiscloseReportRequest');

const invalid = {
  content: problemContent,
  description:
    'invalid disclosure: `detail` as the CLI prints it, `issues` [{where, path, message}] for each field',
} as const;

const checkRoute = createRoute({
  method: 'post',
  path: '/api/disclose/check',
  tags: ['disclose'],
  summary: 'Validate a disclosure; completeness by stage and flags (clearbox disclose check --json)',
  request: { body: { required: true, content: { 'application/json': { schema: checkRequestSchema } } } },
  responses: {
    200: {
      content: {
        'application/json': { schema: z.looseObject({ valid: z.literal(true) }).openapi('DiscloseCheck') },
      },
      description: '{file, valid, id, items, completeness, flags}',
    },
    400: invalid,
  },
});

const reportRoute = createRoute({
  method: 'post',
  path: '/api/disclose/report',
  tags: ['disclose'],
  summary:
    'Every accounting basis with P10-P90, completeness, flags, cross-checks (clearbox disclose report)',
  request: { body: { required: true, content: { 'application/json': { schema: reportRequestSchema } } } },
  responses: {
    200: {
      content: {
        'application/json': { schema: z.looseObject({}).openapi('DisclosureReport') },
        'text/html': { schema: z.string() },
        'text/markdown': { schema: z.string() },
      },
      description: 'the report (JSON as `--json`, or the file `--out` writes)',
    },
    400: invalid,
  },
});

const schemaRoute = createRoute({
  method: 'get',
  path: '/api/disclose/schema',
  tags: ['disclose'],
  summary: 'The JSON Schema of the disclosure format (clearbox disclose schema)',
  responses: {
    200: {
      content: { 'application/json': { schema: z.looseObject({}) } },
      description: 'JSON Schema 2020-12',
    },
  },
});

/** Parses a disclosure; an invalid one answers 400 with the CLI's message and every issue by field. */
function readDisclosure(c: Context, file: TextFile) {
  const { data, lineOf } = parseDisclosureData(file);
  const result = validateDisclosure(data, file, lineOf);
  if (result.success) return { disclosure: result.disclosure };
  try {
    parseDisclosure(file);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const extra = { type: 'urn:clearbox:problem:input', issues: result.issues } as const;
    return {
      response: problemResponse(
        c,
        400,
        error.message,
        error.where ? { ...extra, where: error.where } : extra,
      ),
    };
  }
  throw new Error('a disclosure failed validation but parsed');
}

export function discloseRoutes(app: OpenAPIHono, deps: AppDeps): void {
  const catalog = deps.estimator.catalog;
  app.openapi(checkRoute, (c) => {
    const body = c.req.valid('json');
    const file = documentFile(body.name ?? 'disclosure', body.disclosure);
    const read = readDisclosure(c, file);
    if (read.response) return read.response as never;
    const d = read.disclosure;
    // Completeness and flags need no Monte Carlo: one draw, as the CLI does.
    const report = evaluateDisclosure(catalog, d, { draws: 1 });
    return c.json(
      {
        file: file.path,
        valid: true,
        id: d.id,
        items: d.items.length,
        completeness: report.completeness,
        flags: report.flags,
      } as never,
      200,
    );
  });
  app.openapi(reportRoute, (c) => {
    const body = c.req.valid('json');
    const read = readDisclosure(c, documentFile(body.name ?? 'disclosure', body.disclosure));
    if (read.response) return read.response as never;
    const options: { years?: number; seed?: number; draws?: number } = {};
    if (body.years !== undefined) options.years = body.years;
    if (body.seed !== undefined) options.seed = body.seed;
    if (body.draws !== undefined) options.draws = body.draws;
    const report = evaluateDisclosure(catalog, read.disclosure, { ...options, estimator: deps.estimator });
    if (body.format === 'html')
      return c.body(renderDisclosureHtml(report), 200, { 'Content-Type': 'text/html; charset=utf-8' });
    if (body.format === 'md')
      return c.body(renderDisclosureMarkdown(report), 200, {
        'Content-Type': 'text/markdown; charset=utf-8',
      });
    return c.json(report as never, 200);
  });
  const schema = disclosureJsonSchema();
  app.openapi(schemaRoute, (c) => c.json(schema as never, 200));
}
