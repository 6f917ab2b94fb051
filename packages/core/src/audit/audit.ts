import type { TextFile, ValidationIssue } from '../catalog/parse.ts';
import { ClearboxError } from '../errors/clearbox-error.ts';
import { createEstimator } from '../estimate/estimator.ts';
import { deviceSource } from '../estimate/peak.ts';
import { checkActivationRatio } from './checks/activation-ratio.ts';
import { checkCostRatio } from './checks/cost-ratio.ts';
import { checkFeasibility } from './checks/feasibility.ts';
import { checkHardwareRatio } from './checks/hardware-ratio.ts';
import { checkPriceChange } from './checks/price-change.ts';
import { checkPriceRatio } from './checks/price-ratio.ts';
import { checkThroughput } from './checks/throughput.ts';
import { checkTrainingCompute } from './checks/training-compute.ts';
import { checkTrainingCost } from './checks/training-cost.ts';
import type { Check } from './claim-schema.ts';
import type { AuditContext } from './context.ts';
import { parseClaims } from './parse-claims.ts';
import { type CheckOutcome, type ClaimResult, type Verdict, verdicts } from './verdict.ts';

export interface AuditReport {
  file: string;
  results: ClaimResult[];
  /** Problems with the input: each names file, line and field. Valid claims are evaluated regardless. */
  issues: ValidationIssue[];
  summary: Record<Verdict, number>;
}

/** Runs the check a claim names. */
export function runCheck(ctx: AuditContext, check: Check): CheckOutcome {
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
  }
}

/** Parses a claims file and checks every valid claim; invalid ones are listed in `issues`. */
export function auditClaims(ctx: AuditContext, file: TextFile): AuditReport {
  const parsed = parseClaims(file, ctx.catalog, [...ctx.disclosures.keys()]);
  const run: AuditContext =
    parsed.catalog === ctx.catalog
      ? ctx
      : { ...ctx, catalog: parsed.catalog, estimator: createEstimator(parsed.catalog) };
  const issues = [...parsed.issues];
  const results: ClaimResult[] = [];
  for (const { index, claim } of parsed.claims) {
    try {
      const outcome = runCheck(run, claim.check);
      results.push({
        id: claim.id,
        kind: claim.check.kind,
        text: claim.text,
        source: deviceSource(claim.source),
        ...outcome,
      });
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
