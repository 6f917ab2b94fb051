import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotFoundError } from '@clearbox/core';
import { describe, expect, it } from 'vitest';
import {
  migrations,
  openDatabase,
  RevisionConflictError,
  SavedItemStore,
  schemaVersion,
} from '../src/index.ts';

const tempDb = () => join(mkdtempSync(join(tmpdir(), 'clearbox-store-')), 'nested', 'clearbox.db');

describe('openDatabase', () => {
  it('creates the file and its folder, in WAL mode with foreign keys on, at the latest schema', () => {
    const db = openDatabase(tempDb());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(Math.max(...migrations.map((m) => m.version)));
    db.close();
  });

  it('applies each migration once, also when opened again', () => {
    const path = tempDb();
    openDatabase(path).close();
    const db = openDatabase(path);
    const rows = db.prepare('SELECT version FROM schema_migrations').all();
    expect(rows).toHaveLength(migrations.length);
    db.close();
  });

  it('refuses a revision that points at no item (foreign keys are enforced)', () => {
    const db = openDatabase(tempDb());
    expect(() =>
      db
        .prepare(
          "INSERT INTO revisions (item_id, revision, name, content, created_at) VALUES ('x', 1, 'n', '1', 't')",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();
  });
});

describe('SavedItemStore', () => {
  let tick = 0;
  const clock = () => `2025-01-01T00:00:${String(tick++ % 60).padStart(2, '0')}.000Z`;
  const fresh = () => new SavedItemStore(openDatabase(tempDb()), clock);

  it('creates, lists, gets and keeps every revision on update', () => {
    const store = fresh();
    const a = store.create('scenario', { name: 'first', content: { batch: 1 } });
    expect(a.revision).toBe(1);
    const b = store.update('scenario', a.id, { content: { batch: 8 }, name: 'renamed' });
    const c = store.update('scenario', a.id, { content: { batch: 64 } });
    expect([b.revision, c.revision]).toEqual([2, 3]);
    expect(store.get('scenario', a.id)).toMatchObject({
      name: 'renamed',
      revision: 3,
      content: { batch: 64 },
    });
    expect(store.revision('scenario', a.id, 1)).toMatchObject({ name: 'first', content: { batch: 1 } });
    expect(store.revisions('scenario', a.id).map((r) => [r.revision, r.name])).toEqual([
      [1, 'first'],
      [2, 'renamed'],
      [3, 'renamed'],
    ]);
    expect(store.list('scenario').map((s) => s.id)).toEqual([a.id]);
    expect(store.list('report')).toEqual([]);
  });

  it('keeps kinds apart: a scenario id is not found as a report', () => {
    const store = fresh();
    const a = store.create('scenario', { name: 'x', content: {} });
    expect(() => store.get('report', a.id)).toThrow(NotFoundError);
  });

  it('refuses an update based on an old revision instead of overwriting it', () => {
    const store = fresh();
    const a = store.create('disclosure', { name: 'd', content: { v: 1 } });
    store.update('disclosure', a.id, { content: { v: 2 }, baseRevision: 1 });
    expect(() => store.update('disclosure', a.id, { content: { v: 'stale' }, baseRevision: 1 })).toThrow(
      RevisionConflictError,
    );
    expect(store.get('disclosure', a.id).content).toEqual({ v: 2 });
  });

  it('deletes an item with all its revisions', () => {
    const db = openDatabase(tempDb());
    const store = new SavedItemStore(db);
    const a = store.create('claim-set', { name: 'c', content: [] });
    store.update('claim-set', a.id, { content: [1] });
    store.delete('claim-set', a.id);
    expect(() => store.get('claim-set', a.id)).toThrow(/unknown claim set/);
    expect(db.prepare('SELECT COUNT(*) AS n FROM revisions').get()).toEqual({ n: 0 });
  });

  it('rejects a missing name or content with the field named', () => {
    const store = fresh();
    expect(() => store.create('scenario', { name: ' ', content: {} })).toThrow(/^name: expected a non-empty/);
    expect(() => store.create('scenario', { name: 'x', content: undefined })).toThrow(/^content:/);
  });

  it('preloads a reference file once, and not again after the user deletes it', () => {
    const store = fresh();
    const first = store.preload('disclosure', 'disclosures/x.yaml', { name: 'x', content: { a: 1 } });
    expect(first?.source).toBe('disclosures/x.yaml');
    expect(
      store.preload('disclosure', 'disclosures/x.yaml', { name: 'x', content: { a: 1 } }),
    ).toBeUndefined();
    store.delete('disclosure', first?.id ?? '');
    expect(
      store.preload('disclosure', 'disclosures/x.yaml', { name: 'x', content: { a: 1 } }),
    ).toBeUndefined();
    expect(store.list('disclosure')).toEqual([]);
  });
});
