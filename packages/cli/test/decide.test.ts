import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferIo } from '../src/io.ts';
import { main } from '../src/main.ts';

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const tmp = mkdtempSync(join(tmpdir(), 'clearbox-decide-'));
const workloads = new URL('../../core/data/workloads/', import.meta.url).pathname;

describe('clearbox decide', () => {
  it('support-bot --json: api[] and selfHost[] plans with the contract fields, best, breakEven[], frontier[]', async () => {
    const r = await run('decide', join(workloads, 'support-bot.yaml'), '--json', '--top', '3');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.api.length).toBeGreaterThan(0);
    expect(json.selfHost.length).toBeGreaterThanOrEqual(3);
    for (const p of [...json.api, ...json.selfHost]) {
      for (const key of ['monthlyUsd', 'usdPerMillionTokens', 'meetsSlo', 'ttftSeconds', 'tpotSeconds'])
        expect(p).toHaveProperty(key);
      expect(p.monthlyUsd.value).toBeGreaterThan(0);
      expect(typeof p.monthlyUsd.formula).toBe('string');
    }
    for (const p of json.selfHost) {
      expect(p.meetsSlo).toBe(true);
      expect(p.ttftSeconds.value).toBeLessThanOrEqual(2);
      expect(p.tpotSeconds.value).toBeLessThanOrEqual(0.05);
    }
    expect(json.api.every((p: { model: string }) => p.model === 'deepseek-v3')).toBe(true);
    expect(Object.keys(json.best)).toEqual(expect.arrayContaining(['api', 'selfHost', 'overall']));
    const overall = json.best.overall.monthlyUsd.value;
    expect(overall).toBe(Math.min(json.best.api.monthlyUsd.value, json.best.selfHost.monthlyUsd.value));
    expect(json.breakEven.length).toBe(json.api.length * json.selfHost.length);
    expect(json.frontier.length).toBeGreaterThan(0);
    expect(json.sensitivity.length).toBe(7);
    expect(json.runnersUp.some((x: { lostOn: string }) => x.lostOn === 'memory')).toBe(true);
  });

  it('writes a self-contained HTML report and a Markdown one', async () => {
    const html = join(tmp, 'report.html');
    const r = await run('decide', join(workloads, 'local-assistant.yaml'), '--out', html);
    expect(r.code).toBe(0);
    expect(r.out).toContain('## Answer');
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<details class="fig">');
    expect(page).not.toMatch(/<script|<link|src="/);
    const md = join(tmp, 'report.md');
    expect((await run('decide', join(workloads, 'local-assistant.yaml'), '--out', md)).code).toBe(0);
    expect(readFileSync(md, 'utf8')).toContain('# Decide: local-assistant');
  });

  it('the local assistant: one GPU bought, at home, meets 10 tokens/s', async () => {
    const r = await run('decide', join(workloads, 'local-assistant.yaml'), '--json');
    const json = JSON.parse(r.out);
    const best = json.best.selfHost;
    expect(best.kind).toBe('buy');
    expect(best.devices).toBe(1);
    expect(best.tpotSeconds.value).toBeLessThanOrEqual(0.1);
  });

  it('bad input: exit 2, one line per problem, each with its path, no stack trace', async () => {
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(
      bad,
      `version: 1
name: bad
requestsPerDay: 0
inputTokens: { mean: 100, p95: 50 }
outputTokens: { mean: 10 }
slo: { ttftSeconds: 2, tpotSeconds: 0.05 }
quality: { minModels: [lama-3.1-8b] }
`,
    );
    const r = await run('decide', bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^clearbox: error: /);
    expect(r.err).toContain('bad.yaml:3 requestsPerDay');
    expect(r.err).toContain('inputTokens.p95');
    expect(r.err).toContain('outputTokens.p95');
    expect(r.err).not.toMatch(/\bat .*\.ts:\d+/);
    const unknown = join(tmp, 'unknown.yaml');
    writeFileSync(
      unknown,
      `version: 1
name: typo
requestsPerDay: 10
inputTokens: { mean: 100, p95: 200 }
outputTokens: { mean: 10, p95: 20 }
slo: { ttftSeconds: 2, tpotSeconds: 0.1 }
quality: { minModels: [lama-3.1-8b] }
`,
    );
    const u = await run('decide', unknown);
    expect(u.code).toBe(2);
    expect(u.err).toContain('quality.minModels[0]: unknown model "lama-3.1-8b"; closest: llama-3.1-8b');
    expect((await run('decide', join(tmp, 'missing.yaml'))).code).toBe(2);
    expect(
      (await run('decide', join(workloads, 'support-bot.yaml'), '--out', join(tmp, 'x.pdf'))).err,
    ).toContain('--out: expected a file ending in .html or .md');
  });
});
