import { closestIds } from '../catalog/closest.ts';
import { NotFoundError } from '../errors/clearbox-error.ts';
import type { Figure } from '../figure/figure.ts';
import { BASIS_IDS, type BasisId } from './bases.ts';
import type { DisclosureReport } from './report.ts';

export interface DisclosureComparison {
  /** The basis compared, or every basis when none was chosen. */
  basis?: BasisId;
  bases: BasisId[];
  rows: Array<{
    id: string;
    model: string;
    status: string;
    completeness: number;
    flags: string[];
    /** By basis id: the total with its range, or null where the disclosure cannot give it. */
    totals: Partial<Record<BasisId, Figure | null>>;
  }>;
}

export function parseBasisId(text: string): BasisId {
  const hit = BASIS_IDS.find((b) => b === text);
  if (hit) return hit;
  throw new NotFoundError('basis', text, closestIds(text, [...BASIS_IDS]));
}

/** Like with like: the same bases of several disclosures side by side, a basis missing shown as such. */
export function compareDisclosures(
  reports: readonly DisclosureReport[],
  basis?: BasisId,
): DisclosureComparison {
  const bases = basis
    ? [basis]
    : BASIS_IDS.filter((id) => reports.some((r) => r.bases.some((b) => b.id === id)));
  const rows = reports.map((r) => {
    const totals: Partial<Record<BasisId, Figure | null>> = {};
    for (const id of bases) totals[id] = r.bases.find((b) => b.id === id)?.total ?? null;
    return {
      id: r.disclosure.id,
      model: r.disclosure.model,
      status: r.disclosure.status,
      completeness: r.completeness.score.value,
      flags: r.flags.map((f) => f.id),
      totals,
    };
  });
  if (basis) rows.sort((a, b) => (b.totals[basis]?.value ?? -1) - (a.totals[basis]?.value ?? -1));
  const out: DisclosureComparison = { bases, rows };
  if (basis) out.basis = basis;
  return out;
}
