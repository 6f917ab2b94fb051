// Which development bundle of the CLI matches the sources on disk. Plain JavaScript with node:fs only:
// bin/clearbox.js runs it on every start, before anything else is loaded.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What the bundle is built from: the packages it inlines, and the lockfile for their dependencies. A test
 * builds the bundle and checks that every inlined file lies under one of these (a package missing here
 * would leave a stale bundle running after its sources changed).
 */
export const bundledSources = [
  'packages/core/src',
  'packages/store/src',
  'packages/logs/src',
  'packages/cli/src',
  'packages/server/src',
  'packages/web/src/index.ts',
  'package-lock.json',
];

function newest(path, acc) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return;
  if (!stat.isDirectory()) {
    acc.files += 1;
    acc.mtimeMs = Math.max(acc.mtimeMs, stat.mtimeMs);
    return;
  }
  for (const name of readdirSync(path)) newest(join(path, name), acc);
}

/**
 * A key that changes when any bundled source is edited (newest mtime) or added or removed (count):
 * cheap enough for every start (a few ms for ~250 files), where hashing contents would not be.
 */
export function sourceKey(root) {
  const acc = { files: 0, mtimeMs: 0 };
  for (const path of bundledSources) newest(join(root, path), acc);
  return `${acc.files.toString(36)}-${Math.floor(acc.mtimeMs).toString(36)}`;
}

export function devBundlePath(root, key = sourceKey(root)) {
  return join(root, 'packages/cli/dist', `clearbox-${key}.js`);
}
