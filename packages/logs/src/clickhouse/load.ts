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
import { type ChSession, chIdentifier, chString } from './session.ts';

// The ClickHouse dialect of duckdb/load.ts: the same canonical columns, defect reasons and timestamp
// rules, so both engines hand the features the same rows.

const bare = (type: string) =>
  type.replace(/^Nullable\((.*)\)$/, '$1').replace(/^LowCardinality\((.*)\)$/, '$1');
const isNumeric = (type: string) => /^(U?Int\d+|Float\d+|Decimal)/.test(bare(type));
const isTime = (type: string) => /^(DateTime|Date)/.test(bare(type));

/** A JSON value's text, as DuckDB's json_extract_string gives it: strings unescaped, null as NULL. */
const jsonText = (key: string) =>
  `(arrayFirst(x -> x.1 = ${chString(key)}, kv).2 AS raw_${key.replace(/[^A-Za-z0-9_]/g, '_')})`;
function jsonValue(key: string): string {
  const raw = jsonText(key);
  return `multiIf(${raw} = '' OR ${raw} = 'null', NULL, startsWith(${raw}, '"'), JSONExtractString(${raw}), ${raw})`;
}

/** Rounds text to an integer half up, as the DuckDB dialect does. */
const integerOf = (text: string) => `toInt64(floor(toFloat64OrNull(${text}) + 0.5))`;

function fieldExpressions(format: LogFormat, field: LogField, column: Column | undefined): string {
  const name = canonicalColumn[field];
  if (!column) {
    if (field === 'ts') return 'CAST(NULL AS Nullable(Float64)) AS ts_value, false AS ts_numeric';
    if (field === 'logitBias') return `CAST(NULL AS Nullable(Int64)) AS ${name}`;
    if (field === 'logprobs') return `CAST(NULL AS Nullable(Bool)) AS ${name}`;
    if (field === 'inputTokens' || field === 'outputTokens' || field === 'maxTokens')
      return `CAST(NULL AS Nullable(Int64)) AS ${name}`;
    return `CAST(NULL AS Nullable(String)) AS ${name}`;
  }
  const typed = format === 'parquet' ? column.type : 'String';
  const text = format === 'jsonl' ? jsonValue(column.name) : chIdentifier(column.name);
  const c = chIdentifier(column.name);
  switch (field) {
    case 'ts':
      if (format === 'parquet' && isNumeric(typed))
        return `toFloat64(${c}) AS ts_value, ${c} IS NOT NULL AS ts_numeric`;
      if (format === 'parquet' && isTime(typed))
        return `toFloat64(toUnixTimestamp64Milli(toDateTime64(${c}, 3, 'UTC'))) AS ts_value, false AS ts_numeric`;
      return `if(match(${text}, '^-?[0-9]+(\\\\.[0-9]+)?$'), toFloat64OrNull(${text}), toFloat64(toUnixTimestamp64Milli(parseDateTime64BestEffortOrNull(${text}, 3, 'UTC')))) AS ts_value, coalesce(match(${text}, '^-?[0-9]+(\\\\.[0-9]+)?$'), false) AS ts_numeric`;
    case 'inputTokens':
    case 'outputTokens':
    case 'maxTokens':
      return `${format === 'parquet' && isNumeric(typed) ? `toInt64(${c})` : integerOf(text)} AS ${name}`;
    case 'logitBias':
      if (format === 'jsonl') {
        const raw = jsonText(column.name);
        return `if(startsWith(${raw}, '{'), toInt64(length(JSONExtractKeys(${raw}))), ${integerOf(jsonValue(column.name))}) AS ${name}`;
      }
      if (isNumeric(typed)) return `toInt64(${c}) AS ${name}`;
      if (bare(typed).startsWith('Map')) return `toInt64(length(${c})) AS ${name}`;
      return `if(isValidJSON(coalesce(${c}, '')) AND startsWith(trimLeft(coalesce(${c}, '')), '{'), toInt64(length(JSONExtractKeys(coalesce(${c}, '')))), ${integerOf(c)}) AS ${name}`;
    case 'logprobs':
      if (bare(typed) === 'Bool') return `${c} AS ${name}`;
      return `lowerUTF8(toString(${text})) IN ('true', '1', 'yes') AS ${name}`;
    default:
      return `${bare(typed) === 'String' ? text : `toString(${c})`} AS ${name}`;
  }
}

/**
 * Defines the view `request_rows` (the DuckDB engine's columns and defect reasons) and `csv_rejects`
 * (CSV rows the reader refused, by reason). Returns the query counting each file's rows.
 */
export async function loadLogs(
  session: ChSession,
  files: readonly LogFile[],
  map: Partial<Record<LogField, string>>,
  referenceAccounts: readonly string[],
): Promise<{ rowCountSql: string; loaded: LoadedFile[] }> {
  const selects: string[] = [];
  const counts: string[] = [];
  const rejects: Array<{ index: number; path: string; sql: string }> = [];
  const loaded: LoadedFile[] = [];
  for (const [index, file] of files.entries()) {
    // A table holds typed columns, as Parquet does; a table or table function is read where it is.
    const format = file.table ? 'parquet' : formatOf(file.path);
    if (!file.table) checkReadable(file.path);
    let columns: Column[];
    let rows: string;
    let select: (fields: string) => string;
    if (file.table) {
      const from = file.table;
      columns = (await session.rows(`DESCRIBE TABLE ${from}`)).map((r) => ({
        name: String(r[0]),
        type: String(r[1]),
      }));
      // A table has no lines: rows are numbered in the order this read meets them.
      select = (fields) =>
        `SELECT toInt64(rowNumberInAllBlocks() + 1) AS line, ${fields}, CAST(NULL AS Nullable(String)) AS bad_line, true AS valid_json FROM ${from}`;
    } else if (format === 'jsonl') {
      const source = await session.source(file.path, 'LineAsString', 'line String', index);
      // The text column is renamed: ClickHouse aliases (`line` below is the line number) are visible in
      // every expression of their SELECT.
      const lines = `(SELECT ${source.rowNumber} AS line_number, line AS text, isValidJSON(text) AND startsWith(trimLeft(text), '{') AS valid FROM ${source.from})`;
      columns = (
        await session.rows(
          `SELECT DISTINCT arrayJoin(JSONExtractKeys(text)) AS k FROM ${lines} WHERE valid ORDER BY k`,
        )
      ).map((r) => ({ name: String(r[0]), type: 'String' }));
      if (columns.length === 0) {
        const refused = await session.rows(
          `SELECT if(isValidJSON(text), 'valid JSON but not an object', 'not valid JSON') AS reason, toFloat64(count()) AS n,
  toString(arraySlice(arraySort(groupArray(line_number)), 1, 3))
FROM ${lines} WHERE trimBoth(text) <> '' AND NOT valid GROUP BY reason ORDER BY n DESC, reason`,
        );
        const objects = num(
          (await session.rows(`SELECT toFloat64(count()) FROM ${lines} WHERE valid`))[0]?.[0],
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
        throw new InputError('empty file: no row with any field', file.path);
      }
      select = (fields) =>
        `SELECT line_number AS line, ${fields}, if(valid, NULL, leftUTF8(text, 200)) AS bad_line, valid AS valid_json
FROM (SELECT *, JSONExtractKeysAndValuesRaw(if(valid, text, '{}')) AS kv FROM ${lines} WHERE trimBoth(text) <> '')`;
    } else if (format === 'csv') {
      columns = csvHeader(file.path).map((name) => ({ name, type: 'String' }));
      if (columns.every((c) => c.name === ''))
        throw new InputError('empty file: no row with any field', file.path);
      const structure = columns.map((c) => `${chIdentifier(c.name)} Nullable(String)`).join(', ');
      const errors = session.errorsPath(index);
      // Rows of the wrong shape are skipped by the reader and recorded, one line each, in the errors file.
      const settings = `input_format_allow_errors_ratio = 1, input_format_allow_errors_num = 1000000000000, input_format_record_errors_file_path = ${chString(errors)}, input_format_csv_allow_variable_number_of_columns = 0`;
      const source = await session.source(file.path, 'CSVWithNames', structure, index, settings);
      select = (fields) =>
        `SELECT ${source.rowNumber} + 1 AS line, ${fields}, CAST(NULL AS Nullable(String)) AS bad_line, true AS valid_json FROM ${source.from} SETTINGS ${settings}`;
      rejects.push({
        index,
        path: errors,
        sql: `SELECT ${index} AS source, toInt64(offset) + 1 AS line, multiIf(position(reason, 'less columns') > 0, ${chString(csvReasons.tooFew)}, position(reason, 'more columns') > 0, ${chString(csvReasons.tooMany)}, ${chString(csvReasons.unreadable)}) AS defect, leftUTF8(raw_data, 200) AS bad_line FROM file(${chString(errors)}, 'CSV', 'time String, database String, table String, offset UInt64, reason String, raw_data String')`,
      });
    } else {
      const source = await session.source(file.path, 'Parquet', undefined, index);
      columns = (await session.rows(`DESCRIBE ${source.from}`)).map((r) => ({
        name: String(r[0]),
        type: String(r[1]),
      }));
      select = (fields) =>
        `SELECT ${source.rowNumber} AS line, ${fields}, CAST(NULL AS Nullable(String)) AS bad_line, true AS valid_json FROM ${source.from}`;
    }
    if (columns.length === 0) throw new InputError('empty file: no row with any field', file.path);
    const resolved = resolveFields(columns, map, file.path);
    const fields = [...requiredLogFields, ...optionalLogFields].map((field) =>
      fieldExpressions(format, field, resolved.get(field)),
    );
    if (format === 'parquet') rows = `(${select(fields.join(', '))})`;
    else {
      // Text is parsed once into a typed table, as in the DuckDB engine.
      await session.run(`CREATE TABLE typed_${index} ENGINE = Memory AS ${select(fields.join(', '))}`);
      rows = `typed_${index}`;
    }
    const [small, large, iso, firstSmall, firstLarge] = (
      await session.rows(
        `SELECT toFloat64(countIf(ts_numeric AND abs(ts_value) < 1e11)), toFloat64(countIf(ts_numeric AND abs(ts_value) >= 1e11)),
  toFloat64(countIf(NOT ts_numeric AND ts_value IS NOT NULL)), toFloat64(minIf(line, ts_numeric AND abs(ts_value) < 1e11)),
  toFloat64(minIf(line, ts_numeric AND abs(ts_value) >= 1e11)) FROM ${rows}`,
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
    counts.push(`SELECT ${index} AS source, toFloat64(count()) AS rows FROM ${rows}`);
    const role = file.role === 'reference' ? 'true' : 'false';
    const names = [...requiredLogFields, ...optionalLogFields]
      .filter((f) => f !== 'ts')
      .map((f) => canonicalColumn[f]);
    selects.push(
      `SELECT ${index} AS source, ${role} AS from_reference, line, ${names.join(', ')}, bad_line, valid_json,
    toInt64(if(ts_numeric, floor(ts_value * ${unit.scale} + 0.5), ts_value)) AS ts_ms FROM ${rows}`,
    );
  }
  // Refused CSV rows: the reader writes an errors file only when it refused a row.
  const present: string[] = [];
  for (const r of rejects) {
    if (!(await session.exists(r.path))) continue;
    present.push(r.sql);
  }
  // (Not `SELECT i AS source ... WHERE source = i`: in ClickHouse the alias would shadow the column.)
  if (present.length > 0)
    counts.push('SELECT source, toFloat64(count()) AS rows FROM csv_rejects GROUP BY source');
  await session.run(
    `CREATE TABLE csv_rejects ENGINE = Memory AS ${present.length > 0 ? present.join('\nUNION ALL\n') : 'SELECT 0 AS source, toInt64(0) AS line, CAST(NULL AS Nullable(String)) AS defect, CAST(NULL AS Nullable(String)) AS bad_line WHERE false'}`,
  );
  await session.run('CREATE TABLE reference_accounts (account String) ENGINE = Memory');
  if (referenceAccounts.length > 0)
    await session.run(
      `INSERT INTO reference_accounts VALUES ${referenceAccounts.map((a) => `(${chString(a)})`).join(', ')}`,
    );
  await session.run(`CREATE VIEW request_rows AS
SELECT source, line, defect, bad_line, prompt, account, ts_ms, input_tokens, output_tokens, org, ip, user_agent, model, max_tokens,
  coalesce(logprobs, false) AS logprobs, coalesce(logit_bias_count, 0) AS logit_bias_count, reasoning_effort, response_id,
  from_reference OR account IN (SELECT account FROM reference_accounts) AS is_reference,
  ${featureRowColumns('clickhouse').join(',\n  ')}
FROM (
  SELECT *,
    multiIf(NOT valid_json, 'not valid JSON',
      account IS NULL OR account = '', 'missing account',
      ts_ms IS NULL, 'unparseable timestamp',
      prompt IS NULL, 'missing prompt',
      input_tokens IS NULL OR output_tokens IS NULL OR input_tokens < 0 OR output_tokens < 0, 'missing or negative token counts',
      NULL) AS defect,
    lowerUTF8(prompt) AS lowered
  FROM (
  ${selects.join('\n  UNION ALL\n  ')}
  )
)`);
  return { rowCountSql: counts.join('\nUNION ALL\n'), loaded };
}
