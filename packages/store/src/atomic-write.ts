import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '@clearbox/core';

/** A write the user's path made impossible (missing folder, a folder in the way): one clear line. */
function writeError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT')
    return new InputError(`folder ${dirname(path)} does not exist; create it first`, path);
  if (code === 'ENOTDIR') return new InputError(`${dirname(path)} is not a folder`, path);
  if (code === 'EISDIR') return new InputError('is a directory; give a file path', path);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return new InputError('cannot write here (permission denied or read-only)', path);
  return error;
}

/**
 * Writes a file so that readers see either the old or the new content, never half of it:
 * write a temporary file beside it, flush it to disk, then rename over the target.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // a new file
  }
  if (isDirectory) throw new InputError('is a directory; give a file path', path);
  let fd: number;
  try {
    fd = openSync(temp, 'w');
  } catch (error) {
    throw writeError(error, path);
  }
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw writeError(error, path);
  }
  closeSync(fd);
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw writeError(error, path);
  }
}
