import { InputError } from '@clearbox/core';
import { accountStats } from '../account-stats.ts';
import type {
  DefectCount,
  LoadedFile,
  LogEngine,
  MalformedRow,
  RequestSample,
  StatementTiming,
} from '../engine.ts';
import type { Cell } from '../features/index.ts';
import type { LogField, LogFile } from '../log-fields.ts';
import { num, toDefectCounts, toDuplicateCounts, toMalformedRows, toRequestSamples } from '../result-rows.ts';
import { loadLogs } from './load.ts';
import { DuckSession, sqlString } from './session.ts';

/** The canonical fields that make two rows exact duplicates. */
export const duplicateKey =
  'account, ts_ms, prompt, input_tokens, output_tokens, org, ip, user_agent, model, max_tokens, logprobs, logit_bias_count, reasoning_effort, response_id';

/** The embedded DuckDB engine (the default): files are read where they lie, in memory, with a spill folder. */
export class DuckDbEngine implements LogEngine {
  readonly name = 'duckdb' as const;
  private rowCountSql = '';
  private constructor(private readonly session: DuckSession) {}

  static async open(options: { memoryLimit?: string } = {}): Promise<DuckDbEngine> {
    return new DuckDbEngine(
      await DuckSession.open(options.memoryLimit ? { memoryLimit: options.memoryLimit } : {}),
    );
  }

  get statements(): string[] {
    return this.session.statements;
  }

  get timings(): StatementTiming[] {
    return this.session.seconds;
  }

  async load(
    files: readonly LogFile[],
    map: Partial<Record<LogField, string>>,
    referenceAccounts: readonly string[],
  ): Promise<LoadedFile[]> {
    const { rowCountSql, loaded } = await loadLogs(this.session, files, map, referenceAccounts);
    this.rowCountSql = rowCountSql;
    return loaded;
  }

  async rowsPerFile(): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (const [source, n] of await this.session.rows(this.rowCountSql))
      out.set(num(source), (out.get(num(source)) ?? 0) + num(n));
    return out;
  }

  async accountStats(parameters: { largeMaxTokens: number; rareShare: number }) {
    const session = this.session;
    // Nothing in the per-account statements depends on the order rows arrive in (every list is sorted,
    // every result ordered, the integer ids of texts and accounts are arbitrary), so DuckDB may write
    // their tables in any order: 1.5 of 29 CPU s less on 10^7 bench rows. Loading keeps the order, for
    // the line numbers of JSONL and CSV rows.
    await session.run('SET preserve_insertion_order = false');
    try {
      return await accountStats(
        {
          dialect: 'duckdb',
          run: (sql) => session.run(sql),
          rows: (sql) => session.plainRows(sql) as Promise<Cell[][]>,
          fetch: (sql) => session.fetchPlainRows(sql) as Promise<() => Cell[][]>,
        },
        parameters,
      );
    } finally {
      await session.run('RESET preserve_insertion_order');
    }
  }

  async duplicates(): Promise<Map<number, number>> {
    // Exact duplicates share an account and a timestamp: only when some account repeats a timestamp is
    // there a pass over every column.
    const [[repeats]] = (await this.session.plainRows(
      'SELECT CAST(count(*) AS DOUBLE) FROM account_aggregates WHERE repeated_ts > 0',
    )) as [[Cell]];
    if (!num(repeats)) return new Map();
    return toDuplicateCounts(
      await this.session.plainRows(
        `SELECT CAST(source AS DOUBLE), CAST(count(*) - count(DISTINCT (${duplicateKey})) AS DOUBLE) FROM request_rows WHERE defect IS NULL GROUP BY source`,
      ),
    );
  }

  async defects(): Promise<DefectCount[]> {
    return toDefectCounts(
      await this.session.rows(
        `SELECT source, defect, CAST(count(*) AS DOUBLE), CAST(min(line) AS DOUBLE) FROM (
  SELECT source, defect, line FROM request_rows WHERE defect IS NOT NULL
  UNION ALL SELECT source, defect, line FROM csv_rejects)
GROUP BY ALL ORDER BY ALL`,
      ),
    );
  }

  async malformedSample(limit: number): Promise<MalformedRow[]> {
    return toMalformedRows(
      await this.session.rows(
        `SELECT source, CAST(line AS DOUBLE), defect, text FROM (
  SELECT source, line, defect, coalesce(bad_line, left(prompt, 160)) AS text FROM request_rows WHERE defect IS NOT NULL
  UNION ALL SELECT source, line, defect, bad_line FROM csv_rejects)
ORDER BY source, line LIMIT ${Math.floor(limit)}`,
      ),
    );
  }

  async requestSamples(accounts: readonly string[], perAccount: number): Promise<RequestSample[]> {
    if (accounts.length === 0) return [];
    await this.session.run('CREATE TEMP TABLE flagged_accounts (account VARCHAR)');
    await this.session.run(
      `INSERT INTO flagged_accounts VALUES ${accounts.map((a) => `(${sqlString(a)})`).join(', ')}`,
    );
    const rows =
      await this.session.rows(`SELECT account, source, CAST(line AS DOUBLE), CAST(ts_ms AS DOUBLE), left(prompt, 160), CAST(input_tokens AS DOUBLE),
  CAST(output_tokens AS DOUBLE), CAST(max_tokens AS DOUBLE), ip
FROM request_rows WHERE defect IS NULL AND NOT is_reference AND account IN (SELECT account FROM flagged_accounts)
QUALIFY row_number() OVER (PARTITION BY account ORDER BY ts_ms, source, line) <= ${Math.floor(perAccount)} ORDER BY account, ts_ms, source, line`);
    return toRequestSamples(rows);
  }

  /**
   * DuckDB's readers refuse some files outright (a broken Parquet footer, a file that is not text): that
   * is the file's fault, said in one line, not an internal error with DuckDB's 25-line dump.
   */
  inputError(error: unknown, files: readonly LogFile[]): unknown {
    const message = error instanceof Error ? error.message : String(error);
    const m = /^(Invalid Input Error|Conversion Error|Parser Error|IO Error|Invalid Error): (.*)$/m.exec(
      message,
    );
    if (!m) return error;
    const first = (m[2] ?? '').slice(0, 200);
    return new InputError(`cannot read the logs (${first})`, files.map((f) => f.path).join(', '));
  }

  close(): Promise<void> {
    return this.session.close();
  }
}
