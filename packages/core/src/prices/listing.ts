import type { Catalog } from '../catalog/catalog.ts';
import { closestIds } from '../catalog/closest.ts';
import { fxRate } from '../catalog/fx.ts';
import type { ApiPrice, Currency, PriceLayer, PriceTier } from '../catalog/price-schema.ts';
import { NotFoundError } from '../errors/clearbox-error.ts';
import type { Figure } from '../figure/figure.ts';
import type { Source } from '../figure/source.ts';
import { priceChange, priceRatio } from './compare.ts';
import { priceSideUsd, priceSource } from './side.ts';

/** One row of the price list: the entry as listed and its USD equivalent at its own date. */
export interface PriceRow {
  id: string;
  provider: string;
  apiModel: string;
  model?: string;
  effective: string;
  /** `in-force`: the start is unknown, the price was in force on `effective` (genai-prices). */
  effectiveBasis: 'start' | 'in-force';
  until?: string;
  layer: PriceLayer;
  precision?: string;
  currency: Currency;
  inputPerMillion: number;
  cachedInputPerMillion?: number;
  cacheWritePerMillion?: number;
  outputPerMillion: number;
  offPeak?: ApiPrice['offPeak'];
  tiers?: PriceTier[];
  /** USD per million tokens at the exchange rate of the price's effective date (fx = 1 for USD). */
  usd: { fx: Figure; input: Figure; cachedInput?: Figure; output: Figure };
  source: Source;
  notes?: string;
}

export interface PriceFilter {
  /** Provider name, case-insensitive (e.g. deepseek, openai). */
  provider?: string | undefined;
  /** Matches the catalog model id, the billed API model name or the price id (case-insensitive substring). */
  model?: string | undefined;
  /** Only prices of this layer (genai-prices, clearbox, store). */
  layer?: PriceLayer | undefined;
}

function matches(price: ApiPrice, filter: PriceFilter): boolean {
  if (filter.provider !== undefined && price.provider.toLowerCase() !== filter.provider.toLowerCase())
    return false;
  if (filter.layer !== undefined && (price.layer ?? 'clearbox') !== filter.layer) return false;
  if (filter.model !== undefined) {
    const needle = filter.model.toLowerCase();
    const hay = [price.model ?? '', price.apiModel.toLowerCase(), price.id];
    if (!hay.some((h) => h === needle || h.includes(needle))) return false;
  }
  return true;
}

export function priceRow(catalog: Catalog, price: ApiPrice): PriceRow {
  const row: PriceRow = {
    id: price.id,
    provider: price.provider,
    apiModel: price.apiModel,
    effective: price.effective,
    effectiveBasis: price.effectiveBasis ?? 'start',
    layer: price.layer ?? 'clearbox',
    currency: price.currency,
    inputPerMillion: price.inputPerMillion,
    outputPerMillion: price.outputPerMillion,
    usd: {
      fx: fxRate(catalog.fx, price.currency, 'USD', price.effective),
      input: priceSideUsd(catalog, price, 'input'),
      output: priceSideUsd(catalog, price, 'output'),
    },
    source: priceSource(price),
  };
  if (price.model !== undefined) row.model = price.model;
  if (price.until !== undefined) row.until = price.until;
  if (price.cachedInputPerMillion !== undefined) {
    row.cachedInputPerMillion = price.cachedInputPerMillion;
    row.usd.cachedInput = priceSideUsd(catalog, price, 'cached-input');
  }
  if (price.cacheWritePerMillion !== undefined) row.cacheWritePerMillion = price.cacheWritePerMillion;
  if (price.offPeak !== undefined) row.offPeak = price.offPeak;
  if (price.tiers !== undefined) row.tiers = price.tiers;
  if (price.precision !== undefined) row.precision = price.precision;
  if (price.notes !== undefined) row.notes = price.notes;
  return row;
}

/**
 * The price list, filtered, in catalog order grouped by provider and date. An unknown provider is a
 * NotFoundError with the closest names, so a typo does not look like an empty list.
 */
export function priceTable(catalog: Catalog, filter: PriceFilter = {}): PriceRow[] {
  if (filter.provider !== undefined) {
    const providers = [...new Set(catalog.prices.map((p) => p.provider))];
    if (!providers.includes(filter.provider.toLowerCase()))
      throw new NotFoundError('provider', filter.provider, closestIds(filter.provider, providers, 3));
  }
  return catalog.prices
    .filter((p) => matches(p, filter))
    .sort((a, b) => a.provider.localeCompare(b.provider) || a.effective.localeCompare(b.effective))
    .map((p) => priceRow(catalog, p));
}

/** A computed answer to a question buyers ask, with the basis it holds on. */
export interface PriceComparison {
  id: string;
  question: string;
  /** The comparison basis in words (which prices, which side, which exchange-rate date). */
  basis: string;
  figure: Figure;
}

/**
 * The comparisons `clearbox prices` prints: o3-mini against o1-mini on both bases (o1-mini's launch
 * price and its price from o3-mini's launch day), and DeepSeek-V2 against GPT-4 Turbo in USD at the
 * V2 price's date. Skipped when the catalog lacks the prices (a user catalog without them).
 */
export function buyerComparisons(catalog: Catalog): PriceComparison[] {
  const has = (...ids: string[]) => ids.every((id) => catalog.prices.some((p) => p.id === id));
  const out: PriceComparison[] = [];
  if (has('o1-mini-2024-09', 'o3-mini-2025-01')) {
    out.push({
      id: 'o3-mini-vs-o1-mini-launch',
      question: 'o3-mini output price vs o1-mini',
      basis: 'against o1-mini at its launch price (2024-09, $12/M output)',
      figure: priceChange(catalog, 'o1-mini-2024-09', 'o3-mini-2025-01', 'output'),
    });
  }
  if (has('o1-mini-2025-01', 'o3-mini-2025-01')) {
    out.push({
      id: 'o3-mini-vs-o1-mini-same-day',
      question: 'o3-mini output price vs o1-mini',
      basis: "against o1-mini's price on o3-mini's launch day (2025-01-31, $4.40/M output)",
      figure: priceChange(catalog, 'o1-mini-2025-01', 'o3-mini-2025-01', 'output'),
    });
  }
  if (has('deepseek-v2-chat-2024-05', 'gpt-4-turbo-2024-04')) {
    for (const side of ['input', 'output'] as const) {
      out.push({
        id: `deepseek-v2-vs-gpt-4-turbo-${side}`,
        question: `DeepSeek-V2 ${side} price as a share of GPT-4 Turbo's`,
        basis: `${side} per million tokens in USD; the V2 price (CNY) converted at the rate of its own date`,
        figure: priceRatio(catalog, 'deepseek-v2-chat-2024-05', 'gpt-4-turbo-2024-04', side),
      });
    }
  }
  return out;
}
