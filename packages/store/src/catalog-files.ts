import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { buildCatalog, type Catalog, InputError, type TextFile } from '@clearbox/core';
import { shippedPath } from './shipped-path.ts';

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

let cached: Catalog | undefined;

/** Loads (once per process) the catalog that ships with Clearbox. */
export function loadDefaultCatalog(): Catalog {
  cached ??= buildCatalog(readTextFiles(defaultDataDir));
  return cached;
}
