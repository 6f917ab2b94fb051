import {
  buildCatalog,
  bundledGenaiLayer,
  bundledGenaiProviders,
  type Catalog,
  createEstimator,
  type Estimator,
  layerCatalogPrices,
  type TextFile,
} from '@clearbox/core';

/**
 * The catalog that ships with Clearbox, bundled into the app as text at build time, so calculators
 * run offline in the browser from the same files the CLI reads. Keys are paths relative to this
 * file; core's `sectionOf` only needs the folder name (hardware/, models/, calibration/, prices/, engines/).
 */
const rawFiles = import.meta.glob<string>('../../core/data/**/*.{yaml,yml,json}', {
  query: '?raw',
  import: 'default',
  eager: true,
});

export function catalogFiles(): TextFile[] {
  return Object.keys(rawFiles)
    .sort()
    .map((key) => ({ path: key.replace(/^(\.\.\/)+core\//, ''), text: rawFiles[key] ?? '' }));
}

let estimator: Estimator | undefined;

/** Parsed, validated and calibrated once per page load: the same `createEstimator` the CLI uses. */
export function defaultEstimator(): Estimator {
  estimator ??= createEstimator(buildCatalog(catalogFiles()));
  return estimator;
}

export function defaultCatalog(): Catalog {
  return defaultEstimator().catalog;
}

let priced: Promise<Estimator> | undefined;

/**
 * The estimator whose catalog has the bundled @pydantic/genai-prices table under Clearbox's own
 * prices (about 1,500 prices, as the CLI has them). The table is a chunk of its own, fetched the first
 * time a page needs API prices (Decide, Audit, the catalog's price tab), never on the first page.
 */
export function pricedEstimator(): Promise<Estimator> {
  priced ??= bundledGenaiProviders().then((providers) => {
    const base = defaultEstimator();
    const catalog = layerCatalogPrices(base.catalog, bundledGenaiLayer(providers, base.catalog.hosted));
    return { ...base, catalog };
  });
  return priced;
}
