import type Database from 'better-sqlite3';

/**
 * Versioned schema changes, applied in order at start. A migration is never edited once released:
 * a change to the schema is a new entry with the next version, so every existing file can catch up.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'saved items with every revision; reference files preloaded once',
    sql: `
      CREATE TABLE items (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('scenario', 'disclosure', 'claim-set', 'report')),
        name TEXT NOT NULL,
        revision INTEGER NOT NULL CHECK (revision >= 1),
        source TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX items_by_kind ON items (kind, updated_at);
      CREATE TABLE revisions (
        item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
        revision INTEGER NOT NULL,
        name TEXT NOT NULL,
        content TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (item_id, revision)
      ) WITHOUT ROWID;
      -- A reference file is preloaded once: a user who deletes it does not see it come back.
      CREATE TABLE preloaded (
        source TEXT PRIMARY KEY,
        item_id TEXT,
        loaded_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'genai-prices tables loaded by `clearbox prices update` (the store price layer)',
    sql: `
      -- Every loaded table is kept; the newest row is the store layer. A row is written whole in one
      -- transaction, so a reader sees the previous table or the new one, never part of one.
      CREATE TABLE price_tables (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        label TEXT NOT NULL,
        as_of TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        providers INTEGER NOT NULL,
        data TEXT NOT NULL,
        loaded_at TEXT NOT NULL
      );
    `,
  },
];

/** Applies every migration newer than the file's version, each in its own transaction. */
export function migrate(db: Database.Database, all: readonly Migration[] = migrations): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied: number[] = [];
  const sorted = [...all].sort((a, b) => a.version - b.version);
  for (const m of sorted) {
    // IMMEDIATE: two processes starting on a new file must not both apply the same migration.
    const run = db.transaction(() => {
      const done = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(m.version);
      if (done) return false;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.description,
        new Date().toISOString(),
      );
      return true;
    });
    if (run.immediate()) applied.push(m.version);
  }
  return applied;
}

export function schemaVersion(db: Database.Database): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}
