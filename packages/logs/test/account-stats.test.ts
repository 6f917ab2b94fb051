import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AccountStats, createRng, TEMPLATE_BANDS } from '@clearbox/core';
import { describe, expect, it } from 'vitest';
import { logAccountStats } from '../src/index.ts';

// The per-account SQL (ordered timestamps, squared-gap sums, hour histograms, keyword-prefiltered
// reasoning checks, template keys) checked against a direct computation on the same rows.
const phrases = [
  'Think step by step.',
  'SHOW YOUR WORK',
  'Use a Chain-Of-Thought',
  "Let's think",
  'Reasoning trace please',
];
const decoys = ['step on it', 'network reasons', 'I think so', 'a chain store', 'homework'];

interface Row {
  ts: number;
  account: string;
  prompt: string;
  inputTokens: number;
  outputTokens: number;
  maxTokens: number;
}

function rowsOf(seed: number): Row[] {
  const rng = createRng(seed);
  const rows: Row[] = [];
  for (let a = 0; a < 40; a++) {
    const n = 1 + rng.int(60);
    const regular = a % 5 === 0;
    let t = 1_740_787_200_000 + rng.int(86_400_000);
    for (let i = 0; i < n; i++) {
      t += regular ? 90_000 : 1 + rng.int(7_200_000);
      const reasoning = rng.next() < 0.3;
      const template = `Question ${rng.int(500)} for account ${a}: please answer briefly and precisely, `;
      rows.push({
        ts: t,
        account: `acct-${a}`,
        prompt: `${template}${rng.pick(decoys)} ${reasoning ? rng.pick(phrases) : ''}`,
        inputTokens: 10 + rng.int(100),
        outputTokens: 10 + rng.int(500),
        maxTokens: rng.pick([256, 1024, 8192]),
      });
    }
  }
  // Log files are rarely in account order: shuffle the lines.
  return rng.shuffle(rows);
}

const reasoningPattern =
  /step by step|step-by-step|show your reasoning|show your work|explain your reasoning|think carefully|think through|chain of thought|chain-of-thought|reasoning trace|let's think/;

function expected(rows: Row[]): Map<string, Partial<AccountStats>> {
  const byAccount = new Map<string, Row[]>();
  for (const r of rows) byAccount.set(r.account, [...(byAccount.get(r.account) ?? []), r]);
  const out = new Map<string, Partial<AccountStats>>();
  for (const [account, list] of byAccount) {
    const ts = list.map((r) => r.ts).sort((x, y) => x - y);
    const gaps = ts.slice(1).map((t, i) => t - (ts[i] as number));
    const mean = gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : 0;
    const sd = gaps.length ? Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length) : 0;
    const hours = new Array<number>(24).fill(0);
    for (const t of ts)
      hours[Math.floor(t / 3_600_000) % 24] = (hours[Math.floor(t / 3_600_000) % 24] as number) + 1;
    out.set(account, {
      requests: list.length,
      inputTokens: list.reduce((a, r) => a + r.inputTokens, 0),
      outputTokens: list.reduce((a, r) => a + r.outputTokens, 0),
      activeDays: new Set(ts.map((t) => Math.floor(t / 86_400_000))).size,
      reasoningRequests: list.filter((r) => reasoningPattern.test(r.prompt.toLowerCase())).length,
      largeMaxTokensRequests: list.filter((r) => r.maxTokens >= 4096).length,
      gapCount: gaps.length,
      gapMean: mean,
      gapSd: sd,
      hours,
    });
  }
  return out;
}

describe('per-account log statistics in SQL', () => {
  for (const seed of [3, 11]) {
    it(`match a direct computation on the same rows (seed ${seed})`, async () => {
      const rows = rowsOf(seed);
      const dir = mkdtempSync(join(tmpdir(), 'clearbox-account-stats-'));
      const file = join(dir, 'logs.jsonl');
      writeFileSync(
        file,
        rows.map((r) => JSON.stringify({ ...r, ts: new Date(r.ts).toISOString() })).join('\n'),
      );
      const stats = await logAccountStats({
        files: [file],
        referenceFiles: [],
        referenceAccounts: ['acct-0', 'acct-1'],
        map: {},
        rareShare: 0.02,
      });
      const want = expected(rows);
      expect(stats.map((s) => s.account).sort()).toEqual([...want.keys()].sort());
      for (const s of stats) {
        const w = want.get(s.account) as AccountStats;
        expect(s.reference, s.account).toBe(s.account === 'acct-0' || s.account === 'acct-1');
        for (const field of [
          'requests',
          'inputTokens',
          'outputTokens',
          'activeDays',
          'reasoningRequests',
          'largeMaxTokensRequests',
          'gapCount',
        ] as const) {
          expect(s[field], `${s.account} ${field}`).toBe(w[field]);
        }
        expect(s.gapMean, `${s.account} gapMean`).toBeCloseTo(w.gapMean, 6);
        expect(Math.abs(s.gapSd - w.gapSd), `${s.account} gapSd`).toBeLessThanOrEqual(
          1e-6 * Math.max(1, w.gapMean),
        );
        expect(s.hours, `${s.account} hours`).toEqual(w.hours);
        // The topic is read on a hash sample of about one row in four; every sampled row has one bucket.
        expect(s.topics.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(s.requests);
        // "Question <n> for account <a>: ..." differs only in digits and a few closing words: a reference
        // account keeps every key (all are shared with other accounts), one per band per request; a tested
        // account those it repeats.
        // Keys no other account uses are summed, not listed.
        const total = s.templates.reduce((sum, [, c]) => sum + c, 0) + (s.privateTemplateUses ?? 0);
        if (s.reference) expect(total, `${s.account} templates`).toBe(TEMPLATE_BANDS * s.requests);
        else expect(s.templates.every(([, c]) => c >= 2)).toBe(true);
        if (s.requests >= 20) expect(total, `${s.account} templates`).toBeGreaterThan(s.requests);
      }
      // A perfectly regular account: sd 0 up to the documented rounding (1e-8 of the mean gap).
      const regular = stats.find((s) => s.account === 'acct-5') as AccountStats;
      expect(regular.gapSd).toBeLessThan(1e-7 * regular.gapMean);
      const sampled = stats.reduce((a, s) => a + s.topics.reduce((x, y) => x + y, 0), 0);
      expect(sampled / rows.length).toBeGreaterThan(0.15);
      expect(sampled / rows.length).toBeLessThan(0.35);
    });
  }

  it('counts a shared IP or user agent over every account, reference included, before calling it rare', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearbox-account-links-'));
    const file = join(dir, 'logs.jsonl');
    const row = (account: string, ip: string, userAgent: string, i: number) =>
      JSON.stringify({
        ts: 1_740_787_200_000 + i * 60_000,
        account,
        prompt: `hello ${i}`,
        inputTokens: 5,
        outputTokens: 9,
        ip,
        userAgent,
      });
    const lines: string[] = [];
    // 200 reference accounts and 3 tested ones share a client library; 2 tested accounts share an IP.
    for (let a = 0; a < 200; a++)
      lines.push(row(`ref-${a}`, `10.0.${a >> 8}.${a & 255}`, 'common-client/1.0', a));
    for (let a = 0; a < 3; a++)
      lines.push(row(`test-${a}`, a < 2 ? '192.0.2.7' : '192.0.2.9', 'common-client/1.0', a));
    writeFileSync(file, lines.join('\n'));
    const stats = await logAccountStats({
      files: [file],
      referenceFiles: [],
      referenceAccounts: Array.from({ length: 200 }, (_, a) => `ref-${a}`),
      map: {},
      rareShare: 0.02,
    });
    const tested = stats.filter((s) => !s.reference).sort((x, y) => x.account.localeCompare(y.account));
    // 203 accounts use the client library (rare means at most floor(0.02 x 203) = 4): no link.
    expect(tested.map((s) => s.userAgents)).toEqual([[], [], []]);
    expect(tested.map((s) => s.ips)).toEqual([['192.0.2.7'], ['192.0.2.7'], []]);
  });
});
