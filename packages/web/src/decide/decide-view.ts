import {
  ClearboxError,
  type DecideResult,
  decide,
  type Estimator,
  parseWorkload,
  type TextFile,
} from '@clearbox/core';

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

export type DecideView =
  | { kind: 'empty' }
  | { kind: 'error'; where: string | undefined; message: string }
  | { kind: 'result'; result: DecideResult };

/**
 * `clearbox decide WORKLOAD` in the browser. The sensitivity table reruns the plan search six times,
 * too slow to redo on every pause in typing; the CLI and API give it.
 */
export function computeDecideView(estimator: Estimator, file: TextFile): DecideView {
  if (file.text.trim() === '') return { kind: 'empty' };
  try {
    const workload = parseWorkload(file, estimator.catalog);
    return {
      kind: 'result',
      result: decide(estimator.catalog, estimator.efficiencies, workload, { sensitivity: false }),
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
