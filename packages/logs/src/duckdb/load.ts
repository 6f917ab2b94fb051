import { InputError } from '@clearbox/core';
import { featureRowColumns } from '../account-stats.ts';
import type { LoadedFile } from '../engine.ts';
import {
  canonicalColumn,
  formatOf,
  type LogField,
  type LogFile,
  type LogFormat,
  optionalLogFields,
  requiredLogFields,
} from '../log-fields.ts';
import { num } from '../result-rows.ts';
import {
  type Column,
  checkReadable,
  csvHeader,
  csvReasons,
  refuseInvalidJsonl,
  resolveFields,
  timestampUnit,
} from '../source.ts';
import { type DuckSession, sqlIdentifier, sqlString } from './session.ts';

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
      return `(CASE json_type(j -> ${path}) WHEN 'OBJECT' THEN json_array_length(json_keys(j -> ${path})) ELSE TRY_CAST(floor(TRY_CAST(j ->> ${path} AS DOUBLE) + 0.5) AS BIGINT) END)`;
    }
    return `vals[${slot + 1}]`;
  }
  const c = sqlIdentifier(column.name);
  if (field === 'logitBias') {
    if (numericTypes.test(column.type)) return `CAST(${c} AS BIGINT)`;
    if (column.type.startsWith('MAP')) return `CAST(cardinality(${c}) AS BIGINT)`;
    return `(CASE WHEN json_valid(${c}) AND starts_with(ltrim(${c}), '{') THEN json_array_length(json_keys(${c})) ELSE TRY_CAST(floor(TRY_CAST(${c} AS DOUBLE) + 0.5) AS BIGINT) END)`;
  }
  return c;
}

/**
 * Expressions turning the raw field (VARCHAR or typed) into the canonical typed column. Text numbers
 * round half up (floor(x + 0.5)), as in the ClickHouse dialect. `ts` gives two columns: ts_value (epoch
 * number as written, or ISO 8601 as epoch ms) and ts_numeric; the unit is settled per file afterwards.
 */
function typedExpressions(
  field: LogField,
  raw: string,
  column: Column | undefined,
  format: LogFormat,
): string {
  const type = format === 'parquet' ? (column?.type ?? 'VARCHAR') : 'VARCHAR';
  const integer = (x: string) =>
    numericTypes.test(type)
      ? `CAST(${x} AS BIGINT)`
      : `TRY_CAST(floor(TRY_CAST(${x} AS DOUBLE) + 0.5) AS BIGINT)`;
  switch (field) {
    case 'ts':
      if (numericTypes.test(type))
        return `CAST(${raw} AS DOUBLE) AS ts_value, ${raw} IS NOT NULL AS ts_numeric`;
      if (type.startsWith('TIMESTAMP') || type === 'DATE')
        return `CAST(epoch_ms(CAST(${raw} AS TIMESTAMPTZ)) AS DOUBLE) AS ts_value, false AS ts_numeric`;
      // Epoch seconds or milliseconds, or ISO 8601 (with or without an offset; no offset means UTC).
      return `(CASE WHEN regexp_full_match(${raw}, '-?[0-9]+(\\.[0-9]+)?') THEN TRY_CAST(${raw} AS DOUBLE) ELSE CAST(epoch_ms(TRY_CAST(${raw} AS TIMESTAMPTZ)) AS DOUBLE) END) AS ts_value, coalesce(regexp_full_match(${raw}, '-?[0-9]+(\\.[0-9]+)?'), false) AS ts_numeric`;
    case 'inputTokens':
    case 'outputTokens':
    case 'maxTokens':
      return `${integer(raw)} AS ${canonicalColumn[field]}`;
    case 'logitBias':
      return `${raw} AS ${canonicalColumn[field]}`;
    case 'logprobs':
      return `${type === 'BOOLEAN' ? raw : `(lower(CAST(${raw} AS VARCHAR)) IN ('true', '1', 'yes'))`} AS ${canonicalColumn[field]}`;
    default:
      return `${type === 'VARCHAR' ? raw : `CAST(${raw} AS VARCHAR)`} AS ${canonicalColumn[field]}`;
  }
}

/**
 * Defines one view `request_rows` over every log file with canonical typed columns, a `defect` reason for
 * malformed rows (kept, counted and sampled, never dropped silently), the file's line or row number and
 * every feature's per-row columns. CSV rows the reader refuses are counted by reason in `csv_rejects`.
 * Returns the query counting each file's rows (`source`, `rows`, refused CSV rows included).
 */
export async function loadLogs(
  session: DuckSession,
  files: readonly LogFile[],
  map: Partial<Record<LogField, string>>,
  referenceAccounts: readonly string[],
): Promise<{ rowCountSql: string; loaded: LoadedFile[] }> {
  const selects: string[] = [];
  const counts: string[] = [];
  const loaded: LoadedFile[] = [];
  const rejects: string[] = [];
  for (const [index, file] of files.entries()) {
    if (file.table) throw new InputError('a ClickHouse table is read with --engine clickhouse', file.path);
    const format = formatOf(file.path);
    checkReadable(file.path);
    let columns: Column[];
    let from: string;
    if (format === 'jsonl') {
      await session.run(
        `CREATE TEMP TABLE raw_${index} AS SELECT line, row_number() OVER () AS line_number, json_valid(line) AND starts_with(ltrim(line), '{') AS valid FROM read_csv(${sqlString(file.path)}, columns = {'line': 'VARCHAR'}, header = false, delim = E'\\x01', quote = '', escape = '', auto_detect = false, new_line = '\\n')`,
      );
      from = `(SELECT line_number, valid, CASE WHEN valid THEN line ELSE '{}' END AS j, CASE WHEN NOT valid THEN left(line, 200) END AS bad_line FROM raw_${index} WHERE line IS NOT NULL AND trim(line) <> '')`;
      // Every line is scanned: optional fields (logprobs, logitBias) may appear only in a few rows.
      columns = (
        await session.rows(
          `SELECT DISTINCT k FROM (SELECT unnest(json_keys(line)) AS k FROM raw_${index} WHERE valid) ORDER BY k`,
        )
      ).map((r) => ({ name: String(r[0]), type: 'VARCHAR' }));
      if (columns.length === 0) {
        const refused = await session.rows(
          `SELECT CASE WHEN json_valid(line) THEN 'valid JSON but not an object' ELSE 'not valid JSON' END AS reason,
       CAST(count(*) AS DOUBLE), CAST(list(line_number ORDER BY line_number)[1:3] AS VARCHAR)
     FROM raw_${index} WHERE line IS NOT NULL AND trim(line) <> '' AND NOT valid GROUP BY reason ORDER BY count(*) DESC, reason`,
        );
        const objects = num(
          (await session.rows(`SELECT CAST(count(*) AS DOUBLE) FROM raw_${index} WHERE valid`))[0]?.[0],
        );
        refuseInvalidJsonl(
          refused.map((r) => ({
            reason: String(r[0]),
            count: num(r[1]),
            firstLines: JSON.parse(String(r[2])) as number[],
          })),
          objects,
          file.path,
        );
      }
    } else if (format === 'csv') {
      // The dialect is explicit (comma, double quotes, the header's columns, all text): a sniffer that
      // meets bad rows guesses another dialect and refuses every row. Rows of the wrong shape are refused
      // one by one into rejects_<index>, counted by reason.
      columns = csvHeader(file.path).map((name) => ({ name, type: 'VARCHAR' }));
      const spec = columns.map((c) => `${sqlString(c.name)}: 'VARCHAR'`).join(', ');
      from = `(SELECT row_number() OVER () + 1 AS line_number, * FROM read_csv(${sqlString(file.path)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {${spec}}, allow_quoted_nulls = false, store_rejects = true, rejects_table = 'rejects_${index}', rejects_scan = 'rejects_scan_${index}'))`;
    } else {
      from = `read_parquet(${sqlString(file.path)}, file_row_number = true)`;
      columns = (await session.rows(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file.path)})`)).map(
        (r) => ({ name: String(r[0]), type: String(r[1]) }),
      );
    }
    if (columns.length === 0 || (format === 'csv' && columns.every((c) => c.name === '')))
      throw new InputError('empty file: no row with any field', file.path);
    const resolved = resolveFields(columns, map, file.path);
    const line = format === 'parquet' ? 'file_row_number + 1' : 'line_number';
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
      return typedExpressions(field, raw, column, format);
    });
    const select = `SELECT ${line} AS line, ${fields.join(', ')}, ${format === 'jsonl' ? 'bad_line' : 'CAST(NULL AS VARCHAR)'} AS bad_line, ${format === 'jsonl' ? 'valid' : 'true'} AS valid_json FROM ${from}`;
    let rows: string;
    if (format === 'parquet') rows = `(${select})`;
    else {
      // JSON text is parsed by every field extraction of every pass, and CSV rows are refused once: both
      // are read once into a typed table (JSONL's raw lines are already in memory; the typed table
      // replaces them). Parquet is read where it lies.
      await session.run(`CREATE TEMP TABLE typed_${index} AS ${select}`);
      if (format === 'jsonl') await session.run(`DROP TABLE raw_${index}`);
      rows = `(SELECT * FROM typed_${index})`;
    }
    const [small, large, iso, firstSmall, firstLarge] = (
      await session.rows(
        `SELECT CAST(count_if(ts_numeric AND abs(ts_value) < 1e11) AS DOUBLE), CAST(count_if(ts_numeric AND abs(ts_value) >= 1e11) AS DOUBLE),
  CAST(count_if(NOT ts_numeric AND ts_value IS NOT NULL) AS DOUBLE), CAST(min(line) FILTER (WHERE ts_numeric AND abs(ts_value) < 1e11) AS DOUBLE),
  CAST(min(line) FILTER (WHERE ts_numeric AND abs(ts_value) >= 1e11) AS DOUBLE) FROM ${rows}`,
      )
    )[0] as unknown[];
    const unit = timestampUnit(
      {
        small: num(small),
        large: num(large),
        iso: num(iso),
        firstSmall: num(firstSmall),
        firstLarge: num(firstLarge),
      },
      (resolved.get('ts') as Column).name,
      file.path,
    );
    loaded.push({ timestamps: unit.unit });
    let rowCount = `SELECT ${index} AS source, CAST(count(*) AS DOUBLE) AS rows FROM ${rows}`;
    if (format === 'csv') {
      // A refused row may be reported under several error types (a stray quote: too many columns and an
      // unquoted value): one reason per line.
      rejects.push(`SELECT ${index} AS source, line, CASE WHEN bool_or(error_type = 'UNQUOTED VALUE' OR error_type = 'INVALID UNICODE' OR error_type = 'LINE SIZE OVER MAXIMUM') THEN ${sqlString(csvReasons.unreadable)}
    WHEN bool_or(error_type = 'TOO MANY COLUMNS') THEN ${sqlString(csvReasons.tooMany)}
    WHEN bool_or(error_type = 'MISSING COLUMNS') THEN ${sqlString(csvReasons.tooFew)}
    ELSE ${sqlString(csvReasons.unreadable)} END AS defect, left(first(csv_line), 200) AS bad_line
  FROM rejects_${index} GROUP BY line`);
      rowCount += ` UNION ALL SELECT ${index}, CAST(count(DISTINCT line) AS DOUBLE) FROM rejects_${index}`;
    }
    counts.push(rowCount);
    const role = file.role === 'reference' ? 'true' : 'false';
    selects.push(
      `SELECT ${index} AS source, ${role} AS from_reference, * EXCLUDE (ts_value, ts_numeric), CAST(CASE WHEN ts_numeric THEN floor(ts_value * ${unit.scale} + 0.5) ELSE ts_value END AS BIGINT) AS ts_ms FROM ${rows}`,
    );
  }
  await session.run(
    `CREATE TEMP TABLE csv_rejects AS ${rejects.length > 0 ? rejects.join('\nUNION ALL\n') : 'SELECT 0 AS source, CAST(0 AS BIGINT) AS line, CAST(NULL AS VARCHAR) AS defect, CAST(NULL AS VARCHAR) AS bad_line WHERE false'}`,
  );
  await session.run('CREATE TEMP TABLE reference_accounts (account VARCHAR)');
  if (referenceAccounts.length > 0) {
    await session.run(
      // One list literal parses faster than a VALUES row per account (tens of thousands of accounts).
      `INSERT INTO reference_accounts SELECT unnest([${referenceAccounts.map(sqlString).join(', ')}])`,
    );
  }
  // A view, not a table (over Parquet where it lies, over JSONL's and CSV's typed tables): materialising
  // 10^7 Parquet rows (strings included) cost more than every aggregate together, and each query then
  // reads only the columns and computes only the derived values it uses.
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
SELECT source, line, defect, bad_line, prompt, account, ts_ms, input_tokens, output_tokens, org, ip, user_agent, model, max_tokens,
  coalesce(logprobs, false) AS logprobs, coalesce(logit_bias_count, 0) AS logit_bias_count, reasoning_effort, response_id,
  from_reference OR account IN (SELECT account FROM reference_accounts) AS is_reference,
  ${featureRowColumns('duckdb').join(',\n  ')}
FROM checked`);
  return { rowCountSql: counts.join('\nUNION ALL\n'), loaded };
}
