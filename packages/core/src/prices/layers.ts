import type { Catalog } from '../catalog/catalog.ts';
import type { ApiPrice, PriceLayer } from '../catalog/price-schema.ts';
import { type GenaiImport, type GenaiModelPrices, genaiMatches } from './genai-prices.ts';

/** The sides two layers are compared on, in the price's own currency per million tokens. */
const comparedSides = [
  'inputPerMillion',
  'cachedInputPerMillion',
  'cacheWritePerMillion',
  'outputPerMillion',
] as const;
export type ComparedSide = (typeof comparedSides)[number];

/**
 * Two layers give a price for the same provider, model and date and disagree. The upper layer's
 * price is the one used; the conflict is listed (`clearbox prices --conflicts`), never merged away.
 */
export interface PriceConflict {
  provider: string;
  /** The date both prices claim to be in force: the lower price's effective date. */
  date: string;
  currency: string;
  used: { layer: PriceLayer; id: string; apiModel: string };
  other: { layer: PriceLayer; id: string; apiModel: string };
  differences: Array<{ side: ComparedSide; used: number; other: number }>;
}

/** What layering did: prices kept from each layer, lower prices set aside and why. */
export interface PriceLayering {
  /** Prices per layer in the final list. */
  counts: Record<PriceLayer, number>;
  /** Lower-layer prices an upper one replaced on their date (agreeing or not). */
  replaced: number;
  conflicts: PriceConflict[];
  /** Where the layers came from (package version, file) and their dates. */
  layers: Array<{ layer: PriceLayer; label: string; asOf?: string; prices: number }>;
  /** genai-prices models that gave no per-token price (embeddings, OCR...). */
  skipped: number;
}

const layerOf = (p: ApiPrice): PriceLayer => p.layer ?? 'clearbox';

/** The price of `group` in force on `date` within one layer: the latest started, not yet ended. */
function inForce(group: readonly ApiPrice[], date: string): ApiPrice | undefined {
  let held: ApiPrice | undefined;
  for (const p of group) {
    if (p.effective > date) continue;
    if (held === undefined || p.effective > held.effective) held = p;
  }
  if (held?.until !== undefined && held.until <= date) return undefined;
  return held;
}

function same(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * How a billed name is recognised across layers: two genai-prices tables by the same model id; a
 * Clearbox price by a genai-prices model's match rule (one model covers claude-3-5-haiku-20241022 and
 * claude-3-5-haiku-latest); two Clearbox prices by the same name.
 */
export interface ModelMatcher {
  /** The match rule of a genai-prices price, by price id (undefined for a Clearbox price). */
  ruleOf(price: ApiPrice): GenaiModelPrices['match'] | undefined;
}

export function matcherFor(models: readonly GenaiModelPrices[]): ModelMatcher {
  const byPriceId = new Map<string, GenaiModelPrices['match']>();
  for (const m of models) for (const id of m.priceIds) byPriceId.set(id, m.match);
  return { ruleOf: (p) => byPriceId.get(p.id) };
}

const nameKey = (p: ApiPrice) => `${p.provider}\u0000${p.currency}\u0000${p.apiModel.toLowerCase()}`;
const providerKey = (p: ApiPrice) => `${p.provider}\u0000${p.currency}`;

type RuleMatch = (rule: GenaiModelPrices['match'], name: string) => boolean;

/**
 * genaiMatches remembered for one overlay: the two directions ask about the same (rule, name) pairs, and
 * a provider's rules meet the same few names again and again (thousands of calls per catalog load).
 */
function rememberedMatches(): RuleMatch {
  const byRule = new Map<object, Map<string, boolean>>();
  return (rule, name) => {
    let names = byRule.get(rule);
    if (names === undefined) {
      names = new Map();
      byRule.set(rule, names);
    }
    let hit = names.get(name);
    if (hit === undefined) {
      hit = genaiMatches(rule, name);
      names.set(name, hit);
    }
    return hit;
  };
}

/** Finds, for a price of one layer, the prices of another layer that bill the same model. */
function sameModelIndex(prices: readonly ApiPrice[], matcher: ModelMatcher, matches: RuleMatch) {
  const byName = new Map<string, ApiPrice[]>();
  const ruled = new Map<string, ApiPrice[]>();
  const plain = new Map<string, ApiPrice[]>();
  const push = (map: Map<string, ApiPrice[]>, key: string, p: ApiPrice) => {
    const list = map.get(key);
    if (list) list.push(p);
    else map.set(key, [p]);
  };
  for (const p of prices) {
    push(byName, nameKey(p), p);
    push(matcher.ruleOf(p) ? ruled : plain, providerKey(p), p);
  }
  const none: ApiPrice[] = [];
  return (other: ApiPrice): ApiPrice[] => {
    const named = byName.get(nameKey(other)) ?? none;
    const rule = matcher.ruleOf(other);
    const others = rule ? plain.get(providerKey(other)) : ruled.get(providerKey(other));
    if (!others) return named;
    const out = [...named];
    if (rule) {
      // A genai-prices price meets Clearbox prices whose name its rule matches.
      for (const p of others) if (!out.includes(p) && matches(rule, p.apiModel)) out.push(p);
    } else {
      for (const p of others) {
        const r = matcher.ruleOf(p);
        if (r && !out.includes(p) && matches(r, other.apiModel)) out.push(p);
      }
    }
    return out;
  };
}

function groupByName(prices: readonly ApiPrice[]): Map<string, ApiPrice[]> {
  const byName = new Map<string, ApiPrice[]>();
  for (const p of prices) {
    const key = `${layerOf(p)}\u0000${p.apiModel.toLowerCase()}`;
    const list = byName.get(key);
    if (list) list.push(p);
    else byName.set(key, [p]);
  }
  return byName;
}

/** The price among `candidates` in force on `date`, each billed name (per layer) by its own history. */
function holderOn(candidates: readonly ApiPrice[], date: string): ApiPrice | undefined {
  if (candidates.length === 0) return undefined;
  if (candidates.length === 1) return inForce(candidates, date);
  let holder: ApiPrice | undefined;
  for (const group of groupByName(candidates).values()) {
    const hit = inForce(group, date);
    if (hit && (holder === undefined || hit.effective > holder.effective)) holder = hit;
  }
  return holder;
}

function differencesOf(used: ApiPrice, other: ApiPrice): PriceConflict['differences'] {
  const out: PriceConflict['differences'] = [];
  for (const side of comparedSides) {
    const a = used[side];
    const b = other[side];
    if (a !== undefined && b !== undefined && !same(a, b)) out.push({ side, used: a, other: b });
  }
  return out;
}

function conflict(used: ApiPrice, other: ApiPrice, date: string): PriceConflict | undefined {
  const differences = differencesOf(used, other);
  if (differences.length === 0) return undefined;
  return {
    provider: other.provider,
    date,
    currency: other.currency,
    used: { layer: layerOf(used), id: used.id, apiModel: used.apiModel },
    other: { layer: layerOf(other), id: other.id, apiModel: other.apiModel },
    differences,
  };
}

/**
 * Lays `upper` over `lower`. A lower price stays unless an upper price of the same provider and model
 * is in force on its effective date; then the upper one holds for that date. Both ways round, where
 * the two layers each have a price in force on the date one of them starts and they disagree on a
 * side both list, the pair is a conflict (the upper price is the one used). Upper prices always stay.
 */
export function overlayPrices(
  lower: readonly ApiPrice[],
  upper: readonly ApiPrice[],
  matcher: ModelMatcher,
): { prices: ApiPrice[]; conflicts: PriceConflict[]; replaced: number } {
  // Prices meet only prices of their own provider (every index key starts with it): a lower price of a
  // provider the upper layer does not price stays as it is, and only lower prices of the upper layer's
  // providers are indexed. The bundled table's 1,500 prices meet Clearbox's few dozen that way without
  // a key built for each of them.
  const upperProviders = new Set(upper.map((p) => p.provider));
  const matches = rememberedMatches();
  const upperOf = sameModelIndex(upper, matcher, matches);
  const lowerOf = sameModelIndex(
    lower.filter((p) => upperProviders.has(p.provider)),
    matcher,
    matches,
  );
  const kept: ApiPrice[] = [];
  const conflicts: PriceConflict[] = [];
  const seen = new Set<string>();
  const report = (c: PriceConflict | undefined) => {
    if (!c) return;
    const key = `${c.used.id}\u0000${c.other.id}`;
    if (seen.has(key)) return;
    seen.add(key);
    conflicts.push(c);
  };
  let replaced = 0;
  for (const low of lower) {
    if (!upperProviders.has(low.provider)) {
      kept.push(low);
      continue;
    }
    const holder = holderOn(upperOf(low), low.effective);
    if (holder === undefined) {
      kept.push(low);
      continue;
    }
    replaced++;
    report(conflict(holder, low, low.effective));
  }
  // A newer upper price (a table loaded later) meets the lower price still in force on its start date.
  for (const up of upper) {
    const holder = holderOn(lowerOf(up), up.effective);
    if (holder !== undefined) report(conflict(up, holder, up.effective));
  }
  return { prices: [...kept, ...upper], conflicts, replaced };
}

/** A genai-prices table ready to layer: its prices, models and origin. */
export interface GenaiLayer {
  label: string;
  asOf: string;
  data: GenaiImport;
}

/**
 * The catalog with its prices in layers: the bundled genai-prices table at the bottom, the catalog's
 * own (Clearbox YAML) prices above it, and a newer table from `prices update` on top. Each overlay
 * keeps every price of the upper layer and lists the lower prices it disagrees with as conflicts.
 */
export function layerCatalogPrices(
  catalog: Catalog,
  bulk: GenaiLayer | undefined,
  store?: GenaiLayer,
): Catalog {
  const own = catalog.prices.filter((p) => layerOf(p) === 'clearbox');
  const models = [...(bulk?.data.models ?? []), ...(store?.data.models ?? [])];
  const matcher = matcherFor(models);
  const conflicts: PriceConflict[] = [];
  let replaced = 0;
  let prices: ApiPrice[] = bulk?.data.prices ?? [];
  for (const upper of [own, store?.data.prices]) {
    if (upper === undefined) continue;
    const step = overlayPrices(prices, upper, matcher);
    prices = step.prices;
    conflicts.push(...step.conflicts);
    replaced += step.replaced;
  }
  const counts: Record<PriceLayer, number> = { 'genai-prices': 0, clearbox: 0, store: 0 };
  for (const p of prices) counts[layerOf(p)]++;
  const layers: PriceLayering['layers'] = [];
  if (bulk)
    layers.push({
      layer: 'genai-prices',
      label: bulk.label,
      asOf: bulk.asOf,
      prices: bulk.data.prices.length,
    });
  layers.push({
    layer: 'clearbox',
    label: 'Clearbox catalog (packages/core/data/prices)',
    prices: own.length,
  });
  if (store)
    layers.push({ layer: 'store', label: store.label, asOf: store.asOf, prices: store.data.prices.length });
  return {
    ...catalog,
    prices,
    priceLayering: {
      counts,
      replaced,
      conflicts,
      layers,
      skipped: (bulk?.data.skipped.length ?? 0) + (store?.data.skipped.length ?? 0),
    },
  };
}
