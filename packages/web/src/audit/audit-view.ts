import {
  type AuditReport,
  auditClaims,
  auditContext,
  ClearboxError,
  type Estimator,
  type TextFile,
} from '@clearbox/core';

export type AuditView =
  | { kind: 'empty' }
  | { kind: 'error'; where: string | undefined; message: string }
  | { kind: 'report'; report: AuditReport };

/** The same call as `clearbox audit FILE`: every valid claim checked, every invalid one listed with file:line and field. */
export function computeAuditView(
  estimator: Estimator,
  disclosures: ReadonlyMap<string, TextFile>,
  file: TextFile,
): AuditView {
  if (file.text.trim() === '') return { kind: 'empty' };
  try {
    return {
      kind: 'report',
      report: auditClaims(auditContext(estimator.catalog, disclosures, estimator), file),
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
