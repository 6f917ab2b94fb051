import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The first candidate that exists. A checkout runs from packages/<name>/src, the bundled CLI from
 * packages/cli/dist (the same depth), and the packed CLI from node_modules/@clearbox/cli/dist with its
 * own copy of what it ships beside the bundle; so callers list the checkout layout first.
 */
export function shippedPath(candidates: readonly URL[]): string {
  for (const candidate of candidates) {
    const path = fileURLToPath(candidate);
    if (existsSync(path)) return path;
  }
  return fileURLToPath(candidates[0] as URL);
}
