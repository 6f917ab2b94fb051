import type { TextFile } from '../catalog/parse.ts';
import { InputError } from '../errors/clearbox-error.ts';

/** Where and why strict JSON text first goes wrong, or undefined when it is valid. */
export function jsonSyntaxError(text: string): { offset: number; expected: string } | undefined {
  let i = 0;
  const fail = (expected: string): never => {
    throw { offset: i, expected };
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail('a JSON value');
  };
  const string = () => {
    i++;
    while (i < text.length) {
      const c = text.charAt(i);
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const e = text.charAt(i + 1);
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('four hex digits after \\u');
          i += 6;
        } else if ('"\\/bfnrt'.includes(e) && e !== '') i += 2;
        else fail('a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
      } else if (c < ' ') fail('no raw control characters inside a string');
      else i++;
    }
    fail('a closing quote');
  };
  const value = (): void => {
    ws();
    const c = text.charAt(i);
    if (c === '{') {
      i++;
      ws();
      if (text.charAt(i) === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text.charAt(i) !== '"') fail('a property name in double quotes');
        string();
        ws();
        if (text.charAt(i) !== ':') fail("':' after the property name");
        i++;
        value();
        ws();
        if (text.charAt(i) === ',') {
          i++;
          continue;
        }
        if (text.charAt(i) === '}') {
          i++;
          return;
        }
        fail("',' or '}' after a property value");
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text.charAt(i) === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text.charAt(i) === ',') {
          i++;
          continue;
        }
        if (text.charAt(i) === ']') {
          i++;
          return;
        }
        fail("',' or ']' after an array element");
      }
    }
    const word = c === 't' ? 'true' : c === 'f' ? 'false' : c === 'n' ? 'null' : undefined;
    if (c === '"') {
      string();
      return;
    }
    if (word !== undefined) {
      literal(word);
      return;
    }
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail('a JSON value');
    i += m?.[0].length ?? 0;
  };
  try {
    value();
    ws();
    if (i < text.length) fail('the end of the document');
    return undefined;
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'offset' in error) {
      return error as { offset: number; expected: string };
    }
    throw error;
  }
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Parses strict JSON; malformed text is an InputError naming file:line:column and what was expected. */
export function parseJsonFile(file: TextFile): unknown {
  try {
    return JSON.parse(file.text);
  } catch {
    const problem = jsonSyntaxError(file.text) ?? { offset: 0, expected: 'valid JSON' };
    const { line, column } = lineColumn(file.text, problem.offset);
    const found =
      problem.offset >= file.text.length
        ? 'the end of the file'
        : JSON.stringify(file.text.charAt(problem.offset));
    throw new InputError(
      `malformed JSON: expected ${problem.expected}, found ${found}`,
      `${file.path}:${line}:${column}`,
    );
  }
}
