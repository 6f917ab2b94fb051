import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { InputError } from '@clearbox/core';
import { fileErrorText } from '../catalog-files.ts';

/** Chain of custody: the SHA-256 and size of an input file, read in 4 MiB chunks (any file size). */
export function fileDigest(path: string): { path: string; sha256: string; bytes: number } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new InputError(fileErrorText(error), path);
  }
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(4 << 20);
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
    }
  } catch (error) {
    throw new InputError(fileErrorText(error), path);
  } finally {
    closeSync(fd);
  }
  return { path, sha256: hash.digest('hex'), bytes: statSync(path).size };
}

/**
 * The same digest without blocking: reads run on libuv's pool, so hashing overlaps DuckDB's queries (which
 * run on DuckDB's own threads) instead of adding to them.
 */
export async function fileDigestAsync(
  path: string,
): Promise<{ path: string; sha256: string; bytes: number }> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new InputError(fileErrorText(error), path);
  }
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(4 << 20);
  let bytes = 0;
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      bytes += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return { path, sha256: hash.digest('hex'), bytes };
}

/** Set by the CLI bundler (packages/cli/build), whose bundle no longer sits beside package.json. */
declare const __CLEARBOX_VERSION__: string | undefined;

let version: string | undefined;

/** The Clearbox version from the repository's package.json. */
export function clearboxVersion(): string {
  if (typeof __CLEARBOX_VERSION__ === 'string') return __CLEARBOX_VERSION__;
  version ??= (
    JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;
  return version;
}
