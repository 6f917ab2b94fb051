import { bufferIo, main } from '@clearbox/cli';
import { describe, expect, it } from 'vitest';
import { fakeWebDist, jsonBody, testApp } from './helpers.ts';

/** Runs the CLI in-process and returns what it printed. */
async function cli(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe('estimate endpoints', () => {
  const { app } = testApp();

  it('POST /api/estimate/infer answers the same JSON as `clearbox estimate infer --json`', async () => {
    const res = await app.request(
      '/api/estimate/infer',
      jsonBody({ model: 'deepseek-v3', hardware: 'h800', count: 16, batch: 32, kv: 'fp8', offload: 'none' }),
    );
    expect(res.status).toBe(200);
    const fromCli = await cli(
      'estimate',
      'infer',
      '--model',
      'deepseek-v3',
      '--hardware',
      'h800',
      '--count',
      '16',
      '--batch',
      '32',
      '--kv',
      'fp8',
      '--offload',
      'none',
      '--json',
    );
    expect(fromCli.code).toBe(0);
    expect(await res.json()).toEqual(JSON.parse(fromCli.out));
  });

  it('takes the offload mode as the CLI text or as an object', async () => {
    const body = { model: 'llama-3.1-70b', hardware: 'rtx-4090', weights: 'q4_k_m', engine: 'llamacpp' };
    const a = await app.request('/api/estimate/infer', jsonBody({ ...body, offload: 'cpu:40' }));
    const b = await app.request(
      '/api/estimate/infer',
      jsonBody({ ...body, offload: { kind: 'cpu', layers: 40 } }),
    );
    const ja = (await a.json()) as { offload: string };
    expect(a.status).toBe(200);
    expect(ja.offload).toBe('cpu:40');
    expect(await b.json()).toEqual(ja);
  });

  it('POST /api/estimate/train answers the same JSON as `clearbox estimate train --json`', async () => {
    const res = await app.request(
      '/api/estimate/train',
      jsonBody({ model: 'deepseek-v3', hardware: 'h800', gpuHours: 2.788e6, dtype: 'fp8', count: 2048 }),
    );
    expect(res.status).toBe(200);
    const fromCli = await cli(
      'estimate',
      'train',
      '--model',
      'deepseek-v3',
      '--hardware',
      'h800',
      '--gpu-hours',
      '2.788M',
      '--dtype',
      'fp8',
      '--count',
      '2048',
      '--json',
    );
    expect(await res.json()).toEqual(JSON.parse(fromCli.out));
  });

  it('an unknown id is a 404 problem with the CLI message and the closest ids', async () => {
    const res = await app.request(
      '/api/estimate/infer',
      jsonBody({ model: 'llama-3.1-8bb', hardware: 'h100-sxm' }),
    );
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const fromCli = await cli('estimate', 'infer', '--model', 'llama-3.1-8bb', '--hardware', 'h100-sxm');
    const problem = (await res.json()) as { detail: string; status: number; suggestions: string[] };
    expect(fromCli.err).toBe(`clearbox: error: ${problem.detail}\n`);
    expect(problem.status).toBe(404);
    expect(problem.suggestions).toContain('llama-3.1-8b');
  });

  it('a bad offload text is a 400 with the same message as the CLI', async () => {
    const res = await app.request(
      '/api/estimate/infer',
      jsonBody({ model: 'llama-3.1-8b', hardware: 'h100-sxm', offload: 'gpu:3' }),
    );
    expect(res.status).toBe(400);
    const fromCli = await cli(
      'estimate',
      'infer',
      '--model',
      'llama-3.1-8b',
      '--hardware',
      'h100-sxm',
      '--offload',
      'gpu:3',
    );
    expect(fromCli.err).toBe(`clearbox: error: ${((await res.json()) as { detail: string }).detail}\n`);
  });

  it('lists every invalid field of a body, not just the first', async () => {
    const res = await app.request(
      '/api/estimate/infer',
      jsonBody({ model: 'llama-3.1-8b', hardware: 'h100-sxm', batch: 0, weights: 'fp7', colour: 'red' }),
    );
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { detail: string; where: string; type: string };
    expect(problem.detail).toMatch(/body\.batch: /);
    expect(problem.detail).toMatch(/body\.weights: /);
    expect(problem.detail).toMatch(/colour/);
    expect(problem.type).toBe('urn:clearbox:problem:input');
  });

  it('malformed JSON is a 400 problem, not a crash', async () => {
    const res = await app.request('/api/estimate/train', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"model": ',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('refuses a body over the limit with 413', async () => {
    const res = await app.request(
      '/api/estimate/infer',
      jsonBody({ model: 'llama-3.1-8b', hardware: 'h100-sxm', host: 'x'.repeat(70 * 1024) }),
    );
    expect(res.status).toBe(413);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/limit of 65536 bytes/);
  });
});

describe('catalog and validate endpoints', () => {
  const { app } = testApp();

  it('hardware and models are the same JSON as `clearbox catalog ... --json`', async () => {
    for (const section of ['hardware', 'models']) {
      const res = await app.request(`/api/catalog/${section}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(JSON.parse((await cli('catalog', section, '--json')).out));
    }
  });

  it('prices are served when the catalog has them, each with its sources', async () => {
    const res = await app.request('/api/catalog/prices');
    expect(res.status).toBe(200);
    const prices = (await res.json()) as Array<{ id: string; sources?: unknown[] }>;
    expect(prices.length).toBeGreaterThan(0);
  });

  it('GET /api/validate is the same report as `clearbox validate --json`', async () => {
    const res = await app.request('/api/validate');
    expect(await res.json()).toEqual(JSON.parse((await cli('validate', '--json')).out));
    // Two full leave-one-family-out validations (one refit per family, each over every calibration point):
    // about 15 s of CPU each on main after issue 14 (about 1.9x that with the software-maturity slope),
    // minutes on a loaded machine.
  }, 600_000);
});

describe('saved items', () => {
  for (const collection of ['scenarios', 'disclosures', 'claim-sets', 'reports']) {
    it(`${collection}: create, list, get, update (new revision), revisions, delete`, async () => {
      const { app } = testApp();
      const created = await app.request(`/api/${collection}`, jsonBody({ name: 'first', content: { a: 1 } }));
      expect(created.status).toBe(201);
      const item = (await created.json()) as { id: string; revision: number };
      expect(created.headers.get('location')).toBe(`/api/${collection}/${item.id}`);
      expect(item.revision).toBe(1);

      const put = (body: unknown) =>
        app.request(`/api/${collection}/${item.id}`, { ...jsonBody(body), method: 'PUT' });
      expect((await put({ content: { a: 2 }, name: 'second', baseRevision: 1 })).status).toBe(200);
      const stale = await put({ content: { a: 'stale' }, baseRevision: 1 });
      expect(stale.status).toBe(409);
      expect(await stale.json()).toMatchObject({ status: 409, currentRevision: 2 });

      const list = (await (await app.request(`/api/${collection}`)).json()) as Array<{
        id: string;
        name: string;
      }>;
      expect(list.map((i) => [i.id, i.name])).toEqual([[item.id, 'second']]);
      expect(await (await app.request(`/api/${collection}/${item.id}`)).json()).toMatchObject({
        revision: 2,
        content: { a: 2 },
      });
      const revisions = await (await app.request(`/api/${collection}/${item.id}/revisions`)).json();
      expect((revisions as Array<{ revision: number }>).map((r) => r.revision)).toEqual([1, 2]);
      expect(await (await app.request(`/api/${collection}/${item.id}/revisions/1`)).json()).toMatchObject({
        name: 'first',
        content: { a: 1 },
      });
      expect((await app.request(`/api/${collection}/${item.id}/revisions/9`)).status).toBe(404);

      expect((await app.request(`/api/${collection}/${item.id}`, { method: 'DELETE' })).status).toBe(204);
      const gone = await app.request(`/api/${collection}/${item.id}`);
      expect(gone.status).toBe(404);
      expect(((await gone.json()) as { detail: string }).detail).toMatch(/^unknown /);
    });
  }

  it('a create without a name lists the field', async () => {
    const { app } = testApp();
    const res = await app.request('/api/scenarios', jsonBody({ content: {} }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/^body\.name: /);
  });

  it('concurrent edits from the same revision: exactly one wins, the others get 409', async () => {
    const { app } = testApp();
    const item = (await (
      await app.request('/api/scenarios', jsonBody({ name: 's', content: 0 }))
    ).json()) as {
      id: string;
    };
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        app.request(`/api/scenarios/${item.id}`, {
          ...jsonBody({ content: i, baseRevision: 1 }),
          method: 'PUT',
        }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
  });

  it('concurrent blind edits all become revisions: none is lost', async () => {
    const { app } = testApp();
    const item = (await (await app.request('/api/reports', jsonBody({ name: 'r', content: 0 }))).json()) as {
      id: string;
    };
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        app.request(`/api/reports/${item.id}`, { ...jsonBody({ content: i + 1 }), method: 'PUT' }),
      ),
    );
    const revisions = (await (await app.request(`/api/reports/${item.id}/revisions`)).json()) as unknown[];
    expect(revisions).toHaveLength(51);
  });
});

describe('write protection with a token', () => {
  const { app } = testApp({ writeToken: 's3cret' });

  it('refuses writes without the bearer token, accepts them with it', async () => {
    const body = { name: 'x', content: {} };
    const none = await app.request('/api/scenarios', jsonBody(body));
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(
      (await app.request('/api/scenarios', jsonBody(body, { Authorization: 'Bearer wrong' }))).status,
    ).toBe(401);
    const ok = await app.request('/api/scenarios', jsonBody(body, { Authorization: 'Bearer s3cret' }));
    expect(ok.status).toBe(201);
    const { id } = (await ok.json()) as { id: string };
    expect((await app.request(`/api/scenarios/${id}`, { method: 'DELETE' })).status).toBe(401);
  });

  it('leaves reads and compute-only POSTs open', async () => {
    expect((await app.request('/api/scenarios')).status).toBe(200);
    expect(
      (await app.request('/api/estimate/infer', jsonBody({ model: 'llama-3.1-8b', hardware: 'h100-sxm' })))
        .status,
    ).toBe(200);
  });
});

describe('meta, headers, web app', () => {
  it('/health reports the catalog and whether the web app is built', async () => {
    const { app } = testApp();
    const health = (await (await app.request('/health')).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', webApp: false });
    expect((health.catalog as { models: number }).models).toBeGreaterThan(10);
  });

  it('/openapi.json is OpenAPI 3.1 and lists every endpoint', async () => {
    const { app } = testApp();
    const doc = (await (await app.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const path of [
      '/health',
      '/api/estimate/infer',
      '/api/estimate/train',
      '/api/catalog/hardware',
      '/api/catalog/models',
      '/api/catalog/prices',
      '/api/validate',
      '/api/scenarios',
      '/api/scenarios/{id}',
      '/api/claim-sets/{id}/revisions/{revision}',
    ])
      expect(Object.keys(doc.paths)).toContain(path);
    expect(Object.keys(doc.paths['/api/disclosures/{id}'] ?? {}).sort()).toEqual(['delete', 'get', 'put']);
    expect(doc.components.schemas.InferenceOptions).toBeDefined();
    expect(doc.components.schemas.Problem).toBeDefined();
  });

  it('sends the security headers on API, error and page responses; the CSP allows no inline script', async () => {
    const { app } = testApp({ webDist: fakeWebDist() });
    for (const path of ['/health', '/api/nope', '/', '/estimate']) {
      const res = await app.request(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(/script-src[^;]*unsafe-inline/.test(csp)).toBe(false);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('an unknown API path is a 404 problem, not the web app', async () => {
    const { app } = testApp({ webDist: fakeWebDist() });
    const res = await app.request('/api/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('serves the built web app: files, index.html for page paths, never a file outside dist', async () => {
    const { app } = testApp({ webDist: fakeWebDist() });
    const page = await app.request('/decide');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Clearbox</title>');
    const asset = await app.request('/assets/app-1.js');
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await app.request('/assets/missing.js')).status).toBe(404);
    const outside = await app.request('/..%2f..%2f..%2fetc%2fpasswd');
    expect(await outside.text()).not.toContain('root:');
  });

  it('without a built web app, / explains how to build it', async () => {
    const { app } = testApp();
    const res = await app.request('/');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build -w @clearbox/web');
  });

  it('writes one JSON access-log line per request', async () => {
    const { app, log } = testApp();
    await app.request('/health');
    await app.request('/api/estimate/infer', jsonBody({ model: 'nope', hardware: 'h100-sxm' }));
    const lines = log.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.method, l.path, l.status])).toEqual([
      ['GET', '/health', 200],
      ['POST', '/api/estimate/infer', 404],
    ]);
    expect(typeof lines[0]?.ms).toBe('number');
  });
});
