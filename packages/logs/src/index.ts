/**
 * @clearbox/logs: the log engines of `clearbox investigate logs`. Log files (JSONL, CSV, Parquet) become
 * canonical request rows and per-account statistics in a database engine; core turns the statistics
 * into features, calibrated p-values, clusters and flags. See README.md for the layout.
 */
export { DuckDbEngine } from './duckdb/engine.ts';
export { DuckSession, MEMORY_LIMIT, sqlIdentifier, sqlString } from './duckdb/session.ts';
export {
  type DefectCount,
  type EngineName,
  engineNames,
  type LogEngine,
  type MalformedRow,
  type RequestSample,
  type StatementTiming,
} from './engine.ts';
export {
  type LogsReport,
  type LogsRequest,
  investigateLogFiles,
  logAccountStats,
  openEngine,
  type SampleRow,
} from './investigate-logs.ts';
export {
  formatOf,
  type LogField,
  type LogFile,
  type LogFormat,
  optionalLogFields,
  parseFieldMap,
  requiredLogFields,
} from './log-fields.ts';
export { type SynthFormat, type SynthTrafficFiles, writeSynthTraffic } from './synth-traffic.ts';
