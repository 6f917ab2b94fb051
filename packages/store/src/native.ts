import { createRequire } from 'node:module';
import { ClearboxError } from '@clearbox/core';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * The native engines load on first use, not at import: the packed CLI (`npm pack` of @clearbox/cli)
 * ships without them, so `clearbox estimate ...` must run where they are not installed, and only the
 * commands that need a store or a log engine ask for them.
 */
const requireNative = createRequire(import.meta.url);

/** A native engine the command needs is not installed (the packed CLI leaves them optional). */
export class MissingEngineError extends ClearboxError {
  constructor(packageName: string, version: string, purpose: string) {
    super(
      'input',
      `${purpose} needs the native package ${packageName}, which is not installed: run \`npm install ${packageName}@${version}\``,
    );
    this.name = 'MissingEngineError';
  }
}

/**
 * Loads a native package on first use. `from` is the caller's import.meta.url (a package resolves its
 * own dependencies); a missing package is one line saying what to install.
 */
export function loadNative<T>(packageName: string, version: string, purpose: string, from?: string): T {
  try {
    return (from ? createRequire(from) : requireNative)(packageName) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND')
      throw new MissingEngineError(packageName, version, purpose);
    throw error;
  }
}

export function betterSqlite3(): typeof BetterSqlite3 {
  return loadNative('better-sqlite3', '12.11.1', 'the saved-item store (serve, prices update)');
}
