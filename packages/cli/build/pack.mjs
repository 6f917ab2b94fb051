// `npm pack -w @clearbox/cli` runs this first (prepack): the bundle under fixed names in dist/package,
// with the catalog data it reads at run time, so the tarball installs into an empty folder and runs
// offline (the native engines are optional peers that only serve, prices update and investigate need).
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleCli, repoRoot } from './bundle.mjs';

const outdir = join(repoRoot, 'packages/cli/dist/package');
rmSync(outdir, { recursive: true, force: true });
await bundleCli({ outdir, entryName: 'clearbox', chunkPrefix: 'chunk-' });
cpSync(join(repoRoot, 'packages/core/data'), join(outdir, 'data'), { recursive: true });
