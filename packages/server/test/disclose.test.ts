import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bufferIo, main } from '@clearbox/cli';
import { defaultDataDir } from '@clearbox/store';
import { describe, expect, it } from 'vitest';
import { jsonBody, testApp } from './helpers.ts';

async function cli(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const path = join(defaultDataDir, 'disclosures', 'deepseek-v3-reconstructed.yaml');
const text = readFileSync(path, 'utf8');

describe('disclose endpoints', () => {
  const { app } = testApp();

  it('POST /api/disclose/check answers the same JSON as `clearbox disclose check --json`', async () => {
    const res = await app.request('/api/disclose/check', jsonBody({ disclosure: text, name: path }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse((await cli('disclose', 'check', path, '--json')).out));
  });

  it('POST /api/disclose/report answers the same JSON as `clearbox disclose report --json`', async () => {
    const res = await app.request(
      '/api/disclose/report',
      jsonBody({ disclosure: text, name: path, draws: 500, seed: 7 }),
    );
    expect(res.status).toBe(200);
    const fromCli = await cli('disclose', 'report', path, '--json', '--draws', '500', '--seed', '7');
    expect(await res.json()).toEqual(JSON.parse(fromCli.out));
  });

  it('refuses `draws` as the CLI refuses `--draws`: one schema, the same words', async () => {
    const res = await app.request(
      '/api/disclose/report',
      jsonBody({ disclosure: text, name: path, draws: 5 }),
    );
    expect(res.status).toBe(400);
    const fromCli = await cli('disclose', 'report', path, '--draws', '5');
    expect(fromCli.code).toBe(2);
    expect(fromCli.err).toContain('expected 100 to 1,000,000 draws, got 5');
    expect(JSON.stringify(await res.json())).toContain('expected 100 to 1,000,000 draws, got 5');
  });

  it('gives the self-contained HTML report to download', async () => {
    const res = await app.request(
      '/api/disclose/report',
      jsonBody({ disclosure: text, draws: 100, format: 'html' }),
    );
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toMatch(/^<!doctype html>/i);
  });

  it('a malformed disclosure is a 400 with the CLI message and every issue at its field', async () => {
    const bad = text.replace(/^id: .*$/m, 'id: 42');
    const res = await app.request('/api/disclose/check', jsonBody({ disclosure: bad, name: 'bad.yaml' }));
    expect(res.status).toBe(400);
    const problem = (await res.json()) as {
      detail: string;
      issues: Array<{ path: string; message: string }>;
    };
    expect(problem.issues.length).toBeGreaterThan(0);
    expect(problem.issues.map((i) => i.path)).toContain('id');
    expect(problem.detail).toContain('bad.yaml');
  });

  it('GET /api/disclose/schema is the JSON Schema `clearbox disclose schema` prints', async () => {
    const res = await app.request('/api/disclose/schema');
    expect(await res.json()).toEqual(JSON.parse((await cli('disclose', 'schema')).out));
  });
});
