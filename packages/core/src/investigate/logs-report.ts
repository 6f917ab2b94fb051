import type { LogInvestigation, LogInvestigationOptions } from './log-investigation.ts';

/**
 * The log report's JSON, as types only (browser-safe): @clearbox/logs builds it, the CLI prints it, the
 * server answers it and the web page reads it, all with this one type.
 */

/** The log engines `investigate logs --engine` accepts (public contract; @clearbox/logs lists them). */
export type LogEngineName = 'duckdb' | 'clickhouse';

/** The canonical log fields (public contract; @clearbox/logs lists them, the first five required). */
export type LogField =
  | 'ts'
  | 'account'
  | 'prompt'
  | 'inputTokens'
  | 'outputTokens'
  | 'org'
  | 'ip'
  | 'userAgent'
  | 'model'
  | 'maxTokens'
  | 'logprobs'
  | 'logitBias'
  | 'reasoningEffort'
  | 'responseId';

/** How a file's timestamps were read. */
export type LogTimestampUnit = 'epoch-ms' | 'epoch-s' | 'iso-8601' | 'none';

/** One request row quoted as evidence behind a flag. */
export interface LogsSampleRow {
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

/** What `clearbox investigate logs --json` prints and `POST /api/investigate/logs` answers (the web page reads it). */
export interface LogsReport {
  kind: 'clearbox.investigate.logs';
  clearboxVersion: string;
  /** The only field that changes between runs on the same inputs. */
  generatedAt: string;
  /** The log engine that read the files and computed the per-account statistics. */
  engine: LogEngineName;
  inputs: Array<{
    path: string;
    role: 'traffic' | 'reference';
    /** Of the file; empty (and bytes 0) for rows read in ClickHouse, where there is no file to hash. */
    sha256: string;
    bytes: number;
    /** How the timestamps were read: epoch seconds are detected (every numeric value below 1e11). */
    timestamps: LogTimestampUnit;
  }>;
  parameters: LogInvestigationOptions & {
    map: Partial<Record<LogField, string>>;
    referenceAccounts: string[];
    largeMaxTokens: number;
  };
  rows: { total: number; valid: number; reference: number; traffic: number };
  /**
   * Valid rows equal in every canonical field to an earlier row of the same file (a log exported or
   * ingested twice). They are counted here and kept in the statistics.
   */
  duplicateRows: { count: number; byFile: Array<{ file: string; rows: number }> };
  malformedRows: {
    count: number;
    byReason: Record<string, number>;
    sample: Array<{ file: string; line: number; reason: string; text: string | null }>;
  };
  tested: LogInvestigation['tested'];
  flagged: Array<LogInvestigation['flagged'][number] & { sampleRows: LogsSampleRow[] }>;
  clusters: LogInvestigation['clusters'];
  calibration: LogInvestigation['calibration'];
  statement: string;
  explanationsChecked: string[];
  sql: string[];
}
