import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '@clearbox/core';
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
  if (path !== ':memory:') {
    let isDirectory = false;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      // a new store
    }
    if (isDirectory) throw new InputError('is a directory; the store is one SQLite file', path);
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (error) {
      throw new InputError(
        `cannot create the folder of the store (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        path,
      );
    }
  }
  let db: Database.Database | undefined;
  try {
    const SqliteDatabase = betterSqlite3();
    db = new SqliteDatabase(path, { timeout: options.busyTimeoutMs ?? 5000 });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
  } catch (error) {
    db?.close();
    throw storeOpenError(error, path);
  }
  migrate(db);
  return db;
}

/** SQLite's codes for a path that is not a usable store, said in one line. */
function storeOpenError(error: unknown, path: string): unknown {
  const code = (error as { code?: string }).code ?? '';
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
    return new InputError('is not a SQLite database (give a new path or a Clearbox store)', path);
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_READONLY' || code.startsWith('SQLITE_IOERR'))
    return new InputError(`cannot open the store (${code})`, path);
  return error;
}
