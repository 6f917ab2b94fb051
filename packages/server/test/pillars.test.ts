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

const claimsPath = join(defaultDataDir, 'claims', 'deepseek-briefing.yaml');
const workloadPath = join(defaultDataDir, 'workloads', 'support-bot.yaml');

describe('POST /api/audit', () => {
  const { app } = testApp();

  it('answers the same report as `clearbox audit FILE --json`, reference disclosures included', async () => {
    const res = await app.request(
      '/api/audit',
      jsonBody({ claims: readFileSync(claimsPath, 'utf8'), name: claimsPath }),
    );
    expect(res.status).toBe(200);
    const fromCli = await cli('audit', claimsPath, '--json');
    const body = (await res.json()) as {
      results: Array<{
        id: string;
        qualifiers: Array<{ id: string }>;
        sensitivity: string[];
        about: unknown;
      }>;
    };
    expect(body).toEqual(JSON.parse(fromCli.out));
    // Qualifiers, sensitivity lines and what each claim is about travel in the same JSON.
    const byId = new Map(body.results.map((r) => [r.id, r]));
    expect(byId.get('deepseek-hardware-500m')?.qualifiers.map((q) => q.id)).toEqual([
      'consistent-with-source',
    ]);
    expect(byId.get('v2-price-vs-gpt-4-turbo')?.sensitivity[0]).toContain("'about'");
    expect(body.results.every((r) => r.about !== undefined && Array.isArray(r.sensitivity))).toBe(true);
  });

  it('accepts the claims as a JSON object', async () => {
    const res = await app.request(
      '/api/audit',
      jsonBody({
        claims: {
          version: 1,
          claims: [
            {
              id: 'mixtral',
              text: 'Mixtral activates about 28% of its parameters',
              source: { title: 'test', date: '2025-01' },
              check: { kind: 'activation-ratio', model: 'mixtral-8x7b', claimed: 0.28 },
            },
          ],
        },
      }),
    );
    const report = (await res.json()) as { results: Array<{ id: string; verdict: string }> };
    expect(res.status).toBe(200);
    expect(report.results.map((r) => [r.id, r.verdict])).toEqual([['mixtral', 'holds']]);
  });

  it('claims with no valid entry: a 400 problem naming the line and field of the text sent', async () => {
    const res = await app.request(
      '/api/audit',
      jsonBody({
        claims: 'version: 1\nclaims:\n  - id: x\n    check:\n      kind: no-such-check\n',
        name: 'mine.yaml',
      }),
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/mine\.yaml:\d+ claims\[0\]\.check/);
  });
});

describe('POST /api/decide', () => {
  const { app } = testApp();

  it('answers the same result as `clearbox decide WORKLOAD --json`', async () => {
    const res = await app.request(
      '/api/decide',
      jsonBody({ workload: readFileSync(workloadPath, 'utf8'), name: workloadPath, top: 3 }),
    );
    expect(res.status).toBe(200);
    const fromCli = await cli('decide', workloadPath, '--top', '3', '--json');
    expect(fromCli.code).toBe(0);
    expect(await res.json()).toEqual(JSON.parse(fromCli.out));
  });

  it('an invalid workload is a 400 problem with the same message as the CLI', async () => {
    const res = await app.request('/api/decide', jsonBody({ workload: 'version: 1\n', name: 'w.yaml' }));
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { detail: string };
    expect(problem.detail).toMatch(/^w\.yaml/);
  });

  it('refuses `top` as the CLI refuses `--top`: one schema, the same words', async () => {
    const res = await app.request(
      '/api/decide',
      jsonBody({ workload: readFileSync(workloadPath, 'utf8'), name: workloadPath, top: 0 }),
    );
    expect(res.status).toBe(400);
    const fromCli = await cli('decide', workloadPath, '--top', '0');
    expect(fromCli.code).toBe(2);
    const cliReason = fromCli.err.trim().split(': ').at(-1) ?? '';
    expect(cliReason).toMatch(/at least 1/);
    expect(JSON.stringify(await res.json())).toContain(cliReason);
  });
});
