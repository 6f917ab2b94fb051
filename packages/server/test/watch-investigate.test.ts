import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bufferIo, main } from '@clearbox/cli';
import { defaultCorporaSpec } from '@clearbox/core';
import { defaultDataDir, writeSynthCorpora } from '@clearbox/store';
import { describe, expect, it } from 'vitest';
import { jsonBody, tempDir, testApp } from './helpers.ts';

async function cli(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const signalsPath = join(defaultDataDir, 'signals', 'nvidia-gross-margin.yaml');

describe('POST /api/watch', () => {
  const { app } = testApp({ maxBodyBytes: 1024 * 1024 });

  it('answers the same report as `clearbox watch FILE --json`, with and without --since', async () => {
    for (const since of [undefined, '2024-01']) {
      const res = await app.request(
        '/api/watch',
        jsonBody({
          signals: readFileSync(signalsPath, 'utf8'),
          name: signalsPath,
          ...(since ? { since } : {}),
        }),
      );
      expect(res.status).toBe(200);
      const fromCli = await cli('watch', signalsPath, '--json', ...(since ? ['--since', since] : []));
      expect(fromCli.code).toBeLessThanOrEqual(1);
      const body = (await res.json()) as { results: Array<{ firings: unknown[] }> };
      expect(body).toEqual(JSON.parse(fromCli.out));
      expect(body.results.some((r) => r.firings.length > 0)).toBe(true);
    }
  });

  it('accepts the signals as a JSON object', async () => {
    const res = await app.request(
      '/api/watch',
      jsonBody({
        signals: {
          version: 1,
          signals: [
            {
              id: 's',
              name: 'S',
              unit: 'fraction',
              period: 'quarter',
              source: { title: 't', date: '2025-01' },
              series: {
                points: [
                  { date: '2025-01-01', value: 0.7 },
                  { date: '2025-04-01', value: 0.5 },
                ],
              },
              rules: [{ id: 'low', below: 0.6, severity: 'warning' }],
            },
          ],
        },
      }),
    );
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const report = JSON.parse(text) as {
      alerts: number;
      results: Array<{ firings: Array<{ date: string }> }>;
    };
    expect(report.results[0]?.firings.map((f) => f.date)).toEqual(['2025-04-01']);
    expect(report.alerts).toBe(1);
  });

  it('invalid signals: a 400 problem naming the line and field of the text sent', async () => {
    const res = await app.request(
      '/api/watch',
      jsonBody({ signals: 'version: 1\nsignals:\n  - id: x\n    unit: 3\n', name: 'mine.yaml' }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { detail: string };
    expect(problem.detail).toContain('mine.yaml');
    expect(problem.detail).toContain('signals[0]');
  });

  it('a malformed --since is refused with the field named', async () => {
    const res = await app.request('/api/watch', jsonBody({ signals: 'version: 1', since: 'last year' }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toContain('since');
  });
});

describe('POST /api/investigate/overlap', () => {
  const dir = tempDir('clearbox-overlap-');
  const { files } = writeSynthCorpora(dir, {
    ...defaultCorporaSpec,
    prompts: 80,
    baselines: 2,
    referenceTexts: 20,
  });
  const text = (label: string) => readFileSync(files[label] as string, 'utf8');
  const { app } = testApp({ maxBodyBytes: 4 * 1024 * 1024 });
  // What differs by design between a file run and a request: when, and the names of the inputs.
  const comparable = (report: Record<string, unknown>) => ({
    ...report,
    generatedAt: 'now',
    inputs: (report.inputs as Array<Record<string, unknown>>).map((i) => ({ ...i, path: '' })),
  });

  it('answers the same report as `clearbox investigate overlap --json` for the same corpora and options', async () => {
    const res = await app.request(
      '/api/investigate/overlap',
      jsonBody({
        teacher: text('teacher'),
        suspect: text('suspect'),
        baselines: [text('baseline-1'), text('baseline-2')],
        reference: text('reference'),
        options: { teacherNames: ['Orbis'], watermark: { key: 42 }, containmentSizes: [8, 9, 10], seed: 3 },
      }),
    );
    const body = await res.text();
    expect(res.status, body).toBe(200);
    const fromCli = await cli(
      'investigate',
      'overlap',
      '--teacher',
      files.teacher as string,
      '--suspect',
      files.suspect as string,
      '--baseline',
      files['baseline-1'] as string,
      '--baseline',
      files['baseline-2'] as string,
      '--reference',
      files.reference as string,
      '--teacher-name',
      'Orbis',
      '--watermark-key',
      '42',
      '--ngram',
      '8..10',
      '--seed',
      '3',
      '--json',
    );
    expect(fromCli.err).toBe('');
    const api = JSON.parse(body) as Record<string, unknown> & { tests: Array<{ id: string }> };
    expect(comparable(api)).toEqual(comparable(JSON.parse(fromCli.out)));
    expect(api.tests.map((t) => t.id)).toEqual(['O1', 'O2', 'O3', 'O4', 'O5']);
    expect((api.inputs as Array<{ path: string }>).map((i) => i.path)).toEqual([
      'teacher.jsonl',
      'suspect.jsonl',
      'baseline-1.jsonl',
      'baseline-2.jsonl',
      'reference.jsonl',
    ]);
  });

  it('refuses without a baseline, as the CLI does', async () => {
    const res = await app.request(
      '/api/investigate/overlap',
      jsonBody({ teacher: text('teacher'), suspect: text('suspect'), baselines: [] }),
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toContain('no baseline corpus');
  });

  it('bad JSONL lines: a 400 problem naming the corpus and every bad line', async () => {
    const res = await app.request(
      '/api/investigate/overlap',
      jsonBody({
        teacher: text('teacher'),
        suspect: '{"promptId": "p1", "text": "a"}\nnot json\n{"promptId": 2}\n',
        baselines: [text('baseline-1')],
      }),
    );
    expect(res.status).toBe(400);
    const { detail } = (await res.json()) as { detail: string };
    expect(detail).toContain('suspect.jsonl:2');
    expect(detail).toContain('suspect.jsonl:3');
  });

  it('respects the body limit', async () => {
    const small = testApp({ maxBodyBytes: 1024 }).app;
    const res = await small.request(
      '/api/investigate/overlap',
      jsonBody({ teacher: text('teacher'), suspect: text('suspect'), baselines: [text('baseline-1')] }),
    );
    expect(res.status).toBe(413);
  });

  it('both endpoints are in the OpenAPI document', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/watch', '/api/investigate/overlap']),
    );
  });
});
