import { ClearboxError } from '@clearbox/core';
import { parseHumanNumber } from '../format.ts';

/** An error a person can fix, shown beside the control it is about. */
export interface FieldError {
  field: string;
  message: string;
}

export type NumberCheck = 'positive' | 'nonnegative' | 'integer' | 'fraction' | 'whole';

const expected: Record<NumberCheck, string> = {
  positive: 'a positive number',
  nonnegative: 'a number of at least 0',
  integer: 'a whole number of at least 1',
  fraction: 'a fraction above 0 and at most 1',
  // Any whole number: its range is left to a shared options schema, so the page says what the CLI says.
  whole: 'a whole number',
};

/**
 * Turns what a person typed into engine options, collecting every problem with the field it is about,
 * so the form shows each beside its control instead of one error for the whole form.
 */
export class FormReader {
  readonly errors: FieldError[] = [];

  /** A number, or undefined when the field is blank (the engine's default applies). */
  number(field: string, text: string | undefined, check: NumberCheck = 'positive'): number | undefined {
    const value = parseHumanNumber(text ?? '');
    if (value === undefined) return undefined;
    const ok =
      Number.isFinite(value) &&
      (check === 'fraction'
        ? value > 0 && value <= 1
        : check === 'whole'
          ? Number.isInteger(value)
          : check === 'integer'
            ? Number.isInteger(value) && value >= 1
            : check === 'nonnegative'
              ? value >= 0
              : value > 0);
    if (!ok) {
      this.errors.push({ field, message: `expected ${expected[check]}, got "${(text ?? '').trim()}"` });
      return undefined;
    }
    return value;
  }

  /** One of a fixed set of values, or undefined when blank. */
  choice<T extends string>(field: string, text: string | undefined, choices: readonly T[]): T | undefined {
    const t = (text ?? '').trim().toLowerCase();
    if (!t) return undefined;
    const hit = choices.find((c) => c === t);
    if (!hit) this.errors.push({ field, message: `expected one of ${choices.join(', ')}, got "${t}"` });
    return hit;
  }

  /** A value read by one of core's own parsers; its input error lands at the field. */
  parsed<T>(field: string, text: string | undefined, parse: (text: string) => T): T | undefined {
    const t = (text ?? '').trim();
    if (!t) return undefined;
    try {
      return parse(t);
    } catch (error) {
      if (!(error instanceof ClearboxError)) throw error;
      const where = error.where ? `${error.where}: ` : '';
      this.errors.push({ field, message: error.message.replace(where, '') });
      return undefined;
    }
  }
}

/**
 * Core's input errors name a CLI flag (`--count`), and the calculators' fields are named by their flag,
 * so an engine error lands at the field it is about. An error naming no field of the form (or naming
 * a flag the page maps elsewhere, per `aliases`) is shown for the whole form.
 */
export function fieldErrorFrom(
  error: unknown,
  fields: readonly string[],
  aliases: Record<string, string> = {},
): FieldError {
  if (error instanceof ClearboxError) {
    const flag = error.where?.replace(/^--/, '');
    const field =
      flag !== undefined ? (aliases[flag] ?? (fields.includes(flag) ? flag : undefined)) : undefined;
    if (field === undefined || error.where === undefined) return { field: 'form', message: error.message };
    return { field, message: error.message.replace(`${error.where}: `, '') };
  }
  throw error;
}

/** What the page needs of a zod schema: its safe parse and the issues' paths and messages. */
interface OptionsSchema {
  safeParse(value: unknown):
    | { success: true }
    | {
        success: false;
        error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> };
      };
}

/**
 * Every problem core's shared options schema finds (the one the CLI's flags and the HTTP API are checked
 * against), each at the field of the flag it names, so the page refuses exactly what the CLI refuses.
 */
export function schemaErrors(
  schema: OptionsSchema,
  options: unknown,
  flagOf: Readonly<Record<string, string>>,
  fields: readonly string[],
): FieldError[] {
  const result = schema.safeParse(options);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const path = issue.path.map(String);
    const flag = (flagOf[path.join('.')] ?? flagOf[path[0] ?? ''] ?? `--${path[0] ?? ''}`).replace(/^--/, '');
    return { field: fields.includes(flag) ? flag : 'form', message: issue.message };
  });
}
