import { z } from 'zod';
import { finiteNumber } from '../input/numbers.ts';
import { BASIS_IDS } from './bases.ts';
import { STAGES } from './schema.ts';

/**
 * The options of `clearbox disclose report`, `compare` and `import-focus` as the CLI flags, the HTTP
 * API and the web page give them: one schema each, so `--draws 5` and `{"draws": 5}` are refused with
 * the same words. The disclosure itself is a document, checked by the format's schema (schema.ts).
 */

type Issue = { input?: unknown };

/** A whole number from `min` to `max`, refused in the same words whichever bound it misses. */
const wholeBetween = (min: number, max: number, expected: string) => {
  const message = (i: Issue) => `expected ${expected}, got ${String(i.input)}`;
  return finiteNumber()
    .int({ error: (i: Issue) => `expected a whole number, got ${String(i.input)}` })
    .min(min, { error: message })
    .max(max, { error: message });
};

const years = wholeBetween(1, 50, '1 to 50 years').meta({
  description: "lifecycle horizon in years (--years; default the disclosure's lifecycleYears, else 3)",
});
const seed = wholeBetween(0, 0xffffffff, 'a seed from 0 to 4294967295').meta({
  description: 'Monte Carlo seed (--seed, default 1): the same seed gives byte-identical output',
});
const draws = wholeBetween(100, 1_000_000, '100 to 1,000,000 draws').meta({
  description: 'Monte Carlo draws (--draws, default 10000)',
});

/** DisclosureReportOptions as `clearbox disclose report` takes them. */
export const disclosureReportOptionsSchema = z.strictObject({
  years: years.optional(),
  seed: seed.optional(),
  draws: draws.optional(),
});

/** `clearbox disclose compare`: one basis (or all), the same horizon and seed for every file. */
export const disclosureCompareOptionsSchema = z.strictObject({
  basis: z.enum(BASIS_IDS).optional().meta({ description: 'compare one basis (--basis; default all)' }),
  years: years.optional(),
  seed: seed.optional(),
});

/** `clearbox disclose import-focus`: FocusImportOptions. */
export const focusImportOptionsSchema = z.strictObject({
  defaultStage: z
    .enum(STAGES)
    .optional()
    .meta({ description: 'stage of compute rows without an x_Stage column (--stage, default final-run)' }),
  modelName: z.string().min(1).optional().meta({ description: 'model name for the draft header (--model)' }),
});

export const disclosureOptionFlags: Record<string, string> = {
  years: '--years',
  seed: '--seed',
  draws: '--draws',
  basis: '--basis',
  defaultStage: '--stage',
  modelName: '--model',
};
