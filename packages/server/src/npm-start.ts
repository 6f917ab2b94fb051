/**
 * `npm start` on a fresh clone: build the web app when its build is missing or older than its
 * sources (the app bundles core and the catalog, so those count too), then start the server with the
 * defaults. A failed build does not stop the API: the server then explains at / how to build the app.
 * CLEARBOX_SKIP_WEB_BUILD=1 skips the build (an API-only deployment, or a test that must not race
 * another build of the same folder).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const builtIndex = join(root, 'packages/web/dist/index.html');
const sources = [
  'packages/web/src',
  'packages/web/public',
  'packages/web/index.html',
  'packages/web/vite.config.ts',
  // The build-time fit of the estimator's constants (its plugin) runs core on core/data.
  'packages/web/tools',
  'packages/web/package.json',
  'packages/core/src',
  'packages/core/data',
].map((p) => join(root, p));

function newestMtimeMs(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, name)));
  return newest;
}

function webBuildIsCurrent(): boolean {
  if (!existsSync(builtIndex)) return false;
  const built = statSync(builtIndex).mtimeMs;
  return sources.every((s) => newestMtimeMs(s) <= built);
}

if (process.env.CLEARBOX_SKIP_WEB_BUILD !== '1' && !webBuildIsCurrent()) {
  process.stderr.write('clearbox: building the web app (npm run build -w @clearbox/web)...\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', 'build', '-w', '@clearbox/web'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0)
    process.stderr.write(
      'clearbox: warning: the web app did not build; starting the API anyway (/ explains how to build the app)\n',
    );
}
await import('./main.ts');
