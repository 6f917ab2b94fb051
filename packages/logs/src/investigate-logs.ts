import {
  type AccountStats,
  InputError,
  investigateLogs,
  type LogInvestigationOptions,
  type LogsReport,
  type LogsSampleRow,
} from '@clearbox/core';
import { clearboxVersion, fileDigestAsync } from '@clearbox/store';
import { ClickHouseEngine } from './clickhouse/engine.ts';
import { clickhouseTable, clickhouseTableFunction } from './clickhouse/table-source.ts';
import { DuckDbEngine } from './duckdb/engine.ts';
import { type EngineName, engineNames, type LogEngine, type StatementTiming } from './engine.ts';
import type { LogField, LogFile } from './log-fields.ts';

/** The report's JSON type lives in core (the web page reads it too); the logs package keeps its names. */
export type { LogsReport };
export type SampleRow = LogsSampleRow;

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
  /** The log engine; DuckDB when not given. */
  engine?: EngineName;
  /** A ClickHouse server (engine clickhouse): http(s)://user:password@host:8123 */
  clickhouseUrl?: string;
  /** Traffic already in ClickHouse: a table, `db.logs` (e.g. a Distributed table over sharded logs). */
  clickhouseTable?: string;
  /** Traffic already in ClickHouse: a table function, `s3Cluster('cluster', 's3://...', 'Parquet')`. */
  clickhouseSource?: string;
}

/** Opens the engine a request names. */
export async function openEngine(
  request: Pick<
    LogsRequest,
    'engine' | 'memoryLimit' | 'clickhouseUrl' | 'clickhouseTable' | 'clickhouseSource'
  >,
): Promise<LogEngine> {
  const inClickHouse = request.clickhouseUrl ?? request.clickhouseTable ?? request.clickhouseSource;
  const engine = request.engine ?? (inClickHouse !== undefined ? 'clickhouse' : 'duckdb');
  for (const [value, flag] of [
    [request.clickhouseUrl, '--clickhouse-url'],
    [request.clickhouseTable, '--clickhouse-table'],
    [request.clickhouseSource, '--clickhouse-source'],
  ] as const)
    if (value !== undefined && engine !== 'clickhouse')
      throw new InputError(`${flag} needs --engine clickhouse`, flag);
  if (engine === 'duckdb')
    return DuckDbEngine.open(request.memoryLimit ? { memoryLimit: request.memoryLimit } : {});
  if (engine === 'clickhouse') {
    if (request.clickhouseUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(request.clickhouseUrl))
      throw new InputError(
        `expected an http(s) URL such as http://localhost:8123, got ${JSON.stringify(request.clickhouseUrl)}`,
        '--clickhouse-url',
      );
    return ClickHouseEngine.open(request.clickhouseUrl ? { url: request.clickhouseUrl } : {});
  }
  throw new InputError(
    `unknown engine ${JSON.stringify(engine)}: expected ${engineNames.join(' or ')}`,
    '--engine',
  );
}

/**
 * The traffic files, then traffic already in ClickHouse (a table or table function, validated here),
 * then the reference files, in the order their `source` numbers follow.
 */
function logFilesOf(
  request: Pick<LogsRequest, 'files' | 'referenceFiles' | 'clickhouseTable' | 'clickhouseSource'>,
): LogFile[] {
  const tables: LogFile[] = [];
  if (request.clickhouseTable !== undefined) {
    const table = clickhouseTable(request.clickhouseTable);
    tables.push({ path: `clickhouse table ${table}`, role: 'traffic', table });
  }
  if (request.clickhouseSource !== undefined) {
    const table = clickhouseTableFunction(request.clickhouseSource);
    tables.push({ path: `clickhouse ${table}`, role: 'traffic', table });
  }
  return [
    ...request.files.map((path) => ({ path, role: 'traffic' as const })),
    ...tables,
    ...request.referenceFiles.map((path) => ({ path, role: 'reference' as const })),
  ];
}

/** Chain of custody: a file's SHA-256 and size; rows read in ClickHouse have no file to hash. */
function digestOf(file: LogFile): Promise<{ path: string; sha256: string; bytes: number }> {
  return file.table ? Promise.resolve({ path: file.path, sha256: '', bytes: 0 }) : fileDigestAsync(file.path);
}

/**
 * The per-account statistics alone (the table core's detectors start from), for a caller that wants the
 * features without the calibration, and for checking the SQL against a direct computation.
 */
export async function logAccountStats(
  request: Pick<
    LogsRequest,
    | 'files'
    | 'referenceFiles'
    | 'referenceAccounts'
    | 'map'
    | 'largeMaxTokens'
    | 'memoryLimit'
    | 'engine'
    | 'clickhouseUrl'
    | 'clickhouseTable'
    | 'clickhouseSource'
  > & {
    rareShare: number;
  },
): Promise<AccountStats[]> {
  const files = logFilesOf(request);
  const engine = await openEngine(request);
  try {
    await engine.load(files, request.map, request.referenceAccounts);
    return await engine.accountStats({
      largeMaxTokens: request.largeMaxTokens ?? 4096,
      rareShare: request.rareShare,
    });
  } catch (error) {
    throw engine.inputError(error, files);
  } finally {
    await engine.close();
  }
}

/**
 * `clearbox investigate logs`: load the logs into DuckDB, aggregate per account in SQL, and hand the
 * statistics to core for features, calibration, clusters and BH. Returns the full report object.
 */
export async function investigateLogFiles(
  request: LogsRequest,
  now: Date,
  profile?: (seconds: StatementTiming[]) => void,
): Promise<LogsReport> {
  if (
    request.files.length === 0 &&
    request.clickhouseTable === undefined &&
    request.clickhouseSource === undefined
  )
    throw new InputError(
      'give at least one log file (or --clickhouse-table / --clickhouse-source for logs already in ClickHouse)',
      'logs',
    );
  if (request.referenceFiles.length === 0 && request.referenceAccounts.length === 0) {
    throw new InputError(
      'no benign reference: give --reference FILE (accounts in good standing or a pre-period) or --reference-accounts LIST; the statistics are calibrated against it',
      '--reference',
    );
  }
  const files = logFilesOf(request);
  // The digests are awaited after the queries they overlap (loadLogs names an unreadable file first).
  const digests = Promise.all(files.map(digestOf));
  // A rejected digest is reported where it is awaited, not as an unhandled rejection meanwhile.
  digests.catch(() => undefined);
  const largeMaxTokens = request.largeMaxTokens ?? 4096;
  const engine = await openEngine(request);
  try {
    const loaded = await engine.load(files, request.map, request.referenceAccounts);
    const rowsPerFile = await engine.rowsPerFile();
    for (const [index, file] of files.entries()) {
      if (!rowsPerFile.get(index)) throw new InputError('empty file: no request rows', file.path);
    }
    const total = [...rowsPerFile.values()].reduce((a, b) => a + b, 0);
    const options = request.options;
    const stats = await engine.accountStats({ largeMaxTokens, rareShare: options.rareShare });
    const duplicates = await engine.duplicates();
    const valid = stats.reduce((sum, s) => sum + s.requests, 0);
    const reference = stats.reduce((sum, s) => sum + (s.reference ? s.requests : 0), 0);
    // Malformed rows are what the valid ones leave; only then is there a pass for their reasons.
    const byReason: Record<string, number> = {};
    let malformedSample: LogsReport['malformedRows']['sample'] = [];
    if (valid < total) {
      const badTs = new Map<number, { rows: number; firstLine: number }>();
      for (const { source, reason, rows, firstLine } of await engine.defects()) {
        byReason[reason] = (byReason[reason] ?? 0) + rows;
        if (reason === 'unparseable timestamp') badTs.set(source, { rows, firstLine });
      }
      for (const [index, file] of files.entries()) {
        const bad = badTs.get(index);
        const rows = rowsPerFile.get(index) as number;
        if (bad && bad.rows > rows / 2) {
          throw new InputError(
            `unparseable timestamps in ${bad.rows} of ${rows} rows (first at line ${bad.firstLine}): expected ISO 8601 (2025-03-01T12:00:00Z), epoch milliseconds or epoch seconds in "${request.map.ts ?? 'ts'}"`,
            file.path,
          );
        }
      }
      malformedSample = (await engine.malformedSample(10)).map((row) => ({
        file: (files[row.source] as LogFile).path,
        line: row.line,
        reason: row.reason,
        text: row.text,
      }));
    }
    const malformedCount = total - valid;
    const result = investigateLogs(stats, options);

    const flaggedAccounts = [...new Set(result.flagged.flatMap((f) => f.accounts))];
    const samples = new Map<string, SampleRow[]>();
    for (const r of await engine.requestSamples(flaggedAccounts, 3)) {
      const list = samples.get(r.account) ?? [];
      list.push({
        file: (files[r.source] as LogFile).path,
        line: r.line,
        ts: r.tsMs === null ? null : new Date(r.tsMs).toISOString(),
        account: r.account,
        prompt: r.prompt,
        inputTokens: r.inputTokens,
        outputTokens: r.outputTokens,
        maxTokens: r.maxTokens,
        ip: r.ip,
      });
      samples.set(r.account, list);
    }
    const inputs = (await digests).map((d, i) => ({
      role: (files[i] as LogFile).role,
      ...d,
      timestamps: loaded[i]?.timestamps ?? 'none',
    }));
    return {
      kind: 'clearbox.investigate.logs',
      clearboxVersion: clearboxVersion(),
      generatedAt: now.toISOString(),
      engine: engine.name,
      inputs,
      parameters: {
        ...options,
        map: request.map,
        referenceAccounts: [...request.referenceAccounts].sort(),
        largeMaxTokens,
      },
      rows: { total, valid, reference, traffic: valid - reference },
      duplicateRows: {
        count: [...duplicates.values()].reduce((a, b) => a + b, 0),
        byFile: [...duplicates.entries()].map(([source, rows]) => ({
          file: (files[source] as LogFile).path,
          rows,
        })),
      },
      malformedRows: { count: malformedCount, byReason, sample: malformedSample },
      tested: result.tested,
      flagged: result.flagged.map((f) => ({
        ...f,
        sampleRows: f.accounts.flatMap((a) => samples.get(a) ?? []).slice(0, 6),
      })),
      clusters: result.clusters,
      calibration: result.calibration,
      statement: `${result.flagged.length} of ${result.tested.total} tested accounts and clusters are unlike benign traffic at FDR q = ${options.q} (hierarchical Benjamini-Hochberg, clusters with their members first, then the members of selected clusters, over p-values against ${result.calibration.referenceAccounts} reference accounts, extrapolated into the tail by a generalized Pareto fit where it holds). This is a statistical statement about the traffic, not a finding that anyone violated the terms of service.`,
      explanationsChecked: [
        'Popular framework prompts: templates used by more than the rare share of the benign reference accounts weigh 0 in templating and link no accounts.',
        'Shared networks (NAT, corporate proxies): a shared IP links accounts into a cluster, but the cluster is flagged only if its behaviour is unlike random groups of benign accounts of the same size.',
        'Batch evaluation and labelling pipelines: high-volume, regular, templated traffic is unlike the benign reference and will be flagged; the report says "unlike benign traffic", not "violated the terms" — check the account owner and purpose.',
        'Heavy but legitimate users: volume alone is one of nine features; the combined score is calibrated on held-out reference accounts, so heavy benign users in the reference set the bar.',
        `Multiple testing: hierarchical Benjamini-Hochberg (Benjamini & Bogomolov 2014) at q = ${options.q}: BH over families (each cluster with its members, each unclustered account alone), then BH within each selected cluster at the adjusted level; calibration.pValueMethod gives the counts.`,
      ],
      sql: engine.statements,
    };
  } catch (error) {
    throw engine.inputError(error, files);
  } finally {
    profile?.(engine.timings);
    await engine.close();
  }
}
