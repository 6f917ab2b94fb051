import type { AccountStats } from '@clearbox/core';

/** The SQL dialects of the log engines: DuckDB, and ClickHouse (embedded chdb or a server). */
export type Dialect = 'duckdb' | 'clickhouse';

/** A result cell: every feature query casts its columns to DOUBLE/Float64, VARCHAR/String or BOOLEAN. */
export type Cell = boolean | number | string | null;

export interface FeatureParameters {
  /** max_tokens at or above this is a large request (L5). */
  largeMaxTokens: number;
  /** A value used by at most this share of the reference accounts is rare. */
  rareShare: number;
}

/**
 * One feature's SQL in one dialect. The pipeline (account-stats.ts) runs three stages:
 * 1. `rowColumns` are derived per request row in the `request_rows` view, from the canonical columns
 *    and `lowered` (the prompt in lower case);
 * 2. `aggregates` are computed in one GROUP BY is_reference, account pass into `account_aggregates`,
 *    with `derived` columns computed from them in the same statement (parallel);
 * 3. `outputs` are read from `account_aggregates` in one query (one row per account, in the order
 *    is_reference, account), and `query` is a query of the feature's own, over `account_aggregates`
 *    or `request_rows`, whose rows start with is_reference, account.
 * Every expression is `expression AS name` where a name is needed; names are unique across features.
 */
export interface FeatureSql {
  rowColumns?: string[];
  aggregates?: (p: FeatureParameters) => string[];
  /** Per-account columns computed from the aggregates, that outputs (and engines) may use. */
  derived?: string[];
  /**
   * Aggregate or derived columns that only this feature's outputs read: left out of the stored
   * `account_aggregates` (the per-account timestamp lists hold 8 bytes per row, twice).
   */
  scratch?: string[];
  outputs?: string[];
  /**
   * Statements run (in order) after `account_aggregates` exists and before `query`, creating the small
   * tables the query reads (each created once, read where needed, never recomputed per use).
   */
  prepare?: (p: FeatureParameters) => string[];
  query?: (p: FeatureParameters) => string;
}

/**
 * A per-account statistic with its SQL in both dialects side by side, and how its result cells fill
 * AccountStats. Both dialects must give the same numbers (the parity test checks it).
 */
export interface Feature {
  id: string;
  sql: Record<Dialect, FeatureSql>;
  /** Reads this feature's `outputs` cells (in order) into the account's statistics. */
  readOutputs?(stats: AccountStats, cells: Cell[]): void;
  /** Reads one row of `query` (after is_reference, account) into that account's statistics. */
  readQuery?(stats: AccountStats, cells: Cell[]): void;
}

/** A number cell (the one decoder every engine's rows use). */
export { num } from '../result-rows.ts';

/** A JSON text of a list (DuckDB to_json / ClickHouse toJSONString, or a numeric list cast to text). */
export const jsonList = <T>(x: Cell | undefined): T[] =>
  typeof x === 'string' && x !== '' ? (JSON.parse(x) as T[]) : [];

/** A key/count histogram as two JSON lists, added into a dense array of counts. */
export function fillHistogram(target: number[], keys: Cell | undefined, counts: Cell | undefined): void {
  const k = jsonList<number>(keys);
  const c = jsonList<number>(counts);
  for (let i = 0; i < k.length; i++) {
    const at = ((Number(k[i]) % target.length) + target.length) % target.length;
    target[at] = (target[at] as number) + Number(c[i]);
  }
}
