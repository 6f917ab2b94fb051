import {
  BASIS_IDS,
  type BasisId,
  compareDisclosures,
  type DisclosureComparison,
  type DisclosureReport,
  type Estimator,
  type TextFile,
} from '@clearbox/core';
import { computeDisclosureView } from './disclosure-view.ts';

/**
 * The Disclose page's comparison: the disclosure being edited (when it is valid) beside every reference
 * disclosure, on one basis or all — the same engine call as `clearbox disclose compare`.
 */
export function compareWithReferences(
  estimator: Estimator,
  current: DisclosureReport | undefined,
  references: readonly TextFile[],
  basis: BasisId | 'all',
  options: { years?: number; seed?: number } = {},
): DisclosureComparison {
  const reports: DisclosureReport[] = current ? [current] : [];
  for (const file of references) {
    const view = computeDisclosureView(estimator, file, options);
    if (view.kind === 'report' && view.report.disclosure.id !== current?.disclosure.id)
      reports.push(view.report);
  }
  return compareDisclosures(reports, basis === 'all' ? undefined : basis);
}

export const basisChoices: ReadonlyArray<BasisId | 'all'> = ['all', ...BASIS_IDS];
