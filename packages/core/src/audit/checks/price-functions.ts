/**
 * The price comparisons the audit reuses. The Prices pillar owns `priceRatio` and `priceChange`
 * (packages/core/src/prices/); until they land, this file implements the documented signatures
 * (`priceRatio(catalog, a, b, side, blendWeight?)`, `priceChange(catalog, from, to, side)`, Figures
 * out) so the checks are written against them and switch with a one-line re-export.
 */
import { type Catalog, findPrice } from '../../catalog/catalog.ts';
import { fxRate } from '../../catalog/fx.ts';
import type { ApiPrice } from '../../catalog/price-schema.ts';
import { type Figure, figure, given } from '../../figure/figure.ts';
import type { Source } from '../../figure/source.ts';
import type { PriceSide } from '../claim-schema.ts';

export const DEFAULT_BLEND_WEIGHT = 0.75;

function priceSource(p: ApiPrice): Source {
  const s: Source = { title: p.source.title, date: p.source.date };
  if (p.source.url !== undefined) s.url = p.source.url;
  return s;
}

/** One price on one side, per million tokens in USD at the price's own effective date. */
export function usdPerMillion(
  catalog: Catalog,
  id: string,
  side: PriceSide,
  blendWeight = DEFAULT_BLEND_WEIGHT,
): Figure {
  const p = findPrice(catalog, id);
  const src = [priceSource(p)];
  const input = given(`${p.id}.input`, p.inputPerMillion, `${p.currency}/Mtok`, src);
  const output = given(`${p.id}.output`, p.outputPerMillion, `${p.currency}/Mtok`, src);
  let local: Figure;
  if (side === 'input') local = input;
  else if (side === 'output') local = output;
  else if (side === 'cached-input')
    local = given(
      `${p.id}.cachedInput`,
      p.cachedInputPerMillion ?? p.inputPerMillion,
      `${p.currency}/Mtok`,
      src,
      p.cachedInputPerMillion === undefined ? 'no cache price listed: the input price applies' : undefined,
    );
  else
    local = figure({
      name: `${p.id}.blended`,
      value: blendWeight * p.inputPerMillion + (1 - blendWeight) * p.outputPerMillion,
      unit: `${p.currency}/Mtok`,
      formula: `w · input + (1 − w) · output, w = ${blendWeight} (share of input tokens)`,
      inputs: [input, output],
    });
  if (p.currency === 'USD') return local;
  const fx = fxRate(catalog.fx, p.currency, 'USD', p.effective);
  return figure({
    name: `${p.id}.${side}.usd`,
    value: local.value * fx.value,
    unit: 'USD/Mtok',
    formula: `${p.currency} price × fx(${p.currency}→USD) at ${p.effective}`,
    inputs: [local, fx],
  });
}

/** Price a / price b on one side, each in USD at its own effective date. */
export function priceRatio(
  catalog: Catalog,
  a: string,
  b: string,
  side: PriceSide,
  blendWeight?: number,
): Figure {
  const fa = usdPerMillion(catalog, a, side, blendWeight);
  const fb = usdPerMillion(catalog, b, side, blendWeight);
  return figure({
    name: `priceRatio(${side})`,
    value: fa.value / fb.value,
    unit: 'ratio',
    formula: `${fa.name} / ${fb.name}`,
    inputs: [fa, fb],
  });
}

/** Fractional change from one price to another on one side: to / from − 1 (−0.63 = 63% cheaper). */
export function priceChange(
  catalog: Catalog,
  from: string,
  to: string,
  side: PriceSide,
  blendWeight?: number,
): Figure {
  const ff = usdPerMillion(catalog, from, side, blendWeight);
  const ft = usdPerMillion(catalog, to, side, blendWeight);
  return figure({
    name: `priceChange(${side})`,
    value: ft.value / ff.value - 1,
    unit: 'fraction',
    formula: `${ft.name} / ${ff.name} − 1`,
    inputs: [ff, ft],
  });
}
