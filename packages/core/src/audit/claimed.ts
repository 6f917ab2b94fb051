import { num } from './format.ts';

/** What a claim states: a number ("about 1%"), a range ("35-37%"), or a bound ("more than 60%"). */
export type Claimed = number | [number, number] | { atLeast: number } | { atMost: number };

/**
 * A point claim is read as "about x": it holds within ±10% unless the claim sets its own tolerance.
 * Ranges and bounds are read literally, with 0.5% of slack for rounding in the claim's last digit.
 */
export const DEFAULT_POINT_TOLERANCE = 0.1;
const ROUNDING_SLACK = 0.005;

export interface ClaimedMatch {
  holds: boolean;
  /** computed / claimed (nearest end of a range or the bound), 1 when it matches exactly. */
  factor: number;
}

function nearest(claimed: Claimed, value: number): number {
  if (typeof claimed === 'number') return claimed;
  if (Array.isArray(claimed)) return Math.min(Math.max(value, claimed[0]), claimed[1]);
  return 'atLeast' in claimed ? claimed.atLeast : claimed.atMost;
}

export function matchClaimed(
  claimed: Claimed,
  value: number,
  tolerance = DEFAULT_POINT_TOLERANCE,
): ClaimedMatch {
  const anchor = nearest(claimed, value);
  const factor = anchor === 0 ? (value === 0 ? 1 : Number.POSITIVE_INFINITY) : value / anchor;
  if (!Number.isFinite(value)) return { holds: false, factor };
  const slack = (x: number) => Math.abs(x) * ROUNDING_SLACK;
  let holds: boolean;
  if (typeof claimed === 'number') holds = Math.abs(value - claimed) <= Math.abs(claimed) * tolerance;
  else if (Array.isArray(claimed))
    holds = value >= claimed[0] - slack(claimed[0]) && value <= claimed[1] + slack(claimed[1]);
  else if ('atLeast' in claimed) holds = value >= claimed.atLeast - slack(claimed.atLeast);
  else holds = value <= claimed.atMost + slack(claimed.atMost);
  return { holds, factor };
}

/** The claim in words, e.g. "0.35–0.37", "≥ 0.6", "about 0.01 (±10%)". */
export function describeClaimed(
  claimed: Claimed,
  tolerance = DEFAULT_POINT_TOLERANCE,
  scale = 1,
  unit = '',
): string {
  const f = (x: number) => `${num(x * scale)}${unit}`;
  if (typeof claimed === 'number') return `about ${f(claimed)} (±${Math.round(tolerance * 100)}%)`;
  if (Array.isArray(claimed)) return `${f(claimed[0])}–${f(claimed[1])}`;
  return 'atLeast' in claimed ? `at least ${f(claimed.atLeast)}` : `at most ${f(claimed.atMost)}`;
}

/** A representative value of the claim (a range's middle), for figures that need one number. */
export function claimedValue(claimed: Claimed): number {
  if (typeof claimed === 'number') return claimed;
  if (Array.isArray(claimed)) return (claimed[0] + claimed[1]) / 2;
  return 'atLeast' in claimed ? claimed.atLeast : claimed.atMost;
}
