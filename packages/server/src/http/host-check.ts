import type { MiddlewareHandler } from 'hono';
import { problemResponse } from './problem.ts';

/** The host part of a Host header or URL authority: `127.0.0.1:8080` -> `127.0.0.1`, `[::1]:80` -> `::1`. */
export function hostName(authority: string): string {
  const trimmed = authority.trim().toLowerCase();
  if (trimmed.startsWith('['))
    return trimmed.slice(1, trimmed.indexOf(']') > 0 ? trimmed.indexOf(']') : undefined);
  const colon = trimmed.lastIndexOf(':');
  return colon >= 0 && trimmed.indexOf(':') === colon ? trimmed.slice(0, colon) : trimmed;
}

/** Names that resolve to this machine without asking DNS, so a rebinding attacker cannot own them. */
export function isLoopbackName(name: string): boolean {
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
  );
}

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * DNS rebinding defence. A page on rebind.evil.example can make its own name resolve to 127.0.0.1 and
 * then talk to a loopback server as if same-origin; its requests still carry `Host: rebind.evil.example`.
 * On loopback every request must name a loopback host (421 otherwise). Whatever the binding, a write
 * whose Origin is not this server's own is refused (403): browsers send Origin on every cross-site
 * POST, PUT, PATCH and DELETE, and no page of Clearbox's writes to another origin.
 */
export function checkHostAndOrigin(options: { loopbackOnly: boolean }): MiddlewareHandler {
  return async (c, next) => {
    const host = c.req.header('host');
    if (options.loopbackOnly && host !== undefined && !isLoopbackName(hostName(host))) {
      return problemResponse(
        c,
        421,
        `this server listens on loopback and answers only to localhost, 127.0.0.1 or [::1], not to Host ${JSON.stringify(host.slice(0, 100))} (DNS rebinding protection)`,
        { type: 'urn:clearbox:problem:host' },
      );
    }
    if (writeMethods.has(c.req.method)) {
      const origin = c.req.header('origin');
      if (origin !== undefined && !sameOrigin(origin, host)) {
        return problemResponse(
          c,
          403,
          `writes from another origin are refused (Origin ${JSON.stringify(origin.slice(0, 100))})`,
          { type: 'urn:clearbox:problem:origin' },
        );
      }
    }
    await next();
    return undefined;
  };
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host.trim().toLowerCase();
  } catch {
    return false; // `Origin: null` (sandboxed frames, file: pages) and anything unparsable
  }
}
