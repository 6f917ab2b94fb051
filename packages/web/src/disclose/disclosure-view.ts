import {
  ClearboxError,
  type DisclosureIssue,
  type DisclosureReport,
  type Estimator,
  evaluateDisclosure,
  parseDisclosureData,
  type TextFile,
  validateDisclosure,
} from '@clearbox/core';

/**
 * What the Disclose page shows for a text: a syntax error at its line, every schema problem at its
 * field (path and line), or the full report. Same engine calls as `clearbox disclose report`.
 */
export type DisclosureView =
  | { kind: 'empty' }
  | { kind: 'syntax'; where: string; line: number | undefined; message: string }
  | { kind: 'invalid'; issues: Array<DisclosureIssue & { line: number | undefined }> }
  | { kind: 'report'; report: DisclosureReport; data: unknown };

function lineOfWhere(where: string): number | undefined {
  const m = /:(\d+)(?::\d+)?$/.exec(where);
  return m?.[1] ? Number(m[1]) : undefined;
}

export function computeDisclosureView(
  estimator: Estimator,
  file: TextFile,
  options: { years?: number; seed?: number; draws?: number } = {},
): DisclosureView {
  if (file.text.trim() === '') return { kind: 'empty' };
  let parsed: ReturnType<typeof parseDisclosureData>;
  try {
    parsed = parseDisclosureData(file);
  } catch (error) {
    if (!(error instanceof ClearboxError)) throw error;
    const where = error.where ?? file.path;
    return {
      kind: 'syntax',
      where,
      line: lineOfWhere(where),
      message: error.message.replace(`${where}: `, ''),
    };
  }
  const result = validateDisclosure(parsed.data, file, parsed.lineOf);
  if (!result.success) {
    return { kind: 'invalid', issues: result.issues.map((i) => ({ ...i, line: lineOfWhere(i.where) })) };
  }
  try {
    return {
      kind: 'report',
      report: evaluateDisclosure(estimator.catalog, result.disclosure, { ...options, estimator }),
      data: parsed.data,
    };
  } catch (error) {
    // Valid by the schema but not resolvable (an unknown hardware id, a missing FX rate): still the author's to fix.
    if (!(error instanceof ClearboxError)) throw error;
    return {
      kind: 'invalid',
      issues: [
        {
          where: error.where ?? file.path,
          path: error.where ?? '(root)',
          message: error.message,
          line: undefined,
        },
      ],
    };
  }
}
