import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type EfficiencyFit,
  type EfficiencyTable,
  type FitCache,
  packSharedLists,
  unpackSharedLists,
} from '@clearbox/core';
import { writeFileAtomic } from '@clearbox/store';
import type { Io } from './io.ts';

/**
 * The fitted efficiency tables, kept between runs in the user's cache directory: one fit of an engine
 * class is 2-7 CPU-s, and every `estimate infer` (a new process) fitted again. A file is named by the hash
 * of everything the fit reads (catalog, calibration points, which classes, the fit's code), so a changed
 * input is a new name, never a stale answer; a file is read back only when its header names that hash and
 * the digest of its body matches.
 */
const FORMAT = 'clearbox-fit-cache/1';

/** Kept files beyond this many (each a few hundred KB) are removed, oldest first. */
const MAX_FILES = 32;

/** The cache's folder: $XDG_CACHE_HOME/clearbox/fits, else ~/.cache/clearbox/fits (XDG: a relative value is ignored). */
export function fitCacheDir(env: Record<string, string | undefined> = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'clearbox', 'fits');
}

/** CLEARBOX_NO_CACHE set to anything but '' or '0' turns the cache off, as --no-cache does. */
export function fitCacheDisabledByEnv(env: Record<string, string | undefined> = process.env): boolean {
  const v = env.CLEARBOX_NO_CACHE;
  return v !== undefined && v !== '' && v !== '0';
}

function filesUnder(dir: string, recurse: boolean, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recurse) out.push(...filesUnder(path, recurse, keep));
    } else if (entry.isFile() && keep(entry.name)) out.push(path);
  }
  return out;
}

let fingerprint: string | undefined;

/**
 * The fit's code, by content: from the sources (tsx, tests) every file of core (the fit is core's code);
 * from a bundle every file of the bundle's folder (the dev bundle of these sources, or the packed one).
 * A version number would have to be bumped by hand at every change of the fit; the content cannot lag.
 */
function codeFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const here = fileURLToPath(import.meta.url);
  const files = here.endsWith('.ts')
    ? filesUnder(fileURLToPath(new URL('../../core/src', import.meta.url)), true, (n) =>
        /(?<!\.test)\.ts$/.test(n),
      )
    : filesUnder(dirname(here), false, (n) => /\.m?js$/.test(n));
  const hash = createHash('sha256');
  for (const path of files) hash.update(`${path.length}:${path}`).update(readFileSync(path));
  fingerprint = hash.digest('hex');
  return fingerprint;
}

/**
 * JSON that stands for its value exactly, or an error: plain objects, arrays, strings, booleans, null
 * and finite numbers other than -0. A Map, a class instance, a function or an undefined would be written as
 * something else (or not at all), and NaN as null: such a fit is not keyed or kept rather than mis-keyed.
 */
function exactJson(value: unknown): string {
  return JSON.stringify(value, function (this: unknown, key: string, v: unknown) {
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)))
      throw new Error(`${key}: ${v} has no exact JSON form`);
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint')
      throw new Error(`${key}: ${typeof v} has no JSON form`);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) throw new Error(`${key}: not a plain object`);
    }
    return v;
  });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The file name of a fit: the hash of its every input and of the code that fits. */
export function fitKey(fit: EfficiencyFit): string {
  return sha256(
    exactJson({
      format: FORMAT,
      code: codeFingerprint(),
      engines: fit.engines ?? null,
      referenceOnly: fit.referenceOnly,
      catalog: fit.catalog,
      points: fit.points,
    }),
  );
}

const isFiniteNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

/** A table's shape, checked on top of the digest (a file that hashes right but is not a table is no table). */
function looksLikeTable(value: unknown): value is EfficiencyTable {
  if (value === null || typeof value !== 'object') return false;
  const entries = (value as { entries?: unknown }).entries;
  return (
    Array.isArray(entries) &&
    entries.every((e: Record<string, unknown> | null) => {
      if (e === null || typeof e !== 'object') return false;
      return (
        typeof e.engine === 'string' &&
        isFiniteNumber(e.compute) &&
        isFiniteNumber(e.memory) &&
        (e.origin === 'prior' || e.origin === 'fitted') &&
        Array.isArray(e.points) &&
        Array.isArray(e.sources) &&
        typeof e.note === 'string'
      );
    })
  );
}

/**
 * The file: one header line (format, key, digest of the rest), then the table as JSON (`packSharedLists`). Undefined (and
 * then rewritten by the caller's fit) when absent, unreadable, truncated, edited or of another fit.
 */
export function readFitFile(path: string, key: string): EfficiencyTable | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const newline = text.indexOf('\n');
  if (newline < 0) return undefined;
  const body = text.slice(newline + 1);
  try {
    const header = JSON.parse(text.slice(0, newline)) as Record<string, unknown>;
    if (header.format !== FORMAT || header.key !== key || header.digest !== sha256(body)) return undefined;
    const table = unpackSharedLists(body);
    return looksLikeTable(table) ? table : undefined;
  } catch {
    return undefined;
  }
}

function fitFileText(key: string, table: EfficiencyTable): string {
  // Refused (thrown) unless JSON gives the table back exactly; written with its shared lists once.
  exactJson(table);
  const body = packSharedLists(table);
  return `${JSON.stringify({ format: FORMAT, key, digest: sha256(body) })}\n${body}`;
}

/**
 * Removes the oldest kept fits beyond MAX_FILES (a user model file's catalog is a fit of its own). Another
 * run may be pruning at the same time: a file gone meanwhile is no error, and a pruning that fails is
 * retried by the next write.
 */
function prune(dir: string): void {
  try {
    const kept = readdirSync(dir)
      .filter((n) => /^[0-9a-f]{64}\.json$/.test(n))
      .map((n) => ({
        path: join(dir, n),
        mtimeMs: statSync(join(dir, n), { throwIfNoEntry: false })?.mtimeMs ?? 0,
      }))
      .sort((a, b) => b.mtimeMs - a.mtimeMs);
    for (const old of kept.slice(MAX_FILES)) rmSync(old.path, { force: true });
  } catch {
    // The fit was written; only the tidying failed.
  }
}

/**
 * The fit cache of one CLI run, or undefined when turned off (--no-cache, CLEARBOX_NO_CACHE). A folder
 * that cannot be written costs one line on stderr and a fit per run; the run itself goes on.
 */
export function cliFitCache(
  io: Io,
  options: { enabled?: boolean; dir?: string; env?: Record<string, string | undefined> } = {},
): FitCache | undefined {
  const env = options.env ?? process.env;
  if (options.enabled === false || fitCacheDisabledByEnv(env)) return undefined;
  const dir = options.dir ?? fitCacheDir(env);
  const keys = new WeakMap<EfficiencyFit, string | null>();
  const keyOf = (fit: EfficiencyFit): string | undefined => {
    let key = keys.get(fit);
    if (key === undefined) {
      try {
        key = fitKey(fit);
      } catch {
        // Inputs with no exact JSON form cannot be keyed: fitted every run, never mistaken for another fit.
        key = null;
      }
      keys.set(fit, key);
    }
    return key ?? undefined;
  };
  let warned = false;
  return {
    read(fit) {
      const key = keyOf(fit);
      return key === undefined ? undefined : readFitFile(join(dir, `${key}.json`), key);
    },
    write(fit, table) {
      const key = keyOf(fit);
      if (key === undefined) return;
      let text: string;
      try {
        text = fitFileText(key, table);
      } catch {
        return;
      }
      try {
        mkdirSync(dir, { recursive: true });
        writeFileAtomic(join(dir, `${key}.json`), text);
      } catch (error) {
        if (warned) return;
        warned = true;
        const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        io.err(
          `clearbox: note: fit cache not written (${dir}: ${why}); set XDG_CACHE_HOME to a writable folder, or CLEARBOX_NO_CACHE=1\n`,
        );
        return;
      }
      prune(dir);
    },
  };
}
