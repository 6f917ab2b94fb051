import { ClearboxError } from '@clearbox/core';
import { parseHumanNumber } from '../format.ts';

/** An error a person can fix, shown beside the control it is about. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * Turns what a person typed into engine options, collecting every problem with the field it is about,
 * so the form shows each beside its control instead of one error for the whole form.
 */
export class FormReader {
  readonly errors: FieldError[] = [];

  /** A number, or undefined when the field is blank (the engine's default applies). */
  number(
    field: string,
    text: string,
    check: 'positive' | 'integer' | 'fraction' = 'positive',
  ): number | undefined {
    const value = parseHumanNumber(text);
    if (value === undefined) return undefined;
    const ok =
      Number.isFinite(value) &&
      (check === 'fraction'
        ? value > 0 && value <= 1
        : check === 'integer'
          ? Number.isInteger(value) && value >= 1
          : value > 0);
    if (!ok) {
      const expected = {
        positive: 'a positive number',
        integer: 'a whole number of at least 1',
        fraction: 'a fraction between 0 and 1',
      }[check];
      this.errors.push({ field, message: `expected ${expected}, got "${text.trim()}"` });
      return undefined;
    }
    return value;
  }
}

/**
 * Core's input errors name a CLI flag (`--count`); the form knows which of its fields that flag is.
 * An error without a matching field is shown for the whole form.
 */
export function fieldErrorFrom(error: unknown, flagToField: Record<string, string>): FieldError {
  if (error instanceof ClearboxError) {
    const field = (error.where && flagToField[error.where]) ?? 'form';
    const message =
      error.where && flagToField[error.where] ? error.message.replace(`${error.where}: `, '') : error.message;
    return { field, message };
  }
  throw error;
}
