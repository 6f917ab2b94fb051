import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { echo, InputError } from '@clearbox/core';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { duckdb } from '../native.ts';

/** DuckDB's memory_limit syntax: a number and a unit. */
export const MEMORY_LIMIT = /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

/**
 * One embedded DuckDB session, in memory, UTC, with a memory limit and a private spill folder, that
 * records every statement it runs so a report can print the exact SQL behind its numbers.
 */
export class DuckSession {
  readonly statements: string[] = [];
  /**
   * Wall time of each statement, as seconds and as [start, end] in performance.now() milliseconds (for
   * the benchmark's breakdown; never part of a report). Statements may overlap one another.
   */
  readonly seconds: Array<{ sql: string; seconds: number; start: number; end: number }> = [];
  private sideConnection: Promise<DuckDBConnection> | undefined;
  /** Queries not yet settled: closing waits for them (closing under a running query crashes DuckDB). */
  private readonly inFlight = new Set<Promise<unknown>>();
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly spill: string,
  ) {}

  static async open(options: { memoryLimit?: string; threads?: number } = {}): Promise<DuckSession> {
    const memoryLimit = options.memoryLimit ?? '3GB';
    // The limit is spliced into SQL: only a size such as 3GB or 512MiB may pass.
    if (!MEMORY_LIMIT.test(memoryLimit))
      throw new InputError(
        `expected a size such as 3GB, 512MB or 2GiB, got ${echo(memoryLimit)}`,
        '--memory-limit',
      );
    const spill = mkdtempSync(join(tmpdir(), 'clearbox-duckdb-'));
    const instance = await duckdb().DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const session = new DuckSession(instance, connection, spill);
    await connection.run("SET TimeZone = 'UTC'");
    await connection.run(`SET memory_limit = '${memoryLimit}'`);
    await connection.run(`SET temp_directory = '${spill.replace(/'/g, "''")}'`);
    if (options.threads) await connection.run(`SET threads = ${options.threads}`);
    return session;
  }

  /** Runs a statement and records it. */
  async run(sql: string): Promise<void> {
    this.statements.push(sql.trim());
    const start = performance.now();
    await this.track(this.connection.run(sql));
    const end = performance.now();
    this.seconds.push({ sql, seconds: (end - start) / 1000, start, end });
  }

  /** Runs a query, records it, and returns its rows as arrays (cast columns in SQL to DOUBLE/VARCHAR). */
  async rows(sql: string, record = true): Promise<unknown[][]> {
    if (record) this.statements.push(sql.trim());
    const start = performance.now();
    const reader = await this.track(this.connection.runAndReadAll(sql));
    const end = performance.now();
    this.seconds.push({ sql, seconds: (end - start) / 1000, start, end });
    return reader.getRowsJS() as unknown[][];
  }

  /**
   * A query whose columns are all BOOLEAN, DOUBLE or VARCHAR, read straight from the result vectors (no
   * generic value conversion). `side` runs it on a second connection, concurrently with the first one:
   * it sees regular tables, not the first connection's TEMP tables and views.
   */
  async plainRows(sql: string, side = false): Promise<Array<Array<boolean | number | string | null>>> {
    return (await this.fetchPlainRows(sql, side))();
  }

  /**
   * plainRows in two steps: resolves once the result is fetched from DuckDB, with a function that decodes
   * its rows into JavaScript values. A caller that starts its next statement before decoding keeps DuckDB
   * busy while JavaScript decodes (and reads) the rows.
   */
  async fetchPlainRows(
    sql: string,
    side = false,
  ): Promise<() => Array<Array<boolean | number | string | null>>> {
    this.statements.push(sql.trim());
    const start = performance.now();
    if (side) this.sideConnection ??= this.instance.connect();
    const connection = side ? await (this.sideConnection as Promise<DuckDBConnection>) : this.connection;
    const chunks = await this.track(connection.run(sql).then((result) => result.fetchAllChunks()));
    const end = performance.now();
    this.seconds.push({ sql, seconds: (end - start) / 1000, start, end });
    return () => {
      const out: Array<Array<boolean | number | string | null>> = [];
      for (const chunk of chunks) {
        const vectors = Array.from({ length: chunk.columnCount }, (_, c) => chunk.getColumnVector(c));
        for (let r = 0; r < chunk.rowCount; r++) {
          out.push(vectors.map((v) => v.getItem(r) as boolean | number | string | null));
        }
      }
      return out;
    };
  }

  private track<T>(query: Promise<T>): Promise<T> {
    const settled = query.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(settled);
    settled.then(() => this.inFlight.delete(settled));
    return query;
  }

  /** Closes the connections and the instance once every query still running has settled. */
  async close(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    if (this.sideConnection) (await this.sideConnection).closeSync();
    this.connection.closeSync();
    this.instance.closeSync();
    rmSync(this.spill, { recursive: true, force: true });
  }
}

/** A string as a SQL literal. */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** An identifier as a quoted SQL identifier. */
export function sqlIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
