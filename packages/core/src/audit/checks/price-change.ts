import { findPrice } from '../../catalog/catalog.ts';
import type { Figure } from '../../figure/figure.ts';
import type { CheckOf, PriceSide } from '../claim-schema.ts';
import { describeClaimed, matchClaimed } from '../claimed.ts';
import type { AuditContext } from '../context.ts';
import type { CheckOutcome } from '../verdict.ts';
import { claimedFigure, pct } from './common.ts';
import { DEFAULT_BLEND_WEIGHT, priceChange } from './price-functions.ts';
import { supersedingPrice } from './superseded.ts';

const LIKE_SIDES: PriceSide[] = ['input', 'output', 'blended'];

function signed(x: number): string {
  return `${x > 0 ? '+' : x < 0 ? '−' : '±'}${pct(Math.abs(x))}`;
}

/**
 * Fractional change from one price to another. A change measured from a price that had already been
 * replaced when the new one took effect (o1-mini's launch price against o3-mini, the day o1-mini was
 * cut to match) is right in number and misleading in comparison.
 */
export function checkPriceChange(ctx: AuditContext, check: CheckOf<'price-change'>): CheckOutcome {
  const from = findPrice(ctx.catalog, check.from);
  const to = findPrice(ctx.catalog, check.to);
  const w = check.blendWeight ?? DEFAULT_BLEND_WEIGHT;
  const primary = priceChange(ctx.catalog, from.id, to.id, check.side, w);
  const claimed = claimedFigure('claimedChange', check.claimed, 'fraction', check.tolerance);
  const said = describeClaimed(check.claimed, check.tolerance, 100, '%');
  const holdsAt = (x: Figure) => matchClaimed(check.claimed, x.value, check.tolerance).holds;
  // A later entry of the billed model that starts with `to` is `to` itself (a repricing of one model),
  // not a price the comparison skipped.
  const later = supersedingPrice(ctx.catalog, from.id, to.effective);
  const current =
    later &&
    later.provider === to.provider &&
    later.apiModel === to.apiModel &&
    later.effective >= to.effective
      ? undefined
      : later;
  const currentChange = current ? priceChange(ctx.catalog, current.id, to.id, check.side, w) : undefined;
  if (currentChange) currentChange.name = `priceChange(${check.side}, vs ${current?.id})`;
  const alternatives = LIKE_SIDES.filter((s) => s !== check.side).map((s) => ({
    side: s,
    change: priceChange(ctx.catalog, from.id, to.id, s, w),
  }));
  const figures = [
    primary,
    ...(currentChange ? [currentChange] : []),
    ...alternatives.map((x) => x.change),
    claimed,
  ];
  const head = `From ${from.id} (from ${from.effective}) to ${to.id} (from ${to.effective}), the ${check.side} price changes ${signed(primary.value)}.`;
  const currentText =
    current && currentChange
      ? ` But ${from.apiModel} had been repriced by then (${current.id}, from ${current.effective}): against the price in effect when ${to.id} took effect, the change is ${signed(currentChange.value)}.`
      : '';
  const assumptions = [
    "Prices in USD at the catalog's rate of each price's own date.",
    'List prices; promotions, caching and batch discounts are separate entries.',
  ];
  if (holdsAt(primary) && currentChange && !holdsAt(currentChange))
    return {
      verdict: 'misleading',
      explanation: `${head} That matches the claimed ${said}.${currentText} The comparison is against a price nobody paid any more.`,
      figures,
      assumptions: [
        ...assumptions,
        `Against ${from.id}'s price the claim holds; against ${current?.id}'s it does not.`,
      ],
    };
  const failing = alternatives.filter((x) => !holdsAt(x.change));
  const matching = alternatives.filter((x) => holdsAt(x.change));
  if (holdsAt(primary))
    return failing.length === 0
      ? {
          verdict: 'holds',
          explanation: `${head} That matches the claimed ${said}, on every side.${currentText}`,
          figures,
          assumptions,
        }
      : {
          verdict: 'holds-on-basis',
          explanation: `${head} That matches the claimed ${said} on ${check.side} prices, not on ${failing.map((x) => `${x.side} (${signed(x.change.value)})`).join(' or ')}.`,
          figures,
          assumptions,
        };
  if (currentChange && holdsAt(currentChange))
    return {
      verdict: 'holds-on-basis',
      explanation: `${head}${currentText} The claimed ${said} holds only against the later price.`,
      figures,
      assumptions,
    };
  if (matching.length > 0)
    return {
      verdict: 'holds-on-basis',
      explanation: `${head} The claimed ${said} holds only on ${matching.map((x) => `${x.side} prices (${signed(x.change.value)})`).join(' and ')}.`,
      figures,
      assumptions,
    };
  return {
    verdict: 'false',
    explanation: `${head}${currentText} Neither is the claimed ${said}.`,
    figures,
    assumptions,
  };
}
