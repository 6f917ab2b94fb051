import { ClearboxError, isStackOverflow, MAX_NESTING_DEPTH, NotFoundError } from '@clearbox/core';
import { RevisionConflictError } from '@clearbox/store';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** RFC 9457 problem details; `detail` carries the same message the CLI prints after `clearbox: error:`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  /** Where the problem is (field path, file:line), when known. */
  where?: string;
  /** Closest ids for an unknown one. */
  suggestions?: string[];
  /** The item's latest revision, for a refused update. */
  currentRevision?: number;
  /** Every problem of an invalid document, each with its place. */
  issues?: unknown[];
}

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    where: z.string().optional(),
    suggestions: z.array(z.string()).optional(),
    currentRevision: z.number().int().optional(),
    issues: z.array(z.looseObject({ message: z.string() })).optional(),
  })
  .openapi('Problem');

export const problemContent = { 'application/problem+json': { schema: problemSchema } } as const;

const titles: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  404: 'Not found',
  405: 'Method not allowed',
  403: 'Forbidden',
  408: 'Request timeout',
  409: 'Revision conflict',
  413: 'Request body too large',
  415: 'Unsupported media type',
  421: 'Misdirected request',
  500: 'Internal server error',
  503: 'Service unavailable',
  504: 'Request timed out',
};

export function problemResponse(
  c: Context,
  status: number,
  detail: string,
  extra: Partial<Problem> = {},
): Response {
  const body: Problem = {
    type: extra.type ?? 'about:blank',
    title: extra.title ?? titles[status] ?? 'Error',
    status,
    detail,
    instance: c.req.path,
    ...extra,
  };
  return c.body(JSON.stringify(body), status as ContentfulStatusCode, {
    'Content-Type': 'application/problem+json',
  });
}

/** Formats zod issues like core's validation errors: every issue, each with its field path. */
export function zodIssuesDetail(target: string, error: z.ZodError): { detail: string; where: string } {
  const lines = error.issues.map((issue) => {
    const path = issue.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('');
    return { where: `${target}${path}`, message: issue.message };
  });
  const [first, ...rest] = lines;
  const where = first?.where ?? target;
  return {
    where,
    detail: `${where}: ${first?.message ?? 'invalid'}${rest.map((l) => `\n  ${l.where}: ${l.message}`).join('')}`,
  };
}

/** The one place an error becomes a response: user errors are 4xx with their message, bugs are 500. */
export function errorToProblem(error: unknown, c: Context, logError: (text: string) => void): Response {
  if (error instanceof RevisionConflictError)
    return problemResponse(c, 409, error.message, {
      type: 'urn:clearbox:problem:revision-conflict',
      currentRevision: error.currentRevision,
    });
  if (error instanceof NotFoundError)
    return problemResponse(c, 404, error.message, {
      type: 'urn:clearbox:problem:not-found',
      suggestions: error.suggestions,
    });
  if (error instanceof ClearboxError) {
    const extra: Partial<Problem> = { type: `urn:clearbox:problem:${error.kind}` };
    if (error.where !== undefined) extra.where = error.where;
    return problemResponse(c, 400, error.message, extra);
  }
  if (error instanceof HTTPException)
    return problemResponse(c, error.status, error.message || 'request refused');
  // A walker recursed past the stack: the request was nested too deep, which is the client's to fix.
  if (isStackOverflow(error))
    return problemResponse(
      c,
      400,
      `nested too deep: more than ${MAX_NESTING_DEPTH} levels of lists or objects`,
      {
        type: 'urn:clearbox:problem:input',
      },
    );
  logError(
    `internal error on ${c.req.method} ${c.req.path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  return problemResponse(c, 500, 'internal error: the server log has the details');
}
