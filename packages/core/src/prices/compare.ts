import type { Catalog } from '../catalog/catalog.ts';
import type { ApiPrice } from '../catalog/price-schema.ts';
import { InputError } from '../errors/clearbox-error.ts';
import { type Figure, figure } from '../figure/figure.ts';
import {
  DEFAULT_BLEND_WEIGHT,
  type PriceRef,
  type PriceSide,
  priceSideUsd,
  priceSideValue,
  resolvePriceRef,
} from './side.ts';

export interface PriceCompareOptions {
  /**
   * One date for the exchange rates of both prices. Default: each price at its own effective
   * date (what a buyer paid in USD then). Ignored when both prices are in the same currency.
   */
  fxDate?: string | undefined;
}

/**
 * The two sides in comparable units: the shared currency when both prices are listed in it (no
 * exchange rate enters), otherwise USD, each price converted at its own effective date (or fxDate).
 * The rule is symmetric, so ratio(a, b) · ratio(b, a) = 1.
 */
function comparableSides(
  catalog: Catalog,
  a: { price: ApiPrice; side: PriceSide },
  b: { price: ApiPrice; side: PriceSide },
  blendWeight: number,
  fxDate: string | undefined,
): { a: Figure; b: Figure; basis: string } {
  if (a.price.currency === b.price.currency) {
    return {
      a: priceSideValue(a.price, a.side, blendWeight),
      b: priceSideValue(b.price, b.side, blendWeight),
      basis: `both in ${a.price.currency} per million tokens`,
    };
  }
  return {
    a: priceSideUsd(catalog, a.price, a.side, blendWeight, fxDate ?? a.price.effective),
    b: priceSideUsd(catalog, b.price, b.side, blendWeight, fxDate ?? b.price.effective),
    basis:
      fxDate === undefined
        ? 'in USD per million tokens, each at the exchange rate of its own effective date'
        : `in USD per million tokens, both at the exchange rates of ${fxDate}`,
  };
}

/**
 * How many times price `a` is price `b`: a / b per million tokens.
 *
 * Pure; used by `clearbox prices` and by the Audit `price-ratio` claim kind. `a` and `b` are price
 * ids (or `{ price, side }` to compare different sides, e.g. input against output); `side` applies
 * to both otherwise. Prices in one currency are compared as listed; across currencies both go to USD,
 * each at the catalog's rate on its own effective date (`options.fxDate` pins one date instead).
 * `blended` is w · input + (1 − w) · output with w = `blendWeight`, the share of input tokens
 * (default 0.75). Throws NotFoundError for an unknown id, InputError for a side the price does not
 * list or a zero denominator.
 */
export function priceRatio(
  catalog: Catalog,
  a: PriceRef,
  b: PriceRef,
  side: PriceSide = 'input',
  blendWeight: number = DEFAULT_BLEND_WEIGHT,
  options: PriceCompareOptions = {},
): Figure {
  const { ra, rb, sideA, sideB, sides } = resolvePair(catalog, a, b, side, blendWeight, options);
  if (sides.b.value === 0)
    throw new InputError(`price "${rb.price.id}" is 0 on the ${sideB} side: no ratio`, 'b');
  return figure({
    name: `priceRatio(${ra.price.id} ${sideA} / ${rb.price.id} ${sideB})`,
    value: sides.a.value / sides.b.value,
    unit: 'ratio',
    formula: `a / b, ${sides.basis}`,
    inputs: [sides.a, sides.b],
    sources: [],
  });
}

/** Both prices resolved, each with its side (its own, else the shared one), put on one comparable basis. */
function resolvePair(
  catalog: Catalog,
  a: PriceRef,
  b: PriceRef,
  side: PriceSide,
  blendWeight: number,
  options: PriceCompareOptions,
) {
  const ra = resolvePriceRef(catalog, a);
  const rb = resolvePriceRef(catalog, b);
  const sideA = ra.side ?? side;
  const sideB = rb.side ?? side;
  const sides = comparableSides(
    catalog,
    { price: ra.price, side: sideA },
    { price: rb.price, side: sideB },
    blendWeight,
    options.fxDate,
  );
  return { ra, rb, sideA, sideB, sides };
}

/**
 * The fractional change from price `from` to price `to`: (to − from) / from (−0.63 = 63% cheaper).
 *
 * Pure; used by `clearbox prices` and by the Audit `price-change` claim kind. Same currency rules as
 * `priceRatio`: prices in one currency are compared as listed, so the change is a price change and
 * not a currency move. Throws InputError when `from` is 0 on that side.
 */
export function priceChange(
  catalog: Catalog,
  from: PriceRef,
  to: PriceRef,
  side: PriceSide = 'input',
  blendWeight: number = DEFAULT_BLEND_WEIGHT,
  options: PriceCompareOptions = {},
): Figure {
  const {
    ra: rf,
    rb: rt,
    sideA: sideFrom,
    sideB: sideTo,
    sides,
  } = resolvePair(catalog, from, to, side, blendWeight, options);
  if (sides.a.value === 0)
    throw new InputError(`price "${rf.price.id}" is 0 on the ${sideFrom} side: no relative change`, 'from');
  return figure({
    name: `priceChange(${rf.price.id} → ${rt.price.id}, ${sideFrom === sideTo ? sideTo : `${sideFrom} → ${sideTo}`})`,
    value: (sides.b.value - sides.a.value) / sides.a.value,
    unit: 'fraction',
    formula: `(to − from) / from, ${sides.basis}`,
    inputs: [sides.a, sides.b],
    sources: [],
  });
}
