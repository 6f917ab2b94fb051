import { echo, InputError } from '@clearbox/core';
import { chIdentifier } from './session.ts';

// Logs that already live in ClickHouse are read where they are, never copied: a table (`db.logs`, e.g. a
// Distributed table over sharded logs) or a table function (`s3Cluster('cluster', 's3://...', 'Parquet')`).
// The text is spliced into every statement, so it is parsed into tokens and written back from them: only
// names, string literals and numbers pass, never a subquery, a comment or a second statement.

/** Table functions that read stored logs (a local table, other servers, object storage, lake formats). */
export const tableFunctions = [
  'azureBlobStorage',
  'azureBlobStorageCluster',
  'cluster',
  'clusterAllReplicas',
  'deltaLake',
  'deltaLakeCluster',
  'file',
  'fileCluster',
  'gcs',
  'hdfs',
  'hdfsCluster',
  'iceberg',
  'icebergCluster',
  'icebergS3',
  'merge',
  'remote',
  'remoteSecure',
  's3',
  's3Cluster',
  'url',
  'urlCluster',
] as const;

const name = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One part of a table name: a plain name, or a backquoted one without backquotes or backslashes inside. */
function namePart(part: string): string | undefined {
  if (name.test(part)) return part;
  const quoted = /^`([^`\\]+)`$/.exec(part);
  return quoted?.[1];
}

/** `[db.]table` as quoted ClickHouse identifiers. */
export function clickhouseTable(text: string, flag = '--clickhouse-table'): string {
  // A NUL byte would end the text at the C boundary of a driver.
  if (text.includes('\0')) throw new InputError('a table name cannot contain a NUL byte', flag);
  const parts = /^\s*((?:`[^`]*`|[^.`\s]+))(?:\.((?:`[^`]*`|[^.`\s]+)))?\s*$/.exec(text);
  const names = parts ? [parts[1], parts[2]].filter((p): p is string => p !== undefined).map(namePart) : [];
  if (!parts || names.some((n) => n === undefined))
    throw new InputError(
      `expected a table as name or database.name (letters, digits, _; or \`quoted\`), got ${echo(text)}`,
      flag,
    );
  return (names as string[]).map(chIdentifier).join('.');
}

type Token = { kind: 'name' | 'string' | 'number'; text: string };

/** The arguments of a table function call: names, 'strings' and numbers, separated by commas. */
function argumentTokens(text: string, flag: string): Token[] {
  const tokens: Token[] = [];
  if (text.trim() === '') return tokens;
  const token = /\s*(?:('(?:[^'\\]|\\.)*')|([A-Za-z_][A-Za-z0-9_]*)|(-?[0-9]+(?:\.[0-9]+)?))\s*/y;
  const refuse = (at: number) =>
    new InputError(
      `a table function's arguments must be 'strings', names or numbers separated by commas; cannot read ${echo(text.slice(at, at + 40))}`,
      flag,
    );
  let at = 0;
  for (;;) {
    token.lastIndex = at;
    const m = token.exec(text);
    if (!m) throw refuse(at);
    if (m[1] !== undefined) tokens.push({ kind: 'string', text: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: 'name', text: m[2] });
    else tokens.push({ kind: 'number', text: m[3] as string });
    at = token.lastIndex;
    if (at === text.length) return tokens;
    if (text[at] !== ',') throw refuse(at);
    at++;
  }
}

/** A table function call from the allowed list, written back from its tokens. */
export function clickhouseTableFunction(text: string, flag = '--clickhouse-source'): string {
  if (text.includes('\0')) throw new InputError('a table function cannot contain a NUL byte', flag);
  const call = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(([\s\S]*)\)\s*$/.exec(text);
  const fn = tableFunctions.find((f) => f.toLowerCase() === call?.[1]?.toLowerCase());
  if (!call || !fn)
    throw new InputError(
      `expected a table function call such as s3Cluster('cluster', 's3://bucket/logs/*.parquet', 'Parquet'); functions: ${tableFunctions.join(', ')}; got ${echo(text)}`,
      flag,
    );
  const args = argumentTokens(call[2] as string, flag);
  return `${fn}(${args.map((t) => t.text).join(', ')})`;
}
