import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '@clearbox/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, type ServerOptions, serverOptionsFromEnv, startServer } from '../src/index.ts';
import { fakeWebDist, tempDir } from './helpers.ts';

const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function start(options: ServerOptions = {}): Promise<RunningServer & { log: string[] }> {
  const log: string[] = [];
  const server = await startServer({
    port: 0,
    dbPath: join(tempDir(), 'store', 'clearbox.db'),
    dataDir: tempDir('clearbox-nodata-'),
    webDist: fakeWebDist(),
    accessLog: (line) => log.push(line),
    ...options,
  });
  running.push(server);
  return Object.assign(server, { log });
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('a real listening server', () => {
  it('binds 127.0.0.1 by default and answers health, estimates and the web app over HTTP', async () => {
    const server = await start();
    expect(server.host).toBe('127.0.0.1');
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const res = await post(`${server.url}/api/estimate/infer`, {
      model: 'llama-3.1-8b',
      hardware: 'h100-sxm',
      batch: 4,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { batch: { value: number } }).batch.value).toBe(4);
    const page = await fetch(`${server.url}/overview`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(server.log.map((l) => (JSON.parse(l) as { path: string }).path)).toEqual([
      '/health',
      '/api/estimate/infer',
      '/overview',
    ]);
  });

  it('refuses a body over --max-body before reading it', async () => {
    const server = await start({ maxBodyBytes: 1000 });
    const res = await post(`${server.url}/api/scenarios`, { name: 'big', content: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
  });

  it('keeps saved items across a restart on the same file, and preloads reference files only once', async () => {
    const data = tempDir('clearbox-data-');
    mkdirSync(join(data, 'disclosures'));
    writeFileSync(join(data, 'disclosures', 'ref.yaml'), 'model:\n  name: Reference model\nitems: []\n');
    const dbPath = join(tempDir(), 'clearbox.db');
    const first = await start({ dbPath, dataDir: data });
    expect(first.preloaded).toBe(1);
    const created = await post(`${first.url}/api/scenarios`, { name: 'kept', content: { batch: 8 } });
    const { id } = (await created.json()) as { id: string };
    await first.close();

    const second = await start({ dbPath, dataDir: data });
    expect(second.preloaded).toBe(0);
    expect(await (await fetch(`${second.url}/api/scenarios/${id}`)).json()).toMatchObject({
      content: { batch: 8 },
    });
    const disclosures = (await (await fetch(`${second.url}/api/disclosures`)).json()) as Array<{
      name: string;
    }>;
    expect(disclosures.map((d) => d.name)).toEqual(['Reference model']);
  });

  it('two servers on one store file: concurrent edits through both never lose an update', async () => {
    const dbPath = join(tempDir(), 'shared.db');
    const a = await start({ dbPath });
    const b = await start({ dbPath });
    const { id } = (await (
      await post(`${a.url}/api/scenarios`, { name: 'n', content: { counter: 0 } })
    ).json()) as {
      id: string;
    };
    // Read-modify-write increments with the revision they read; a 409 means read again and retry.
    const increment = async (url: string) => {
      for (;;) {
        const item = (await (await fetch(`${url}/api/scenarios/${id}`)).json()) as {
          revision: number;
          content: { counter: number };
        };
        const res = await fetch(`${url}/api/scenarios/${id}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            content: { counter: item.content.counter + 1 },
            baseRevision: item.revision,
          }),
        });
        if (res.status === 200) return;
        expect(res.status).toBe(409);
      }
    };
    await Promise.all(Array.from({ length: 40 }, (_, i) => increment(i % 2 ? a.url : b.url)));
    expect(await (await fetch(`${b.url}/api/scenarios/${id}`)).json()).toMatchObject({
      revision: 41,
      content: { counter: 40 },
    });
  });

  it('refuses to bind beyond loopback without a token', async () => {
    await expect(startServer({ host: '0.0.0.0', port: 0, dbPath: ':memory:' })).rejects.toThrow(InputError);
    await expect(startServer({ host: '0.0.0.0', port: 0, dbPath: ':memory:' })).rejects.toThrow(
      /CLEARBOX_TOKEN/,
    );
  });

  it('beyond loopback with a token: writes need it, reads do not', async () => {
    const server = await start({ host: '0.0.0.0', token: 'tok-123' });
    const url = `http://127.0.0.1:${server.port}`;
    expect((await post(`${url}/api/reports`, { name: 'r', content: 1 })).status).toBe(401);
    const ok = await post(
      `${url}/api/reports`,
      { name: 'r', content: 1 },
      { authorization: 'Bearer tok-123' },
    );
    expect(ok.status).toBe(201);
    expect((await fetch(`${url}/api/reports`)).status).toBe(200);
  });

  it('names the port that is already taken', async () => {
    const server = await start();
    await expect(start({ port: server.port })).rejects.toThrow(/port \d+ on 127\.0\.0\.1 is already in use/);
  });
});

describe('serverOptionsFromEnv', () => {
  it('reads HOST, PORT, CLEARBOX_DB, CLEARBOX_TOKEN and CLEARBOX_MAX_BODY', () => {
    expect(
      serverOptionsFromEnv({
        HOST: '0.0.0.0',
        PORT: '9000',
        CLEARBOX_DB: '/tmp/x.db',
        CLEARBOX_TOKEN: 't',
        CLEARBOX_MAX_BODY: '1000',
      }),
    ).toEqual({ host: '0.0.0.0', port: 9000, dbPath: '/tmp/x.db', token: 't', maxBodyBytes: 1000 });
  });

  it('names the variable that is not a number', () => {
    expect(() => serverOptionsFromEnv({ PORT: 'eighty' })).toThrow(/^PORT: expected a whole number/);
  });
});
