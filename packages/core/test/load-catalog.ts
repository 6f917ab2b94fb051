import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  buildCalibration,
  buildCatalog,
  type CalibrationData,
  type Catalog,
  createEstimator,
  type Estimator,
  type TextFile,
} from '../src/index.ts';

const dataDir = new URL('../data', import.meta.url).pathname;

function walk(dir: string): TextFile[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return walk(full);
      return /\.ya?ml$/.test(name)
        ? [{ path: relative(process.cwd(), full), text: readFileSync(full, 'utf8') }]
        : [];
    });
}

/** The shipped text files of one data folder (disclosures, claims, workloads, ...), as the store reads them. */
export function shippedFiles(folder: string): TextFile[] {
  return walk(join(dataDir, folder));
}

let cached: Catalog | undefined;
/** The shipped catalog, read the same way the store reads it (tests of core can't import the store). */
export function shippedCatalog(): Catalog {
  cached ??= buildCatalog(walk(dataDir));
  return cached;
}

let cachedCalibration: CalibrationData | undefined;
/** The shipped calibration measurements (data/calibration), read as the store reads them. */
export function shippedCalibration(): CalibrationData {
  cachedCalibration ??= buildCalibration(walk(join(dataDir, 'calibration')));
  return cachedCalibration;
}

/** An estimator over `catalog` (default: the shipped one) calibrated on the shipped measurements. */
export function shippedEstimator(catalog: Catalog = shippedCatalog()): Estimator {
  return createEstimator(catalog, shippedCalibration);
}
