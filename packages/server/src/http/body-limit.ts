import { formatBytes } from '@clearbox/core';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { problemResponse } from './problem.ts';

/**
 * Refuses bodies over `maxBytes` with 413. A request that declares its Content-Length is judged by the
 * header alone (Node's parser never reads past it); only a chunked body is counted as it streams, by
 * Hono's bodyLimit. Reading `req.raw.body` for every request would build a full WHATWG Request and
 * stream, which costs more than the estimate itself on the hot path.
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  const tooLarge = (c: Parameters<MiddlewareHandler>[0]) =>
    problemResponse(
      c,
      413,
      `request body is larger than the server's limit of ${maxBytes} bytes (${formatBytes(maxBytes)}; \`clearbox serve --max-body\` or CLEARBOX_MAX_BODY sets it)`,
    );
  const streamed = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') {
      await next();
      return undefined;
    }
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number(length) > maxBytes) return tooLarge(c);
      await next();
      return undefined;
    }
    return streamed(c, next);
  };
}
