// Bundles the CLI with esbuild, so a start loads plain JavaScript instead of compiling TypeScript
// through tsx (0.7-1.3 s per start before). Code splitting keeps each command's modules in chunks of
// their own: `clearbox --version` parses ~100 KB, not the whole CLI. `node packages/cli/build/bundle.mjs`
// (npm ci's prepare step) writes the development bundle; pack.mjs writes the one `npm pack` ships.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceKey } from './source-key.mjs';

export const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const devBundleDir = join(repoRoot, 'packages/cli/dist');

/** Native engines and the tsx fallback stay outside the bundle; the store loads them on first use. */
const external = ['better-sqlite3', '@duckdb/node-api', 'chdb', '@clickhouse/client', 'tsx', 'esbuild'];

/** esbuild's options for the CLI bundle (also read by the test that checks the source key covers them). */
export function bundleOptions({ outdir, entryName, chunkPrefix }) {
  const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version;
  return {
    entryPoints: { [entryName]: join(repoRoot, 'packages/cli/src/main.ts') },
    outdir,
    chunkNames: `${chunkPrefix}[hash]`,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external,
    define: { __CLEARBOX_VERSION__: JSON.stringify(version) },
    // CommonJS dependencies inside ES module chunks need a require of their own.
    banner: {
      js: "import { createRequire as __clearboxCreateRequire } from 'node:module'; const require = __clearboxCreateRequire(import.meta.url);",
    },
    minify: true,
    legalComments: 'none',
    logLevel: 'error',
  };
}

/**
 * Writes `<outdir>/<entryName>.js` and its chunks. Everything is built in a private folder and moved in
 * chunks first, entry last: a CLI starting meanwhile finds either no entry or a complete bundle.
 */
export async function bundleCli({ outdir, entryName, chunkPrefix }) {
  const { build } = await import('esbuild');
  const temporary = join(outdir, `.build-${process.pid}`);
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  try {
    await build(bundleOptions({ outdir: temporary, entryName, chunkPrefix }));
    const entry = `${entryName}.js`;
    const files = readdirSync(temporary);
    for (const name of files.filter((f) => f !== entry))
      renameSync(join(temporary, name), join(outdir, name));
    renameSync(join(temporary, entry), join(outdir, entry));
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
  return join(outdir, `${entryName}.js`);
}

/** Builds the bundle of the sources on disk and removes the bundles of older sources. */
export async function buildDevBundle(key = sourceKey(repoRoot)) {
  mkdirSync(devBundleDir, { recursive: true });
  const entry = await bundleCli({
    outdir: devBundleDir,
    entryName: `clearbox-${key}`,
    chunkPrefix: `chunk-${key}-`,
  });
  for (const name of readdirSync(devBundleDir)) {
    const built = /^(?:clearbox|chunk)-([a-z0-9]+-[a-z0-9]+)[.-]/.exec(name);
    if (built && built[1] !== key) rmSync(join(devBundleDir, name), { force: true });
  }
  return entry;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`clearbox: CLI bundled into ${await buildDevBundle()}\n`);
}
