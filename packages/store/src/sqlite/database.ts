import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { betterSqlite3 } from '../native.ts';
import { migrate } from './migrations.ts';

export interface OpenDatabaseOptions {
  /** How long a writer waits for another process's write lock before failing (default 5 s). */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating it and its folder) the SQLite file with the settings every Clearbox process uses:
 * WAL so readers never block the writer, foreign keys on (SQLite defaults them off per connection),
 * synchronous FULL so a committed transaction survives a power loss, not only a process crash.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const SqliteDatabase = betterSqlite3();
  const db = new SqliteDatabase(path, { timeout: options.busyTimeoutMs ?? 5000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}
