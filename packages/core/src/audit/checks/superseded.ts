import { type Catalog, findPrice } from '../../catalog/catalog.ts';
import type { ApiPrice } from '../../catalog/price-schema.ts';

/**
 * The price of the same billed model (provider + API model name) in effect on `date`, when it is a
 * later entry than `id`: a comparison made with `id` then uses a price that no longer applied.
 */
export function supersedingPrice(catalog: Catalog, id: string, date: string): ApiPrice | undefined {
  const p = findPrice(catalog, id);
  return catalog.prices
    .filter((q) => q.provider === p.provider && q.apiModel === p.apiModel && q.currency === p.currency)
    .filter((q) => q.effective > p.effective && q.effective <= date)
    .sort((x, y) => x.effective.localeCompare(y.effective))
    .at(-1);
}
