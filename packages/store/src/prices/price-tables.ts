import { createHash } from 'node:crypto';
import { type GenaiProvider, parseGenaiData, type TextFile } from '@clearbox/core';
import type Database from 'better-sqlite3';

/** A genai-prices table saved by `clearbox prices update`. */
export interface StoredPriceTable {
  id: number;
  /** The file path or URL it was read from. */
  label: string;
  /** The date it was known current (the fetch date, or one given). */
  asOf: string;
  sha256: string;
  providers: number;
  loadedAt: string;
}

/**
 * The store price layer: newer genai-prices tables, validated before anything is written and saved
 * whole in one transaction. The newest table is the one in use; older ones stay as history.
 */
export class PriceTableStore {
  constructor(private readonly db: Database.Database) {}

  /**
   * Validates the file (an InputError naming the file and the first bad field on bad input) and
   * saves it. Returns the saved row and the parsed providers.
   */
  save(
    file: TextFile,
    asOf: string,
    now: Date = new Date(),
  ): { table: StoredPriceTable; providers: GenaiProvider[] } {
    const providers = parseGenaiData(file);
    const sha256 = createHash('sha256').update(file.text).digest('hex');
    const loadedAt = now.toISOString();
    const insert = this.db.transaction(() =>
      this.db
        .prepare(
          'INSERT INTO price_tables (label, as_of, sha256, providers, data, loaded_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(file.path, asOf, sha256, providers.length, JSON.stringify(providers), loadedAt),
    );
    const info = insert.immediate();
    return {
      table: {
        id: Number(info.lastInsertRowid),
        label: file.path,
        asOf,
        sha256,
        providers: providers.length,
        loadedAt,
      },
      providers,
    };
  }

  /** The id of the newest table, 0 when none: a cheap check for "did the layer change?". */
  revision(): number {
    const row = this.db.prepare('SELECT MAX(id) AS id FROM price_tables').get() as { id: number | null };
    return row.id ?? 0;
  }

  list(): StoredPriceTable[] {
    return this.db
      .prepare(
        'SELECT id, label, as_of AS asOf, sha256, providers, loaded_at AS loadedAt FROM price_tables ORDER BY id DESC',
      )
      .all() as StoredPriceTable[];
  }

  /** The newest table with its providers (validated when saved), or undefined. */
  latest(): { table: StoredPriceTable; providers: GenaiProvider[] } | undefined {
    const row = this.db
      .prepare(
        'SELECT id, label, as_of AS asOf, sha256, providers, loaded_at AS loadedAt, data FROM price_tables ORDER BY id DESC LIMIT 1',
      )
      .get() as (StoredPriceTable & { data: string }) | undefined;
    if (!row) return undefined;
    const { data, ...table } = row;
    return { table, providers: JSON.parse(data) as GenaiProvider[] };
  }
}
