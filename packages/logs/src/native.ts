import { loadNative } from '@clearbox/store';
import type * as ClickHouseClient from '@clickhouse/client';
import type * as DuckDB from '@duckdb/node-api';
import type * as Chdb from 'chdb';

// Native engines load on first use, not at import: the packed CLI ships without them (optional peers),
// and a command names the package to install when it needs one that is missing.

export function duckdb(): typeof DuckDB {
  return loadNative(
    '@duckdb/node-api',
    '1.5.6-r.1',
    'log analysis with DuckDB (investigate logs)',
    import.meta.url,
  );
}

export function chdb(): typeof Chdb {
  return loadNative(
    'chdb',
    '3.4.0',
    'embedded ClickHouse (investigate logs --engine clickhouse)',
    import.meta.url,
  );
}

export function clickhouseClient(): typeof ClickHouseClient {
  return loadNative(
    '@clickhouse/client',
    '1.23.1',
    'a ClickHouse server (investigate logs --clickhouse-url)',
    import.meta.url,
  );
}
