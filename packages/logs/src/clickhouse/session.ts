import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { StatementTiming } from '../engine.ts';
import type { Cell } from '../features/index.ts';
import { chdb, clickhouseClient } from '../native.ts';

/** A string as a ClickHouse string literal (backslashes and quotes escaped). */
export function chString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** An identifier as a quoted ClickHouse identifier. */
export function chIdentifier(name: string): string {
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}

/**
 * Where ClickHouse reads a local log file: embedded chdb reads it where it lies (the file table
 * function); a server cannot see this machine's files, so the file is streamed into a table first.
 */
export interface ChSource {
  /** A table expression. */
  from: string;
  /** The 1-based row number within the file (data rows; CSV adds the header line itself). */
  rowNumber: string;
}

export type ChFileFormat = 'LineAsString' | 'CSVWithNames' | 'Parquet';

/** One ClickHouse session (embedded or a server), recording every statement like DuckSession. */
export abstract class ChSession {
  readonly statements: string[] = [];
  readonly seconds: StatementTiming[] = [];
  /** Reads the rows of a file (structure: `name Type, ...`; Parquet: the file's own schema). */
  abstract source(
    path: string,
    format: ChFileFormat,
    structure: string | undefined,
    index: number,
    settings?: string,
  ): Promise<ChSource>;
  /** A path the engine writes CSV reader errors to and reads back with file(). */
  abstract errorsPath(index: number): string;
  /** Whether the engine can read a file at that path (an errors file is written only on errors). */
  abstract exists(path: string): Promise<boolean>;
  protected abstract execute(sql: string, rows: boolean): Promise<Cell[][]>;
  abstract close(): Promise<void>;

  async run(sql: string): Promise<void> {
    await this.timed(sql, false);
  }

  rows(sql: string): Promise<Cell[][]> {
    return this.timed(sql, true);
  }

  private async timed(sql: string, rows: boolean): Promise<Cell[][]> {
    this.statements.push(sql.trim());
    const start = performance.now();
    const out = await this.execute(sql, rows);
    const end = performance.now();
    this.seconds.push({ sql, seconds: (end - start) / 1000, start, end });
    return out;
  }
}

/** Output settings: 64-bit integers and non-finite floats as JSON numbers / null. */
const outputSettings = 'output_format_json_quote_64bit_integers = 0, output_format_json_quote_denormals = 0';

/** Embedded ClickHouse (chdb): a private session folder, removed on close. */
export class ChdbSession extends ChSession {
  private constructor(
    private readonly session: InstanceType<ReturnType<typeof chdb>['Session']>,
    private readonly folder: string,
  ) {
    super();
  }

  static async open(): Promise<ChdbSession> {
    const folder = mkdtempSync(join(tmpdir(), 'clearbox-chdb-'));
    const { Session } = chdb();
    const session = new ChdbSession(new Session(join(folder, 'session')), folder);
    for (const setting of outputSettings.split(', ')) await session.execute(`SET ${setting}`, false);
    await session.execute("SET session_timezone = 'UTC'", false);
    return session;
  }

  async source(path: string, format: ChFileFormat, structure: string | undefined): Promise<ChSource> {
    return {
      from: `file(${chString(path)}, '${format}'${structure ? `, ${chString(structure)}` : ''})`,
      rowNumber: '(_row_number + 1)',
    };
  }

  errorsPath(index: number): string {
    return join(this.folder, `csv-errors-${index}.csv`);
  }

  async exists(path: string): Promise<boolean> {
    return existsSync(path);
  }

  protected async execute(sql: string, rows: boolean): Promise<Cell[][]> {
    const result = await this.session.queryAsync(sql, { format: rows ? 'JSONCompact' : 'CSV' });
    return rows ? (result.json<{ data: Cell[][] }>().data ?? []) : [];
  }

  async close(): Promise<void> {
    this.session.close();
    rmSync(this.folder, { recursive: true, force: true });
  }
}

/**
 * A ClickHouse server through @clickhouse/client: every table lives in a private database, dropped on
 * close. Local files are streamed in (JSONL as raw lines, CSV as text columns); Parquet is refused (load
 * it into the server, or read it there with s3()/file()).
 */
export class ClickHouseServerSession extends ChSession {
  private constructor(
    private readonly client: ReturnType<ReturnType<typeof clickhouseClient>['createClient']>,
    private readonly database: string,
    private readonly id: string,
  ) {
    super();
  }

  static async open(url: string): Promise<ClickHouseServerSession> {
    const id = `${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    const database = `clearbox_${id}`;
    const { createClient, ClickHouseLogLevel } = clickhouseClient();
    // Errors come back as thrown errors that the CLI prints in one line: the client's own log stays off.
    const log = { level: ClickHouseLogLevel.OFF };
    // A long statement sends progress headers so that a load balancer's idle timeout does not cut it.
    const progress = {
      send_progress_in_http_headers: 1,
      http_headers_progress_interval_ms: '60000',
    } as const;
    const client = createClient({
      url,
      request_timeout: 3_600_000,
      log,
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    await client.command({ query: `CREATE DATABASE ${database}` });
    await client.close();
    // Unqualified names resolve in the private database from here on.
    const session = new ClickHouseServerSession(
      createClient({
        url,
        database,
        request_timeout: 3_600_000,
        log,
        clickhouse_settings: {
          ...progress,
          output_format_json_quote_64bit_integers: 0,
          output_format_json_quote_denormals: 0,
          session_timezone: 'UTC',
        },
      }),
      database,
      id,
    );
    return session;
  }

  async source(
    path: string,
    format: ChFileFormat,
    structure: string | undefined,
    index: number,
    settings?: string,
  ): Promise<ChSource> {
    if (format === 'Parquet' || !structure)
      throw new Error(
        'a ClickHouse server reads Parquet where it lies (s3(), file() or a table): give JSONL or CSV files to upload',
      );
    const table = `upload_${index}`;
    await this.run(`CREATE TABLE ${table} (${structure}) ENGINE = Memory`);
    const start = performance.now();
    const settingsObject: Record<string, string | number> = { max_insert_threads: 1 };
    for (const part of (settings ?? '').split(',')) {
      const [k, v] = part.split('=').map((s) => s.trim());
      if (k && v) settingsObject[k] = v.replace(/^'|'$/g, '');
    }
    if (format === 'LineAsString') {
      // One column per line: fields end at a byte that never occurs in text, values are read raw.
      Object.assign(settingsObject, {
        format_custom_field_delimiter: '\u0001',
        format_custom_escaping_rule: 'Raw',
        format_custom_row_after_delimiter: '\n',
      });
    }
    await this.client.insert({
      table,
      values: createReadStream(path),
      format: format === 'LineAsString' ? 'CustomSeparated' : 'CSVWithNames',
      clickhouse_settings: settingsObject,
    });
    const end = performance.now();
    this.statements.push(`INSERT INTO ${table} FORMAT ${format} -- ${path}`);
    this.seconds.push({ sql: `INSERT ${path}`, seconds: (end - start) / 1000, start, end });
    // Line numbers are taken on one stream, in the order the rows arrived (a parallel read numbers each
    // stream's blocks in whatever order they come), as Int64 like file()'s _row_number.
    return {
      from: `(SELECT *, toInt64(rowNumberInAllBlocks() + 1) AS _line FROM ${table} SETTINGS max_threads = 1)`,
      rowNumber: '_line',
    };
  }

  errorsPath(index: number): string {
    return `clearbox_${this.id}_csv_errors_${index}.csv`;
  }

  async exists(path: string): Promise<boolean> {
    try {
      await this.execute(`SELECT count() FROM file(${chString(path)}, 'CSV')`, true);
      return true;
    } catch {
      return false;
    }
  }

  protected async execute(sql: string, rows: boolean): Promise<Cell[][]> {
    if (!rows) {
      await this.client.command({ query: sql });
      return [];
    }
    const result = await this.client.query({ query: sql, format: 'JSONCompact' });
    return ((await result.json()) as { data: Cell[][] }).data ?? [];
  }

  async close(): Promise<void> {
    try {
      await this.client.command({ query: `DROP DATABASE IF EXISTS ${this.database}` });
    } finally {
      await this.client.close();
    }
  }
}
