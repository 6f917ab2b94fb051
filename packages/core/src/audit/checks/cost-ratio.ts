import { figure } from '../../figure/figure.ts';
import type { CheckOf, DisclosureSide } from '../claim-schema.ts';
import { type Claimed, claimedInterval, describeClaimed, matchClaimed } from '../claimed.ts';
import type { AuditContext } from '../context.ts';
import type { CheckOutcome } from '../verdict.ts';
import { claimedFigure, num } from './common.ts';
import { basisTotal, type DisclosureRef } from './disclosure-bases.ts';

const DEFAULT_BASIS = 'final-run-rental';

function refOf(side: DisclosureSide, basis: string): DisclosureRef | { unavailable: string } {
  if (typeof side === 'string') return { disclosure: side, basis };
  if ('unavailable' in side) return { unavailable: side.unavailable };
  const ref: DisclosureRef = { disclosure: side.disclosure, basis: side.basis ?? basis };
  if (side.stages) ref.stages = side.stages;
  return ref;
}

/** Whether the claim is compatible with some value in [low, high] (the disclosures' uncertainty range). */
function overlaps(claimed: Claimed, low: number, high: number, tolerance?: number): boolean {
  const [lo, hi] = claimedInterval(claimed, tolerance);
  return lo <= high && hi >= low;
}

function describe(ref: DisclosureRef): string {
  return `${ref.disclosure} on the ${ref.basis} basis${ref.stages ? ` (stages ${ref.stages.join(', ')})` : ''}`;
}

/** Ratio of two disclosures' costs on a basis (or one disclosure's cost in USD), via the Disclose engine. */
export function checkCostRatio(ctx: AuditContext, check: CheckOf<'cost-ratio'>): CheckOutcome {
  const basis = check.basis ?? DEFAULT_BASIS;
  const a = refOf(check.a, basis);
  const b = check.b === undefined ? undefined : refOf(check.b, basis);
  const missing: string[] = [];
  for (const side of [a, b]) if (side && 'unavailable' in side) missing.push(side.unavailable);
  if (missing.length > 0)
    return {
      verdict: 'unverifiable',
      explanation: `No disclosure covers what the claim compares: ${missing.join('; ')}. Without it there is nothing to compute the ratio from.`,
      figures: [],
      assumptions: [
        'A disclosure (clearbox disclose format) of the missing costs, by stage, would make the claim checkable.',
      ],
    };
  const ra = a as DisclosureRef;
  const ta = basisTotal(ctx, ra);
  const tb = b === undefined ? undefined : basisTotal(ctx, b as DisclosureRef);
  const reasons = [...new Set([ta, tb].filter((x): x is string => typeof x === 'string'))];
  if (reasons.length > 0)
    return {
      verdict: 'unverifiable',
      explanation: `The claim needs ${describe(ra)}${b ? ` and ${describe(b as DisclosureRef)}` : ''}, but ${reasons.join('; ')}.`,
      figures: [],
      assumptions: ['The verdict depends entirely on the disclosures and the basis named.'],
    };
  const fa = ta as Exclude<typeof ta, string>;
  const fb = tb as Exclude<typeof tb, string> | undefined;
  const value =
    fb === undefined
      ? fa
      : figure({
          name: 'costRatio',
          value: fa.value / fb.value,
          unit: 'ratio',
          formula: `${fa.name} / ${fb.name} (range: low of a over high of b, high of a over low of b)`,
          inputs: [fa, fb],
          ...(fa.low !== undefined && fb.high !== undefined ? { low: fa.low / fb.high } : {}),
          ...(fa.high !== undefined && fb.low !== undefined && fb.low > 0 ? { high: fa.high / fb.low } : {}),
        });
  const unit = tb === undefined ? 'USD' : 'ratio';
  const claimed = claimedFigure(
    tb === undefined ? 'claimedUsd' : 'claimedRatio',
    check.claimed,
    unit,
    check.tolerance,
  );
  const said = describeClaimed(check.claimed, check.tolerance);
  const match = matchClaimed(check.claimed, value.value, check.tolerance);
  const inRange =
    value.low !== undefined &&
    value.high !== undefined &&
    overlaps(check.claimed, value.low, value.high, check.tolerance);
  const head =
    tb === undefined
      ? `${describe(ra)} totals $${num(value.value)}${value.low !== undefined && value.high !== undefined ? ` ($${num(value.low)}–$${num(value.high)})` : ''}.`
      : `${describe(ra)} over ${describe(b as DisclosureRef)} is ${num(value.value)}${value.low !== undefined && value.high !== undefined ? ` (${num(value.low)}–${num(value.high)} over the disclosures' ranges)` : ''}.`;
  const figures = [value, claimed];
  const bases = [...new Set([ra.basis, ...(b ? [(b as DisclosureRef).basis] : [])])].join(' and ');
  const assumptions = [`The basis (${bases}): another accounting basis gives a different total.`];
  if (match.holds)
    return {
      verdict: 'holds',
      explanation: `${head} That matches the claimed ${said}.`,
      figures,
      assumptions,
      compared: value,
    };
  if (inRange)
    return {
      verdict: 'holds-on-basis',
      explanation: `${head} The claimed ${said} is within the disclosure's range but not at its central value.`,
      figures,
      assumptions: [...assumptions, 'Where in the uncertainty range the true cost lies.'],
      compared: value,
    };
  return {
    verdict: 'false',
    explanation: `${head} That is not the claimed ${said}.`,
    figures,
    assumptions,
    compared: value,
  };
}
