import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Context } from 'hono';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

/** Shown at / when the web app has not been built; plain HTML (the CSP allows no inline script). */
export function notBuiltPage(dist: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Clearbox: web app not built</title></head>
<body><main>
<h1>Clearbox API is running; the web app is not built</h1>
<p>No built web app was found at <code>${dist.replace(/[<>&]/g, '')}</code>. Build it with
<code>npm run build -w @clearbox/web</code> (or run <code>npm start</code>, which builds it when missing), then reload.</p>
<p>The HTTP API works without it: <a href="/openapi.json">/openapi.json</a> describes every endpoint,
<a href="/health">/health</a> reports status.</p>
</main></body></html>
`;
}

/**
 * Serves the built web app from a folder: files by path, hashed assets cached for a year, and
 * index.html for any other page path so the app's own router can take it.
 */
export function webAppHandler(dist: string) {
  const root = resolve(dist);
  return (c: Context): Response => {
    if (!existsSync(join(root, 'index.html'))) return c.html(notBuiltPage(root), 503);
    let relative: string;
    try {
      relative = decodeURIComponent(c.req.path);
    } catch {
      return c.text('bad path', 400);
    }
    const full = normalize(join(root, relative));
    const inside = full === root || full.startsWith(root + sep);
    let file = join(root, 'index.html');
    if (inside && existsSync(full) && statSync(full).isFile()) file = full;
    else if (extname(relative) !== '' && relative !== '/') return c.text('not found', 404);
    const type = types[extname(file).toLowerCase()] ?? 'application/octet-stream';
    const immutable = file.startsWith(join(root, 'assets') + sep);
    return c.body(readFileSync(file), 200, {
      'Content-Type': type,
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  };
}
