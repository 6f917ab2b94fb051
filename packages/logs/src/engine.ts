import type { AccountStats, LogEngineName } from '@clearbox/core';
import type { LogField, LogFile } from './log-fields.ts';
import type { TimestampUnit } from './source.ts';

/** What loading settled about one file. */
export interface LoadedFile {
  /** How its timestamps were read: epoch seconds are detected (all numeric values below 1e11). */
  timestamps: TimestampUnit;
}

/** The log engines `investigate logs --engine` accepts (public contract; the report's type is core's). */
export const engineNames = ['duckdb', 'clickhouse'] as const satisfies readonly LogEngineName[];
export type EngineName = LogEngineName;

/** Wall time of one statement, for the benchmark's breakdown (never part of a report). */
export interface StatementTiming {
  sql: string;
  seconds: number;
  /** performance.now() milliseconds; statements may overlap one another. */
  start: number;
  end: number;
}

/** Malformed rows of one file and one reason. */
export interface DefectCount {
  /** Index of the file in the list given to load(). */
  source: number;
  reason: string;
  rows: number;
  firstLine: number;
}

export interface MalformedRow {
  source: number;
  line: number;
  reason: string;
  /** The start of the raw line where the row could not be read, else the start of its prompt. */
  text: string | null;
}

/** One valid request of a flagged account, as the report shows it. */
export interface RequestSample {
  account: string;
  source: number;
  line: number;
  tsMs: number | null;
  prompt: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  maxTokens: number | null;
  ip: string | null;
}

/**
 * A log engine: reads log files where they lie into canonical request rows (kept malformed rows
 * included, each with its reason), and aggregates them per account in the database. Everything after
 * the per-account statistics (features, calibration, clusters, BH) runs in core, the same for every
 * engine, so two engines on the same files must return the same statistics.
 */
export interface LogEngine {
  readonly name: EngineName;
  /** Every statement run, in order: the report prints the exact SQL behind its numbers. */
  readonly statements: string[];
  readonly timings: StatementTiming[];
  /** Defines the canonical request rows over the files (traffic first, then reference). */
  load(
    files: readonly LogFile[],
    map: Partial<Record<LogField, string>>,
    referenceAccounts: readonly string[],
  ): Promise<LoadedFile[]>;
  /** Rows per file (by its index), malformed ones included. */
  rowsPerFile(): Promise<Map<number, number>>;
  /** Per-account statistics of the valid rows, reference and tested accounts apart. */
  accountStats(parameters: { largeMaxTokens: number; rareShare: number }): Promise<AccountStats[]>;
  /**
   * Exact duplicates among the valid rows, by file: rows equal in every canonical field to an earlier
   * row of the same file. Call after accountStats.
   */
  duplicates(): Promise<Map<number, number>>;
  /** Malformed rows counted by file and reason. */
  defects(): Promise<DefectCount[]>;
  /** The first malformed rows, by file and line. */
  malformedSample(limit: number): Promise<MalformedRow[]>;
  /** The first requests (by time) of each tested account given. */
  requestSamples(accounts: readonly string[], perAccount: number): Promise<RequestSample[]>;
  /** The engine's own refusal of a file, as one line naming the files; other errors unchanged. */
  inputError(error: unknown, files: readonly LogFile[]): unknown;
  close(): Promise<void>;
}
