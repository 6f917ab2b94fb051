import { statSync } from 'node:fs';
import { closestIds, InputError, TOPIC_BUCKETS } from '@clearbox/core';
import {
  canonicalColumn,
  formatOf,
  type LogField,
  type LogFile,
  type LogFormat,
  optionalLogFields,
  requiredLogFields,
} from '../log-fields.ts';
import { type DuckSession, sqlIdentifier, sqlString } from './session.ts';

/** One row in this many gets a topic id (L3). */
export const TOPIC_SAMPLE = 4;

interface Column {
  name: string;
  type: string;
}

const numericTypes =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL)/;

/** The JSON path of a column, as a SQL string literal. */
const jsonPath = (column: Column): string => sqlString(`$.${JSON.stringify(column.name)}`);

/**
 * The source expression of one canonical field, by the column's type; NULL when absent. JSONL fields
 * other than logitBias are slots of `vals`, every field's text from one parse of the line.
 */
function fieldExpression(
  format: LogFormat,
  field: LogField,
  column: Column | undefined,
  slot: number,
): string {
  if (!column) return field === 'logitBias' ? 'CAST(NULL AS BIGINT)' : 'CAST(NULL AS VARCHAR)';
  if (format === 'jsonl') {
    const path = jsonPath(column);
    if (field === 'logitBias') {
      return `(CASE json_type(j -> ${path}) WHEN 'OBJECT' THEN json_array_length(json_keys(j -> ${path})) ELSE TRY_CAST(j ->> ${path} AS BIGINT) END)`;
    }
    return `vals[${slot + 1}]`;
  }
  const c = sqlIdentifier(column.name);
  if (field === 'logitBias') {
    if (numericTypes.test(column.type)) return `CAST(${c} AS BIGINT)`;
    if (column.type.startsWith('MAP')) return `CAST(cardinality(${c}) AS BIGINT)`;
    return `(CASE WHEN json_valid(${c}) AND starts_with(ltrim(${c}), '{') THEN json_array_length(json_keys(${c})) ELSE TRY_CAST(${c} AS BIGINT) END)`;
  }
  return c;
}

/** Expressions turning the raw field (VARCHAR or typed) into the canonical typed column. */
function typedExpression(
  field: LogField,
  raw: string,
  column: Column | undefined,
  format: LogFormat,
): string {
  const type = format === 'parquet' ? (column?.type ?? 'VARCHAR') : 'VARCHAR';
  const integer = (x: string) =>
    numericTypes.test(type) ? `CAST(${x} AS BIGINT)` : `TRY_CAST(TRY_CAST(${x} AS DOUBLE) AS BIGINT)`;
  switch (field) {
    case 'ts':
      if (numericTypes.test(type)) return `CAST(${raw} AS BIGINT)`;
      if (type.startsWith('TIMESTAMP') || type === 'DATE') return `epoch_ms(CAST(${raw} AS TIMESTAMPTZ))`;
      // Epoch milliseconds or ISO 8601 (with or without an offset; no offset means UTC).
      return `(CASE WHEN regexp_full_match(${raw}, '-?[0-9]+(\\.[0-9]+)?') THEN TRY_CAST(TRY_CAST(${raw} AS DOUBLE) AS BIGINT) ELSE epoch_ms(TRY_CAST(${raw} AS TIMESTAMPTZ)) END)`;
    case 'inputTokens':
    case 'outputTokens':
    case 'maxTokens':
      return integer(raw);
    case 'logitBias':
      return raw;
    case 'logprobs':
      return type === 'BOOLEAN' ? raw : `(lower(CAST(${raw} AS VARCHAR)) IN ('true', '1', 'yes'))`;
    default:
      return type === 'VARCHAR' ? raw : `CAST(${raw} AS VARCHAR)`;
  }
}

async function columnsOf(
  session: DuckSession,
  file: LogFile,
  format: LogFormat,
  index: number,
): Promise<Column[]> {
  if (format === 'jsonl') {
    const rows = await session.rows(
      // Every line is scanned: optional fields (logprobs, logitBias) may appear only in a few rows.
      `SELECT DISTINCT k FROM (SELECT unnest(json_keys(line)) AS k FROM raw_${index} WHERE valid) ORDER BY k`,
    );
    return rows.map((r) => ({ name: String(r[0]), type: 'VARCHAR' }));
  }
  const source =
    format === 'csv'
      ? `read_csv(${sqlString(file.path)}, header = true, all_varchar = true)`
      : `read_parquet(${sqlString(file.path)})`;
  const rows = await session.rows(`DESCRIBE SELECT * FROM ${source}`);
  return rows.map((r) => ({ name: String(r[0]), type: String(r[1]) }));
}

/**
 * A JSONL file with no field in any row: when it has non-blank lines, they were all refused, and the
 * user is told how many of each kind and where the first ones are (not "empty file"); likewise when
 * every line is an empty object.
 */
async function refuseInvalidJsonl(session: DuckSession, index: number, path: string): Promise<void> {
  const rows = await session.rows(
    `SELECT CASE WHEN json_valid(line) THEN 'valid JSON but not an object' ELSE 'not valid JSON' END AS reason,
       CAST(count(*) AS DOUBLE), array_to_string(list(line_number ORDER BY line_number)[1:3], ', ')
     FROM raw_${index} WHERE line IS NOT NULL AND trim(line) <> '' AND NOT valid GROUP BY reason ORDER BY count(*) DESC, reason`,
  );
  if (rows.length === 0) {
    const objects = Number(
      (await session.rows(`SELECT CAST(count(*) AS DOUBLE) FROM raw_${index} WHERE valid`))[0]?.[0],
    );
    if (objects > 0)
      throw new InputError(`no request rows: all ${objects} lines are empty JSON objects ({})`, path);
    return;
  }
  const total = rows.reduce((sum, r) => sum + Number(r[1]), 0);
  const parts = rows.map((r) => {
    const count = Number(r[1]);
    return `${count} ${String(r[0])} (line${count > 1 ? 's' : ''} ${String(r[2])}${count > 3 ? ', …' : ''})`;
  });
  throw new InputError(
    `no request rows: all ${total} non-blank lines were refused: ${parts.join('; ')}; expected one JSON object per line`,
    path,
  );
}

/**
 * Defines one view `request_rows` over every log file with canonical typed columns, a `defect` reason for
 * malformed rows (kept, counted and sampled, never dropped silently) and the file's line or row number.
 * Returns the query counting each file's rows (`source`, `rows`): answered from metadata for Parquet, so
 * the malformed rows (total minus valid) need no pass of their own unless there are some.
 */
export async function loadLogs(
  session: DuckSession,
  files: readonly LogFile[],
  map: Partial<Record<LogField, string>>,
  referenceAccounts: readonly string[],
): Promise<{ rowCountSql: string }> {
  const selects: string[] = [];
  const counts: string[] = [];
  for (const [index, file] of files.entries()) {
    const format = formatOf(file.path);
    let size: number;
    try {
      size = statSync(file.path).size;
    } catch (error) {
      throw new InputError(
        `cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        file.path,
      );
    }
    if (size === 0) throw new InputError('empty file: expected one request per row', file.path);
    let from: string;
    let line: string;
    if (format === 'jsonl') {
      await session.run(
        `CREATE TEMP TABLE raw_${index} AS SELECT line, row_number() OVER () AS line_number, json_valid(line) AND starts_with(ltrim(line), '{') AS valid FROM read_csv(${sqlString(file.path)}, columns = {'line': 'VARCHAR'}, header = false, delim = E'\\x01', quote = '', escape = '', auto_detect = false, new_line = '\\n')`,
      );
      from = `(SELECT line_number, valid, CASE WHEN valid THEN line ELSE '{}' END AS j, CASE WHEN NOT valid THEN left(line, 200) END AS bad_line FROM raw_${index} WHERE line IS NOT NULL AND trim(line) <> '')`;
      line = 'line_number';
    } else if (format === 'csv') {
      from = `(SELECT *, row_number() OVER () + 1 AS line_number FROM read_csv(${sqlString(file.path)}, header = true, all_varchar = true))`;
      line = 'line_number';
    } else {
      from = `read_parquet(${sqlString(file.path)}, file_row_number = true)`;
      line = 'file_row_number + 1';
    }
    const columns = await columnsOf(session, file, format, index);
    if (columns.length === 0) {
      if (format === 'jsonl') await refuseInvalidJsonl(session, index, file.path);
      throw new InputError('empty file: no row with any field', file.path);
    }
    const names = columns.map((c) => c.name);
    const resolved = new Map<LogField, Column | undefined>();
    for (const field of [...requiredLogFields, ...optionalLogFields]) {
      const wanted = map[field] ?? field;
      resolved.set(
        field,
        columns.find((c) => c.name === wanted),
      );
    }
    const missing = requiredLogFields.filter((f) => !resolved.get(f));
    if (missing.length > 0) {
      const detail = missing
        .map(
          (f) =>
            `"${map[f] ?? f}" (closest columns found: ${closestIds(map[f] ?? f, names, 3).join(', ') || 'none'})`,
        )
        .join('; ');
      throw new InputError(
        `missing required column(s) ${detail}; map other names with --map ${missing[0]}=<column>`,
        file.path,
      );
    }
    const jsonFields = [...requiredLogFields, ...optionalLogFields].filter(
      (field) => field !== 'logitBias' && resolved.get(field),
    );
    if (format === 'jsonl') {
      const paths = jsonFields.map((field) => jsonPath(resolved.get(field) as Column));
      from = `(SELECT *, json_extract_string(j, [${paths.join(', ')}]) AS vals FROM ${from})`;
    }
    const fields = [...requiredLogFields, ...optionalLogFields].map((field) => {
      const column = resolved.get(field);
      const raw = fieldExpression(format, field, column, jsonFields.indexOf(field));
      return `${typedExpression(field, raw, column, format)} AS ${canonicalColumn[field]}`;
    });
    const role = file.role === 'reference' ? 'true' : 'false';
    const select = `SELECT ${line} AS line, ${fields.join(', ')}, ${format === 'jsonl' ? 'bad_line' : 'CAST(NULL AS VARCHAR)'} AS bad_line, ${format === 'jsonl' ? 'valid' : 'true'} AS valid_json FROM ${from}`;
    let rows: string;
    if (format === 'jsonl') {
      // JSON text is parsed by every field extraction of every pass, so JSONL is parsed once into a typed
      // table (the raw lines are already in memory; the typed table replaces them). Parquet and CSV are
      // read where they lie.
      await session.run(`CREATE TEMP TABLE typed_${index} AS ${select}`);
      await session.run(`DROP TABLE raw_${index}`);
      rows = `(SELECT * FROM typed_${index})`;
    } else rows = `(${select})`;
    counts.push(`SELECT ${index} AS source, CAST(count(*) AS DOUBLE) AS rows FROM ${rows}`);
    selects.push(`SELECT ${index} AS source, ${role} AS from_reference, * FROM ${rows}`);
  }
  await session.run('CREATE TEMP TABLE reference_accounts (account VARCHAR)');
  if (referenceAccounts.length > 0) {
    await session.run(
      // One list literal parses faster than a VALUES row per account (tens of thousands of accounts).
      `INSERT INTO reference_accounts SELECT unnest([${referenceAccounts.map(sqlString).join(', ')}])`,
    );
  }
  // A view, not a table (over Parquet and CSV where they lie, over JSONL's typed tables): materialising
  // 10^7 Parquet rows (strings included) cost more than every aggregate together, and each query then
  // reads only the columns and computes only the derived values it uses. Derived per-row values: template
  // prefix (the first 48 characters, lower-cased; digits are masked after aggregation, on distinct
  // prefixes only), topic bucket (on a sample of rows), reasoning elicitation.
  await session.run(`CREATE TEMP VIEW request_rows AS
WITH loaded AS (
  ${selects.join('\n  UNION ALL\n  ')}
),
checked AS (
  SELECT *,
    CASE WHEN NOT valid_json THEN 'not valid JSON'
         WHEN account IS NULL OR account = '' THEN 'missing account'
         WHEN ts_ms IS NULL THEN 'unparseable timestamp'
         WHEN prompt IS NULL THEN 'missing prompt'
         WHEN input_tokens IS NULL OR output_tokens IS NULL OR input_tokens < 0 OR output_tokens < 0 THEN 'missing or negative token counts'
    END AS defect,
    lower(prompt) AS lowered
  FROM loaded
)
SELECT source, line, defect, bad_line, prompt, account, ts_ms, input_tokens, output_tokens, ip, user_agent, max_tokens,
  coalesce(logprobs, false) AS logprobs, coalesce(logit_bias_count, 0) AS logit_bias_count,
  from_reference OR account IN (SELECT account FROM reference_accounts) AS is_reference,
  left(lowered, 48) AS template_prefix,
  -- The topic regular expression was the costliest per-row expression, so it runs on a systematic sample:
  -- one row in ${TOPIC_SAMPLE}, chosen by a hash of fields that do not depend on the text (the same rows in
  -- every file format); the other rows have no topic and are not counted in the topic histogram.
  CASE WHEN hash(ts_ms, input_tokens, output_tokens) % ${TOPIC_SAMPLE} = 0
    THEN CAST(hash(regexp_extract(substr(lowered, 49), '[a-z]{8,}')) % ${TOPIC_BUCKETS} AS INTEGER) END AS topic,
  -- Every phrase contains one of five keywords; the phrase checks run only on rows with a keyword.
  CASE WHEN contains(lowered, 'step') OR contains(lowered, 'reason') OR contains(lowered, 'think')
      OR contains(lowered, 'work') OR contains(lowered, 'chain')
    THEN contains(lowered, 'step by step') OR contains(lowered, 'step-by-step') OR contains(lowered, 'show your reasoning')
      OR contains(lowered, 'show your work') OR contains(lowered, 'explain your reasoning') OR contains(lowered, 'think carefully')
      OR contains(lowered, 'think through') OR contains(lowered, 'chain of thought') OR contains(lowered, 'chain-of-thought')
      OR contains(lowered, 'reasoning trace') OR contains(lowered, 'let''s think')
    ELSE false END
    OR lower(coalesce(reasoning_effort, '')) = 'high' AS reasoning
FROM checked`);
  return { rowCountSql: counts.join('\nUNION ALL\n') };
}
