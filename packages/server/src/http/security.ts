import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { problemResponse } from './problem.ts';

/**
 * No inline or foreign scripts, no framing. Inline styles stay allowed: Observable Plot writes style
 * attributes on its SVG and Clearbox's self-contained HTML reports carry their own <style>.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Set before the handler runs: changing a finished response's headers would copy its whole body. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  c.header('Content-Security-Policy', contentSecurityPolicy);
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('X-Frame-Options', 'DENY');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('Cross-Origin-Opener-Policy', 'same-origin');
  c.header('Cross-Origin-Resource-Policy', 'same-origin');
  await next();
};

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Requires `Authorization: Bearer <token>` on requests that change saved data. */
export function requireBearer(token: string): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('Authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match?.[1] || !sameSecret(match[1].trim(), token)) {
      c.header('WWW-Authenticate', 'Bearer realm="clearbox"');
      return problemResponse(
        c,
        401,
        'this server is reachable beyond loopback: writes need Authorization: Bearer <CLEARBOX_TOKEN>',
      );
    }
    await next();
    return undefined;
  };
}

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Guards write methods only: reads (GET) stay open, as does computing (estimate, audit...) via POST. */
export function guardWrites(token: string): MiddlewareHandler {
  const bearer = requireBearer(token);
  return async (c, next) => {
    if (!writeMethods.has(c.req.method)) {
      await next();
      return undefined;
    }
    return bearer(c, next);
  };
}
