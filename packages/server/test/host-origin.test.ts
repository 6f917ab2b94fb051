import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index.ts';
import { fakeWebDist, tempDir } from './helpers.ts';

/** A raw HTTP request: fetch() will not send a Host header other than the URL's. */
function send(
  server: RunningServer,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
  slow?: { firstPart: string; pauseMs: number },
): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', fail);
    if (slow) {
      req.write(slow.firstPart);
      setTimeout(() => req.destroy(), slow.pauseMs);
    } else req.end(body);
  });
}

describe('a loopback server and DNS rebinding', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({
      port: 0,
      dbPath: join(tempDir(), 'clearbox.db'),
      dataDir: tempDir('clearbox-nodata-'),
      webDist: fakeWebDist(),
      accessLog: () => {},
      requestTimeoutMs: 600,
    });
  });
  afterAll(() => server.close());

  const item = JSON.stringify({ name: 'mine', content: { a: 1 } });
  const json = { 'content-type': 'application/json' };

  it('refuses POST and DELETE whose Host is rebind.evil.example (421), and the item survives', async () => {
    const created = await send(
      server,
      'POST',
      '/api/scenarios',
      { ...json, host: `127.0.0.1:${server.port}` },
      item,
    );
    expect(created.status).toBe(201);
    const id = (JSON.parse(created.body) as { id: string }).id;

    const evil = { host: `rebind.evil.example:${server.port}` };
    const post = await send(server, 'POST', '/api/scenarios', { ...json, ...evil }, item);
    expect(post.status).toBe(421);
    expect(JSON.parse(post.body).detail).toMatch(/DNS rebinding/);
    expect((await send(server, 'DELETE', `/api/scenarios/${id}`, evil)).status).toBe(421);
    expect((await send(server, 'GET', `/api/scenarios/${id}`, evil)).status).toBe(421);
    expect((await send(server, 'GET', '/', evil)).status).toBe(421);

    const still = await send(server, 'GET', `/api/scenarios/${id}`, { host: `localhost:${server.port}` });
    expect(still.status).toBe(200);
  });

  it('answers to localhost, 127.0.0.1 and [::1]', async () => {
    for (const host of [`localhost:${server.port}`, '127.0.0.1', `[::1]:${server.port}`])
      expect((await send(server, 'GET', '/health', { host })).status).toBe(200);
  });

  it('refuses writes from a foreign Origin (403), and accepts its own', async () => {
    const host = `127.0.0.1:${server.port}`;
    for (const origin of ['http://rebind.evil.example', 'null', `http://localhost:${server.port + 1}`]) {
      const r = await send(server, 'POST', '/api/scenarios', { ...json, host, origin }, item);
      expect(r.status).toBe(403);
    }
    const own = await send(
      server,
      'POST',
      '/api/scenarios',
      { ...json, host, origin: `http://${host}` },
      item,
    );
    expect(own.status).toBe(201);
  });

  it('answers a body that arrives too slowly with 408, not 504', async () => {
    const r = await send(
      server,
      'POST',
      '/api/estimate/infer',
      { ...json, host: `127.0.0.1:${server.port}`, 'content-length': '200' },
      undefined,
      { firstPart: '{"model": "llama-3.1-8b",', pauseMs: 3000 },
    );
    expect(r.status).toBe(408);
  });

  it('answers saved-item content nested 5,000 deep with 400, not 500', async () => {
    const deep = `{"name":"deep","content":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const r = await send(
      server,
      'POST',
      '/api/scenarios',
      { ...json, host: `127.0.0.1:${server.port}` },
      deep,
    );
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).detail).toMatch(/nested too deep/);
  });
});
