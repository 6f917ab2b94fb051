import packedConstants from 'virtual:clearbox-fitted-constants';
import {
  buildCatalog,
  bundledGenaiLayer,
  bundledGenaiProviders,
  type CalibrationData,
  type Catalog,
  createEstimator,
  type Estimator,
  type FittedConstants,
  layerCatalogPrices,
  type TextFile,
  unpackFittedConstants,
} from '@clearbox/core';

/**
 * The catalog that ships with Clearbox, bundled into the app as text at build time, so calculators
 * run offline in the browser from the same files the CLI reads. Keys are paths relative to this
 * file; core's `sectionOf` only needs the folder name (hardware/, models/, prices/, engines/). Only the
 * catalog's sections: the calibration measurements are not here (the first page gets the constants
 * fitted from them at build time; pages that read the measurements load calibration-data.ts, a chunk of
 * its own), and each page bundles the documents it shows (claims, disclosures, signals, workloads).
 */
const rawFiles = import.meta.glob<string>(
  '../../core/data/{hardware,models,prices,engines}/**/*.{yaml,yml,json}',
  {
    query: '?raw',
    import: 'default',
    eager: true,
  },
);

export function catalogFiles(): TextFile[] {
  return Object.keys(rawFiles)
    .sort()
    .map((key) => ({ path: key.replace(/^(\.\.\/)+core\//, ''), text: rawFiles[key] ?? '' }));
}

let fitted: FittedConstants | undefined;

/** The estimator's constants, fitted at build time from the shipped catalog and measurements. */
export function fittedConstants(): FittedConstants {
  fitted ??= unpackFittedConstants(packedConstants);
  return fitted;
}

/**
 * What an estimator of the first page answers when asked for the measurements: they are not on it (a
 * page that reads them builds its estimator with calibration-data.ts's `shippedCalibration`).
 */
function measurementsNotLoaded(): CalibrationData {
  throw new Error('the calibration measurements are not loaded on this page (see calibration-data.ts)');
}

/**
 * An estimator with the constants fitted at build time, over the shipped catalog or one whose additions
 * (prices, a model under a new id) leave what every measurement ran unchanged.
 */
export function estimatorWithFittedConstants(catalog: Catalog): Estimator {
  return createEstimator(catalog, measurementsNotLoaded, fittedConstants());
}

let estimator: Estimator | undefined;

/** Parsed and validated once per page load, with the constants the CLI fits (`fitConstants`, at build time). */
export function defaultEstimator(): Estimator {
  estimator ??= estimatorWithFittedConstants(buildCatalog(catalogFiles()));
  return estimator;
}

export function defaultCatalog(): Catalog {
  return defaultEstimator().catalog;
}

let priced: Promise<Estimator> | undefined;

/**
 * The estimator whose catalog has the bundled @pydantic/genai-prices table under Clearbox's own
 * prices (about 1,500 prices, as the CLI has them). The table is a chunk of its own, fetched the first
 * time a page needs API prices (Decide, Audit, the catalog's price tab), never on the first page. Prices
 * do not enter the fit: the constants stay the default estimator's.
 */
export function pricedEstimator(): Promise<Estimator> {
  priced ??= bundledGenaiProviders().then((providers) => {
    const base = defaultEstimator().catalog;
    const catalog = layerCatalogPrices(base, bundledGenaiLayer(providers, base.hosted));
    return estimatorWithFittedConstants(catalog);
  });
  return priced;
}
