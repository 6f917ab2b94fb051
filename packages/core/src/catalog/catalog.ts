import { NotFoundError } from '../errors/clearbox-error.ts';
import type { PriceLayering } from '../prices/layers.ts';
import { closestIds } from './closest.ts';
import { type EngineClass, type EngineRelease, engineFileSchema, type KernelPath } from './engine-schema.ts';
import { parseDocumentWith, type TextFile } from './parse.ts';
import { type ApiPrice, type FxRate, type HostedModel, priceFileSchema } from './price-schema.ts';
import { type Device, hardwareFileSchema, type LinkTier, type Model, modelFileSchema } from './schema.ts';

/**
 * The whole catalog: facts with sources, indexed by id. Built from text files by `buildCatalog`. The
 * calibration measurements are not in it (catalog/calibration-data.ts): every command needs the catalog,
 * only fits and checks need them.
 */
export interface Catalog {
  devices: Device[];
  tiers: LinkTier[];
  models: Model[];
  prices: ApiPrice[];
  fx: FxRate[];
  /** Engine classes (vendor stack × engine): limits, fixed costs, kernels, and which devices each is the default for. */
  engines: EngineClass[];
  /** Engine releases as run in published measurements, and the kernel path each runs per operator (data/engines). */
  engineReleases: EngineRelease[];
  /** Kernel paths with their efficiency relative to each operator's reference path, sourced (data/engines). */
  kernelPaths: KernelPath[];
  /** Which catalog model (and precision) a provider's billed model serves, where the provider says. */
  hosted: HostedModel[];
  /** Set when genai-prices layers were laid under (and over) the catalog's own prices. */
  priceLayering?: PriceLayering;
}

/** Which schema a catalog file follows is given by the folder it sits in. */
export type CatalogSection = 'hardware' | 'models' | 'calibration' | 'prices' | 'engines';

export function sectionOf(path: string): CatalogSection | undefined {
  const parts = path.split(/[\\/]/);
  for (let i = parts.length - 2; i >= 0; i--) {
    const dir = parts[i];
    if (
      dir === 'hardware' ||
      dir === 'models' ||
      dir === 'calibration' ||
      dir === 'prices' ||
      dir === 'engines'
    )
      return dir;
  }
  return undefined;
}

export function emptyCatalog(): Catalog {
  return {
    devices: [],
    tiers: [],
    models: [],
    prices: [],
    fx: [],
    engines: [],
    engineReleases: [],
    kernelPaths: [],
    hosted: [],
  };
}

function assertUnique(kind: string, items: Array<{ id: string; aliases?: string[] | undefined }>): void {
  const seen = new Map<string, string>();
  for (const item of items) {
    for (const key of [item.id, ...(item.aliases ?? [])]) {
      const previous = seen.get(key);
      if (previous !== undefined) {
        throw new NotFoundError(kind, `${key} (defined twice: ${previous} and ${item.id})`, []);
      }
      seen.set(key, item.id);
    }
  }
}

/**
 * Parses and validates catalog files; an error names the file, line, entry and field. Calibration files
 * among them are left to `buildCalibration` (so a data folder can be handed to both as it is read).
 */
export function buildCatalog(files: readonly TextFile[], base: Catalog = emptyCatalog()): Catalog {
  const catalog: Catalog = {
    devices: [...base.devices],
    tiers: [...base.tiers],
    models: [...base.models],
    prices: [...base.prices],
    fx: [...base.fx],
    engines: [...base.engines],
    engineReleases: [...base.engineReleases],
    kernelPaths: [...base.kernelPaths],
    hosted: [...base.hosted],
  };
  for (const file of files) {
    const section = sectionOf(file.path);
    if (section === 'hardware') {
      const doc = parseDocumentWith(hardwareFileSchema, file);
      catalog.devices.push(...(doc.devices ?? []));
      catalog.tiers.push(...(doc.tiers ?? []));
    } else if (section === 'models') {
      catalog.models.push(...parseDocumentWith(modelFileSchema, file).models);
    } else if (section === 'prices') {
      const doc = parseDocumentWith(priceFileSchema, file);
      catalog.prices.push(...(doc.prices ?? []));
      catalog.fx.push(...(doc.fx ?? []));
      catalog.hosted.push(...(doc.hosted ?? []));
    } else if (section === 'engines') {
      const doc = parseDocumentWith(engineFileSchema, file);
      catalog.engines.push(...(doc.engines ?? []));
      catalog.engineReleases.push(...(doc.releases ?? []));
      catalog.kernelPaths.push(...(doc.kernelPaths ?? []));
    }
  }
  assertUnique('device', catalog.devices);
  assertUnique('tier', catalog.tiers);
  assertUnique('model', catalog.models);
  assertUnique('price', catalog.prices);
  assertUnique('engine class', catalog.engines);
  assertUnique('kernel path', catalog.kernelPaths);
  assertUnique(
    'engine release',
    catalog.engineReleases.map((r) => ({ id: `${r.engine}@${r.version}` })),
  );
  const pathIds = catalog.kernelPaths.map((p) => p.id);
  for (const r of catalog.engineReleases)
    for (const id of r.paths ?? [])
      if (!pathIds.includes(id))
        throw new NotFoundError(
          `kernel path (named by ${r.engine} ${r.version})`,
          id,
          closestIds(id, pathIds),
        );
  return catalog;
}

function findById<T extends { id: string; aliases?: string[] | undefined }>(
  kind: string,
  items: T[],
  id: string,
): T {
  const key = id.toLowerCase();
  const hit = items.find((x) => x.id === key || x.aliases?.includes(key));
  if (hit) return hit;
  throw new NotFoundError(
    kind,
    id,
    closestIds(
      key,
      items.map((x) => x.id),
    ),
  );
}

export function findDevice(catalog: Catalog, id: string): Device {
  return findById('hardware', catalog.devices, id);
}

export function findModel(catalog: Catalog, id: string): Model {
  return findById('model', catalog.models, id);
}

export function findPrice(catalog: Catalog, id: string): ApiPrice {
  return findById('price', catalog.prices, id);
}

export function findTier(catalog: Catalog, id: string): LinkTier {
  return findById('storage/link tier', catalog.tiers, id);
}
