import { z } from 'zod';
import { wholeNumber } from '../input/numbers.ts';

/**
 * The options of `clearbox decide` as the CLI flags, the HTTP API and the web page give them: one
 * schema, so `--top 0` and `{"top": 0}` are refused with the same words. The workload is a document,
 * checked by its own schema (workload.ts).
 */
export const decideOptionsSchema = z.strictObject({
  top: wholeNumber()
    .optional()
    .meta({ example: 5, description: 'self-hosting plans to list, cheapest first (--top, default 5)' }),
});

export type DecideCommandOptions = z.output<typeof decideOptionsSchema>;

/** The CLI flag of each option, so a refused value names what the user typed. */
export const decideOptionFlags: Record<string, string> = { top: '--top' };

/** What a blank `--top` means. */
export const DEFAULT_DECIDE_TOP = 5;
