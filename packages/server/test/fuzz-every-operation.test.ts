import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostileDocuments } from '../../cli/test/fuzz/hostile-corpus.ts';
import { testApp } from './helpers.ts';

/**
 * The fuzz suite over every operation the server publishes, read from its own /openapi.json (an endpoint
 * added tomorrow is fuzzed tomorrow): hostile path parameters, every hostile document as the raw body,
 * a hostile value in every top-level field of every request body, and random JSON bodies. Whatever
 * arrives: an answer within 10 s, never a 5xx, a 4xx as problem+json whose detail is one line or a listed problem list.
 */
const { app } = testApp({ maxBodyBytes: 8 * 1024 * 1024, loopbackOnly: true });

interface Operation {
  method: string;
  path: string;
  fields: string[];
}

type Schema = { $ref?: string; properties?: Record<string, unknown> };

async function operations(): Promise<Operation[]> {
  const doc = (await (await app.request('http://127.0.0.1/openapi.json')).json()) as {
    paths: Record<
      string,
      Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>
    >;
    components?: { schemas?: Record<string, Schema> };
  };
  const resolve = (s: Schema | undefined): Schema | undefined =>
    s?.$ref ? doc.components?.schemas?.[s.$ref.replace('#/components/schemas/', '')] : s;
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(ops)) {
      const schema = resolve(op.requestBody?.content?.['application/json']?.schema);
      out.push({ method: method.toUpperCase(), path, fields: Object.keys(schema?.properties ?? {}) });
    }
  return out;
}

const hostileParams = [
  'x',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  '-1',
  '1e999',
  '99999999999999999999',
  'a'.repeat(4000),
];
/** Hostile JSON values (as JSON text: 1e999 parses to Infinity, as a client may send it). */
const hostileValues = [
  '1e999',
  '-1',
  '0',
  'null',
  '""',
  `"${'x'.repeat(100_000)}"`,
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`,
  '{"__proto__": {"polluted": true}}',
];

async function send(
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; type: string; text: string; ms: number }> {
  const start = performance.now();
  const init: RequestInit = { method, headers: { 'content-type': 'application/json' } };
  if (body !== undefined && method !== 'GET' && method !== 'DELETE') init.body = body;
  const answer = Promise.resolve(app.request(`http://127.0.0.1${path}`, init)).then(
    async (res: Response) => ({
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      text: await res.text(),
    }),
  );
  const hang = new Promise<never>((_, fail) =>
    setTimeout(() => fail(new Error(`${method} ${path}: no answer within 10 s`)), 10_000).unref(),
  );
  const r = await Promise.race([answer, hang]);
  return { ...r, ms: performance.now() - start };
}

function expectClean(r: { status: number; type: string; text: string }, what: string): void {
  expect(r.status, `${what}: ${r.text.slice(0, 300)}`).toBeLessThan(500);
  if (r.status >= 400) {
    expect(r.type, what).toContain('application/problem+json');
    const problem = JSON.parse(r.text) as { detail?: string; title?: string };
    // One line, or a listed problem list: every further line is an indented item.
    const lines = String(problem.detail ?? problem.title ?? '').split('\n');
    expect(
      lines.slice(1).filter((l) => !l.startsWith('  ')),
      what,
    ).toEqual([]);
    expect(r.text, what).not.toMatch(/call stack|internal error/i);
  }
}

const withParams = (path: string, value: string) => path.replace(/\{[^}]+\}/g, value);

describe('fuzz: every operation of /openapi.json', async () => {
  const ops = await operations();

  it('the published operations include every pillar and the saved items', () => {
    const paths = new Set(ops.map((o) => o.path));
    for (const p of [
      '/api/audit',
      '/api/decide',
      '/api/disclose/report',
      '/api/watch',
      '/api/investigate/overlap',
    ])
      expect(paths).toContain(p);
    expect(ops.length).toBeGreaterThan(30);
  });

  it.each(ops.filter((o) => o.path.includes('{')))('$method $path: hostile path parameters', async (op) => {
    for (const value of hostileParams) {
      const body = op.method === 'PUT' ? '{"content": {}}' : undefined;
      expectClean(
        await send(op.method, withParams(op.path, value), body),
        `${op.method} ${op.path} ${value.slice(0, 40)}`,
      );
    }
  });

  const withBody = ops.filter((o) => o.method === 'POST' || o.method === 'PUT');
  it.each(withBody)(
    '$method $path: hostile documents as the body, hostile values in every field',
    {
      timeout: 120_000,
    },
    async (op) => {
      const path = withParams(op.path, 'fuzz-id');
      for (const doc of hostileDocuments()) {
        const text =
          typeof doc.content === 'string' ? doc.content : Buffer.from(doc.content).toString('latin1');
        expectClean(await send(op.method, path, text), `${op.method} ${op.path} raw ${doc.name}`);
      }
      for (const field of op.fields)
        for (const value of hostileValues)
          expectClean(
            await send(op.method, path, `{"${field}": ${value}}`),
            `${op.method} ${op.path} ${field}=${value.slice(0, 40)}`,
          );
    },
  );

  it('random JSON bodies to every operation with a body: never a 5xx', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...withBody), fc.jsonValue({ maxDepth: 5 }), async (op, value) => {
        const body = JSON.stringify(value);
        expectClean(
          await send(op.method, withParams(op.path, 'fuzz-id'), body),
          `${op.method} ${op.path} ${body.slice(0, 200)}`,
        );
      }),
      { numRuns: 150, seed: 15 },
    );
  });
});
