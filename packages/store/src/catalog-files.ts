import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import {
  buildCatalog,
  bundledGenaiLayer,
  bundledGenaiProviders,
  type Catalog,
  type GenaiLayer,
  type GenaiProvider,
  InputError,
  importGenaiPrices,
  layerCatalogPrices,
  type TextFile,
} from '@clearbox/core';
import { PriceTableStore, type StoredPriceTable } from './prices/price-tables.ts';
import { shippedPath } from './shipped-path.ts';
import { openDatabase } from './sqlite/database.ts';

/** The catalog that ships with Clearbox: packages/core/data (in the packed CLI, dist/data beside the bundle). */
export const defaultDataDir = resolve(
  shippedPath([new URL('../../core/data', import.meta.url), new URL('./data', import.meta.url)]),
);

/** Reads every .yaml/.yml/.json file under a folder, sorted by path so loading is deterministic. */
export function readTextFiles(dir: string, root: string = dir): TextFile[] {
  const out: TextFile[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...readTextFiles(full, root));
    else if (/\.(ya?ml|json)$/i.test(name)) {
      out.push({ path: relative(process.cwd(), full) || full, text: readFileSync(full, 'utf8') });
    }
  }
  return out;
}

export function readTextFile(path: string): TextFile {
  try {
    return { path, text: readFileSync(path, 'utf8') };
  } catch (error) {
    throw new InputError(`cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, path);
  }
}

/** The SQLite store the CLI and the server share by default (CLEARBOX_DB overrides it). */
export const defaultStorePath = '.clearbox/clearbox.db';

// Loaded once per process: the pinned package's table is the bottom price layer of every catalog.
const bundledProviders: GenaiProvider[] = await bundledGenaiProviders();

/** A table from the store as the top price layer, with the catalog's hosted-model map applied. */
export function storeGenaiLayer(
  stored: { table: StoredPriceTable; providers: GenaiProvider[] },
  catalog: Catalog,
): GenaiLayer {
  const label = `genai-prices table ${stored.table.label} (store #${stored.table.id})`;
  return {
    label,
    asOf: stored.table.asOf,
    data: importGenaiPrices(
      stored.providers,
      { layer: 'store', label, asOf: stored.table.asOf },
      catalog.hosted,
    ),
  };
}

/**
 * The catalog's own prices between the bundled genai-prices table (below) and the newest table saved
 * by `clearbox prices update` (above, when there is one).
 */
export function layeredCatalog(
  base: Catalog,
  stored?: { table: StoredPriceTable; providers: GenaiProvider[] },
): Catalog {
  const bulk = bundledGenaiLayer(bundledProviders, base.hosted);
  return layerCatalogPrices(base, bulk, stored ? storeGenaiLayer(stored, base) : undefined);
}

/** The newest stored price table in the SQLite file at `path`, if the file exists and holds one. */
export function readStoredPriceTable(
  path: string,
): { table: StoredPriceTable; providers: GenaiProvider[] } | undefined {
  if (path !== ':memory:' && !existsSync(path)) return undefined;
  const db = openDatabase(path);
  try {
    return new PriceTableStore(db).latest();
  } finally {
    db.close();
  }
}

/** The store file the CLI reads the price layer from: CLEARBOX_DB, else .clearbox/clearbox.db. */
export function storePathFromEnv(env: Record<string, string | undefined> = process.env): string {
  return env.CLEARBOX_DB || defaultStorePath;
}

let cachedBase: Catalog | undefined;
let cached: Catalog | undefined;

/** The shipped catalog files alone (no genai-prices layers), parsed once per process. */
export function loadShippedCatalog(): Catalog {
  cachedBase ??= buildCatalog(readTextFiles(defaultDataDir));
  return cachedBase;
}

/**
 * Loads (once per process) the catalog that ships with Clearbox, its prices in layers: the bundled
 * genai-prices table, Clearbox's own files, and the newest table in the store (CLEARBOX_DB or
 * .clearbox/clearbox.db) when one was loaded with `clearbox prices update`.
 */
export function loadDefaultCatalog(): Catalog {
  cached ??= layeredCatalog(loadShippedCatalog(), readStoredPriceTable(storePathFromEnv()));
  return cached;
}
