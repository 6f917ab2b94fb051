import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufferIo, main } from '@clearbox/cli';
import { defaultTrafficSpec } from '@clearbox/core';
import { writeSynthTraffic } from '@clearbox/logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonBody, tempDir, testApp } from './helpers.ts';

async function cli(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

/** `clearbox investigate logs TRAFFIC --reference REFERENCE --q 0.05 --json`, as the requests here ask. */
const cliAtQ = (traffic: string, reference: string) =>
  cli('investigate', 'logs', traffic, '--reference', reference, '--q', '0.05', '--json');

/** The flagged units, each with its accounts, in a stable order. */
const units = (r: { flagged: Array<{ account?: string; cluster?: string; accounts: string[] }> }) =>
  r.flagged.map((f) => `${f.account ?? f.cluster}:${f.accounts.join(',')}`).sort();

describe('POST /api/investigate/logs', () => {
  const { app } = testApp({ maxBodyBytes: 8 * 1024 * 1024, requestTimeoutMs: 120_000 });
  let files: { traffic: string; reference: string };
  const text = (path: string) => readFileSync(path, 'utf8');
  beforeAll(async () => {
    files = await writeSynthTraffic(
      tempDir('clearbox-api-logs-test-'),
      { ...defaultTrafficSpec, referenceAccounts: 300, seed: 29, scale: 0.08 },
      'jsonl',
    );
  }, 120_000);

  it('answers the report `clearbox investigate logs --json` prints for the same logs and options', async () => {
    const res = await app.request(
      '/api/investigate/logs',
      jsonBody({ traffic: text(files.traffic), reference: text(files.reference), options: { q: 0.05 } }),
    );
    const body = await res.text();
    expect(res.status, body).toBe(200);
    const report = JSON.parse(body);
    const fromCli = await cliAtQ(files.traffic, files.reference);
    expect(fromCli.code).toBe(1);
    const cliReport = JSON.parse(fromCli.out);
    expect(units(report).length).toBeGreaterThan(0);
    expect(units(report)).toEqual(units(cliReport));
    expect(report.rows).toEqual(cliReport.rows);
    expect(report.malformedRows.byReason).toEqual(cliReport.malformedRows.byReason);
    expect(report.calibration).toEqual(cliReport.calibration);
    // The inputs are named as sent, with the SHA-256 of the text; no temporary path leaks out.
    const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
    expect(report.inputs.map((i: { path: string; sha256: string }) => [i.path, i.sha256])).toEqual([
      ['traffic.jsonl', sha(files.traffic)],
      ['reference.jsonl', sha(files.reference)],
    ]);
    expect(body).not.toContain('clearbox-api-logs-');
    expect(report.malformedRows.sample[0]?.file).toBe('traffic.jsonl');
  }, 180_000);

  it('refuses bad input in one line naming the input as sent (400 problem+json)', async () => {
    const ask = async (payload: object) => {
      const res = await app.request('/api/investigate/logs', jsonBody(payload));
      const problem = (await res.json()) as { detail: string };
      return { status: res.status, type: res.headers.get('content-type'), detail: problem.detail };
    };
    const noReference = await ask({ traffic: text(files.traffic) });
    expect(noReference.status).toBe(400);
    expect(noReference.type).toContain('application/problem+json');
    expect(noReference.detail).toMatch(/^--reference: no benign reference/);
    const renamed = await ask({
      traffic: 'created_at,user_id,prompt,inputTokens,outputTokens\n2025-03-01T00:00:00Z,a,hi,1,2\n',
      format: 'csv',
      referenceAccounts: ['a'],
    });
    expect(renamed.status).toBe(400);
    expect(renamed.detail).toMatch(/^traffic\.csv: /);
    expect(renamed.detail.split('\n')).toHaveLength(1);
    const badQ = await ask({
      traffic: text(files.traffic),
      reference: text(files.reference),
      options: { q: 2 },
    });
    expect(badQ.status).toBe(400);
    expect(badQ.detail).toMatch(/options\.q/);
  }, 120_000);

  it('reads Parquet sent as base64, as the CLI reads the same files', async () => {
    const parquet = await writeSynthTraffic(
      tempDir('clearbox-api-logs-parquet-'),
      { ...defaultTrafficSpec, referenceAccounts: 300, seed: 29, scale: 0.08 },
      'parquet',
    );
    const base64 = (path: string) => readFileSync(path).toString('base64');
    const res = await app.request(
      '/api/investigate/logs',
      jsonBody({
        traffic: base64(parquet.traffic),
        reference: base64(parquet.reference),
        format: 'parquet',
        options: { q: 0.05 },
      }),
    );
    const body = await res.text();
    expect(res.status, body).toBe(200);
    const report = JSON.parse(body);
    const cliReport = JSON.parse((await cliAtQ(parquet.traffic, parquet.reference)).out);
    expect(units(report).length).toBeGreaterThan(0);
    expect(units(report)).toEqual(units(cliReport));
    expect(report.rows).toEqual(cliReport.rows);
    // The digest is of the file's bytes, not of the base64 that carried them.
    const sha = createHash('sha256').update(readFileSync(parquet.traffic)).digest('hex');
    expect(report.inputs[0]).toMatchObject({ path: 'traffic.parquet', sha256: sha });
  }, 180_000);

  it('refuses a body over the limit with one 413 line, and leaves no temporary files after any refusal', async () => {
    const small = testApp({ maxBodyBytes: 4096, requestTimeoutMs: 60_000 }).app;
    const tooLarge = await small.request(
      '/api/investigate/logs',
      jsonBody({ traffic: 'x'.repeat(5000), referenceAccounts: ['a'] }),
    );
    expect(tooLarge.status).toBe(413);
    const problem = (await tooLarge.json()) as { detail: string };
    expect(problem.detail).toBe(
      "request body is larger than the server's limit of 4096 bytes (4 KB; `clearbox serve --max-body` or CLEARBOX_MAX_BODY sets it)",
    );

    // os.tmpdir() reads TMPDIR on each call: this worker's requests write under a folder of their own.
    const before = process.env.TMPDIR;
    const own = mkdtempSync(join(tmpdir(), 'clearbox-api-logs-tmp-'));
    process.env.TMPDIR = own;
    try {
      const refusals = [
        { traffic: 'not base64!', reference: 'AAAA', format: 'parquet' },
        { traffic: 'AAAA', reference: 'AAAA', format: 'parquet' },
        { traffic: '{"ts": 1, "account": "a"}\n', referenceAccounts: ['a'] },
        { traffic: 'ts,account\n31/02/2025,a\n', format: 'csv', referenceAccounts: ['a'] },
      ];
      for (const payload of refusals) {
        const res = await app.request('/api/investigate/logs', jsonBody(payload));
        const detail = ((await res.json()) as { detail: string }).detail;
        expect(res.status, detail).toBe(400);
        expect(detail.split('\n'), detail).toHaveLength(1);
        expect(detail).not.toContain(own);
      }
      const notBase64 = await app.request(
        '/api/investigate/logs',
        jsonBody({ traffic: 'not base64!', referenceAccounts: ['a'], format: 'parquet' }),
      );
      expect(((await notBase64.json()) as { detail: string }).detail).toBe(
        'traffic: expected the Parquet file as base64 (format parquet)',
      );
      expect(readdirSync(own)).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
  }, 120_000);
});
