import type { TextFile, ValidationIssue } from '../catalog/parse.ts';
import { ClearboxError } from '../errors/clearbox-error.ts';
import { createEstimator } from '../estimate/estimator.ts';
import { deviceSource } from '../estimate/peak.ts';
import type { Source } from '../figure/source.ts';
import { checkActivationRatio } from './checks/activation-ratio.ts';
import { checkCostRatio } from './checks/cost-ratio.ts';
import { checkFeasibility } from './checks/feasibility.ts';
import { checkHardwareRatio } from './checks/hardware-ratio.ts';
import { onlyClaimSource } from './checks/independence.ts';
import { checkMeasuredPerformance } from './checks/measured-performance.ts';
import { checkPriceChange } from './checks/price-change.ts';
import { checkPriceRatio } from './checks/price-ratio.ts';
import { checkThroughput } from './checks/throughput.ts';
import { checkTrainingCompute } from './checks/training-compute.ts';
import { checkTrainingCost } from './checks/training-cost.ts';
import { checkTrainingFlops } from './checks/training-flops.ts';
import { type Check, checkSubject } from './claim-schema.ts';
import {
  type Claimed,
  DEFAULT_POINT_TOLERANCE,
  neededTolerance,
  sensitivityLine,
  toleranceOf,
} from './claimed.ts';
import type { AuditContext } from './context.ts';
import { parseClaims } from './parse-claims.ts';
import {
  type CheckOutcome,
  type ClaimResult,
  type Qualifier,
  subjectText,
  type Verdict,
  verdicts,
} from './verdict.ts';

export interface AuditReport {
  file: string;
  results: ClaimResult[];
  /** Problems with the input: each names file, line and field. Valid claims are evaluated regardless. */
  issues: ValidationIssue[];
  summary: Record<Verdict, number>;
}

/** Where a claim comes from: its own source and the estimate it repeats, if any (for independence). */
export interface ClaimOrigin {
  source: Source;
  basedOn?: Source;
}

/** Runs the check a claim names; `origin` lets a check tell independent evidence from the claim's own source. */
export function runCheck(ctx: AuditContext, check: Check, origin?: ClaimOrigin): CheckOutcome {
  return withIndependence(checkOutcome(ctx, check), origin);
}

/**
 * Evidence that rests only on the claim's own source (or the estimate it repeats) shows the claim is
 * consistent with that source, never that it holds: a `holds` becomes `holds-on-basis` with the
 * `consistent-with-source` qualifier. Shared by every check, through the figure each one compared.
 */
function withIndependence(outcome: CheckOutcome, origin: ClaimOrigin | undefined): CheckOutcome {
  if (outcome.verdict !== 'holds' || !outcome.compared) return outcome;
  const own = onlyClaimSource(outcome.compared, origin);
  if (!own) return outcome;
  return {
    ...outcome,
    verdict: 'holds-on-basis',
    explanation: `${outcome.explanation} The only evidence is the claim's own source (${own.title}): the claim is consistent with its source, not independently verified.`,
    assumptions: [...outcome.assumptions, `That ${own.title} is right: no independent figure was found.`],
    qualifiers: [
      ...(outcome.qualifiers ?? []),
      { id: 'consistent-with-source', text: `the only evidence is the claim's own source (${own.title})` },
    ],
  };
}

function checkOutcome(ctx: AuditContext, check: Check): CheckOutcome {
  switch (check.kind) {
    case 'training-cost':
      return checkTrainingCost(ctx, check);
    case 'training-compute':
      return checkTrainingCompute(ctx, check);
    case 'activation-ratio':
      return checkActivationRatio(ctx, check);
    case 'price-ratio':
      return checkPriceRatio(ctx, check);
    case 'price-change':
      return checkPriceChange(ctx, check);
    case 'hardware-ratio':
      return checkHardwareRatio(ctx, check);
    case 'feasibility':
      return checkFeasibility(ctx, check);
    case 'throughput':
      return checkThroughput(ctx, check);
    case 'cost-ratio':
      return checkCostRatio(ctx, check);
    case 'measured-performance':
      return checkMeasuredPerformance(ctx, check);
    case 'training-flops':
      return checkTrainingFlops(ctx, check);
  }
}

/** The number a check compares with its computed figure (the claim's main number). */
function claimedOf(check: Check): { claimed: Claimed; tolerance?: number } | undefined {
  const c = check as { claimed?: Claimed; claimedUsd?: Claimed; claimedRatio?: Claimed; tolerance?: number };
  const claimed = c.claimed ?? c.claimedUsd ?? c.claimedRatio;
  if (claimed === undefined) return undefined;
  return c.tolerance === undefined ? { claimed } : { claimed, tolerance: c.tolerance };
}

/** A check's outcome as a result: what the claim is about, its qualifiers and sensitivity lines. */
export function claimResult(
  claim: { id: string; text: string; source: Parameters<typeof deviceSource>[0] },
  check: Check,
  outcome: CheckOutcome,
): ClaimResult {
  const { qualifiers, sensitivity, subject, ...rest } = outcome;
  const lines = [...(sensitivity ?? [])];
  const stated = claimedOf(check);
  if (lines.length === 0 && stated && outcome.compared) {
    const line = sensitivityLine(stated.claimed, outcome.compared.value, stated.tolerance);
    if (line) lines.push(line);
  }
  const q: Qualifier[] = [...(qualifiers ?? [])];
  // The verdict rests on the hedge word when the claim holds only by its wider reading (a bare
  // figure's ±10% would not do).
  const hedged = stated && typeof stated.claimed === 'object' && 'hedge' in stated.claimed;
  const need =
    stated && outcome.compared ? neededTolerance(stated.claimed, outcome.compared.value) : undefined;
  if (
    hedged &&
    stated &&
    need !== undefined &&
    need > DEFAULT_POINT_TOLERANCE &&
    need <= toleranceOf(stated.claimed, stated.tolerance) &&
    !q.some((x) => x.id === 'hedge')
  )
    q.push({
      id: 'hedge',
      text: 'the verdict rests on how the hedge word is read (see the sensitivity line): a bare figure would not hold',
    });
  const about = subject ?? checkSubject[check.kind];
  return {
    id: claim.id,
    kind: check.kind,
    text: claim.text,
    source: deviceSource(claim.source),
    about: { subject: about, text: subjectText[about] },
    ...rest,
    qualifiers: q,
    sensitivity: lines,
  };
}

/** Parses a claims file and checks every valid claim; invalid ones are listed in `issues`. */
export function auditClaims(ctx: AuditContext, file: TextFile): AuditReport {
  const parsed = parseClaims(file, ctx.catalog, [...ctx.disclosures.keys()]);
  const run: AuditContext =
    parsed.catalog === ctx.catalog
      ? ctx
      : parsed.catalog.devices.length === ctx.catalog.devices.length
        ? // Only API prices were added: the estimator's calibration does not read them.
          { ...ctx, catalog: parsed.catalog }
        : {
            ...ctx,
            catalog: parsed.catalog,
            // Refitted on the claims' catalog from the same measurements, read only if a fit needs them.
            estimator: createEstimator(parsed.catalog, () => ctx.estimator.calibration),
          };
  const issues = [...parsed.issues];
  const results: ClaimResult[] = [];
  for (const { index, claim } of parsed.claims) {
    try {
      const origin: ClaimOrigin = { source: deviceSource(claim.source) };
      if (claim.basedOn) origin.basedOn = deviceSource(claim.basedOn);
      results.push(claimResult(claim, claim.check, runCheck(run, claim.check, origin)));
    } catch (error) {
      if (!(error instanceof ClearboxError)) throw error;
      issues.push({
        where: `${file.path} claims[${index}].check (entry "${claim.id}")`,
        message: error.message,
      });
    }
  }
  const summary = Object.fromEntries(
    verdicts.map((v) => [v, results.filter((r) => r.verdict === v).length]),
  ) as Record<Verdict, number>;
  return { file: file.path, results, issues, summary };
}
