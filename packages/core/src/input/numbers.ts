import { z } from 'zod';

/**
 * Number schemas with one wording for the CLI, the files and the API: a flag, a document field and
 * a request field that mean the same thing are refused the same way. JSON and YAML both turn 1e999
 * into Infinity; it is said to be not finite rather than echoed as null.
 */

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** The message for a value that is not a finite number. */
export function notFiniteMessage(value: unknown): string {
  if (value === undefined) return 'required';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'is not a number (NaN)';
    return `is not finite (${value > 0 ? '' : '-'}Infinity; 1e999 and the like overflow): give a finite number`;
  }
  return `expected a number, got ${shown(value)}`;
}

type Issue = { input?: unknown };

/** Any finite number. */
export const finiteNumber = () => z.number({ error: (i: Issue) => notFiniteMessage(i.input) });

/** Greater than zero: counts, sizes, prices that divide. */
export const positiveNumber = () =>
  finiteNumber().gt(0, { error: (i: Issue) => `must be greater than 0, got ${shown(i.input)}` });

/** Zero or more: prices, energy, emissions factors. */
export const nonNegativeNumber = () =>
  finiteNumber().min(0, { error: (i: Issue) => `must not be negative, got ${shown(i.input)}` });

/** A whole number of at least `min` (1 unless given). */
export const wholeNumber = (min = 1) =>
  finiteNumber()
    .int({ error: (i: Issue) => `expected a whole number, got ${shown(i.input)}` })
    .min(min, { error: (i: Issue) => `must be at least ${min}, got ${shown(i.input)}` });

/** A share in (0, 1]: utilization, MFU, efficiencies. */
export const fractionOfOne = () =>
  finiteNumber()
    .gt(0, { error: (i: Issue) => `expected a fraction above 0 and at most 1, got ${shown(i.input)}` })
    .max(1, { error: (i: Issue) => `expected a fraction above 0 and at most 1, got ${shown(i.input)}` });

/** A probability strictly between 0 and 1: q, alpha, gamma. */
export const openProbability = () =>
  finiteNumber()
    .gt(0, { error: (i: Issue) => `expected a number between 0 and 1 (exclusive), got ${shown(i.input)}` })
    .lt(1, { error: (i: Issue) => `expected a number between 0 and 1 (exclusive), got ${shown(i.input)}` });

/** A rate in [0, 1]. */
export const rate = () =>
  finiteNumber()
    .min(0, { error: (i: Issue) => `expected a rate from 0 to 1, got ${shown(i.input)}` })
    .max(1, { error: (i: Issue) => `expected a rate from 0 to 1, got ${shown(i.input)}` });

/** Power usage effectiveness: total facility power over IT power, so never below 1. */
export const pueNumber = () =>
  finiteNumber().min(1, {
    error: (i: Issue) => `PUE is facility power over IT power, at least 1, got ${shown(i.input)}`,
  });

/** A seed of the 32-bit generators: a whole number from 0 to 4294967295. */
export const seedNumber = () =>
  finiteNumber()
    .int({ error: (i: Issue) => `expected a whole number, got ${shown(i.input)}` })
    .min(0, { error: (i: Issue) => `expected a seed from 0 to 4294967295, got ${shown(i.input)}` })
    .max(0xffffffff, { error: (i: Issue) => `expected a seed from 0 to 4294967295, got ${shown(i.input)}` });
