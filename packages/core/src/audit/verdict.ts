import type { Figure } from '../figure/figure.ts';
import type { Source } from '../figure/source.ts';
import type { CheckKind } from './claim-schema.ts';

/**
 * - holds: the computed evidence agrees with the claim.
 * - holds-on-basis: true under one stated basis or assumption, not others (the explanation says which).
 * - misleading: the number is right but the comparison is not like for like.
 * - false: the evidence contradicts the claim.
 * - implausible: physically impossible, or far outside measured practice.
 * - unverifiable: the evidence needed is missing (the explanation names it).
 */
export const verdicts = [
  'holds',
  'holds-on-basis',
  'misleading',
  'false',
  'implausible',
  'unverifiable',
] as const;
export type Verdict = (typeof verdicts)[number];

/** What one check returns: the engine's decision and the evidence behind it. */
export interface CheckOutcome {
  verdict: Verdict;
  /** One paragraph in plain words. */
  explanation: string;
  figures: Figure[];
  /** Assumptions that, if different, would change the verdict. */
  assumptions: string[];
}

export interface ClaimResult extends CheckOutcome {
  id: string;
  kind: CheckKind;
  text: string;
  source: Source;
}
