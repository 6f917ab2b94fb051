import type { FeatureFamily, FeatureId } from './log-features.ts';

/**
 * The score a unit is tested on, from its per-feature conformal p-values. Each feature contributes
 * c_j = -ln p_j (Fisher's evidence); the contributions are summed per family, H for harvest and A for
 * automation (log-features.ts), and
 *   S = H + A · min(1, H / c_max),   c_max = ln(n + 1), the most one feature can contribute against a
 *                                    calibration sample of n (its conformal p floor).
 * Automation corroborates extraction evidence but never creates it: an honest batch pipeline (one
 * private template, high volume, machine timing, no reasoning elicitation, short outputs) has A at the
 * floor of every automation feature and H near zero, so S stays with ordinary accounts; an account with
 * one harvest feature as extreme as the reference can show (a logit-bias sweep, say) counts its
 * automation in full. With the plain sum of every contribution, four automation features at their floor
 * were enough to flag any batch pipeline; with min(A, H) a lone sweeper, whose only harvest feature is
 * capped at c_max by its conformal floor, could no longer be flagged.
 * Any fixed function of the features is calibrated the same way (a conformal p against held-out
 * reference scores), so this choice changes power against alternatives, not the validity of p.
 */
export interface ScoredUnit {
  score: number;
  harvest: number;
  automation: number;
}

/** The weight of the automation evidence: min(1, H / c_max). */
export function automationWeight(harvest: number, maxContribution: number): number {
  return maxContribution > 0 ? Math.min(1, harvest / maxContribution) : 0;
}

export function extractionScore(
  pValues: readonly number[],
  families: readonly FeatureFamily[],
  maxContribution: number,
): ScoredUnit {
  let harvest = 0;
  let automation = 0;
  pValues.forEach((p, i) => {
    const c = -Math.log(p);
    if (families[i] === 'harvest') harvest += c;
    else automation += c;
  });
  return { score: harvest + automation * automationWeight(harvest, maxContribution), harvest, automation };
}

/** One feature's part in a unit's score: what drives a flag, for the explanation. */
export interface ScoreDriver {
  id: FeatureId;
  family: FeatureFamily;
  /** -ln p of the feature. */
  contribution: number;
  /** Its share of the unit's score: harvest features count fully, automation features by min(1, H/c_max). */
  share: number;
}

/** The features behind a score, largest share first, those with a share of at least 5%. */
export function scoreDrivers(
  ids: readonly FeatureId[],
  pValues: readonly number[],
  families: readonly FeatureFamily[],
  maxContribution: number,
): ScoreDriver[] {
  const s = extractionScore(pValues, families, maxContribution);
  if (!(s.score > 0)) return [];
  const weight = automationWeight(s.harvest, maxContribution);
  return ids
    .map((id, i) => {
      const contribution = -Math.log(pValues[i] as number);
      const family = families[i] as FeatureFamily;
      const counted = family === 'harvest' ? contribution : contribution * weight;
      return { id, family, contribution, share: counted / s.score };
    })
    .filter((d) => d.share >= 0.05)
    .sort((a, b) => b.share - a.share || a.id.localeCompare(b.id));
}
