import { ClearboxError, checkTextNesting } from '@clearbox/core';
import type { MiddlewareHandler } from 'hono';
import { problemResponse } from './problem.ts';

const jsonType = /^application\/([\w.-]+\+)?json\b/i;

/**
 * Reads a JSON body once, before validation, under its own deadline and nesting bound. A client that
 * sends its body too slowly gets 408 (the client's fault), not the 504 of a slow handler; a body
 * nested past MAX_NESTING_DEPTH gets 400 "nested too deep" before zod or the store recurse into it.
 * The validator's later `c.req.json()` parses the text cached here.
 */
export function guardJsonBody(bodyTimeoutMs: number): MiddlewareHandler {
  return async (c, next) => {
    if (
      c.req.method === 'GET' ||
      c.req.method === 'HEAD' ||
      !jsonType.test(c.req.header('content-type') ?? '')
    ) {
      await next();
      return undefined;
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((done) => {
      timer = setTimeout(() => done('late'), bodyTimeoutMs);
    });
    let text: string | 'late';
    try {
      text = await Promise.race([c.req.text(), late]);
    } finally {
      clearTimeout(timer);
    }
    if (text === 'late')
      return problemResponse(c, 408, `the request body did not arrive within ${bodyTimeoutMs} ms`);
    try {
      checkTextNesting(text, 'body');
    } catch (error) {
      if (error instanceof ClearboxError)
        return problemResponse(c, 400, error.message, { type: 'urn:clearbox:problem:input', where: 'body' });
      throw error;
    }
    await next();
    return undefined;
  };
}
