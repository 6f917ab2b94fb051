import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostileDocuments } from '../../cli/test/fuzz/hostile-corpus.ts';
import { testApp } from './helpers.ts';

/**
 * The fuzz suite over every endpoint: hostile documents in every document field, random JSON bodies
 * and hostile option values. Whatever arrives, the answer is a 2xx or a 4xx problem+json: never a 500.
 */
const { app } = testApp({ maxBodyBytes: 8 * 1024 * 1024, loopbackOnly: true });

/** Each POST endpoint with the body field that carries a user document. */
const documentFields: Array<[path: string, field: string, extra: Record<string, unknown>]> = [
  ['/api/audit', 'claims', {}],
  ['/api/decide', 'workload', {}],
  ['/api/disclose/check', 'disclosure', {}],
  ['/api/disclose/report', 'disclosure', { draws: 100 }],
  ['/api/watch', 'signals', {}],
  [
    '/api/investigate/overlap',
    'teacher',
    { suspect: '{"promptId":"1","text":"a"}', baselines: ['{"promptId":"1","text":"b"}'] },
  ],
  ['/api/scenarios', 'content', { name: 'fuzz' }],
];
const optionBodies = ['/api/estimate/infer', '/api/estimate/train'];

async function post(path: string, body: string): Promise<{ status: number; type: string; text: string }> {
  const res = await app.request(`http://127.0.0.1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

function expectClean(r: { status: number; type: string; text: string }, what: string): void {
  expect(r.status, `${what}: ${r.text.slice(0, 300)}`).toBeLessThan(500);
  if (r.status >= 400) {
    expect(r.type, what).toContain('application/problem+json');
    expect(r.text, what).not.toMatch(/call stack/i);
  }
}

describe('fuzz: every endpoint', () => {
  it('hostile documents in every document field: 2xx or 4xx problem+json', { timeout: 120_000 }, async () => {
    let cases = 0;
    for (const doc of hostileDocuments()) {
      const text = typeof doc.content === 'string' ? doc.content : Buffer.from(doc.content).toString('utf8');
      for (const [path, field, extra] of documentFields) {
        // Saved-item content is any JSON value: the hostile text is sent parsed where it parses.
        let value: unknown = text;
        if (field === 'content') {
          try {
            value = JSON.parse(text);
          } catch {
            value = text;
          }
        }
        const body =
          field === 'content' && typeof value !== 'string'
            ? `{"name":"fuzz","content":${text}}`
            : JSON.stringify({ ...extra, [field]: value });
        expectClean(await post(path, body), `${path} ${doc.name}`);
        cases++;
      }
      // The raw document as the whole body, too.
      for (const path of optionBodies) {
        expectClean(await post(path, text), `${path} raw ${doc.name}`);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(200);
  });

  it('random JSON bodies and hostile option values: never a 500', { timeout: 120_000 }, async () => {
    const paths = [...documentFields.map(([p]) => p), ...optionBodies];
    const hostileNumber = fc.constantFrom(-1, 0, 0.5, 1e308, -1e308, 1e-320, 2 ** 53 + 1);
    const options = fc.record(
      {
        model: fc.constantFrom('llama-3.1-8b', 'deepseek-v3', '', 'x'.repeat(10_000)),
        hardware: fc.constantFrom('h100-sxm', 'h800', 'nope'),
        usdPerHour: hostileNumber,
        outputTokens: hostileNumber,
        batch: fc.oneof(hostileNumber, fc.constant('max')),
        count: hostileNumber,
        pue: hostileNumber,
        sequenceLength: hostileNumber,
        microBatch: hostileNumber,
      },
      { requiredKeys: ['model', 'hardware'] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.oneof(fc.jsonValue({ maxDepth: 6 }), options),
        async (path, value) => {
          const body = JSON.stringify(value).replace(/1e\+308/g, '1e999');
          expectClean(await post(path, body), `${path} ${body.slice(0, 200)}`);
        },
      ),
      { numRuns: 200, seed: 15 },
    );
  });
});
