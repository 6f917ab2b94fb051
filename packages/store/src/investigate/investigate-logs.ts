import {
  type AccountStats,
  InputError,
  investigateLogs,
  type LogInvestigation,
  type LogInvestigationOptions,
  TOPIC_BUCKETS,
} from '@clearbox/core';
import { DuckSession, sqlString } from './duckdb.ts';
import { type LogField, type LogFile, loadLogs } from './log-source.ts';
import { clearboxVersion, fileDigestAsync } from './provenance.ts';

export interface LogsRequest {
  files: string[];
  referenceFiles: string[];
  referenceAccounts: string[];
  map: Partial<Record<LogField, string>>;
  options: LogInvestigationOptions;
  /** Requests with max tokens at or above this count as "large" (L5). */
  largeMaxTokens?: number;
  /** DuckDB memory limit, e.g. "3GB". */
  memoryLimit?: string;
}

export interface SampleRow {
  file: string;
  line: number;
  ts: string | null;
  account: string | null;
  prompt: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  maxTokens: number | null;
  ip: string | null;
}

export interface LogsReport {
  kind: 'clearbox.investigate.logs';
  clearboxVersion: string;
  /** The only field that changes between runs on the same inputs. */
  generatedAt: string;
  inputs: Array<{ path: string; role: 'traffic' | 'reference'; sha256: string; bytes: number }>;
  parameters: LogInvestigationOptions & {
    map: Partial<Record<LogField, string>>;
    referenceAccounts: string[];
    largeMaxTokens: number;
  };
  rows: { total: number; valid: number; reference: number; traffic: number };
  malformedRows: {
    count: number;
    byReason: Record<string, number>;
    sample: Array<{ file: string; line: number; reason: string; text: string | null }>;
  };
  tested: LogInvestigation['tested'];
  flagged: Array<LogInvestigation['flagged'][number] & { sampleRows: SampleRow[] }>;
  clusters: LogInvestigation['clusters'];
  calibration: LogInvestigation['calibration'];
  statement: string;
  explanationsChecked: string[];
  sql: string[];
}

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
async function accountStats(
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

/** The traffic files, then the reference files, in the order their `source` numbers follow. */
function logFilesOf(request: Pick<LogsRequest, 'files' | 'referenceFiles'>): LogFile[] {
  return [
    ...request.files.map((path) => ({ path, role: 'traffic' as const })),
    ...request.referenceFiles.map((path) => ({ path, role: 'reference' as const })),
  ];
}

/**
 * The per-account statistics alone (the table core's detectors start from), for a caller that wants the
 * features without the calibration, and for checking the SQL against a direct computation.
 */
export async function logAccountStats(
  request: Pick<
    LogsRequest,
    'files' | 'referenceFiles' | 'referenceAccounts' | 'map' | 'largeMaxTokens' | 'memoryLimit'
  > & {
    rareShare: number;
  },
): Promise<AccountStats[]> {
  const files = logFilesOf(request);
  const session = await DuckSession.open(request.memoryLimit ? { memoryLimit: request.memoryLimit } : {});
  try {
    await loadLogs(session, files, request.map, request.referenceAccounts);
    return await accountStats(session, request.largeMaxTokens ?? 4096, request.rareShare);
  } finally {
    await session.close();
  }
}

/**
 * `clearbox investigate logs`: load the logs into DuckDB, aggregate per account in SQL, and hand the
 * statistics to core for features, calibration, clusters and BH. Returns the full report object.
 */
export async function investigateLogFiles(
  request: LogsRequest,
  now: Date,
  profile?: (seconds: Array<{ sql: string; seconds: number; start: number; end: number }>) => void,
): Promise<LogsReport> {
  if (request.files.length === 0) throw new InputError('give at least one log file', 'logs');
  if (request.referenceFiles.length === 0 && request.referenceAccounts.length === 0) {
    throw new InputError(
      'no benign reference: give --reference FILE (accounts in good standing or a pre-period) or --reference-accounts LIST; the statistics are calibrated against it',
      '--reference',
    );
  }
  const files = logFilesOf(request);
  // The digests are awaited after the queries they overlap (loadLogs names an unreadable file first).
  const digests = Promise.all(files.map((f) => fileDigestAsync(f.path)));
  // A rejected digest is reported where it is awaited, not as an unhandled rejection meanwhile.
  digests.catch(() => undefined);
  const largeMaxTokens = request.largeMaxTokens ?? 4096;
  const session = await DuckSession.open(request.memoryLimit ? { memoryLimit: request.memoryLimit } : {});
  try {
    const { rowCountSql } = await loadLogs(session, files, request.map, request.referenceAccounts);
    const rowsPerFile = new Map<number, number>();
    for (const [source, n] of await session.rows(rowCountSql)) rowsPerFile.set(num(source), num(n));
    for (const [index, file] of files.entries()) {
      if (!rowsPerFile.get(index)) throw new InputError('empty file: no request rows', file.path);
    }
    const total = [...rowsPerFile.values()].reduce((a, b) => a + b, 0);
    const options = request.options;
    const stats = await accountStats(session, largeMaxTokens, options.rareShare);
    const valid = stats.reduce((sum, s) => sum + s.requests, 0);
    const reference = stats.reduce((sum, s) => sum + (s.reference ? s.requests : 0), 0);
    // Malformed rows are what the valid ones leave; only then is there a pass for their reasons.
    const byReason: Record<string, number> = {};
    let malformedSample: LogsReport['malformedRows']['sample'] = [];
    if (valid < total) {
      const badTs = new Map<number, { rows: number; firstLine: number }>();
      for (const [source, defect, n, firstLine] of await session.rows(
        `SELECT source, defect, CAST(count(*) AS DOUBLE), CAST(min(line) AS DOUBLE)
FROM request_rows WHERE defect IS NOT NULL GROUP BY ALL ORDER BY ALL`,
      )) {
        byReason[String(defect)] = (byReason[String(defect)] ?? 0) + num(n);
        if (defect === 'unparseable timestamp')
          badTs.set(num(source), { rows: num(n), firstLine: num(firstLine) });
      }
      for (const [index, file] of files.entries()) {
        const bad = badTs.get(index);
        const rows = rowsPerFile.get(index) as number;
        if (bad && bad.rows > rows / 2) {
          throw new InputError(
            `unparseable timestamps in ${bad.rows} of ${rows} rows (first at line ${bad.firstLine}): expected ISO 8601 (2025-03-01T12:00:00Z) or epoch milliseconds in "${request.map.ts ?? 'ts'}"`,
            file.path,
          );
        }
      }
      malformedSample = (
        await session.rows(
          'SELECT source, CAST(line AS DOUBLE), defect, coalesce(bad_line, left(prompt, 160)) FROM request_rows WHERE defect IS NOT NULL ORDER BY source, line LIMIT 10',
        )
      ).map(([source, line, reason, text]) => ({
        file: (files[num(source)] as LogFile).path,
        line: num(line),
        reason: String(reason),
        text: text === null ? null : String(text),
      }));
    }
    const malformedCount = total - valid;
    const result = investigateLogs(stats, options);

    const flaggedAccounts = [...new Set(result.flagged.flatMap((f) => f.accounts))];
    const samples = new Map<string, SampleRow[]>();
    if (flaggedAccounts.length > 0) {
      await session.run('CREATE TEMP TABLE flagged_accounts (account VARCHAR)');
      await session.run(
        `INSERT INTO flagged_accounts VALUES ${flaggedAccounts.map((a) => `(${sqlString(a)})`).join(', ')}`,
      );
      for (const r of await session.rows(`SELECT account, source, CAST(line AS DOUBLE), CAST(ts_ms AS DOUBLE), left(prompt, 160), CAST(input_tokens AS DOUBLE),
  CAST(output_tokens AS DOUBLE), CAST(max_tokens AS DOUBLE), ip
FROM request_rows WHERE defect IS NULL AND NOT is_reference AND account IN (SELECT account FROM flagged_accounts)
QUALIFY row_number() OVER (PARTITION BY account ORDER BY ts_ms, source, line) <= 3 ORDER BY account, ts_ms, source, line`)) {
        const list = samples.get(String(r[0])) ?? [];
        list.push({
          file: (files[num(r[1])] as LogFile).path,
          line: num(r[2]),
          ts: r[3] === null ? null : new Date(num(r[3])).toISOString(),
          account: String(r[0]),
          prompt: r[4] === null ? null : String(r[4]),
          inputTokens: r[5] === null ? null : num(r[5]),
          outputTokens: r[6] === null ? null : num(r[6]),
          maxTokens: r[7] === null ? null : num(r[7]),
          ip: r[8] === null ? null : String(r[8]),
        });
        samples.set(String(r[0]), list);
      }
    }
    const inputs = (await digests).map((d, i) => ({ role: (files[i] as LogFile).role, ...d }));
    return {
      kind: 'clearbox.investigate.logs',
      clearboxVersion: clearboxVersion(),
      generatedAt: now.toISOString(),
      inputs,
      parameters: {
        ...options,
        map: request.map,
        referenceAccounts: [...request.referenceAccounts].sort(),
        largeMaxTokens,
      },
      rows: { total, valid, reference, traffic: valid - reference },
      malformedRows: { count: malformedCount, byReason, sample: malformedSample },
      tested: result.tested,
      flagged: result.flagged.map((f) => ({
        ...f,
        sampleRows: f.accounts.flatMap((a) => samples.get(a) ?? []).slice(0, 6),
      })),
      clusters: result.clusters,
      calibration: result.calibration,
      statement: `${result.flagged.length} of ${result.tested.total} tested accounts and clusters are unlike benign traffic at FDR q = ${options.q} (Benjamini-Hochberg over p-values against ${result.calibration.referenceAccounts} reference accounts, extrapolated into the tail by a generalized Pareto fit where it holds). This is a statistical statement about the traffic, not a finding that anyone violated the terms of service.`,
      explanationsChecked: [
        'Popular framework prompts: templates used by more than the rare share of the benign reference accounts weigh 0 in templating and link no accounts.',
        'Shared networks (NAT, corporate proxies): a shared IP links accounts into a cluster, but the cluster is flagged only if its behaviour is unlike random groups of benign accounts of the same size.',
        'Batch evaluation and labelling pipelines: high-volume, regular, templated traffic is unlike the benign reference and will be flagged; the report says "unlike benign traffic", not "violated the terms" — check the account owner and purpose.',
        'Heavy but legitimate users: volume alone is one of nine features; the combined score is calibrated on held-out reference accounts, so heavy benign users in the reference set the bar.',
        `Multiple testing: Benjamini-Hochberg across all ${result.tested.total} accounts and clusters at q = ${options.q}.`,
      ],
      sql: session.statements,
    };
  } catch (error) {
    throw duckInputError(error, files);
  } finally {
    profile?.(session.seconds);
    await session.close();
  }
}

/**
 * DuckDB's readers refuse some files outright (a CSV its sniffer cannot settle, a broken Parquet footer):
 * that is the file's fault, said in one line, not an internal error with DuckDB's 25-line dump.
 */
function duckInputError(error: unknown, files: readonly LogFile[]): unknown {
  const message = error instanceof Error ? error.message : String(error);
  const m = /^(Invalid Input Error|Conversion Error|Parser Error|IO Error|Invalid Error): (.*)$/m.exec(
    message,
  );
  if (!m) return error;
  const first = (m[2] ?? '').slice(0, 200);
  return new InputError(`cannot read the logs (${first})`, files.map((f) => f.path).join(', '));
}
