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
import type { LogField, LogFile } from '../log-fields.ts';
import { num, toDefectCounts, toDuplicateCounts, toMalformedRows, toRequestSamples } from '../result-rows.ts';
import { loadLogs } from './load.ts';
import { ChdbSession, type ChSession, ClickHouseServerSession, chString } from './session.ts';

/** The canonical fields that make two rows exact duplicates (as in the DuckDB engine). */
const duplicateKey =
  'account, ts_ms, prompt, input_tokens, output_tokens, org, ip, user_agent, model, max_tokens, logprobs, logit_bias_count, reasoning_effort, response_id';

/**
 * ClickHouse: embedded (chdb, files read where they lie) or a server given by URL (files streamed in).
 * The same features as DuckDB, each in its ClickHouse dialect (features/*.ts).
 */
export class ClickHouseEngine implements LogEngine {
  readonly name = 'clickhouse' as const;
  private rowCountSql = '';
  private constructor(private readonly session: ChSession) {}

  static async open(options: { url?: string } = {}): Promise<ClickHouseEngine> {
    return new ClickHouseEngine(
      options.url ? await ClickHouseServerSession.open(options.url) : await ChdbSession.open(),
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

  accountStats(parameters: { largeMaxTokens: number; rareShare: number }) {
    const session = this.session;
    return accountStats(
      { dialect: 'clickhouse', run: (sql) => session.run(sql), rows: (sql) => session.rows(sql) },
      parameters,
    );
  }

  async duplicates(): Promise<Map<number, number>> {
    const [[repeats]] = (await this.session.rows(
      'SELECT toFloat64(count()) FROM account_aggregates WHERE repeated_ts > 0',
    )) as [[unknown]];
    if (!num(repeats)) return new Map();
    return toDuplicateCounts(
      await this.session.rows(
        `SELECT toFloat64(source), toFloat64(count() - uniqExact(tuple(${duplicateKey}))) FROM request_rows WHERE defect IS NULL GROUP BY source`,
      ),
    );
  }

  async defects(): Promise<DefectCount[]> {
    return toDefectCounts(
      await this.session.rows(
        `SELECT source, defect, toFloat64(count()), toFloat64(min(line)) FROM (
  SELECT source, defect, line FROM request_rows WHERE defect IS NOT NULL
  UNION ALL SELECT source, defect, line FROM csv_rejects)
GROUP BY source, defect ORDER BY source, defect`,
      ),
    );
  }

  async malformedSample(limit: number): Promise<MalformedRow[]> {
    return toMalformedRows(
      await this.session.rows(
        `SELECT source, toFloat64(line), defect, text FROM (
  SELECT source, line, defect, coalesce(bad_line, leftUTF8(prompt, 160)) AS text FROM request_rows WHERE defect IS NOT NULL
  UNION ALL SELECT source, line, defect, bad_line FROM csv_rejects)
ORDER BY source, line LIMIT ${Math.floor(limit)}`,
      ),
    );
  }

  async requestSamples(accounts: readonly string[], perAccount: number): Promise<RequestSample[]> {
    if (accounts.length === 0) return [];
    const rows =
      await this.session.rows(`SELECT account, source, toFloat64(line), toFloat64(ts_ms), leftUTF8(prompt, 160), toFloat64(input_tokens),
  toFloat64(output_tokens), toFloat64(max_tokens), ip
FROM request_rows WHERE defect IS NULL AND NOT is_reference AND account IN (${accounts.map(chString).join(', ')})
ORDER BY account, ts_ms, source, line LIMIT ${Math.floor(perAccount)} BY account`);
    return toRequestSamples(rows);
  }

  /** A file ClickHouse cannot read (a broken Parquet file, a refused upload): one line naming the files. */
  inputError(error: unknown, files: readonly LogFile[]): unknown {
    if (error instanceof InputError) return error;
    const message = error instanceof Error ? error.message : String(error);
    // A server's error arrives parsed by the client, its code name in `type`; chdb's in the message.
    const type = (error as { type?: unknown } | null)?.type;
    const m =
      /\b(CANNOT_PARSE\w*|INCORRECT_DATA|CANNOT_READ\w*|FILE_DOESNT_EXIST|UNKNOWN_FORMAT|INCORRECT_NUMBER_OF_COLUMNS|CANNOT_EXTRACT_TABLE_STRUCTURE|UNKNOWN_TABLE|UNKNOWN_DATABASE|ACCESS_DENIED|NUMBER_OF_ARGUMENTS_DOESNT_MATCH|BAD_ARGUMENTS|CANNOT_STAT|a ClickHouse server reads Parquet)\b/.exec(
        `${typeof type === 'string' ? type : ''} ${message}`,
      );
    if (!m) return error;
    const first = message.split('\n')[0]?.slice(0, 200) ?? '';
    return new InputError(`cannot read the logs (${first})`, files.map((f) => f.path).join(', '));
  }

  close(): Promise<void> {
    return this.session.close();
  }
}
