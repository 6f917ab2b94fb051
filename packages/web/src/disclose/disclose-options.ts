import {
  BASIS_IDS,
  type BasisId,
  disclosureCompareOptionsSchema,
  disclosureOptionFlags,
  disclosureReportOptionsSchema,
  type FocusImportOptions,
  focusImportOptionsSchema,
  STAGES,
} from '@clearbox/core';
import type { FlagField, FlagValues } from '../estimate/flags.ts';
import { type FieldError, FormReader, schemaErrors } from '../estimate/form-errors.ts';

/**
 * The Disclose page's controls are the flags of `clearbox disclose report`, `compare` and
 * `import-focus` (output flags aside), read and refused as the CLI reads them: core's shared schemas.
 */

/** `clearbox disclose report FILE`: the horizon and the Monte Carlo. */
export const reportFields: FlagField[] = [
  {
    flag: 'years',
    label: 'Lifecycle horizon (years)',
    help: '1–50; blank: the disclosure’s lifecycleYears, else 3',
  },
  { flag: 'seed', label: 'Monte Carlo seed', help: 'the same seed gives the same ranges; blank: 1' },
  { flag: 'draws', label: 'Monte Carlo draws', help: '100–1,000,000; blank: 10000' },
];

/** `clearbox disclose compare FILES...`: one basis or all, with the report's horizon and seed. */
export const compareFields: FlagField[] = [
  {
    flag: 'basis',
    label: 'Accounting basis',
    choices: [
      { value: '', label: 'every basis (default)' },
      ...BASIS_IDS.map((b) => ({ value: b, label: b })),
    ],
  },
];

/** `clearbox disclose import-focus BILL.csv`. */
export const focusFields: FlagField[] = [
  {
    flag: 'stage',
    label: 'Stage of compute rows',
    help: 'for rows without an x_Stage column',
    choices: [{ value: '', label: 'default (final-run)' }, ...STAGES.map((s) => ({ value: s, label: s }))],
  },
  { flag: 'model', label: 'Model name (draft header)', help: 'blank: a placeholder to fill in' },
];

export interface DiscloseReportPageOptions {
  years?: number;
  seed?: number;
  draws?: number;
}

const names = (fields: readonly FlagField[]) => fields.map((f) => f.flag);

/** `--years`, `--seed`, `--draws` as `clearbox disclose report` reads them. */
export function reportOptionsFrom(values: FlagValues): {
  options: DiscloseReportPageOptions;
  errors: FieldError[];
} {
  const read = new FormReader();
  const options: DiscloseReportPageOptions = {};
  const years = read.number('years', values.years, 'whole');
  if (years !== undefined) options.years = years;
  const seed = read.number('seed', values.seed, 'whole');
  if (seed !== undefined) options.seed = seed;
  const draws = read.number('draws', values.draws, 'whole');
  if (draws !== undefined) options.draws = draws;
  if (read.errors.length) return { options, errors: read.errors };
  return {
    options,
    errors: schemaErrors(disclosureReportOptionsSchema, options, disclosureOptionFlags, names(reportFields)),
  };
}

/** `--basis` as `clearbox disclose compare` reads it; the horizon and seed are the report's. */
export function compareOptionsFrom(values: FlagValues): {
  basis: BasisId | undefined;
  errors: FieldError[];
} {
  const read = new FormReader();
  const basis = read.choice('basis', values.basis, BASIS_IDS);
  if (read.errors.length) return { basis, errors: read.errors };
  const options = basis === undefined ? {} : { basis };
  return {
    basis,
    errors: schemaErrors(
      disclosureCompareOptionsSchema,
      options,
      disclosureOptionFlags,
      names(compareFields),
    ),
  };
}

/** `--stage`, `--model` as `clearbox disclose import-focus` reads them. */
export function focusOptionsFrom(values: FlagValues): { options: FocusImportOptions; errors: FieldError[] } {
  const read = new FormReader();
  const options: FocusImportOptions = {};
  const stage = read.choice('stage', values.stage, STAGES);
  if (stage !== undefined) options.defaultStage = stage;
  const model = values.model?.trim();
  if (model) options.modelName = model;
  if (read.errors.length) return { options, errors: read.errors };
  return {
    options,
    errors: schemaErrors(focusImportOptionsSchema, options, disclosureOptionFlags, names(focusFields)),
  };
}
