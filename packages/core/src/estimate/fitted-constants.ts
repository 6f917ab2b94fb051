import type { FittedConstants } from './estimator.ts';

/**
 * The lists that recur from entry to entry: every entry names the points that fitted it and their sources,
 * and a software's points are listed again by each of its classes (870 KB as plain JSON).
 */
const SHARED_LISTS = new Set(['points', 'sources']);

/**
 * Fitted constants as text, for a build to hand to a page: the web app's first page gets them in place of
 * the measurements they were fitted from. The elements of `points` and `sources` lists are written once
 * and named by index. `unpackFittedConstants` gives back an equal value.
 */
export function packFittedConstants(fitted: FittedConstants): string {
  return packSharedLists(fitted);
}

/** `packFittedConstants` for any part of the fit (the CLI's fit cache keeps one efficiency table per file). */
export function packSharedLists(fitted: unknown): string {
  const shared: unknown[] = [];
  const index = new Map<string, number>();
  const indexOf = (element: unknown): number => {
    const key = JSON.stringify(element);
    let i = index.get(key);
    if (i === undefined) {
      i = shared.length;
      shared.push(element);
      index.set(key, i);
    }
    return i;
  };
  const constants = JSON.stringify(fitted, (key, value: unknown) =>
    SHARED_LISTS.has(key) && Array.isArray(value) ? { $shared: value.map(indexOf) } : value,
  );
  return `{"shared":${JSON.stringify(shared)},"constants":${constants}}`;
}

function restore(value: unknown, shared: readonly unknown[]): unknown {
  if (Array.isArray(value)) return value.map((v) => restore(v, shared));
  if (value === null || typeof value !== 'object') return value;
  const refs = (value as { $shared?: unknown }).$shared;
  if (Array.isArray(refs)) return refs.map((i) => shared[i as number]);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = restore(v, shared);
  return out;
}

export function unpackFittedConstants(text: string): FittedConstants {
  return unpackSharedLists(text) as FittedConstants;
}

export function unpackSharedLists(text: string): unknown {
  const { shared, constants } = JSON.parse(text) as { shared: unknown[]; constants: unknown };
  return restore(constants, shared);
}
