import { InputError } from '../errors/clearbox-error.ts';

export { echo, MAX_ECHO_CHARS } from './echo.ts';

/**
 * Bounds on user documents, checked before anything walks them. Parsers, zod and the store all
 * recurse: a 20 KB file nested 10,000 deep overflowed the stack (or aborted V8 inside a regular
 * expression) long before any of them could say what was wrong.
 */

/** Documents (disclosures, claims, workloads, signals, price files) larger than this are refused unread. */
export const DEFAULT_MAX_INPUT_BYTES = 32 * 1024 * 1024;

/** Real documents nest under 15 levels; 64 leaves room for any honest structure and none for an attack. */
export const MAX_NESTING_DEPTH = 64;

/** Values in one document: YAML aliases can expand a 1 KB file into billions of nodes for a walker. */
export const MAX_DOCUMENT_VALUES = 5_000_000;

/** 33554432 -> "32 MB" (binary megabytes, the way the limit is set). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${Number((bytes / 1024 ** 3).toPrecision(3))} GB`;
  if (bytes >= 1024 * 1024) return `${Number((bytes / 1024 ** 2).toPrecision(3))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toPrecision(3))} KB`;
  return `${bytes} bytes`;
}

/** Refuses a document larger than the limit, naming both sizes; `raise` says how to lift the limit. */
export function checkInputSize(bytes: number, limitBytes: number, where: string, raise?: string): void {
  if (bytes <= limitBytes) return;
  throw new InputError(
    `is ${formatBytes(bytes)}, larger than the input limit of ${formatBytes(limitBytes)}${raise ? ` (${raise})` : ''}`,
    where,
  );
}

/** The error for a document a parser could not descend: nested too deep. */
export function nestedTooDeep(where?: string): InputError {
  return tooDeep(where, MAX_NESTING_DEPTH);
}

function tooDeep(where: string | undefined, maxDepth: number, line?: number): InputError {
  const place = where === undefined ? undefined : line === undefined ? where : `${where}:${line}`;
  return new InputError(`nested too deep: more than ${maxDepth} levels of lists or objects`, place);
}

/**
 * Scans JSON or YAML flow text for brackets nested deeper than `maxDepth`, skipping quoted strings
 * and YAML comments. Linear and allocation-free, so it runs before a parser that would recurse.
 * Block-style YAML nesting is bounded by its indentation and checked after parsing (checkDepth).
 */
export function checkTextNesting(text: string, where?: string, maxDepth: number = MAX_NESTING_DEPTH): void {
  // Each level opens with a bracket, so a text with at most maxDepth of them cannot nest deeper. Counted
  // with indexOf (native), that settles block-style YAML, which has few, without the scan: the scan was a
  // tenth of loading the catalog (1.2 MB of YAML, no file with more than 40 brackets).
  if (bracketsAtMost(text, maxDepth)) return;
  let depth = 0;
  let line = 1;
  let quote = 0; // the char code of the open quote, 0 outside strings
  let comment = false;
  let previous = 10; // as if after a newline
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      // JSON strings never span lines; a YAML apostrophe or inch mark must not hide the rest.
      comment = false;
      quote = 0;
      previous = c;
      continue;
    }
    if (comment) continue;
    if (quote !== 0) {
      if (c === 92 && quote === 34)
        i++; // a backslash escape in a double-quoted string
      else if (c === quote) {
        // '' is an escaped quote inside a YAML single-quoted string
        if (quote === 39 && text.charCodeAt(i + 1) === 39) i++;
        else quote = 0;
      }
      previous = c;
      continue;
    }
    if (c === 34 || (c === 39 && !isWordChar(previous))) quote = c;
    else if (c === 35 && (previous === 32 || previous === 9 || previous === 10)) comment = true;
    else if (c === 91 || c === 123) {
      if (++depth > maxDepth) throw tooDeep(where, maxDepth, line);
    } else if ((c === 93 || c === 125) && depth > 0) depth--;
    previous = c;
  }
}

/** Whether `text` holds at most `limit` opening brackets ([ and {), wherever they are. */
function bracketsAtMost(text: string, limit: number): boolean {
  let count = 0;
  for (const open of ['[', '{']) {
    for (let i = text.indexOf(open); i !== -1; i = text.indexOf(open, i + 1))
      if (++count > limit) return false;
  }
  return true;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * Walks a parsed value without recursion and refuses one nested deeper than `maxDepth` or holding
 * more than `maxValues` values (aliases count each time they are reached, as every later walker
 * would reach them). Run it before zod or any recursive code sees the value.
 */
export function checkDepth(
  value: unknown,
  where?: string,
  maxDepth: number = MAX_NESTING_DEPTH,
  maxValues: number = MAX_DOCUMENT_VALUES,
): void {
  if (value === null || typeof value !== 'object') return;
  const stack: Array<{ value: object; depth: number }> = [{ value, depth: 1 }];
  let seen = 0;
  while (stack.length > 0) {
    const top = stack.pop() as { value: object; depth: number };
    if (top.depth > maxDepth) throw tooDeep(where, maxDepth);
    const children = Array.isArray(top.value) ? top.value : Object.values(top.value);
    seen += children.length;
    if (seen > maxValues)
      throw new InputError(
        `has more than ${maxValues.toLocaleString('en-US')} values (after expanding YAML aliases)`,
        where,
      );
    for (const child of children)
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: top.depth + 1 });
  }
}

/** Was this error a stack overflow? Parsers catch and rethrow it with their own wording. */
export function isStackOverflow(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /call stack|too much recursion/i.test(message);
}
