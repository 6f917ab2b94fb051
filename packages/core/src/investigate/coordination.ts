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
 * The least share of the smaller account's pool keys that a linked pair must share (a stated prior).
 * Template keys are LSH buckets of word sets, and a bucket can be met by chance through two common words
 * (a payload word and an instruction word): on the prose generator such chance sharing covered 3-4% of an
 * account's pool keys, and pairs drawing on one shared pool shared 14-58% (10th percentile to maximum).
 */
export const MIN_POOL_OVERLAP = 0.1;

export interface LinkRules {
  /**
   * Accounts sharing at least this many shared-pool template keys (LSH buckets), and at least
   * MIN_POOL_OVERLAP of the smaller one's, are linked.
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
 * L7 coordination: links accounts that share >= k shared-pool templates (and at least MIN_POOL_OVERLAP of
 * the smaller one's pool templates), or a rare IP or user agent, and
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

  const templateOwners = new Map<string, number[]>();
  accounts.forEach((a, i) => {
    for (const [key, count] of a.templates) {
      if (count < 2 || (templateDf.get(key) ?? 0) > 0) continue;
      const list = templateOwners.get(key) ?? [];
      list.push(i);
      templateOwners.set(key, list);
    }
  });
  const poolKeys = new Int32Array(accounts.length);
  for (const list of templateOwners.values()) for (const i of list) poolKeys[i] = (poolKeys[i] as number) + 1;
  const pairCounts = new Map<number, number>();
  const n = accounts.length;
  for (const list of templateOwners.values()) {
    for (let x = 0; x < list.length; x++) {
      for (let y = x + 1; y < list.length; y++) {
        const key = (list[x] as number) * n + (list[y] as number);
        pairCounts.set(key, (pairCounts.get(key) ?? 0) + 1);
      }
    }
  }
  for (const [key, count] of pairCounts) {
    const a = Math.floor(key / n);
    const b = key % n;
    const smaller = Math.min(poolKeys[a] as number, poolKeys[b] as number);
    if (count < rules.minSharedTemplates || count < MIN_POOL_OVERLAP * smaller) continue;
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
