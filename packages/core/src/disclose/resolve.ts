import type { Catalog } from '../catalog/catalog.ts';
import { fxRate } from '../catalog/fx.ts';
import type { Device } from '../catalog/schema.ts';
import { ClearboxError, InputError } from '../errors/clearbox-error.ts';
import { type Figure, figure, given, named, rangeMidpoint } from '../figure/figure.ts';
import { type Source, toSource } from '../figure/source.ts';
import { periodDays, yearsBetween } from './dates.ts';
import { economicPerGpuHour, straightLinePerGpuHour } from './depreciation.ts';
import type { Disclosure, DisclosureItem } from './schema.ts';

/** How an item's total is spread in the Monte Carlo, in USD of the whole item (before allocation). */
export interface ItemSampler {
  distribution: 'lognormal' | 'normal' | 'uniform' | 'triangular';
  low: number;
  high: number;
  /** The stated total: draws are turned into factors of it. */
  point: number;
}

export interface ResolvedItem {
  index: number;
  item: DisclosureItem;
  /** Accrued total in USD, before allocation, for one occurrence (recurring items: per day/month/year). */
  cost: Figure;
  /** Cash paid, when it differs from the accrual (FOCUS BilledCost vs EffectiveCost). */
  cash?: Figure;
  share: Figure;
  sampler?: ItemSampler;
  /** How the price was found when the item stated none. */
  pricedBy: 'stated' | 'owned-hardware' | 'catalog-rental';
  gpuHours: number;
  device?: Device;
  unitPriceUsd?: Figure;
  level: 'model' | 'fleet';
  kind: 'cost' | 'revenue';
}

export interface OwnedRates {
  hardwareIndex?: number;
  device?: Device;
  straightLine: Figure;
  economic: Figure;
  imputed: boolean;
}

export interface ResolvedDisclosure {
  disclosure: Disclosure;
  items: ResolvedItem[];
  /** Owned-hardware rates per device id ('' = the only owned pool). */
  ownedRates: Map<string, OwnedRates>;
  periodDays: number;
}

function itemSource(item: DisclosureItem): Source {
  return toSource(item.source);
}

const where = (i: number, field: string) => `items[${i}].${field}`;

function deviceOf(catalog: Catalog, d: Disclosure, item: DisclosureItem, i: number): Device | undefined {
  const id = item.hardware ?? d.quantities?.hardware;
  if (id === undefined) return undefined;
  const key = id.toLowerCase();
  const device = catalog.devices.find((x) => x.id === key || x.aliases?.includes(key));
  if (!device && item.hardware !== undefined)
    throw new InputError(`unknown hardware "${id}" (not in the catalog)`, where(i, 'hardware'));
  return device;
}

/** USD per unit of the item's currency on the item's date (end of period by default). */
function fxToUsd(catalog: Catalog, d: Disclosure, item: DisclosureItem, i: number): Figure {
  const currency = item.currency ?? d.currency ?? 'USD';
  try {
    return fxRate(catalog.fx, currency, 'USD', item.date ?? d.period.end);
  } catch (error) {
    if (error instanceof ClearboxError) throw new InputError(error.message, where(i, 'currency'));
    throw error;
  }
}

/** The catalog purchase price stands in for an owner that disclosed GPU-hours but no hardware item. */
const CATALOG_LIFE_YEARS = 5;
const lifeSource: Source = {
  title:
    'Server useful lives in 10-K filings: Microsoft 6, Alphabet 6, Amazon 5 (2025), Meta 5, Nebius 4 years',
  date: '2025-02',
  note: 'median book life ≈ 5 years; used only when a disclosure gives no owned-hardware item',
};

function ownedRatesFrom(
  d: Disclosure,
  unitPrice: Figure,
  owned: NonNullable<DisclosureItem['owned']>,
  fx: number,
): { straightLine: Figure; economic: Figure } {
  const inputs = {
    unitPrice,
    residualValue: (owned.residualValue ?? 0) * fx,
    usefulLifeYears: owned.usefulLifeYears,
    utilization: owned.utilization ?? 1,
    interconnectShare: owned.interconnectShare ?? 0,
    yearsHeld: yearsBetween(owned.acquired, d.period.start),
  };
  return { straightLine: straightLinePerGpuHour(inputs), economic: economicPerGpuHour(inputs) };
}

function samplerOf(item: DisclosureItem, pointNative: number, fx: number): ItemSampler | undefined {
  const u = item.uncertainty;
  if (!u) return undefined;
  const low = u.low ?? (u.lowFactor ?? 1) * pointNative;
  const high = u.high ?? (u.highFactor ?? 1) * pointNative;
  return {
    distribution: u.distribution ?? 'lognormal',
    low: low * fx,
    high: high * fx,
    point: pointNative * fx,
  };
}

/** Turns every item into USD Figures, prices unpriced GPU-hours, and derives owned-hardware rates. */
export function resolveDisclosure(catalog: Catalog, d: Disclosure): ResolvedDisclosure {
  const keys = new Map((d.allocationKeys ?? []).map((k) => [k.id, k]));
  const ownedRates = new Map<string, OwnedRates>();
  const resolved: Array<ResolvedItem | undefined> = new Array(d.items.length);

  const base = (item: DisclosureItem, i: number) => {
    const key = item.allocation === undefined ? undefined : keys.get(item.allocation);
    const share = key
      ? given(
          `share(${key.id})`,
          key.share,
          'fraction',
          key.source ? [key.source as Source] : [],
          key.description,
        )
      : given('share', 1, 'fraction', [], 'not allocated: the whole item');
    return {
      index: i,
      item,
      share,
      level: item.level ?? 'model',
      kind: item.kind ?? 'cost',
      gpuHours: item.unit === 'GPU-hours' ? (item.quantity ?? 0) : 0,
    } as const;
  };

  const stated = (item: DisclosureItem, fx: Figure): { cost: Figure; unitPriceUsd?: Figure } => {
    const src = [itemSource(item)];
    const currency = item.currency ?? d.currency ?? 'USD';
    if (item.amount !== undefined) {
      const amount = given(`${item.id}.amount`, item.amount, currency, src);
      return {
        cost: figure({
          name: item.id,
          value: item.amount * fx.value,
          unit: 'USD',
          formula: currency === 'USD' ? 'amount' : 'amount · fx',
          inputs: currency === 'USD' ? [amount] : [amount, fx],
          sources: src,
        }),
      };
    }
    const quantity = given(`${item.id}.quantity`, item.quantity ?? 0, item.unit ?? 'units', src);
    const price = given(
      `${item.id}.unitPrice`,
      item.unitPrice ?? 0,
      `${currency}/${item.unit ?? 'unit'}`,
      src,
    );
    const unitPriceUsd = figure({
      name: `${item.id}.unitPriceUsd`,
      value: (item.unitPrice ?? 0) * fx.value,
      unit: `USD/${item.unit ?? 'unit'}`,
      formula: currency === 'USD' ? 'unit price' : 'unit price · fx',
      inputs: currency === 'USD' ? [price] : [price, fx],
    });
    // Owned clusters cost more than their GPUs: interconnect not in the unit price is added (Epoch: 19%).
    const interconnect = item.owned?.interconnectShare ?? 0;
    return {
      cost: figure({
        name: item.id,
        value: (quantity.value * unitPriceUsd.value) / (1 - interconnect),
        unit: 'USD',
        formula: interconnect ? 'quantity · unit price / (1 − interconnect share)' : 'quantity · unit price',
        inputs: interconnect
          ? [quantity, unitPriceUsd, named('interconnectShare', interconnect)]
          : [quantity, unitPriceUsd],
        sources: src,
      }),
      unitPriceUsd,
    };
  };

  // Hardware first: owned pools give the rate that prices GPU-hours an owner disclosed without a price.
  d.items.forEach((item, i) => {
    if (item.owned === undefined) return;
    const fx = fxToUsd(catalog, d, item, i);
    const device = deviceOf(catalog, d, item, i);
    const { cost, unitPriceUsd } = stated(item, fx);
    const rates = ownedRatesFrom(d, unitPriceUsd ?? cost, item.owned, fx.value);
    const entry: OwnedRates = { ...rates, hardwareIndex: i, imputed: false };
    if (device) entry.device = device;
    const key = device?.id ?? '';
    if (!ownedRates.has(key)) ownedRates.set(key, entry);
    const r: ResolvedItem = { ...base(item, i), cost, pricedBy: 'stated' };
    if (unitPriceUsd) r.unitPriceUsd = unitPriceUsd;
    if (device) r.device = device;
    const sampler = samplerOf(item, cost.value / fx.value, fx.value);
    if (sampler) r.sampler = sampler;
    if (item.cashAmount !== undefined) r.cash = cashFigure(item, fx);
    // 1e308 GPU-hours at $2 is a valid number each and Infinity together: say so, not "$InfinityB".
    if (![r.cost.value, r.cost.low ?? 0, r.cost.high ?? 0, r.cash?.value ?? 0].every(Number.isFinite))
      throw new InputError(
        'its cost overflows the range of numbers (quantity × unit price × exchange rate is infinite): check the quantity and price',
        `items[${i}]${item.id ? ` (${item.id})` : ''}`,
      );
    resolved[i] = r;
  });

  d.items.forEach((item, i) => {
    if (resolved[i]) return;
    const fx = fxToUsd(catalog, d, item, i);
    const device = deviceOf(catalog, d, item, i);
    let r: ResolvedItem;
    if (item.amount === undefined && item.unitPrice === undefined) {
      r = { ...base(item, i), ...priceGpuHours(d, item, i, device, ownedRates) };
    } else {
      const { cost, unitPriceUsd } = stated(item, fx);
      r = { ...base(item, i), cost, pricedBy: 'stated' };
      if (unitPriceUsd) r.unitPriceUsd = unitPriceUsd;
    }
    if (device) r.device = device;
    const pointNative = r.pricedBy === 'stated' ? r.cost.value / fx.value : r.cost.value;
    const sampler =
      r.pricedBy === 'stated' ? samplerOf(item, pointNative, fx.value) : samplerOf(item, pointNative, 1);
    if (sampler) r.sampler = sampler;
    else if (r.pricedBy === 'catalog-rental' && r.cost.low !== undefined && r.cost.high !== undefined)
      // The catalog's market range is the uncertainty of a price the disclosure did not state.
      r.sampler = { distribution: 'uniform', low: r.cost.low, high: r.cost.high, point: r.cost.value };
    if (item.cashAmount !== undefined) r.cash = cashFigure(item, fx);
    // 1e308 GPU-hours at $2 is a valid number each and Infinity together: say so, not "$InfinityB".
    if (![r.cost.value, r.cost.low ?? 0, r.cost.high ?? 0, r.cash?.value ?? 0].every(Number.isFinite))
      throw new InputError(
        'its cost overflows the range of numbers (quantity × unit price × exchange rate is infinite): check the quantity and price',
        `items[${i}]${item.id ? ` (${item.id})` : ''}`,
      );
    resolved[i] = r;
  });

  return {
    disclosure: d,
    items: resolved as ResolvedItem[],
    ownedRates,
    periodDays: periodDays(d.period.start, d.period.end),
  };
}

function cashFigure(item: DisclosureItem, fx: Figure): Figure {
  const currency = fx.unit.split('/')[1] ?? 'USD';
  const amount = given(`${item.id}.cashAmount`, item.cashAmount ?? 0, currency);
  return figure({
    name: `${item.id}.cash`,
    value: (item.cashAmount ?? 0) * fx.value,
    unit: 'USD',
    formula: fx.value === 1 ? 'cash amount (billed)' : 'cash amount (billed) · fx',
    inputs: fx.value === 1 ? [amount] : [amount, fx],
  });
}

/** Owned rates for a device: the disclosure's own hardware item, else the catalog purchase price. */
export function ownedRatesFor(
  d: Disclosure,
  device: Device | undefined,
  rates: Map<string, OwnedRates>,
): OwnedRates | undefined {
  const own = (device && rates.get(device.id)) ?? (rates.size === 1 ? [...rates.values()][0] : undefined);
  if (own) return own;
  const purchase = device?.prices?.purchaseUsd;
  if (!device || !purchase) return undefined;
  const key = `catalog:${device.id}`;
  const cached = rates.get(key);
  if (cached) return cached;
  const unitPrice = rangeMidpoint(
    `${device.id}.purchaseUsd`,
    purchase,
    'USD/GPU',
    'catalog purchase range midpoint (imputed: the disclosure has no owned-hardware item)',
  );
  const life = given('usefulLifeYears', CATALOG_LIFE_YEARS, 'years', [lifeSource]);
  // Bought at the start of the period: the economic basis then charges the full new-chip value.
  const r = ownedRatesFrom(
    d,
    unitPrice,
    { acquired: d.period.start, usefulLifeYears: life.value, depreciation: 'straight-line' },
    1,
  );
  r.straightLine.sources.push(lifeSource);
  const entry: OwnedRates = { ...r, device, imputed: true };
  rates.set(key, entry);
  return entry;
}

function priceGpuHours(
  d: Disclosure,
  item: DisclosureItem,
  i: number,
  device: Device | undefined,
  rates: Map<string, OwnedRates>,
): Pick<ResolvedItem, 'cost' | 'pricedBy' | 'unitPriceUsd'> {
  const src = [itemSource(item)];
  const hours = given(`${item.id}.quantity`, item.quantity ?? 0, 'GPU-h', src);
  const own = device ? rates.get(device.id) : rates.size === 1 ? [...rates.values()][0] : undefined;
  if (own) {
    // An owner's GPU-hours cost what its own hardware costs per hour, by its own depreciation policy.
    const hw = own.hardwareIndex === undefined ? undefined : d.items[own.hardwareIndex];
    const rate = hw?.owned?.depreciation === 'economic' ? own.economic : own.straightLine;
    return {
      pricedBy: 'owned-hardware',
      unitPriceUsd: rate,
      cost: figure({
        name: item.id,
        value: hours.value * rate.value,
        unit: 'USD',
        formula: `GPU-hours · owned-hardware rate (${hw?.owned?.depreciation ?? 'straight-line'})`,
        inputs: [hours, rate],
        sources: src,
      }),
    };
  }
  const rental = device?.prices?.rentalUsdPerHour;
  if (!device || !rental)
    throw new InputError(
      `GPU-hours without a unit price need a price: give unitPrice, an owned hardware item, or hardware with a catalog rental price${device ? ` (${device.id} has none)` : ''}`,
      where(i, 'unitPrice'),
    );
  const price = rangeMidpoint(
    `${device.id}.rentalUsdPerHour`,
    rental,
    'USD/GPU-h',
    'catalog rental range midpoint (imputed: the disclosure states no price)',
  );
  return {
    pricedBy: 'catalog-rental',
    unitPriceUsd: price,
    cost: figure({
      name: item.id,
      value: hours.value * price.value,
      unit: 'USD',
      formula: 'GPU-hours · catalog rental price',
      inputs: [hours, price],
      sources: src,
      low: hours.value * rental.low,
      high: hours.value * rental.high,
    }),
  };
}

/** Occurrences of a recurring item over a span of days (1 for a one-off cost). */
export function occurrences(item: DisclosureItem, days: number): { count: number; text: string } {
  switch (item.recurrence ?? 'once') {
    case 'per-day':
      return { count: days, text: `${days} days` };
    case 'per-month':
      return { count: (days / 365.25) * 12, text: `${((days / 365.25) * 12).toFixed(2)} months` };
    case 'per-year':
      return { count: days / 365.25, text: `${(days / 365.25).toFixed(3)} years` };
    default:
      return { count: 1, text: 'once' };
  }
}
