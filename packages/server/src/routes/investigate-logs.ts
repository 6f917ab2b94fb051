import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClearboxError, defaultLogOptions, InputError, logOptionsSchema } from '@clearbox/core';
import { investigateLogFiles, parseFieldMap } from '@clearbox/logs';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { problemContent } from '../http/problem.ts';

/**
 * Each request's DuckDB gets this much memory: the CLI's default (3GB) is for one run on a workstation;
 * a server may run a few at once, and a body is at most the server's body limit.
 */
const MEMORY_LIMIT = '1GB';

const logsText = (role: string) =>
  z
    .string()
    .min(1)
    .openapi({
      description: `the ${role} logs in \`format\`: JSONL (one JSON object per line) or CSV with a header row as text; a Parquet file as the base64 of its bytes`,
    });

const logsRequestSchema = z
  .strictObject({
    traffic: logsText('tested traffic'),
    format: z
      .enum(['jsonl', 'csv', 'parquet'])
      .optional()
      .openapi({ description: 'format of traffic and reference (default jsonl); parquet is sent as base64' }),
    reference: logsText('benign reference (accounts in good standing or a pre-period)').optional(),
    referenceAccounts: z
      .array(z.string().min(1).max(500))
      .max(1_000_000)
      .optional()
      .openapi({ description: 'accounts in the traffic to use as the benign reference' }),
    map: z
      .string()
      .max(2000)
      .optional()
      .openapi({ description: 'canonical field to column, as the CLI --map: account=user_id,ts=created_at' }),
    options: z.strictObject(logOptionsSchema.shape).partial().optional().openapi('LogOptions'),
  })
  .openapi('LogsRequest');

const logsRoute = createRoute({
  method: 'post',
  path: '/api/investigate/logs',
  tags: ['investigate'],
  summary:
    'Accounts and clusters whose API traffic is unlike a benign reference, at a controlled FDR (clearbox investigate logs --json)',
  description:
    'The logs are read by the embedded DuckDB engine, as the CLI does; inputs are named traffic.<format> and reference.<format> in the report and its errors, and their SHA-256 is of the text sent (of the decoded bytes for Parquet). A flagged unit is not an error: the answer is 200, where the CLI exits 1.',
  request: { body: { required: true, content: { 'application/json': { schema: logsRequestSchema } } } },
  responses: {
    200: {
      content: {
        'application/json': {
          schema: z
            .looseObject({
              kind: z.literal('clearbox.investigate.logs'),
              engine: z.literal('duckdb'),
              rows: z.looseObject({ total: z.number(), valid: z.number() }),
              flagged: z.array(
                z.looseObject({ accounts: z.array(z.string()), p: z.number(), q: z.number() }),
              ),
              statement: z.string(),
            })
            .openapi('LogsReport'),
        },
      },
      description: 'the report `clearbox investigate logs --json` prints',
    },
    400: {
      content: problemContent,
      description:
        'no reference, unreadable or empty logs, missing columns, bad timestamps (one line naming traffic.<format> or reference.<format>)',
    },
  },
});

/** A Parquet file arrives as base64 (a JSON body carries text): its bytes, or a line naming the field. */
function parquetBytes(base64: string, field: 'traffic' | 'reference'): Buffer {
  const compact = base64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0)
    throw new InputError('expected the Parquet file as base64 (format parquet)', field);
  return Buffer.from(compact, 'base64');
}

/** Every mention of the request's temporary folder, as the names the report gives the inputs. */
const renamed = (text: string, folder: string) => text.split(`${folder}/`).join('');

export function investigateLogsRoutes(app: OpenAPIHono): void {
  app.openapi(logsRoute, async (c) => {
    const body = c.req.valid('json');
    const format = body.format ?? 'jsonl';
    const { largeMaxTokens, q, seed, rareShare, minSharedTemplates } = body.options ?? {};
    const options = {
      ...defaultLogOptions,
      ...(q === undefined ? {} : { q }),
      ...(seed === undefined ? {} : { seed }),
      ...(rareShare === undefined ? {} : { rareShare }),
      ...(minSharedTemplates === undefined ? {} : { minSharedTemplates }),
    };
    const folder = mkdtempSync(join(tmpdir(), 'clearbox-api-logs-'));
    try {
      const traffic = join(folder, `traffic.${format}`);
      const content = (text: string, field: 'traffic' | 'reference') =>
        format === 'parquet' ? parquetBytes(text, field) : text;
      writeFileSync(traffic, content(body.traffic, 'traffic'));
      const referenceFiles: string[] = [];
      if (body.reference !== undefined) {
        const reference = join(folder, `reference.${format}`);
        writeFileSync(reference, content(body.reference, 'reference'));
        referenceFiles.push(reference);
      }
      const report = await investigateLogFiles(
        {
          files: [traffic],
          referenceFiles,
          referenceAccounts: [...new Set(body.referenceAccounts ?? [])],
          map: parseFieldMap(body.map),
          options,
          ...(largeMaxTokens === undefined ? {} : { largeMaxTokens }),
          memoryLimit: MEMORY_LIMIT,
          engine: 'duckdb',
        },
        new Date(),
      );
      return c.json(JSON.parse(renamed(JSON.stringify(report), folder)) as never, 200);
    } catch (error) {
      // The user's input named as the report names it; anything else (a bug) stays as it is.
      if (error instanceof ClearboxError) {
        const where = error.where;
        const bare =
          where !== undefined && error.message.startsWith(`${where}: `)
            ? error.message.slice(where.length + 2)
            : error.message;
        throw new ClearboxError(
          error.kind,
          renamed(bare, folder),
          where === undefined ? undefined : renamed(where, folder),
        );
      }
      // DuckDB out of its memory limit is the size of the logs speaking, not a bug.
      if (error instanceof Error && /^Out of Memory Error/.test(error.message))
        throw new InputError(`the logs need more memory than the ${MEMORY_LIMIT} a request gets`, 'traffic');
      throw error;
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
}
