import { findPrice } from '../../catalog/catalog.ts';
import type { Figure } from '../../figure/figure.ts';
import type { CheckOf, PriceSide } from '../claim-schema.ts';
import { claimedValue, describeClaimed, matchClaimed, sensitivityLine } from '../claimed.ts';
import type { AuditContext } from '../context.ts';
import type { CheckOutcome } from '../verdict.ts';
import { claimedFigure, num, pct } from './common.ts';
import { DEFAULT_BLEND_WEIGHT, priceRatio } from './price-functions.ts';
import { supersedingPrice } from './superseded.ts';

const LIKE_SIDES: PriceSide[] = ['input', 'output', 'blended'];

function show(x: number): string {
  return x < 0.1 ? `${pct(x)} (1/${num(1 / x)})` : `${num(x)}×`;
}

/** Price a / price b in USD (each converted at its own date), on the claim's sides and on the others. */
export function checkPriceRatio(ctx: AuditContext, check: CheckOf<'price-ratio'>): CheckOutcome {
  const a = findPrice(ctx.catalog, check.a.price);
  const b = findPrice(ctx.catalog, check.b.price);
  const w = check.blendWeight ?? DEFAULT_BLEND_WEIGHT;
  const sameSide = check.a.side === check.b.side;
  const primary: Figure = priceRatio(
    ctx.catalog,
    { price: a.id, side: check.a.side },
    { price: b.id, side: check.b.side },
    check.a.side,
    w,
  );
  const claimed = claimedFigure('claimedRatio', check.claimed, 'ratio', check.tolerance);
  const said =
    claimedValue(check.claimed) < 1
      ? describeClaimed(check.claimed, check.tolerance, 100, '%')
      : describeClaimed(check.claimed, check.tolerance);
  const holdsAt = (x: Figure) => matchClaimed(check.claimed, x.value, check.tolerance).holds;
  const alternatives = LIKE_SIDES.filter((s) => !(sameSide && s === check.a.side)).map((s) => ({
    side: s,
    ratio: priceRatio(ctx.catalog, a.id, b.id, s, w),
  }));
  const figures = [primary, ...alternatives.map((x) => x.ratio), claimed];
  const dates = `${a.id} (${a.currency}, from ${a.effective}) against ${b.id} (${b.currency}, from ${b.effective})`;
  const sides = sameSide ? `${check.a.side} prices` : `${check.a.side} price against ${check.b.side} price`;
  const altText = alternatives.map((x) => `${show(x.ratio.value)} on ${x.side}`).join(', ');
  const head = `Comparing ${dates} on ${sides}: ${show(primary.value)}${altText ? `; ${altText}` : ''}.`;
  const assumptions = [
    "List prices in USD, converted at the catalog rate of each price's own effective date.",
    `Blended = ${w} × input + ${num(1 - w)} × output (share of input tokens).`,
    'Price per token says nothing about quality: the two models need not be comparable.',
  ];
  const stale =
    supersedingPrice(ctx.catalog, b.id, a.effective) ?? supersedingPrice(ctx.catalog, a.id, b.effective);
  if (holdsAt(primary) && !sameSide)
    return {
      verdict: 'misleading',
      explanation: `${head} The claimed ${said} holds only by setting one model's ${check.a.side} price against the other's ${check.b.side} price, which is not like for like.`,
      figures,
      assumptions,
    };
  if (holdsAt(primary) && stale)
    return {
      verdict: 'misleading',
      explanation: `${head} The claimed ${said} matches, but it uses a price that had been replaced by ${stale.id} (from ${stale.effective}) by the date of the other price.`,
      figures,
      assumptions,
    };
  const failing = alternatives.filter((x) => !holdsAt(x.ratio));
  const matching = alternatives.filter((x) => holdsAt(x.ratio));
  // The claim's own reading (its side, or the blend when it names none) decides; the other sides are
  // how the verdict would move if the claim meant them, so they become sensitivity lines.
  const otherSides = alternatives.map(
    (x) =>
      `on ${x.side} prices alone the ratio is ${show(x.ratio.value)}: the claim ${holdsAt(x.ratio) ? 'also holds' : 'would not hold'} there`,
  );
  const primaryLine = sensitivityLine(check.claimed, primary.value, check.tolerance);
  const sensitivity = [...(primaryLine ? [primaryLine] : []), ...otherSides];
  if (holdsAt(primary))
    return {
      verdict: 'holds',
      explanation: `${head} The claimed ${said} holds on ${sides}${failing.length === 0 ? ' and on every other side' : `, the claim's reading; not on ${failing.map((x) => x.side).join(' or ')} alone`}.`,
      figures,
      assumptions,
      compared: primary,
      sensitivity,
    };
  if (matching.length > 0)
    return {
      verdict: 'holds-on-basis',
      explanation: `${head} The claimed ${said} holds only on ${matching.map((x) => `${x.side} prices`).join(' and ')}, not on ${sides}.`,
      figures,
      compared: primary,
      sensitivity,
      assumptions: [
        ...assumptions,
        'Which side of the price list (input, output or a blend) the comparison means.',
      ],
    };
  return {
    verdict: 'false',
    explanation: `${head} None of these is the claimed ${said}.`,
    figures,
    assumptions,
    compared: primary,
    sensitivity,
  };
}
