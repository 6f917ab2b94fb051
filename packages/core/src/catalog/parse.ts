import { CORE_SCHEMA, load } from 'js-yaml';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../errors/clearbox-error.ts';
import { checkDepth, checkTextNesting, isStackOverflow, nestedTooDeep } from '../input/limits.ts';

/** A text file handed to core by an edge (CLI, server, browser bundle): core never reads files. */
export interface TextFile {
  path: string;
  text: string;
}

export interface ValidationIssue {
  /** file:line (when known) and the field path, e.g. `data/hardware/nvidia.yaml:12 devices[3].memory.capacityGB`. */
  where: string;
  message: string;
}

/**
 * Parses YAML or JSON text; a syntax error names the file and line. js-yaml (YAML 1.2 core schema: no
 * implicit dates) reads valid documents about five times faster than `yaml`; anything it rejects
 * is parsed again by `yaml`, whose error messages and line positions are the ones users see.
 * Nesting is bounded before and after parsing: both parsers and every later walker recurse.
 */
export function parseYamlOrJson(file: TextFile): unknown {
  checkTextNesting(file.text, file.path);
  let data: unknown;
  try {
    data = load(file.text, { schema: CORE_SCHEMA, filename: file.path });
  } catch (error) {
    if (isStackOverflow(error)) throw deepError(file);
    data = parseWithYaml(file);
  }
  checkDepth(data, file.path);
  return data;
}

function deepError(file: TextFile): InputError {
  return nestedTooDeep(file.path);
}

function parseWithYaml(file: TextFile): unknown {
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(file.text, { prettyErrors: false, uniqueKeys: true });
  } catch (error) {
    if (isStackOverflow(error)) throw deepError(file);
    throw error;
  }
  const first = doc.errors[0];
  if (first && isStackOverflow(first.message)) throw deepError(file);
  if (first) {
    const line = first.linePos?.[0]?.line;
    throw new InputError(
      `invalid YAML/JSON: ${first.message.split('\n')[0]}`,
      `${file.path}${line ? `:${line}` : ''}`,
    );
  }
  try {
    return doc.toJS();
  } catch (error) {
    if (isStackOverflow(error)) throw deepError(file);
    // `yaml` refuses alias expansion past its budget (a "billion laughs" document) with a ReferenceError.
    if (error instanceof ReferenceError)
      throw new InputError(`invalid YAML: ${error.message.split('\n')[0]}`, file.path);
    throw error;
  }
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

/** Line numbers are looked up only in documents up to this size: the YAML parser needs seconds beyond. */
const MAX_LINE_LOOKUP_CHARS = 1_000_000;

/** Finds the lines of field paths in YAML text (parsed once, on the first lookup), so errors point at them. */
function lineFinder(text: string): (path: ReadonlyArray<PropertyKey>) => number | undefined {
  let doc: ReturnType<typeof parseDocument> | undefined;
  return (path) => {
    if (text.length > MAX_LINE_LOOKUP_CHARS) return undefined;
    try {
      doc ??= parseDocument(text);
      for (let depth = path.length; depth > 0; depth--) {
        const node = doc.getIn(path.slice(0, depth), true) as
          | { range?: [number, number, number] }
          | undefined;
        const offset = node?.range?.[0];
        if (offset !== undefined) return text.slice(0, offset).split('\n').length;
      }
    } catch {
      // Line numbers are a courtesy: without one the field path still names the place.
    }
    return undefined;
  };
}

/** Describes an entry by its id so an error names it, e.g. `devices[3] (h100-sxm)`. */
function entryLabel(data: unknown, path: ReadonlyArray<PropertyKey>): string {
  if (path.length < 2 || typeof path[1] !== 'number') return '';
  const list = (data as Record<string, unknown> | null)?.[String(path[0])];
  const entry = Array.isArray(list) ? (list[path[1]] as { id?: unknown } | undefined) : undefined;
  return typeof entry?.id === 'string' ? ` (entry "${entry.id}")` : '';
}

/** Validates parsed data; returns every issue, each naming file, line, entry and field. */
export function validateWith<S extends z.ZodType>(
  schema: S,
  data: unknown,
  file: TextFile,
): { success: true; data: z.output<S> } | { success: false; issues: ValidationIssue[] } {
  const result = schema.safeParse(data);
  if (result.success) return { success: true, data: result.data };
  const lineOf = lineFinder(file.text);
  const issues = result.error.issues.map((issue) => {
    const line = lineOf(issue.path);
    return {
      where: `${file.path}${line ? `:${line}` : ''} ${formatPath(issue.path)}${entryLabel(data, issue.path)}`,
      message: issue.message,
    };
  });
  // A value can fail two checks with one message (a date's shape and its calendar): said once.
  const seen = new Set<string>();
  return {
    success: false,
    issues: issues.filter((i) => {
      const key = `${i.where}\u0000${i.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
  };
}

/** Parses and validates one document, throwing an InputError that lists every issue. */
export function parseDocumentWith<S extends z.ZodType>(schema: S, file: TextFile): z.output<S> {
  const data = parseYamlOrJson(file);
  const result = validateWith(schema, data, file);
  if (result.success) return result.data;
  const [first, ...rest] = result.issues;
  const more = rest.map((i) => `\n  ${i.where}: ${i.message}`).join('');
  throw new InputError(`${first?.message ?? 'invalid'}${more}`, first?.where ?? file.path);
}
