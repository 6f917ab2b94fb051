import {
  ClearboxError,
  DEFAULT_DECIDE_TOP,
  type DecideResult,
  decide,
  decideOptionFlags,
  decideOptionsSchema,
  type Estimator,
  parseWorkload,
  type TextFile,
} from '@clearbox/core';
import type { FlagField, FlagValues } from '../estimate/flags.ts';
import { type FieldError, FormReader, schemaErrors } from '../estimate/form-errors.ts';

/** The workloads that ship in packages/core/data/workloads, bundled as text. */
const raw = import.meta.glob<string>('../../../core/data/workloads/*.{yaml,yml,json}', {
  query: '?raw',
  import: 'default',
  eager: true,
});

export function referenceWorkloads(): TextFile[] {
  return Object.keys(raw)
    .sort()
    .map((key) => ({ path: key.replace(/^(\.\.\/)+core\//, ''), text: raw[key] ?? '' }));
}

/** The controls of `clearbox decide WORKLOAD`: every flag but the output ones (--json, --out). */
export const decideFields: FlagField[] = [
  {
    flag: 'top',
    label: 'Self-hosting plans to list',
    help: `cheapest first; blank: ${DEFAULT_DECIDE_TOP}`,
  },
];

export interface DecidePageOptions {
  top?: number;
}

/** The options for what was typed, read and refused as the CLI reads them (core's shared schema). */
export function decideOptionsFrom(values: FlagValues): { options: DecidePageOptions; errors: FieldError[] } {
  const read = new FormReader();
  const options: DecidePageOptions = {};
  const top = read.number('top', values.top, 'whole');
  if (top !== undefined) options.top = top;
  if (read.errors.length) return { options, errors: read.errors };
  const fields = decideFields.map((f) => f.flag);
  return { options, errors: schemaErrors(decideOptionsSchema, options, decideOptionFlags, fields) };
}

export type DecideView =
  | { kind: 'empty' }
  | { kind: 'error'; where: string | undefined; message: string }
  | { kind: 'result'; result: DecideResult };

/**
 * `clearbox decide WORKLOAD` in the browser. The sensitivity table reruns the plan search six times,
 * too slow to redo on every pause in typing; the CLI and API give it.
 */
export function computeDecideView(
  estimator: Estimator,
  file: TextFile,
  options: DecidePageOptions = {},
): DecideView {
  if (file.text.trim() === '') return { kind: 'empty' };
  try {
    const workload = parseWorkload(file, estimator.catalog);
    return {
      kind: 'result',
      result: decide(estimator.catalog, estimator.efficiencies, workload, {
        top: options.top ?? DEFAULT_DECIDE_TOP,
        sensitivity: false,
      }),
    };
  } catch (error) {
    if (!(error instanceof ClearboxError)) throw error;
    return {
      kind: 'error',
      where: error.where,
      message: error.where ? error.message.replace(`${error.where}: `, '') : error.message,
    };
  }
}
