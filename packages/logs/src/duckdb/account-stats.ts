import { type AccountStats, TOPIC_BUCKETS } from '@clearbox/core';
import type { DuckSession } from './session.ts';

const num = (x: unknown): number => (typeof x === 'number' ? x : Number(x));

/** A list of numbers cast to VARCHAR in SQL ("[1, 2, 3]"): JSON.parse is several times faster than
 * converting DuckDB list values one by one. */
const jsonNumbers = (x: unknown): number[] => (typeof x === 'string' ? (JSON.parse(x) as number[]) : []);

/**
 * Per-account statistics in one pass over the rows: every aggregate of an account, its hour and topic
 * histograms, its distinct template prefixes and IPs/user agents, and its timestamps in order (the
 * inter-arrival gaps are taken from that ordered list, so no window function sorts all rows). Later
 * statements work on the per-account table only.
 */
export async function accountStats(
  session: DuckSession,
  largeMaxTokens: number,
  rareShare: number,
): Promise<AccountStats[]> {
  // Days, hours and inter-arrival gaps come from each account's ordered timestamps, in the same
  // statement (one list pass per account, not one aggregate per row; the lists are never stored).
  // A regular table (the instance is private and in memory): the follow-up queries read it from a second
  // connection while the first one is busy.
  await session.run(`CREATE TABLE account_aggregates AS
SELECT * EXCLUDE (ts_list, gap_count, gap_square_sum, hours, topics),
  CAST(len(list_distinct([x // 86400000 FOR x IN ts_list])) AS DOUBLE) AS active_days,
  CAST(gap_count AS DOUBLE) AS gap_count,
  CASE WHEN gap_count > 0 THEN CAST(ts_list[-1] - ts_list[1] AS DOUBLE) / gap_count END AS gap_mean,
  CASE WHEN gap_count > 0 THEN sqrt(greatest(0, gap_square_sum / gap_count - pow(CAST(ts_list[-1] - ts_list[1] AS DOUBLE) / gap_count, 2))) END AS gap_sd,
  CAST(map_keys(hours) AS VARCHAR) AS hour_keys, CAST(map_values(hours) AS VARCHAR) AS hour_counts,
  CAST(map_keys(topics) AS VARCHAR) AS topic_keys, CAST(map_values(topics) AS VARCHAR) AS topic_counts
FROM (
  -- The sum of squared gaps is the squared distance between the ordered timestamps shifted by one and
  -- themselves: one tight numeric loop instead of a list of gaps. The mean gap is exact (last - first);
  -- sd = sqrt(sum g^2 / n - mean^2) carries rounding of about 1e-8 of the mean gap (1e-6 at worst, for
  -- 10^7 gaps): about a millisecond on a gap of a minute, far below any regularity the features test.
  SELECT *, len(ts_list) - 1 AS gap_count,
    pow(list_distance(CAST(list_slice(ts_list, 2, len(ts_list)) AS DOUBLE[]), CAST(list_slice(ts_list, 1, len(ts_list) - 1) AS DOUBLE[])), 2) AS gap_square_sum,
    list_aggregate([x // 3600000 % 24 FOR x IN ts_list], 'histogram') AS hours
  FROM (SELECT * REPLACE (list_sort(ts_list) AS ts_list) FROM (
    SELECT is_reference, account, count(*) AS requests, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
      count_if(reasoning) AS reasoning_requests, count_if(max_tokens >= ${largeMaxTokens}) AS large_requests,
      list(ts_ms) AS ts_list, histogram(topic) AS topics, histogram(template_prefix) AS template_prefixes,
      histogram(ip) AS ips, histogram(user_agent) AS user_agents
    FROM request_rows WHERE defect IS NULL GROUP BY is_reference, account)))`);
  // Digits are masked on the distinct prefixes (not on every row): each run of digits becomes one '#', and
  // the key keeps the first 40 masked characters, so "Question 7: ..." and "Question 1234: ..." (whose
  // 48-character prefixes end at different words) are one template. A template's key is its hash below
  // 2^53, exact as a JSON number.
  // Templates run on the second connection while the per-account rows are read and built here.
  const templateRows = session.plainRows(
    `WITH account_templates AS (
  SELECT is_reference, account, hash(left(regexp_replace(prefix, '[0-9]+', '#', 'g'), 40)) % 9007199254740992 AS template, sum(n) AS c
  FROM (SELECT is_reference, account, unnest(map_keys(template_prefixes)) AS prefix, unnest(map_values(template_prefixes)) AS n FROM account_aggregates)
  GROUP BY ALL),
df AS (SELECT template, count(*) AS df FROM account_templates GROUP BY template)
SELECT is_reference, account, CAST(list(template ORDER BY template) AS VARCHAR), CAST(list(c ORDER BY template) AS VARCHAR)
FROM account_templates JOIN df USING (template) WHERE c >= 2 OR df >= 2 GROUP BY is_reference, account`,
    true,
  );
  // Awaited below; a failure is thrown where it is awaited, never left unhandled meanwhile.
  templateRows.catch(() => undefined);
  const statsRows =
    await session.plainRows(`SELECT is_reference, account, CAST(requests AS DOUBLE), CAST(input_tokens AS DOUBLE), CAST(output_tokens AS DOUBLE),
  active_days, CAST(reasoning_requests AS DOUBLE), CAST(large_requests AS DOUBLE), gap_count, gap_mean, gap_sd,
  '[' || coalesce(hour_keys, '[]') || ',' || coalesce(hour_counts, '[]') || ',' || coalesce(topic_keys, '[]') || ',' || coalesce(topic_counts, '[]') || ']'
FROM account_aggregates ORDER BY is_reference, account`);
  const sweepRows = session.rows(`SELECT is_reference, account, CAST(max(biased) AS DOUBLE) FROM (
  SELECT is_reference, account, hash(prompt) AS prompt_hash, sum(logit_bias_count) AS biased FROM request_rows
  WHERE defect IS NULL AND max_tokens <= 1 AND logprobs AND logit_bias_count > 0 GROUP BY ALL) GROUP BY ALL`);
  // The same rarity rule as core's templates: a value is rare when at most rareShare of the benign
  // reference accounts use it, counted in the reference only. A user agent of thousands of reference
  // accounts is common however few tested accounts use it; a proxy that 80 tested accounts share and
  // no reference account ever used is rare however many tested accounts use it.
  const linkRows = (['ips', 'user_agents'] as const).map((column) =>
    session.rows(`WITH av AS (SELECT DISTINCT is_reference, account, unnest(map_keys(${column})) AS v FROM account_aggregates),
d AS (SELECT v, count(*) FILTER (WHERE is_reference) AS n_reference, count(*) FILTER (WHERE NOT is_reference) AS n_tested FROM av GROUP BY v)
SELECT account, v FROM av JOIN d USING (v)
WHERE NOT is_reference AND n_tested >= 2 AND n_reference <= greatest(1, floor(${rareShare} * (SELECT count(*) FROM account_aggregates WHERE is_reference))) ORDER BY account, v`),
  );
  for (const pending of [sweepRows, ...linkRows]) pending.catch(() => undefined);
  const stats = new Map<string, AccountStats>();
  const key = (reference: unknown, account: unknown) => `${reference ? 'R' : 'T'}\u0000${String(account)}`;
  const get = (reference: unknown, account: unknown) => stats.get(key(reference, account));
  for (const r of statsRows) {
    // One JSON text per account holds its hour and topic histograms as key and count lists.
    const [hourKeys, hourCounts, topicKeys, topicCounts] = JSON.parse(r[11] as string) as number[][];
    const hours = new Array<number>(24).fill(0);
    for (let i = 0; i < (hourKeys as number[]).length; i++) {
      hours[((((hourKeys as number[])[i] as number) % 24) + 24) % 24] = (hourCounts as number[])[i] as number;
    }
    const topics = new Array<number>(TOPIC_BUCKETS).fill(0);
    for (let i = 0; i < (topicKeys as number[]).length; i++) {
      topics[(topicKeys as number[])[i] as number] = (topicCounts as number[])[i] as number;
    }
    const gapCount = num(r[8]);
    stats.set(key(r[0], r[1]), {
      account: String(r[1]),
      reference: Boolean(r[0]),
      requests: num(r[2]),
      inputTokens: num(r[3]),
      outputTokens: num(r[4]),
      activeDays: num(r[5]),
      reasoningRequests: num(r[6]),
      largeMaxTokensRequests: num(r[7]),
      gapCount,
      gapMean: gapCount > 0 ? num(r[9]) : 0,
      gapSd: gapCount > 0 ? num(r[10]) : 0,
      hours,
      topics,
      templates: [],
      logitBiasSweep: 0,
      ips: [],
      userAgents: [],
    });
  }
  for (const r of await templateRows) {
    const s = get(r[0], r[1]);
    if (!s) continue;
    const keys = jsonNumbers(r[2]);
    const counts = jsonNumbers(r[3]);
    s.templates = keys.map((k, i) => [String(k), counts[i] as number]);
  }
  for (const r of await sweepRows) {
    const s = get(r[0], r[1]);
    if (s) s.logitBiasSweep = num(r[2]);
  }
  for (const [i, target] of (['ips', 'userAgents'] as const).entries()) {
    for (const r of await (linkRows[i] as Promise<unknown[][]>))
      get(false, r[0])?.[target].push(String(r[1]));
  }
  return [...stats.values()];
}
