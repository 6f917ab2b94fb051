import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
// Relative imports of core's sources: Vite bundles them into the config, so plain `vite build` runs them.
import { buildCalibration } from '../../core/src/catalog/calibration-data.ts';
import { buildCatalog } from '../../core/src/catalog/catalog.ts';
import type { TextFile } from '../../core/src/catalog/parse.ts';
import { fitConstants } from '../../core/src/estimate/estimator.ts';
import { packFittedConstants } from '../../core/src/estimate/fitted-constants.ts';

const MODULE_ID = 'virtual:clearbox-fitted-constants';
const RESOLVED_ID = `\0${MODULE_ID}`;
const dataDir = fileURLToPath(new URL('../../core/data', import.meta.url));

/** Every data file, sorted by path as the app's glob and the CLI read them (the fit follows file order). */
function dataFiles(dir: string): TextFile[] {
  const out: TextFile[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...dataFiles(full));
    else if (/\.(ya?ml|json)$/i.test(name))
      out.push({ path: `data/${relative(dataDir, full)}`, text: readFileSync(full, 'utf8') });
  }
  return out;
}

/**
 * `virtual:clearbox-fitted-constants`: the estimator's fitted constants (efficiencies per engine class,
 * training MFU), fitted at build time from the shipped catalog and calibration measurements by the same
 * code the CLI fits with, as packed text. The first page gets these (tens of KB) instead of the
 * measurements (1.4 MB of YAML) and fits nothing in the browser. Fitted on every build and dev start, from
 * the files as they are then, so they cannot fall out of step with the data they ship with.
 */
export function fittedConstantsPlugin(): Plugin {
  let packed: string | undefined;
  return {
    name: 'clearbox-fitted-constants',
    resolveId: (id) => (id === MODULE_ID ? RESOLVED_ID : undefined),
    load(id) {
      if (id !== RESOLVED_ID) return undefined;
      if (packed === undefined) {
        const files = dataFiles(dataDir);
        packed = packFittedConstants(fitConstants(buildCatalog(files), buildCalibration(files)));
      }
      return `export default ${JSON.stringify(packed)};`;
    },
  };
}
