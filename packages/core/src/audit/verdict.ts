import type { Figure } from '../figure/figure.ts';
import type { Source } from '../figure/source.ts';
import type { CheckKind } from './claim-schema.ts';

/**
 * - holds: the computed evidence agrees with the claim.
 * - holds-on-basis: true under one stated basis or assumption, not others (the explanation says which).
 * - plausible: a measured result that the published measurements or the estimator at the same
 *   workload make credible; Clearbox cannot reproduce the measurement itself.
 * - misleading: the number is right but the comparison is not like for like, or the words promise
 *   more than the number delivers (the explanation names what the claim holds for).
 * - false: the evidence contradicts the claim.
 * - implausible: physically impossible, or far outside measured practice.
 * - unverifiable: the evidence needed is missing (the explanation names it).
 */
export const verdicts = [
  'holds',
  'holds-on-basis',
  'plausible',
  'misleading',
  'false',
  'implausible',
  'unverifiable',
] as const;
export type Verdict = (typeof verdicts)[number];

/**
 * What a claim is about. Claims about different quantities are never compared with each other: a
 * measured result is not checked against a spec-sheet ratio, nor a price against a cost.
 */
export const claimSubjects = [
  'peak-spec',
  'measured-performance',
  'price',
  'cost-on-basis',
  'training-compute',
  'architecture',
  'deployability',
] as const;
export type ClaimSubject = (typeof claimSubjects)[number];

export const subjectText: Record<ClaimSubject, string> = {
  'peak-spec': 'a peak specification (spec-sheet figures, not a measurement)',
  'measured-performance': 'measured performance on a workload',
  price: 'a price (list prices of named offers)',
  'cost-on-basis': 'a cost on an accounting basis',
  'training-compute': 'the compute of a training run',
  architecture: "a model's architecture",
  deployability: 'whether a model runs on given hardware, and how fast',
};

/**
 * Qualifiers a verdict carries beside its word, each with a sentence:
 * - consistent-with-source: the only evidence is the claim's own source (never a plain `holds`).
 * - vendor-scope: the figure is the vendor's, true only for the system and workload it names.
 * - hedge: the verdict depends on how a hedge word ("about", "nearly", ...) is read; see `sensitivity`.
 * - speed-stated: it runs, but at a speed the claim's words do not suggest (the speed is given).
 * - estimator-limit: the estimator cannot model what the claim needs (the explanation names it).
 */
export const qualifierIds = [
  'consistent-with-source',
  'vendor-scope',
  'hedge',
  'speed-stated',
  'estimator-limit',
] as const;
export type QualifierId = (typeof qualifierIds)[number];

export interface Qualifier {
  id: QualifierId;
  text: string;
}

/** What one check returns: the engine's decision and the evidence behind it. */
export interface CheckOutcome {
  verdict: Verdict;
  /** One paragraph in plain words. */
  explanation: string;
  figures: Figure[];
  /** Assumptions that, if different, would change the verdict. */
  assumptions: string[];
  /** Qualifiers beside the verdict (absent: none). */
  qualifiers?: Qualifier[];
  /** Sensitivity lines: how the verdict moves with the reading of the claim's words or numbers. */
  sensitivity?: string[];
  /** The computed figure the claim's number was compared with (for the sensitivity line). */
  compared?: Figure;
  /** Overrides the check kind's subject when one kind covers several (e.g. a vendor system claim). */
  subject?: ClaimSubject;
}

export interface ClaimResult extends Omit<CheckOutcome, 'qualifiers' | 'sensitivity' | 'subject'> {
  id: string;
  kind: CheckKind;
  text: string;
  source: Source;
  /** What the claim is about, and that in words. */
  about: { subject: ClaimSubject; text: string };
  qualifiers: Qualifier[];
  sensitivity: string[];
}
