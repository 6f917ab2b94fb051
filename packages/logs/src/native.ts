import { loadNative } from '@clearbox/store';
import type * as DuckDB from '@duckdb/node-api';

/** DuckDB loads on first use, not at import: the packed CLI ships without it (an optional peer). */
export function duckdb(): typeof DuckDB {
  return loadNative(
    '@duckdb/node-api',
    '1.5.6-r.1',
    'log analysis with DuckDB (investigate logs)',
    import.meta.url,
  );
}
