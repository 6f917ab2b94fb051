import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openDatabase, SavedItemStore } from '../src/index.ts';

const writer = fileURLToPath(new URL('./fixtures/writer.ts', import.meta.url));
const tempDb = () => join(mkdtempSync(join(tmpdir(), 'clearbox-durable-')), 'clearbox.db');

/** Runs the writer in its own Node process; resolves with its stdout lines once it exits. */
function run(args: string[], onLine?: (line: string, kill: () => void) => void) {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let err = '';
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      onLine?.(line, () => child.kill('SIGKILL'));
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  return new Promise<{ lines: string[]; code: number | null; signal: string | null; err: string }>((done) =>
    child.on('close', (code, signal) => done({ lines, code, signal, err })),
  );
}

describe('store durability', () => {
  it('loses nothing committed when a writer is killed in the middle of a transaction', async () => {
    const path = tempDb();
    const result = await run(['crash', path, '20'], (line, kill) => {
      if (line === 'in-transaction') kill();
    });
    expect(result.signal).toBe('SIGKILL');
    const committed = result.lines.filter((l) => l.startsWith('committed ')).map((l) => l.slice(10));
    expect(committed).toHaveLength(20);
    const db = openDatabase(path);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const store = new SavedItemStore(db);
    const ids = store.list('scenario').map((s) => s.id);
    expect(ids.sort()).toEqual([...committed].sort());
    // The update made inside the killed transaction left no trace either.
    for (const id of ids) expect(store.get('scenario', id).revision).toBe(1);
    db.close();
  });

  it('never loses a blind update when several processes write the same item at once', async () => {
    const path = tempDb();
    const db = openDatabase(path);
    const store = new SavedItemStore(db);
    const item = store.create('scenario', { name: 'shared', content: { start: true } });
    const writers = ['a', 'b', 'c', 'd'];
    const results = await Promise.all(writers.map((tag) => run(['append', path, item.id, '40', tag])));
    for (const r of results) expect(r.err + r.lines.join()).toContain('done');
    const revisions = store.revisions('scenario', item.id);
    expect(revisions.map((r) => r.revision)).toEqual(Array.from({ length: 161 }, (_, i) => i + 1));
    const seen = new Set<string>();
    for (const r of revisions.slice(1)) {
      const c = store.revision('scenario', item.id, r.revision).content as { tag: string; i: number };
      seen.add(`${c.tag}${c.i}`);
    }
    expect(seen.size).toBe(160);
    db.close();
  });

  it('keeps every read-modify-write increment from competing processes (optimistic revisions)', async () => {
    const path = tempDb();
    const db = openDatabase(path);
    const store = new SavedItemStore(db);
    const item = store.create('scenario', { name: 'counter', content: { counter: 0 } });
    const results = await Promise.all([1, 2, 3, 4].map(() => run(['increment', path, item.id, '30'])));
    for (const r of results) expect(r.err + r.lines.join()).toMatch(/done \d+/);
    expect(store.get('scenario', item.id).content).toEqual({ counter: 120 });
    expect(store.get('scenario', item.id).revision).toBe(121);
    db.close();
  });
});
