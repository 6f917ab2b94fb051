import { num } from './format.ts';

/**
 * The words claims hedge their numbers with, each read with a documented tolerance (docs/audit.md,
 * "Hedge words"). A claim may override a word's tolerance with the check's `tolerance`.
 * - about (approximately, around, roughly): within ±20% of x. A one-significant-figure number in
 *   prose ("about 1%") is rounded; ±20% is stricter than the ±50% its rounding would allow.
 * - nearly (almost, close to): within ±20% of x. In the strict sense "just under x"; the sensitivity
 *   line says when the verdict rests on the looser "close to" (translations, e.g. Chinese 近, use it so).
 * - over (more than, above, at least): at least x (0.5% rounding slack); no tolerance.
 * - up to (as much as): a best case, which holds when the best computed case reaches x within 10%.
 * - order of magnitude: within a factor √10 of x (10 means 3.2–32).
 */
export const hedges = ['about', 'nearly', 'over', 'up-to', 'order-of-magnitude'] as const;
export type Hedge = (typeof hedges)[number];

export const HEDGE_TOLERANCE: Record<Hedge, number> = {
  about: 0.2,
  nearly: 0.2,
  over: 0,
  'up-to': 0.1,
  // log10 half-width: a factor 10^0.5 either side.
  'order-of-magnitude': 0.5,
};

/** What a claim states: a number, a range ("35-37%"), a bound ("more than 60%") or a hedged number. */
export type Claimed =
  | number
  | [number, number]
  | { atLeast: number }
  | { atMost: number }
  | { value: number; hedge: Hedge };

/**
 * A bare number is a stated figure: it holds within ±10% unless the claim sets its own tolerance.
 * Ranges and bounds are read literally, with 0.5% of slack for rounding in the claim's last digit.
 */
export const DEFAULT_POINT_TOLERANCE = 0.1;
const ROUNDING_SLACK = 0.005;

export interface ClaimedMatch {
  holds: boolean;
  /** computed / claimed (nearest end of a range or the bound), 1 when it matches exactly. */
  factor: number;
}

function isHedged(claimed: Claimed): claimed is { value: number; hedge: Hedge } {
  return typeof claimed === 'object' && !Array.isArray(claimed) && 'hedge' in claimed;
}

/** The tolerance a hedged or bare number is read with: the claim's own, else the word's, else ±10%. */
export function toleranceOf(claimed: Claimed, tolerance?: number): number {
  if (tolerance !== undefined) return tolerance;
  return isHedged(claimed) ? HEDGE_TOLERANCE[claimed.hedge] : DEFAULT_POINT_TOLERANCE;
}

function nearest(claimed: Claimed, value: number): number {
  if (typeof claimed === 'number') return claimed;
  if (Array.isArray(claimed)) return Math.min(Math.max(value, claimed[0]), claimed[1]);
  if (isHedged(claimed)) return claimed.value;
  return 'atLeast' in claimed ? claimed.atLeast : claimed.atMost;
}

/** The tolerance a hedged or bare number would need to hold at `value` (relative, or log10 for orders of magnitude). */
export function neededTolerance(claimed: Claimed, value: number): number | undefined {
  if (Array.isArray(claimed) || !Number.isFinite(value)) return undefined;
  if (typeof claimed === 'number') return claimed === 0 ? undefined : Math.abs(value / claimed - 1);
  if (!isHedged(claimed) || claimed.value === 0) return undefined;
  const r = value / claimed.value;
  if (claimed.hedge === 'order-of-magnitude') return r > 0 ? Math.abs(Math.log10(r)) : undefined;
  if (claimed.hedge === 'over') return undefined;
  if (claimed.hedge === 'up-to') return r >= 1 ? 0 : 1 - r;
  return Math.abs(r - 1);
}

export function matchClaimed(claimed: Claimed, value: number, tolerance?: number): ClaimedMatch {
  const anchor = nearest(claimed, value);
  const factor = anchor === 0 ? (value === 0 ? 1 : Number.POSITIVE_INFINITY) : value / anchor;
  if (!Number.isFinite(value)) return { holds: false, factor };
  const slack = (x: number) => Math.abs(x) * ROUNDING_SLACK;
  const t = toleranceOf(claimed, tolerance);
  let holds: boolean;
  if (typeof claimed === 'number') holds = Math.abs(value - claimed) <= Math.abs(claimed) * t;
  else if (Array.isArray(claimed))
    holds = value >= claimed[0] - slack(claimed[0]) && value <= claimed[1] + slack(claimed[1]);
  else if (isHedged(claimed)) {
    const x = claimed.value;
    if (claimed.hedge === 'over') holds = value >= x - slack(x);
    else if (claimed.hedge === 'up-to') holds = value >= x * (1 - t);
    else if (claimed.hedge === 'order-of-magnitude')
      holds = x > 0 && value > 0 && Math.abs(Math.log10(value / x)) <= t;
    else holds = Math.abs(value - x) <= Math.abs(x) * t;
  } else if ('atLeast' in claimed) holds = value >= claimed.atLeast - slack(claimed.atLeast);
  else holds = value <= claimed.atMost + slack(claimed.atMost);
  return { holds, factor };
}

const hedgeWords: Record<Hedge, string> = {
  about: 'about',
  nearly: 'nearly',
  over: 'over',
  'up-to': 'up to',
  'order-of-magnitude': 'an order of magnitude',
};

function toleranceText(claimed: Claimed, t: number): string {
  if (isHedged(claimed) && claimed.hedge === 'order-of-magnitude') return `×/÷ ${num(10 ** t)}`;
  return `±${Math.round(t * 1000) / 10}%`;
}

/** The claim in words, e.g. "0.35–0.37", "≥ 0.6", "about 0.01 (±20%)". */
export function describeClaimed(claimed: Claimed, tolerance?: number, scale = 1, unit = ''): string {
  const f = (x: number) => `${num(x * scale)}${unit}`;
  const t = toleranceOf(claimed, tolerance);
  if (typeof claimed === 'number') return `${f(claimed)} (±${Math.round(t * 100)}%)`;
  if (Array.isArray(claimed)) return `${f(claimed[0])}–${f(claimed[1])}`;
  if (isHedged(claimed)) {
    const word = hedgeWords[claimed.hedge];
    if (claimed.hedge === 'over') return `over ${f(claimed.value)}`;
    if (claimed.hedge === 'order-of-magnitude')
      return `${word} (${f(claimed.value)}, ${toleranceText(claimed, t)})`;
    if (claimed.hedge === 'up-to')
      return `up to ${f(claimed.value)} (a best case, within ${Math.round(t * 100)}%)`;
    return `${word} ${f(claimed.value)} (${toleranceText(claimed, t)})`;
  }
  return 'atLeast' in claimed ? `at least ${f(claimed.atLeast)}` : `at most ${f(claimed.atMost)}`;
}

/** A representative value of the claim (a range's middle), for figures that need one number. */
export function claimedValue(claimed: Claimed): number {
  if (typeof claimed === 'number') return claimed;
  if (Array.isArray(claimed)) return (claimed[0] + claimed[1]) / 2;
  if (isHedged(claimed)) return claimed.value;
  return 'atLeast' in claimed ? claimed.atLeast : claimed.atMost;
}

/**
 * The sensitivity line of a verdict: how far the claim's number is from the value it was compared
 * with, as the tolerance its reading would need, e.g. "holds if 'about' allows ±15.3% (read as ±20%)".
 * Undefined for ranges and plain bounds, which are read literally.
 */
export function sensitivityLine(claimed: Claimed, value: number, tolerance?: number): string | undefined {
  const need = neededTolerance(claimed, value);
  if (need === undefined) return undefined;
  const t = toleranceOf(claimed, tolerance);
  const word = isHedged(claimed) ? `'${hedgeWords[claimed.hedge]}'` : 'the stated figure';
  const own = tolerance !== undefined ? "the claim's own tolerance" : 'the hedge table';
  const holds = need <= t + 1e-12;
  const needText = toleranceText(claimed, need);
  const readText = toleranceText(claimed, t);
  let line = holds
    ? `holds if ${word} allows ${needText} (${own} reads ${readText})`
    : `would hold only if ${word} allowed ${needText} (${own} reads ${readText})`;
  if (isHedged(claimed) && claimed.hedge === 'nearly' && value > claimed.value)
    line += `; in the strict sense of 'nearly' (just under ${num(claimed.value)}) it does not hold, as ${num(value)} is above`;
  if (isHedged(claimed) && claimed.hedge === 'up-to')
    line = holds
      ? `the best case computed (${num(value)}) reaches the 'up to' figure within ${readText}`
      : `the best case computed (${num(value)}) falls short of the 'up to' figure by ${needText} (allowed ${readText})`;
  return line;
}

/** The values the claim accepts, as [low, high] (either end may be infinite). */
export function claimedInterval(claimed: Claimed, tolerance?: number): [number, number] {
  const t = toleranceOf(claimed, tolerance);
  const around = (x: number, r: number): [number, number] => {
    const a = x * (1 - r);
    const b = x * (1 + r);
    return [Math.min(a, b), Math.max(a, b)];
  };
  if (typeof claimed === 'number') return around(claimed, t);
  if (Array.isArray(claimed)) return [claimed[0], claimed[1]];
  if (isHedged(claimed)) {
    const x = claimed.value;
    if (claimed.hedge === 'over') return [x, Number.POSITIVE_INFINITY];
    if (claimed.hedge === 'up-to') return [x * (1 - t), Number.POSITIVE_INFINITY];
    if (claimed.hedge === 'order-of-magnitude') return [x / 10 ** t, x * 10 ** t];
    return around(x, t);
  }
  return 'atLeast' in claimed
    ? [claimed.atLeast, Number.POSITIVE_INFINITY]
    : [Number.NEGATIVE_INFINITY, claimed.atMost];
}
