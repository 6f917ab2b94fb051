import type { MiddlewareHandler } from 'hono';

/** One JSON line per request: time, method, path (no query string: it may carry data), status, ms. */
export function accessLog(write: (line: string) => void): MiddlewareHandler {
  return async (c, next) => {
    const start = performance.now();
    await next();
    const ms = Math.round((performance.now() - start) * 100) / 100;
    write(
      `${JSON.stringify({ time: new Date().toISOString(), method: c.req.method, path: c.req.path, status: c.res.status, ms })}\n`,
    );
  };
}
