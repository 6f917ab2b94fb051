import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
} from 'node:fs';
import { join, relative, resolve } from 'node:path';
import {
  buildCalibration,
  buildCatalog,
  bundledGenaiLayer,
  bundledGenaiProviders,
  type CalibrationData,
  type Catalog,
  checkInputSize,
  DEFAULT_MAX_INPUT_BYTES,
  type GenaiLayer,
  type GenaiProvider,
  InputError,
  importGenaiPrices,
  layerCatalogPrices,
  sectionOf,
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

let maxInputBytes = DEFAULT_MAX_INPUT_BYTES;

/** The largest document readTextFile accepts; the CLI's `--max-input-size` raises it. */
export function setMaxInputBytes(bytes: number): void {
  maxInputBytes = bytes;
}

export function getMaxInputBytes(): number {
  return maxInputBytes;
}

/** Why a path cannot be read, in one phrase: `cannot read file (ENOENT)`, or that it is a folder. */
export function fileErrorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EISDIR') return 'is a directory, not a file';
  return `cannot read file (${code ?? 'error'})`;
}

/**
 * Reads a user's document as UTF-8 text. The size is checked on the open file before any byte is
 * read (a 200 MB document once ran past a minute in the YAML parser), and a folder is named as one.
 */
export function readTextFile(path: string, limitBytes: number = maxInputBytes): TextFile {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new InputError(fileErrorText(error), path);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new InputError('is a directory, not a file', path);
    checkInputSize(stat.size, limitBytes, path, '--max-input-size raises the limit');
    if (!stat.isFile()) {
      // A pipe or device has no size up front: read at most one byte past the limit.
      const bytes = Buffer.alloc(limitBytes + 1);
      let length = 0;
      for (let n = 1; n > 0 && length <= limitBytes; length += n)
        n = readSync(fd, bytes, length, limitBytes + 1 - length, null);
      checkInputSize(length, limitBytes, path, '--max-input-size raises the limit');
      return { path, text: bytes.subarray(0, length).toString('utf8') };
    }
    return { path, text: readFileSync(fd, 'utf8') };
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(fileErrorText(error), path);
  } finally {
    closeSync(fd);
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

/** The shipped data files of the catalog's sections, without the calibration measurements (read apart). */
function shippedCatalogFiles(): TextFile[] {
  return readTextFiles(defaultDataDir).filter((f) => sectionOf(f.path) !== 'calibration');
}

/** The shipped catalog files alone (no genai-prices layers), parsed once per process. */
export function loadShippedCatalog(): Catalog {
  cachedBase ??= buildCatalog(shippedCatalogFiles());
  return cachedBase;
}

let cachedCalibration: CalibrationData | undefined;

/**
 * The shipped calibration measurements (data/calibration), parsed once per process when first asked:
 * pass the function itself to `createEstimator`, which calls it only when a fit or a check needs them.
 */
export function loadShippedCalibration(): CalibrationData {
  cachedCalibration ??= buildCalibration(readTextFiles(join(defaultDataDir, 'calibration')));
  return cachedCalibration;
}

let cachedWithoutPrices: Catalog | undefined;

/**
 * The shipped catalog without API prices, exchange rates or hosted-model maps (no price files, no
 * genai-prices layers), parsed once per process: for commands that quote no API price (`estimate`),
 * which then skip the price tables' parsing and layering. Device rental prices are hardware data and stay.
 */
export function loadCatalogWithoutPrices(): Catalog {
  cachedWithoutPrices ??= buildCatalog(shippedCatalogFiles().filter((f) => sectionOf(f.path) !== 'prices'));
  return cachedWithoutPrices;
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
