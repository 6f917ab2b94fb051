import type { AccountStats } from './log-features.ts';

/** Union-find with path halving and union by size. */
export class DisjointSets {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;

  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
    this.size = new Int32Array(n).fill(1);
  }

  find(x: number): number {
    let v = x;
    while (this.parent[v] !== v) {
      const grand = this.parent[this.parent[v] as number] as number;
      this.parent[v] = grand;
      v = grand;
    }
    return v;
  }

  union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if ((this.size[ra] as number) < (this.size[rb] as number)) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra] = (this.size[ra] as number) + (this.size[rb] as number);
  }
}

/**
 * The least share of the smaller account's pool traffic (its uses of pool keys, a request counting once
 * per band) that a linked pair must have on the keys they share (a stated prior, not fitted). Template
 * keys are LSH buckets of word sets, and a bucket can be met by chance through two common words (two
 * payload words, or a payload word and an instruction word). Measured on seed 1 at 1,000 reference
 * accounts (pairs sharing 3 keys or more): on the prose generator, pairs drawing on one shared pool had
 * 10-72% of the smaller account's pool traffic on shared keys (10th percentile 30%; mixed variant
 * 11-67%), pairs met by chance (different campaigns, the batch pipeline) at most 7.7%; on the first
 * generator, hydra accounts of 500 requests 13-28%, chance pairs (benign, batch) at most 2.6%, hydras of
 * ordinary volume 2-100% (10th percentile 10%; 581 of 653 pairs linked, 615 by the share of keys: each
 * hydra stays one cluster); benign-only prose traffic had no pair sharing 3 keys.
 * The share was first counted in keys, not uses (0.1 was set then, on the prose generator's 3-4% chance
 * sharing and 14-58% within a pool): but keys met by chance grow with an account's volume while a
 * template's keys stay as many, so the first generator's hydra accounts of 500 requests shared only
 * 4-8% of their pool keys, and a campaign of the target size was not linked. A template carries many
 * uses, a chance key a few, so the share of uses does not fall with volume.
 */
export const MIN_POOL_OVERLAP = 0.1;

export interface LinkRules {
  /**
   * Accounts sharing at least this many shared-pool template keys (LSH buckets), on which at least
   * MIN_POOL_OVERLAP of the smaller one's pool traffic falls, are linked.
   */
  minSharedTemplates: number;
}

export interface Cluster {
  id: string;
  members: number[];
  /** Why the members are linked: e.g. "ip 10.0.0.1 (6 accounts)", "shares >= 3 pool templates". */
  links: string[];
}

/**
 * L7 coordination: links accounts that share >= k shared-pool templates (carrying at least
 * MIN_POOL_OVERLAP of the smaller one's pool traffic), or a rare IP or user agent, and
 * returns the connected components with two or more accounts. Judged against the benign reference:
 * a pool template is one that both accounts use twice or more and no reference account uses
 * (`templateDf` counts reference accounts per template), and `ips`/`userAgents` hold only the values
 * the log engine found rare in the reference. Values the reference uses (framework prompts, common
 * client libraries, large NATs) link nobody; a template pool or proxy shared by many tested accounts
 * and no reference account links them all, however many they are. Templates merely rare in the
 * reference linked heavy benign users who shared a few common prompt openings by chance.
 */
export function linkAccounts(
  accounts: readonly AccountStats[],
  templateDf: Map<string, number>,
  rules: LinkRules,
): Cluster[] {
  const sets = new DisjointSets(accounts.length);
  const reasons = new Map<number, string[]>();
  const note = (i: number, why: string) => {
    const list = reasons.get(i) ?? [];
    if (list.length < 5 && !list.includes(why)) list.push(why);
    reasons.set(i, list);
  };
  const byValue = (kind: 'ip' | 'user agent', values: (a: AccountStats) => string[]) => {
    const owners = new Map<string, number[]>();
    accounts.forEach((a, i) => {
      for (const v of values(a)) {
        const list = owners.get(v) ?? [];
        list.push(i);
        owners.set(v, list);
      }
    });
    for (const [value, list] of owners) {
      if (list.length < 2) continue;
      for (const i of list) {
        sets.union(list[0] as number, i);
        note(i, `${kind} ${value} (${list.length} accounts)`);
      }
    }
  };
  byValue('ip', (a) => a.ips);
  byValue('user agent', (a) => a.userAgents);

  // Per pool key, its owners and each owner's uses of it (requests on the key, one band each).
  const templateOwners = new Map<string, Array<[number, number]>>();
  const poolUses = new Float64Array(accounts.length);
  accounts.forEach((a, i) => {
    for (const [key, count] of a.templates) {
      if (count < 2 || (templateDf.get(key) ?? 0) > 0) continue;
      const list = templateOwners.get(key) ?? [];
      list.push([i, count]);
      templateOwners.set(key, list);
      poolUses[i] = (poolUses[i] as number) + count;
    }
  });
  const n = accounts.length;
  // Per linked pair (x < y): shared pool keys, x's uses of them, y's uses of them.
  const pairs = new Map<number, [number, number, number]>();
  for (const list of templateOwners.values()) {
    for (let x = 0; x < list.length; x++) {
      for (let y = x + 1; y < list.length; y++) {
        const [a, useA] = list[x] as [number, number];
        const [b, useB] = list[y] as [number, number];
        const key = a * n + b;
        const shared = pairs.get(key);
        if (shared) {
          shared[0] += 1;
          shared[1] += useA;
          shared[2] += useB;
        } else pairs.set(key, [1, useA, useB]);
      }
    }
  }
  for (const [key, [count, usesA, usesB]] of pairs) {
    const a = Math.floor(key / n);
    const b = key % n;
    // The share of the smaller account's pool traffic (its uses of pool keys) on the keys they share.
    const share =
      (poolUses[a] as number) <= (poolUses[b] as number)
        ? usesA / (poolUses[a] as number)
        : usesB / (poolUses[b] as number);
    if (count < rules.minSharedTemplates || share < MIN_POOL_OVERLAP) continue;
    sets.union(a, b);
    note(a, `shares >= ${rules.minSharedTemplates} pool templates`);
    note(b, `shares >= ${rules.minSharedTemplates} pool templates`);
  }

  const components = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const root = sets.find(i);
    const list = components.get(root) ?? [];
    list.push(i);
    components.set(root, list);
  }
  const clusters = [...components.values()]
    .filter((m) => m.length >= 2)
    .map((members) =>
      members.sort((a, b) => (accounts[a]?.account ?? '').localeCompare(accounts[b]?.account ?? '')),
    )
    .sort(
      (a, b) =>
        b.length - a.length ||
        (accounts[a[0] as number]?.account ?? '').localeCompare(accounts[b[0] as number]?.account ?? ''),
    );
  return clusters.map((members, c) => ({
    id: `cluster-${c + 1}`,
    members,
    links: [...new Set(members.flatMap((i) => reasons.get(i) ?? []))].slice(0, 8),
  }));
}
