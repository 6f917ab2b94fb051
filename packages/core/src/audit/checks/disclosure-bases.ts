import type { TextFile } from '../../catalog/parse.ts';
import { parseDisclosure } from '../../disclose/parse.ts';
import { type DisclosureReport, evaluateDisclosure } from '../../disclose/report.ts';
import { type Figure, figure } from '../../figure/figure.ts';
import type { AuditContext } from '../context.ts';

export interface DisclosureRef {
  disclosure: string;
  basis: string;
  stages?: string[];
}

/** Disclosure reports are pure functions of their file: evaluate each file once per process. */
const reports = new WeakMap<TextFile, DisclosureReport>();

function reportOf(ctx: AuditContext, file: TextFile): DisclosureReport {
  let report = reports.get(file);
  if (!report) {
    report = evaluateDisclosure(ctx.catalog, parseDisclosure(file), { estimator: ctx.estimator });
    reports.set(file, report);
  }
  return report;
}

/**
 * The total of one accounting basis of a disclosure (optionally only some stages), in USD, as a
 * Figure with its derivation; or the reason it cannot be had. The Disclose engine computes the bases.
 */
export function basisTotal(ctx: AuditContext, ref: DisclosureRef): Figure | string {
  const file = ctx.disclosures.get(ref.disclosure);
  if (!file) return `disclosure "${ref.disclosure}" was not supplied`;
  const report = reportOf(ctx, file);
  const basis = report.bases.find((b) => b.id === ref.basis);
  if (!basis) {
    const unavailable = report.unavailableBases.find((b) => b.id === ref.basis);
    if (unavailable) return `${ref.disclosure} has no ${ref.basis} basis: ${unavailable.reason}`;
    return `${ref.disclosure} has no basis "${ref.basis}" (it has: ${report.bases.map((b) => b.id).join(', ')})`;
  }
  if (!ref.stages) return basis.total;
  const parts = basis.stages.filter((s) => ref.stages?.includes(s.stage));
  if (parts.length === 0)
    return `${ref.disclosure}'s ${ref.basis} basis has none of the stages ${ref.stages.join(', ')} (it has: ${basis.stages.map((s) => s.stage).join(', ')})`;
  return figure({
    name: `${ref.disclosure}.${ref.basis}[${ref.stages.join('+')}]`,
    value: parts.reduce((s, p) => s + p.total.value, 0),
    unit: 'USD',
    formula: `Σ of stages ${ref.stages.join(', ')} on the ${basis.label} basis`,
    inputs: parts.map((p) => p.total),
  });
}
