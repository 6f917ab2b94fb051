import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, PriceTableStore } from '@clearbox/store';
import { describe, expect, it } from 'vitest';
import { startServer } from '../src/index.ts';
import { fakeWebDist, tempDir } from './helpers.ts';

const newer = new URL('../../cli/test/fixtures/genai-prices-newer.json', import.meta.url).pathname;

describe('a running server and `clearbox prices update`', () => {
  it('uses a table saved into its store on the next request, without a restart', async () => {
    const dbPath = join(tempDir(), 'clearbox.db');
    const server = await startServer({ port: 0, dbPath, webDist: fakeWebDist(), accessLog: () => {} });
    try {
      const before = (await (await fetch(`${server.url}/api/catalog/prices`)).json()) as Array<{
        id: string;
        layer?: string;
      }>;
      expect(before.some((p) => p.layer === 'genai-prices')).toBe(true);
      expect(before.some((p) => p.layer === 'store')).toBe(false);

      // What `clearbox prices update FILE --db <the server's store>` does, from another connection.
      const db = openDatabase(dbPath);
      new PriceTableStore(db).save({ path: newer, text: readFileSync(newer, 'utf8') }, '2026-12-01');
      db.close();

      const after = (await (await fetch(`${server.url}/api/catalog/prices`)).json()) as Array<{
        id: string;
        layer?: string;
        model?: string;
        inputPerMillion: number;
      }>;
      const together = after.find((p) => p.id === 'gps-together-meta-llama-meta-llama-3.1-8b-instruct-turbo');
      expect(together).toMatchObject({ layer: 'store', model: 'llama-3.1-8b', inputPerMillion: 0.1 });
    } finally {
      await server.close();
    }
  });
});
