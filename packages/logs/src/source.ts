import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { closestIds, InputError, type LogTimestampUnit } from '@clearbox/core';
import { type LogField, optionalLogFields, requiredLogFields } from './log-fields.ts';

/** A column of a log file as the engine describes it (CSV and JSONL columns are text). */
export interface Column {
  name: string;
  type: string;
}

/** Refuses a file that cannot be read or is empty, in one line naming it. */
export function checkReadable(path: string): void {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    throw new InputError(`cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, path);
  }
  if (size === 0) throw new InputError('empty file: expected one request per row', path);
}

/**
 * The header of a CSV file (comma-separated, double quotes, RFC 4180), read here so that every engine
 * reads the rows with the same explicit column list instead of its own sniffer's guess.
 */
export function csvHeader(path: string): string[] {
  const fd = openSync(path, 'r');
  let text = '';
  try {
    const buffer = Buffer.alloc(1 << 16);
    let offset = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, offset);
      if (n === 0) break;
      text += buffer.subarray(0, n).toString('utf8');
      offset += n;
      if (/\r?\n/.test(text) || offset > 1 << 20) break;
    }
  } finally {
    closeSync(fd);
  }
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') break;
    else field += ch;
  }
  fields.push(field);
  return fields.map((f) => f.replace(/^\uFEFF/, ''));
}

/** Canonical field -> the file's column, refusing a file without a required one (naming the closest). */
export function resolveFields(
  columns: readonly Column[],
  map: Partial<Record<LogField, string>>,
  path: string,
): Map<LogField, Column | undefined> {
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
      path,
    );
  }
  return resolved;
}

/** How a file's timestamps were read (the report's type, core's). */
export type TimestampUnit = LogTimestampUnit;

/**
 * Numeric timestamps below 1e11 are epoch seconds (1e11 ms is March 1973; 1e11 s is the year 5138):
 * a file whose numeric timestamps all lie below it is read in seconds, one whose numeric timestamps all
 * lie above in milliseconds; a file mixing both is refused, naming the column and the first line of each.
 */
export function timestampUnit(
  counts: { small: number; large: number; iso: number; firstSmall: number; firstLarge: number },
  column: string,
  path: string,
): { unit: TimestampUnit; scale: number } {
  if (counts.small > 0 && counts.large > 0)
    throw new InputError(
      `timestamps in "${column}" mix epoch seconds (${counts.small} rows below 1e11, first at line ${counts.firstSmall}) and epoch milliseconds (${counts.large} rows, first at line ${counts.firstLarge}): use one unit per file`,
      path,
    );
  if (counts.small > 0) return { unit: 'epoch-s', scale: 1000 };
  if (counts.large > 0) return { unit: 'epoch-ms', scale: 1 };
  return { unit: counts.iso > 0 ? 'iso-8601' : 'none', scale: 1 };
}

/** The reason a CSV row was refused, the same words for every engine. */
export const csvReasons = {
  tooFew: 'CSV row with too few fields',
  tooMany: 'CSV row with too many fields',
  unreadable: 'unreadable CSV row (quoting or encoding)',
} as const;

/**
 * A JSONL file with no field in any row: when it has non-blank lines they were all refused, and the user
 * is told how many of each kind and where the first ones are (not "empty file"); likewise when every
 * line is an empty object. `refused` holds (reason, count, first line numbers); returns quietly when
 * there is nothing to say beyond "empty file".
 */
export function refuseInvalidJsonl(
  refused: Array<{ reason: string; count: number; firstLines: number[] }>,
  emptyObjects: number,
  path: string,
): void {
  if (refused.length === 0) {
    if (emptyObjects > 0)
      throw new InputError(`no request rows: all ${emptyObjects} lines are empty JSON objects ({})`, path);
    return;
  }
  const total = refused.reduce((sum, r) => sum + r.count, 0);
  const parts = refused.map(
    (r) =>
      `${r.count} ${r.reason} (line${r.count > 1 ? 's' : ''} ${r.firstLines.slice(0, 3).join(', ')}${r.count > 3 ? ', …' : ''})`,
  );
  throw new InputError(
    `no request rows: all ${total} non-blank lines were refused: ${parts.join('; ')}; expected one JSON object per line`,
    path,
  );
}
