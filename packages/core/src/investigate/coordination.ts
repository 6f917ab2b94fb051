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
 * The least share of each account's pool traffic (its uses of pool keys, a request counting once per
 * band) that a linked pair must have on the keys they share (a stated prior, not fitted). Template keys
 * are LSH buckets of word sets, and a bucket can be met by chance through two common words (two payload
 * words, or a payload word and an instruction word). The share was first counted in keys, not uses, and
 * for the smaller account only (0.1 was set then, on the prose generator's 3-4% chance sharing and
 * 14-58% within a pool): but keys met by chance grow with an account's volume while a template's keys
 * stay as many, so the first generator's hydra accounts of 500 requests shared only 4-8% of their pool
 * keys, and a campaign of the target size (4 x 500) was not linked. A template carries many uses, a
 * chance key a few, so the share of uses does not fall with volume. Counted for the smaller account
 * only, the share of uses let a small account join a large one through keys that were most of the small
 * account's pool traffic and a sliver of the large one's: the first generator's naive campaigns of
 * 10 x 100 and 3 x 400 requests merged (keys pairing a reasoning-phrase word with a topic word), and
 * the report named one cluster for two campaigns. Measured on seed 1 at 1,000 reference accounts (pairs
 * sharing 3 keys or more; the smaller of the two accounts' shares): prose generator, pairs of one
 * shared pool 9-67% (10th percentile 26%; 3,158 of 3,160 pairs linked, the pool stays one cluster;
 * mixed variant 9.5-62%), pairs met by chance (different campaigns, the batch pipeline) at most 7.7%;
 * first generator, hydra pairs of 500 requests 12-27%, chance pairs (benign, batch) at most 1.7%; on
 * seed 2 its hydras of ordinary volume 1-58% (457 of 653 pairs linked; clusters of 30 and 29 accounts),
 * its naive campaigns apart (on the README tour's traffic, seed 1 at 10,000 reference accounts, they
 * still form one cluster: every naive account pairs the same reasoning phrases with uniform topics);
 * benign-only prose traffic had no pair sharing 3 keys.
 */
export const MIN_POOL_OVERLAP = 0.1;

export interface LinkRules {
  /**
   * Accounts sharing at least this many shared-pool template keys (LSH buckets), on which at least
   * MIN_POOL_OVERLAP of each one's pool traffic falls, are linked.
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
 * MIN_POOL_OVERLAP of each one's pool traffic), or a rare IP or user agent, and
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
    // Keys no other account uses are pool traffic of the account alone (summed by the log engine).
    poolUses[i] = a.privateTemplateUses ?? 0;
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
    // Each account's share of its pool traffic (its uses of pool keys) on the keys they share.
    const share = Math.min(usesA / (poolUses[a] as number), usesB / (poolUses[b] as number));
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
