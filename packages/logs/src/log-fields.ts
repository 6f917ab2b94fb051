import { InputError, type LogField } from '@clearbox/core';

/**
 * The canonical log fields (public contract; the type is core's, which the report and the web page use);
 * the first five are required. `canonicalColumn` below names a column for every field of the type.
 */
export const requiredLogFields = [
  'ts',
  'account',
  'prompt',
  'inputTokens',
  'outputTokens',
] as const satisfies readonly LogField[];
export const optionalLogFields = [
  'org',
  'ip',
  'userAgent',
  'model',
  'maxTokens',
  'logprobs',
  'logitBias',
  'reasoningEffort',
  'responseId',
] as const satisfies readonly LogField[];
export type { LogField };

export type LogFormat = 'jsonl' | 'csv' | 'parquet';

export interface LogFile {
  path: string;
  role: 'traffic' | 'reference';
  /**
   * Rows read in ClickHouse from this table or table function (already validated SQL), where they are,
   * instead of a file at `path` (which then only names the source in the report).
   */
  table?: string;
}

export function formatOf(path: string): LogFormat {
  const lower = path.toLowerCase();
  if (/\.(jsonl|ndjson|json)$/.test(lower)) return 'jsonl';
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.parquet')) return 'parquet';
  throw new InputError('unknown log format: expected .jsonl, .ndjson, .json, .csv or .parquet', path);
}

/** Parses `--map account=user_id,ts=created_at` into canonical field -> source column. */
export function parseFieldMap(text: string | undefined): Partial<Record<LogField, string>> {
  const out: Partial<Record<LogField, string>> = {};
  if (!text) return out;
  const known = [...requiredLogFields, ...optionalLogFields] as string[];
  for (const part of text.split(',')) {
    const [field, column] = part.split('=').map((s) => s.trim());
    if (!field || !column) throw new InputError(`expected field=column pairs, got "${part}"`, '--map');
    if (!known.includes(field)) {
      throw new InputError(`unknown field "${field}"; fields: ${known.join(', ')}`, '--map');
    }
    out[field as LogField] = column;
  }
  return out;
}

/** The canonical field's column name in every engine's request rows. */
export const canonicalColumn: Record<LogField, string> = {
  ts: 'ts_ms',
  account: 'account',
  prompt: 'prompt',
  inputTokens: 'input_tokens',
  outputTokens: 'output_tokens',
  org: 'org',
  ip: 'ip',
  userAgent: 'user_agent',
  model: 'model',
  maxTokens: 'max_tokens',
  logprobs: 'logprobs',
  logitBias: 'logit_bias_count',
  reasoningEffort: 'reasoning_effort',
  responseId: 'response_id',
};
