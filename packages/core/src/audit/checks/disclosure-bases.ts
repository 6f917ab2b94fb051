import type { Figure } from '../../figure/figure.ts';
import type { AuditContext } from '../context.ts';

export interface DisclosureRef {
  disclosure: string;
  basis: string;
  stages?: string[];
}

/**
 * The total of one accounting basis of a disclosure, in USD, as a Figure with its derivation; or the
 * reason it cannot be had. The Disclose pillar computes bases (packages/core/src/disclose/); this is
 * the one place the audit reaches into it.
 */
export function basisTotal(ctx: AuditContext, ref: DisclosureRef): Figure | string {
  if (!ctx.disclosures.has(ref.disclosure)) return `disclosure "${ref.disclosure}" was not supplied`;
  return 'the Disclose engine (accounting bases of a disclosure) is not part of this build yet';
}
