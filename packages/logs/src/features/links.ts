import type { AccountStats } from '@clearbox/core';
import type { Feature } from './feature.ts';

// The same rarity rule as core's templates: a value is rare when at most rareShare of the benign
// reference accounts use it, counted in the reference only. A user agent of thousands of reference
// accounts is common however few tested accounts use it; a proxy that 80 tested accounts share and no
// reference account ever used is rare however many tested accounts use it. Only values that link two
// or more tested accounts are returned.
function link(
  id: string,
  column: 'ip' | 'user_agent',
  target: keyof Pick<AccountStats, 'ips' | 'userAgents'>,
): Feature {
  const rare = (rareShare: number, count: string) =>
    `n_tested >= 2 AND n_reference <= greatest(1, floor(${rareShare} * (SELECT ${count} FROM account_aggregates WHERE is_reference)))`;
  return {
    id,
    sql: {
      duckdb: {
        aggregates: () => [`histogram(${column}) AS ${column}_values`],
        query: (
          p,
        ) => `WITH av AS (SELECT DISTINCT is_reference, account, unnest(map_keys(${column}_values)) AS v FROM account_aggregates),
d AS (SELECT v, count(*) FILTER (WHERE is_reference) AS n_reference, count(*) FILTER (WHERE NOT is_reference) AS n_tested FROM av GROUP BY v)
SELECT is_reference, account, v FROM av JOIN d USING (v)
WHERE NOT is_reference AND ${rare(p.rareShare, 'count(*)')} ORDER BY account, v`,
      },
      clickhouse: {
        // Distinct values per account in the one aggregate pass (a DISTINCT of its own re-read every row).
        aggregates: () => [`groupUniqArray(${column}) AS ${column}_values`],
        query: (
          p,
        ) => `WITH av AS (SELECT is_reference, account, v FROM account_aggregates ARRAY JOIN ${column}_values AS v),
d AS (SELECT v, countIf(is_reference) AS n_reference, countIf(NOT is_reference) AS n_tested FROM av GROUP BY v)
SELECT is_reference, account, v FROM av INNER JOIN d USING (v)
WHERE NOT is_reference AND ${rare(p.rareShare, 'count()')} ORDER BY account, v`,
      },
    },
    readQuery(stats, [value]) {
      stats[target].push(String(value));
    },
  };
}

/** IPs and user agents that link tested accounts (clusters). */
export const ips = link('ips', 'ip', 'ips');
export const userAgents = link('userAgents', 'user_agent', 'userAgents');
