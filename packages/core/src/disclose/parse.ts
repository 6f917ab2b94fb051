import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import type { TextFile } from '../catalog/parse.ts';
import { InputError } from '../errors/clearbox-error.ts';
import { checkDepth, checkTextNesting, isStackOverflow, nestedTooDeep } from '../input/limits.ts';
import { type Disclosure, disclosureSchema } from './schema.ts';

/** One problem in a disclosure: where (file:line field path) and what was expected and found. */
export interface DisclosureIssue {
  where: string;
  path: string;
  message: string;
}

/** items[3].quantity: the way an author reads a path. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return 'an object';
}

function valueAt(data: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let node: unknown = data;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key as string];
  }
  return node;
}

/**
 * Parses a disclosure (YAML or JSON) into plain data. A syntax error names file:line:column and the
 * parser's message. Anything the YAML library throws (alias bombs, deep nesting) becomes an InputError
 * too: malformed input must never reach the user as a stack trace.
 */
export function parseDisclosureData(file: TextFile): {
  data: unknown;
  lineOf: (path: ReadonlyArray<PropertyKey>) => number | undefined;
} {
  const parsed = parseDisclosureText(file);
  checkDepth(parsed.data, file.path);
  return parsed;
}

/** Nesting is bounded before either parser recurses (a 10,000-deep file aborted V8 in a RegExp). */
function parseDisclosureText(file: TextFile): {
  data: unknown;
  lineOf: (path: ReadonlyArray<PropertyKey>) => number | undefined;
} {
  checkTextNesting(file.text, file.path);
  // JSON is YAML too, but the YAML parser is ~20× slower on a large file: JSON takes the fast path,
  // and the YAML parser is only run when something needs a line number.
  if (/^\s*[{[]/.test(file.text)) {
    try {
      const data: unknown = JSON.parse(file.text);
      let yamlLines: ((path: ReadonlyArray<PropertyKey>) => number | undefined) | undefined;
      return {
        data,
        lineOf: (path) => {
          yamlLines ??= parseDisclosureYaml(file).lineOf;
          return yamlLines(path);
        },
      };
    } catch {
      // Not strict JSON (e.g. a YAML flow mapping): the YAML parser reads it or reports the position.
    }
  }
  return parseDisclosureYaml(file);
}

function parseDisclosureYaml(file: TextFile): {
  data: unknown;
  lineOf: (path: ReadonlyArray<PropertyKey>) => number | undefined;
} {
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(file.text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  } catch (error) {
    if (isStackOverflow(error)) throw nestedTooDeep(file.path);
    throw new InputError(`invalid YAML/JSON: ${(error as Error).message.split('\n')[0]}`, file.path);
  }
  const first = doc.errors[0];
  if (first && isStackOverflow(first.message)) throw nestedTooDeep(file.path);
  if (first) {
    const pos = first.linePos?.[0] ?? lineCounter.linePos(first.pos[0]);
    throw new InputError(
      `invalid YAML/JSON: ${first.message.split('\n')[0]}`,
      `${file.path}:${pos.line}:${pos.col}`,
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    if (isStackOverflow(error)) throw nestedTooDeep(file.path);
    throw new InputError(`invalid YAML/JSON: ${(error as Error).message.split('\n')[0]}`, file.path);
  }
  const lineOf = (path: ReadonlyArray<PropertyKey>): number | undefined => {
    for (let depth = path.length; depth >= 0; depth--) {
      let node: unknown = doc.contents;
      for (const key of path.slice(0, depth)) {
        if (isMap(node)) node = node.get(key as string, true);
        else if (isSeq(node) && typeof key === 'number') node = node.get(key, true);
        else {
          node = undefined;
          break;
        }
      }
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range) return lineCounter.linePos(range[0]).line;
    }
    return undefined;
  };
  return { data, lineOf };
}

/** Validates parsed data against the format; returns every issue with its path and the value found. */
export function validateDisclosure(
  data: unknown,
  file: TextFile,
  lineOf: (path: ReadonlyArray<PropertyKey>) => number | undefined = () => undefined,
): { success: true; disclosure: Disclosure } | { success: false; issues: DisclosureIssue[] } {
  const result = disclosureSchema.safeParse(data);
  if (result.success) return { success: true, disclosure: result.data };
  const issues = result.error.issues.map((issue) => {
    const path = formatIssuePath(issue.path);
    const line = lineOf(issue.path);
    const found = valueAt(data, issue.path);
    // zod says what it expected; the value actually found is what an author needs to fix it.
    const message =
      issue.code === 'custom' || issue.code === 'unrecognized_keys'
        ? issue.message
        : `${issue.message}; found ${describeFound(found)}`;
    return { where: `${file.path}${line ? `:${line}` : ''}`, path, message };
  });
  return { success: false, issues };
}

/** Parses and validates one disclosure; throws an InputError listing every issue. */
export function parseDisclosure(file: TextFile): Disclosure {
  const { data, lineOf } = parseDisclosureData(file);
  const result = validateDisclosure(data, file, lineOf);
  if (result.success) return result.disclosure;
  throw disclosureIssuesError(result.issues, file.path);
}

export function disclosureIssuesError(issues: DisclosureIssue[], path: string): InputError {
  const [first, ...rest] = issues;
  if (!first) return new InputError('invalid disclosure', path);
  const more = rest.map((i) => `\n  ${i.where} ${i.path}: ${i.message}`).join('');
  const count = rest.length ? ` (${issues.length} problems, all listed)` : '';
  return new InputError(`${first.message}${count}${more}`, `${first.where} ${first.path}`);
}
