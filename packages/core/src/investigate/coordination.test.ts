import { describe, expect, it } from 'vitest';
import { linkAccounts, MIN_POOL_OVERLAP } from './coordination.ts';
import {
  type AccountStats,
  clusterFeaturesOf,
  featuresOf,
  type TemplateIndex,
  TOPIC_BUCKETS,
} from './log-features.ts';

function account(name: string, templates: Array<[string, number]>, ips: string[] = []): AccountStats {
  const requests = templates.reduce((sum, [, n]) => sum + n, 0);
  return {
    account: name,
    reference: false,
    requests,
    inputTokens: 0,
    outputTokens: 0,
    activeDays: 14,
    reasoningRequests: 0,
    largeMaxTokensRequests: 0,
    gapCount: 0,
    gapMean: 0,
    gapSd: 0,
    hours: new Array<number>(24).fill(0),
    topics: new Array<number>(TOPIC_BUCKETS).fill(0),
    templates,
    logitBiasSweep: 0,
    ips,
    userAgents: [],
  };
}

/** `count` keys named prefix-0.. each used `uses` times. */
const keys = (prefix: string, count: number, uses: number): Array<[string, number]> =>
  Array.from({ length: count }, (_, i) => [`${prefix}-${i}`, uses]);

describe('L7 links (coordination.ts)', () => {
  it('links two accounts whose pool traffic sits on shared templates, however many chance keys their payloads add', () => {
    // Two templates of a shared pool, 11 stable LSH keys each, used about 40 times per key; beside them
    // 600 keys each met twice through payload words (topic words), private to each account. That is the
    // first generator's hydra at 500 requests: 4% of each account's pool keys are shared (a share of keys
    // linked nobody), 42% of its pool traffic is.
    const shared = keys('pool', 22, 40);
    const a = account('a', [...shared, ...keys('payload-a', 600, 2)]);
    const b = account('b', [...shared, ...keys('payload-b', 600, 2)]);
    expect(22 / 622).toBeLessThan(MIN_POOL_OVERLAP);
    const clusters = linkAccounts([a, b], new Map(), { minSharedTemplates: 3 });
    expect(clusters.map((c) => c.members)).toEqual([[0, 1]]);
    expect(clusters[0]?.links).toEqual(['shares >= 3 pool templates']);
  });

  it('does not link through a few keys met by chance, nor a small account to a large one through a sliver of its traffic, nor through keys the reference uses, nor below the shared-key minimum', () => {
    // A heavy account and a small one meeting on 3 keys by chance: 6 of the small account's 87 pool uses
    // (7%), though the 3 keys are 3/30 = 10% of its pool keys (a share of keys linked them).
    const heavy = account('heavy', [...keys('chance', 3, 50), ...keys('heavy', 500, 20)]);
    const small = account('small', [...keys('chance', 3, 2), ...keys('small', 27, 3)]);
    expect(linkAccounts([heavy, small], new Map(), { minSharedTemplates: 3 })).toEqual([]);
    // Keys that are half a small account's pool traffic and a sliver of a large one's: the small account
    // does not join the large one (two of the first generator's naive campaigns merged that way).
    const large = account('large', [...keys('common', 3, 5), ...keys('large', 250, 20)]);
    const tiny = account('tiny', [...keys('common', 3, 10), ...keys('tiny', 10, 3)]);
    expect(linkAccounts([large, tiny], new Map(), { minSharedTemplates: 3 })).toEqual([]);
    // A template the benign reference uses is no pool, however much two accounts share it.
    const framework = keys('framework', 16, 30);
    const df = new Map(framework.map(([key]) => [key, 5]));
    expect(
      linkAccounts([account('x', framework), account('y', framework)], df, { minSharedTemplates: 3 }),
    ).toEqual([]);
    // Two shared keys are below the minimum, whatever their share.
    const two = keys('two', 2, 30);
    expect(
      linkAccounts([account('x', two), account('y', two)], new Map(), { minSharedTemplates: 3 }),
    ).toEqual([]);
  });

  it('links accounts sharing a rare IP, with the reason', () => {
    const clusters = linkAccounts(
      [
        account('x', [], ['203.0.113.7']),
        account('y', [], ['203.0.113.7']),
        account('z', [], ['198.51.100.1']),
      ],
      new Map(),
      { minSharedTemplates: 3 },
    );
    expect(clusters.map((c) => c.members)).toEqual([[0, 1]]);
    expect(clusters[0]?.links).toEqual(['ip 203.0.113.7 (2 accounts)']);
  });

  it('gives the same links and features when keys no other account uses are summed instead of listed', () => {
    // The log engines sum the repeated uses of keys private to one account (privateTemplateUses).
    const shared = keys('pool', 22, 40);
    const listed = [
      account('a', [...shared, ...keys('own-a', 300, 3)]),
      account('b', [...shared, ...keys('own-b', 40, 2)]),
      account('c', [...keys('pool', 5, 2), ...keys('own-c', 200, 2)]),
      { ...account('r', [['common', 4], ...keys('own-r', 30, 2)]), reference: true },
    ];
    const summed = listed.map((s) => ({
      ...s,
      templates: s.templates.filter(([key]) => !key.startsWith('own-')),
      privateTemplateUses: s.templates
        .filter(([key]) => key.startsWith('own-'))
        .reduce((a, [, n]) => a + n, 0),
    }));
    expect(summed[0]?.privateTemplateUses).toBe(900);
    const index = (): TemplateIndex => ({ df: new Map([['common', 1]]), accounts: 50, rareMaxAccounts: 5 });
    const df = new Map([['common', 1]]);
    const rules = { minSharedTemplates: 3 };
    expect(linkAccounts(summed, df, rules)).toEqual(linkAccounts(listed, df, rules));
    expect(linkAccounts(summed, df, rules)).toHaveLength(1);
    const [i, j] = [index(), index()];
    summed.forEach((s, k) => {
      expect(featuresOf(s, i)).toEqual(featuresOf(listed[k] as AccountStats, j));
    });
    expect(clusterFeaturesOf(summed, i)).toEqual(clusterFeaturesOf(listed, j));
    expect(clusterFeaturesOf(summed.slice(0, 2), i)).toEqual(clusterFeaturesOf(listed.slice(0, 2), j));
  });
});
