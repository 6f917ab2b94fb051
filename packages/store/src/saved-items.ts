import { randomUUID } from 'node:crypto';
import { ClearboxError, InputError, NotFoundError } from '@clearbox/core';
import type Database from 'better-sqlite3';

/** What a user can save; the same names as the API paths (scenarios, disclosures, claim-sets, reports). */
export const savedItemKinds = ['scenario', 'disclosure', 'claim-set', 'report'] as const;
export type SavedItemKind = (typeof savedItemKinds)[number];

export interface SavedItemSummary {
  id: string;
  kind: SavedItemKind;
  name: string;
  /** The latest revision; 1 for a new item, +1 for every update. */
  revision: number;
  /** The reference file a preloaded item came from. */
  source?: string;
  createdAt: string;
  updatedAt: string;
}

/** An item at one revision: the latest from `get`, an older one from `revision`. */
export interface SavedItem extends SavedItemSummary {
  content: unknown;
}

export interface SavedRevision {
  revision: number;
  name: string;
  createdAt: string;
}

export interface NewItem {
  name: string;
  content: unknown;
  source?: string;
}

export interface ItemUpdate {
  content: unknown;
  name?: string;
  /**
   * The revision the edit was based on. When given and the item has moved on, the update is refused
   * with a RevisionConflictError instead of silently overwriting a change the editor never saw.
   */
  baseRevision?: number;
}

/** An update based on a revision that is no longer the latest: someone else saved in between. */
export class RevisionConflictError extends ClearboxError {
  readonly currentRevision: number;
  constructor(what: string, id: string, baseRevision: number, currentRevision: number) {
    super(
      'input',
      `${what} "${id}" is at revision ${currentRevision}, not ${baseRevision}: reload it and apply the edit again`,
    );
    this.name = 'RevisionConflictError';
    this.currentRevision = currentRevision;
  }
}

interface ItemRow {
  id: string;
  kind: SavedItemKind;
  name: string;
  revision: number;
  source: string | null;
  created_at: string;
  updated_at: string;
}

const label = (kind: SavedItemKind) => kind.replace('-', ' ');

function summaryOf(row: ItemRow): SavedItemSummary {
  const s: SavedItemSummary = {
    id: row.id,
    kind: row.kind,
    name: row.name,
    revision: row.revision,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.source !== null) s.source = row.source;
  return s;
}

function contentText(content: unknown): string {
  if (content === undefined) throw new InputError('expected content (any JSON value)', 'content');
  return JSON.stringify(content);
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '')
    throw new InputError('expected a non-empty name', 'name');
  return name;
}

/**
 * Saved scenarios, disclosures, claim sets and reports. Every write runs in a BEGIN IMMEDIATE
 * transaction, so writers from several requests or processes queue on SQLite's write lock (for up to
 * the busy timeout) and every update gets the next revision number; no revision is ever overwritten.
 */
export class SavedItemStore {
  readonly #db: Database.Database;
  readonly #now: () => string;

  constructor(db: Database.Database, now: () => string = () => new Date().toISOString()) {
    this.#db = db;
    this.#now = now;
  }

  create(kind: SavedItemKind, item: NewItem): SavedItem {
    const name = checkName(item.name);
    const text = contentText(item.content);
    const id = randomUUID();
    const at = this.#now();
    this.#db
      .transaction(() => {
        this.#db
          .prepare(
            'INSERT INTO items (id, kind, name, revision, source, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?)',
          )
          .run(id, kind, name, item.source ?? null, at, at);
        this.#db
          .prepare(
            'INSERT INTO revisions (item_id, revision, name, content, created_at) VALUES (?, 1, ?, ?, ?)',
          )
          .run(id, name, text, at);
      })
      .immediate();
    return this.get(kind, id);
  }

  list(kind: SavedItemKind): SavedItemSummary[] {
    const rows = this.#db
      .prepare('SELECT * FROM items WHERE kind = ? ORDER BY updated_at DESC, id')
      .all(kind) as ItemRow[];
    return rows.map(summaryOf);
  }

  get(kind: SavedItemKind, id: string): SavedItem {
    const row = this.#row(kind, id);
    return this.revision(kind, id, row.revision);
  }

  /** The item as it was at one revision (name and content of that revision). */
  revision(kind: SavedItemKind, id: string, revision: number): SavedItem {
    const row = this.#row(kind, id);
    const rev = this.#db
      .prepare('SELECT name, content, created_at FROM revisions WHERE item_id = ? AND revision = ?')
      .get(id, revision) as { name: string; content: string; created_at: string } | undefined;
    if (!rev) throw new NotFoundError(`revision of ${label(kind)} "${id}"`, String(revision), []);
    return {
      ...summaryOf(row),
      name: rev.name,
      revision,
      updatedAt: rev.created_at,
      content: JSON.parse(rev.content) as unknown,
    };
  }

  revisions(kind: SavedItemKind, id: string): SavedRevision[] {
    this.#row(kind, id);
    const rows = this.#db
      .prepare('SELECT revision, name, created_at FROM revisions WHERE item_id = ? ORDER BY revision')
      .all(id) as Array<{ revision: number; name: string; created_at: string }>;
    return rows.map((r) => ({ revision: r.revision, name: r.name, createdAt: r.created_at }));
  }

  /** Saves a new revision; the previous ones stay readable through `revision` and `revisions`. */
  update(kind: SavedItemKind, id: string, change: ItemUpdate): SavedItem {
    const text = contentText(change.content);
    if (change.name !== undefined) checkName(change.name);
    const at = this.#now();
    const next = this.#db
      .transaction(() => {
        const row = this.#row(kind, id);
        if (change.baseRevision !== undefined && change.baseRevision !== row.revision)
          throw new RevisionConflictError(label(kind), id, change.baseRevision, row.revision);
        const revision = row.revision + 1;
        const name = change.name ?? row.name;
        this.#db
          .prepare(
            'INSERT INTO revisions (item_id, revision, name, content, created_at) VALUES (?, ?, ?, ?, ?)',
          )
          .run(id, revision, name, text, at);
        this.#db
          .prepare('UPDATE items SET revision = ?, name = ?, updated_at = ? WHERE id = ?')
          .run(revision, name, at, id);
        return revision;
      })
      .immediate();
    return this.revision(kind, id, next);
  }

  /** Deletes the item and all its revisions (foreign key cascade). */
  delete(kind: SavedItemKind, id: string): void {
    this.#db
      .transaction(() => {
        this.#row(kind, id);
        this.#db.prepare('DELETE FROM items WHERE id = ?').run(id);
      })
      .immediate();
  }

  /**
   * Saves a reference file as an item the first time it is seen; later starts leave it alone, even
   * when the user has edited or deleted it. Returns the new item, or undefined when already loaded.
   */
  preload(kind: SavedItemKind, source: string, item: Omit<NewItem, 'source'>): SavedItem | undefined {
    const name = checkName(item.name);
    const text = contentText(item.content);
    const id = randomUUID();
    const at = this.#now();
    const created = this.#db
      .transaction(() => {
        if (this.#db.prepare('SELECT 1 FROM preloaded WHERE source = ?').get(source)) return false;
        this.#db
          .prepare(
            'INSERT INTO items (id, kind, name, revision, source, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?)',
          )
          .run(id, kind, name, source, at, at);
        this.#db
          .prepare(
            'INSERT INTO revisions (item_id, revision, name, content, created_at) VALUES (?, 1, ?, ?, ?)',
          )
          .run(id, name, text, at);
        this.#db
          .prepare('INSERT INTO preloaded (source, item_id, loaded_at) VALUES (?, ?, ?)')
          .run(source, id, at);
        return true;
      })
      .immediate();
    return created ? this.get(kind, id) : undefined;
  }

  #row(kind: SavedItemKind, id: string): ItemRow {
    const row = this.#db.prepare('SELECT * FROM items WHERE id = ? AND kind = ?').get(id, kind) as
      | ItemRow
      | undefined;
    if (!row) throw new NotFoundError(label(kind), id, []);
    return row;
  }
}
