import { describe, expect, it } from 'vitest';
import { generateProseTraffic } from './synth-traffic-prose.ts';

const small = { testedAccounts: 300, referenceAccounts: 60, volume: 0.05 };

describe('prose traffic generator (independent of synth-traffic.ts)', () => {
  it('gives the same rows and labels for the same seed, and other rows for another seed', () => {
    const a = generateProseTraffic({ ...small, seed: 3, jitter: true, paraphrase: true });
    const b = generateProseTraffic({ ...small, seed: 3, jitter: true, paraphrase: true });
    const c = generateProseTraffic({ ...small, seed: 4, jitter: true, paraphrase: true });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c.traffic)).not.toBe(JSON.stringify(a.traffic));
  });

  for (const variant of [{}, { split: true }, { mixed: true }, { paraphrase: true, jitter: true }]) {
    it(`labels every tested account consistently with its campaign (${JSON.stringify(variant)})`, () => {
      const t = generateProseTraffic({ ...small, ...variant, seed: 1 });
      const trafficAccounts = new Set(t.traffic.map((r) => r.account));
      expect(new Set(Object.keys(t.labels))).toEqual(trafficAccounts);
      expect(trafficAccounts.size).toBe(small.testedAccounts);
      // Reference accounts are separate accounts.
      for (const r of t.reference) expect(t.labels[r.account]).toBeUndefined();
      expect(t.campaigns.map((c) => c.id)).toEqual(['naive', 'pool']);
      for (const c of t.campaigns) {
        for (const a of c.accounts) expect(t.labels[a]?.campaign).toBe(c.id);
      }
      const inCampaign = Object.entries(t.labels).filter(([, l]) => l.campaign !== null);
      expect(inCampaign.length).toBe(t.campaigns.reduce((n, c) => n + c.accounts.length, 0));
      expect(Object.values(t.labels).filter((l) => l.kind === 'batch')).toHaveLength(1);
      // Naive campaign rows elicit reasoning; the batch pipeline's never do.
      const naive = new Set(t.campaigns[0]?.accounts);
      const naiveRows = t.traffic.filter((r) => naive.has(r.account));
      expect(naiveRows.length).toBeGreaterThan(0);
      expect(naiveRows.every((r) => r.reasoningEffort === 'high')).toBe(true);
      const batchRows = t.traffic.filter((r) => t.labels[r.account]?.kind === 'batch');
      expect(batchRows.every((r) => !/step by step|reason/i.test(r.prompt))).toBe(true);
    });
  }

  it('split spreads the campaigns over more accounts; mixed accounts also send ordinary requests', () => {
    const base = generateProseTraffic({ ...small, seed: 2 });
    const split = generateProseTraffic({ ...small, seed: 2, split: true });
    expect(split.campaigns[1]?.accounts.length).toBeGreaterThan(base.campaigns[1]?.accounts.length as number);
    const proxies = (t: typeof base) =>
      new Set(t.traffic.filter((r) => t.labels[r.account]?.campaign === 'pool').map((r) => r.ip)).size;
    expect(proxies(split)).toBeGreaterThan(proxies(base));
    const mixed = generateProseTraffic({ ...small, seed: 2, mixed: true });
    const one = mixed.campaigns[1]?.accounts[0] as string;
    const rows = mixed.traffic.filter((r) => r.account === one);
    expect(rows.some((r) => r.maxTokens === 1024)).toBe(true);
    expect(rows.some((r) => r.maxTokens === 4096)).toBe(true);
  });

  it('benign-only mode has no campaign accounts or campaign rows', () => {
    const t = generateProseTraffic({ ...small, seed: 5, benignOnly: true });
    expect(t.campaigns).toEqual([]);
    expect(Object.values(t.labels).every((l) => l.campaign === null)).toBe(true);
    expect(t.traffic.some((r) => r.reasoningEffort === 'high' || r.maxTokens === 4096)).toBe(false);
  });

  it('rejects fewer tested accounts than the campaigns need', () => {
    expect(() => generateProseTraffic({ ...small, testedAccounts: 50 })).toThrow(/tested accounts/);
  });
});
