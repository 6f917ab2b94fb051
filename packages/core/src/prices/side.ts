import { type Catalog, findPrice } from '../catalog/catalog.ts';
import { fxRate } from '../catalog/fx.ts';
import type { ApiPrice } from '../catalog/price-schema.ts';
import { InputError } from '../errors/clearbox-error.ts';
import { type Figure, figure, given, named } from '../figure/figure.ts';
import { type Source, toSource } from '../figure/source.ts';

/** Which price of a list entry a comparison uses. */
export const priceSides = ['input', 'cached-input', 'output', 'blended'] as const;
export type PriceSide = (typeof priceSides)[number];

/**
 * Share of input tokens in a blended price. 3:1 input:output is the mix most public price
 * comparisons (e.g. Artificial Analysis' blended price) assume; chat with long prompts sits there.
 */
export const DEFAULT_BLEND_WEIGHT = 0.75;

/** A price id or entry, optionally with its own side (a claim can compare input with output). */
export type PriceRef = string | ApiPrice | { price: string | ApiPrice; side?: PriceSide | undefined };

export interface ResolvedRef {
  price: ApiPrice;
  side: PriceSide | undefined;
}

export function resolvePriceRef(catalog: Catalog, ref: PriceRef): ResolvedRef {
  if (typeof ref === 'string') return { price: findPrice(catalog, ref), side: undefined };
  if ('price' in ref) {
    const price = typeof ref.price === 'string' ? findPrice(catalog, ref.price) : ref.price;
    return { price, side: ref.side };
  }
  return { price: ref, side: undefined };
}

export function priceSource(price: ApiPrice): Source {
  return toSource(price.source);
}

function checkBlendWeight(weight: number): void {
  if (!(weight >= 0 && weight <= 1))
    throw new InputError(`expected a share of input tokens between 0 and 1, got ${weight}`, 'blendWeight');
}

/**
 * One side of a list price, per million tokens in the price's own currency. `blended` is
 * w · input + (1 − w) · output with w the share of input tokens (cache misses).
 */
export function priceSideValue(
  price: ApiPrice,
  side: PriceSide,
  blendWeight: number = DEFAULT_BLEND_WEIGHT,
): Figure {
  const unit = `${price.currency}/M tokens`;
  const sources = [priceSource(price)];
  const leaf = (label: string, value: number) => given(`${price.id} ${label}`, value, unit, sources);
  if (side === 'input') return leaf('input', price.inputPerMillion);
  if (side === 'output') return leaf('output', price.outputPerMillion);
  if (side === 'cached-input') {
    if (price.cachedInputPerMillion === undefined)
      throw new InputError(`price "${price.id}" lists no cached-input (cache hit) price`, 'side');
    return leaf('cached input', price.cachedInputPerMillion);
  }
  checkBlendWeight(blendWeight);
  const input = leaf('input', price.inputPerMillion);
  const output = leaf('output', price.outputPerMillion);
  return figure({
    name: `${price.id} blended`,
    value: blendWeight * input.value + (1 - blendWeight) * output.value,
    unit,
    formula: `w · input + (1 − w) · output, w = ${blendWeight} (share of input tokens)`,
    inputs: [input, output, named('w', blendWeight, 'share of input tokens')],
    sources,
  });
}

/**
 * One side of a price in USD per million tokens, converted with the catalog's rate for `date`
 * (default: the price's own effective date, so a 2024 CNY price is read at 2024's rate).
 */
export function priceSideUsd(
  catalog: Catalog,
  price: ApiPrice,
  side: PriceSide,
  blendWeight: number = DEFAULT_BLEND_WEIGHT,
  date: string = price.effective,
): Figure {
  const local = priceSideValue(price, side, blendWeight);
  if (price.currency === 'USD') return local;
  const rate = fxRate(catalog.fx, price.currency, 'USD', date);
  return figure({
    name: `${price.id} ${side} (USD)`,
    value: local.value * rate.value,
    unit: 'USD/M tokens',
    formula: `${price.currency} price × fx(${price.currency}→USD) at ${date}`,
    inputs: [local, rate],
    sources: [...local.sources, ...rate.sources],
  });
}
