import { existsSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { auditClaims, auditContext, InputError, type TextFile } from '@clearbox/core';
import { defaultDataDir, readTextFiles } from '@clearbox/store';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.ts';
import { problemContent } from '../http/problem.ts';
import { documentFile, documentSchema } from '../schemas/document.ts';

const auditRequestSchema = z
  .strictObject({
    claims: documentSchema('claims file (format version 1, as `clearbox audit FILE` reads)'),
    name: z
      .string()
      .min(1)
      .optional()
      .openapi({ description: 'a file name for error messages (default claims)' }),
  })
  .openapi('AuditRequest');

const auditRoute = createRoute({
  method: 'post',
  path: '/api/audit',
  tags: ['audit'],
  summary:
    'Check cost, price and performance claims: a verdict with evidence for each (clearbox audit --json)',
  description:
    'Claims may name the shipped reference disclosures by id. When some claims are invalid, the valid ones are still checked and the problems are listed in `issues`; when none is valid the answer is a 400 problem with the same message as the CLI.',
  request: { body: { required: true, content: { 'application/json': { schema: auditRequestSchema } } } },
  responses: {
    200: {
      content: {
        'application/json': {
          schema: z
            .looseObject({
              file: z.string(),
              results: z.array(z.looseObject({ id: z.string(), verdict: z.string() })),
              issues: z.array(z.object({ where: z.string(), message: z.string() })),
              summary: z.record(z.string(), z.number()),
            })
            .openapi('AuditReport'),
        },
      },
      description: 'verdicts, with any input problems listed',
    },
    400: { content: problemContent, description: 'no valid claim (every issue with file:line and field)' },
  },
});

/** The shipped reference disclosures by id (file name), as `clearbox audit` offers them to claims. */
export function shippedDisclosures(dataDir: string = defaultDataDir): Map<string, TextFile> {
  const found = new Map<string, TextFile>();
  const dir = join(dataDir, 'disclosures');
  if (existsSync(dir)) for (const f of readTextFiles(dir)) found.set(basename(f.path, extname(f.path)), f);
  return found;
}

export function auditRoutes(
  app: OpenAPIHono,
  deps: AppDeps,
  disclosures: ReadonlyMap<string, TextFile>,
): void {
  const ctx = auditContext(deps.estimator.catalog, disclosures, deps.estimator);
  app.openapi(auditRoute, (c) => {
    const body = c.req.valid('json');
    const report = auditClaims(ctx, documentFile(body.name ?? 'claims', body.claims));
    if (report.results.length === 0 && report.issues.length > 0) {
      const [first, ...rest] = report.issues;
      // The CLI's message for the same input (it also exits 2).
      throw new InputError(
        `${report.issues.length} problem${report.issues.length > 1 ? 's' : ''} in the claims (valid claims were still checked): ${first?.where}: ${first?.message}${rest.map((i) => `\n  ${i.where}: ${i.message}`).join('')}`,
      );
    }
    return c.json(report as never, 200);
  });
}
