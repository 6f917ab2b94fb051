import type { Device } from '../catalog/schema.ts';
import { powerCaveat } from '../estimate/power.ts';
import { type Figure, figure, given, named } from '../figure/figure.ts';
import type { Source } from '../figure/source.ts';
import { type CostAssumptions, HOURS_PER_MONTH, serverFactors } from './assumptions.ts';
import type { Workload } from './workload.ts';

export type Acquisition = 'rent' | 'buy';

/** A price range with where it came from: the catalog's, or the workload's override. */
interface PriceRange {
  mid: number;
  low: number;
  high: number;
  sources: Source[];
  note: string;
}

/** A source without its note, as Decide reports them. */
export function sourceOf(s: { title: string; url?: string | undefined; date: string }): Source {
  return s.url === undefined
    ? { title: s.title, date: s.date }
    : { title: s.title, url: s.url, date: s.date };
}

/** The device's hourly rental or purchase price: workload override first, then the catalog range. */
export function devicePrice(device: Device, acquisition: Acquisition, w: Workload): PriceRange | undefined {
  const override = w.selfHost?.prices?.[device.id];
  const overrideValue = acquisition === 'rent' ? override?.rentalUsdPerHour : override?.purchaseUsd;
  if (overrideValue !== undefined) {
    const src = override?.source
      ? sourceOf(override.source)
      : { title: 'workload selfHost.prices', date: '2026-11' };
    return {
      mid: overrideValue,
      low: overrideValue,
      high: overrideValue,
      sources: [src],
      note: 'set in the workload',
    };
  }
  const range = acquisition === 'rent' ? device.prices?.rentalUsdPerHour : device.prices?.purchaseUsd;
  if (!range) return undefined;
  return {
    mid: (range.low + range.high) / 2,
    low: range.low,
    high: range.high,
    sources: [sourceOf(range.source)],
    note: `catalog range ${range.low}-${range.high} (${range.date}), midpoint used`,
  };
}

/** Plain numbers for the search: USD per device-month at the low, middle and high price. */
export interface DeviceMonthly {
  mid: number;
  low: number;
  high: number;
}

function amortizationMonths(a: CostAssumptions, w: Workload): number {
  return Math.min(a.usefulLifeMonths.value, w.horizonMonths);
}

/**
 * Server power over the device's own: a system share (Ascend 910C) or a whole machine's power
 * already holds hosts and network, so it is not scaled again.
 */
function serverPowerFactor(device: Device): Figure {
  if (device.power.scope === 'chip') return serverFactors(device.class).power;
  const note = `${device.name}'s power is a ${device.power.scope} figure: hosts and network already in`;
  return given('serverPowerFactor', 1, '×', [], note);
}

/** Running costs of one owned device per month: energy at PUE, hosting per kW, operations share. */
function ownedRunningUsd(device: Device, a: CostAssumptions): number {
  const power = serverPowerFactor(device).value;
  const kw = (device.power.tdpWatts / 1000) * power;
  const energy = kw * a.powerLoadFactor.value * a.pue.value * HOURS_PER_MONTH * a.usdPerKwh.value;
  const hosting = kw * a.hostingUsdPerKwMonth.value;
  return energy + hosting + a.opsUsdPerDeviceMonth.value;
}

export function deviceMonthlyUsd(
  device: Device,
  acquisition: Acquisition,
  w: Workload,
  a: CostAssumptions,
  priceScale = 1,
): DeviceMonthly | undefined {
  const price = devicePrice(device, acquisition, w);
  if (!price) return undefined;
  if (acquisition === 'rent') {
    return {
      mid: price.mid * priceScale * HOURS_PER_MONTH,
      low: price.low * priceScale * HOURS_PER_MONTH,
      high: price.high * priceScale * HOURS_PER_MONTH,
    };
  }
  const capexPerMonth = (usd: number) =>
    (usd * priceScale * serverFactors(device.class).cost.value) / amortizationMonths(a, w);
  const running = ownedRunningUsd(device, a);
  return {
    mid: capexPerMonth(price.mid) + running,
    low: capexPerMonth(price.low) + running,
    high: capexPerMonth(price.high) + running,
  };
}

/** The same per-device monthly cost, explained. */
export function deviceMonthlyFigure(
  device: Device,
  acquisition: Acquisition,
  w: Workload,
  a: CostAssumptions,
  priceScale = 1,
): Figure {
  const price = devicePrice(device, acquisition, w);
  const n = deviceMonthlyUsd(device, acquisition, w, a, priceScale);
  if (!price || !n) throw new Error(`no ${acquisition} price for ${device.id}`);
  const scaleInputs = priceScale === 1 ? [] : [named('priceScale', priceScale)];
  if (acquisition === 'rent') {
    const hourly = given('usdPerDeviceHour', price.mid, 'USD/h', price.sources, price.note);
    hourly.low = price.low;
    hourly.high = price.high;
    return figure({
      name: 'usdPerDeviceMonth',
      value: n.mid,
      low: n.low,
      high: n.high,
      unit: 'USD/device-month',
      formula: 'rental USD per device-hour × 730.5 hours (always on: capacity is held for the peak)',
      inputs: [hourly, ...scaleInputs],
    });
  }
  const factors = serverFactors(device.class);
  const purchase = given('purchaseUsd', price.mid, 'USD', price.sources, price.note);
  purchase.low = price.low;
  purchase.high = price.high;
  const months = amortizationMonths(a, w);
  const capex = figure({
    name: 'capexUsdPerMonth',
    value: (price.mid * priceScale * factors.cost.value) / months,
    unit: 'USD/device-month',
    formula: 'purchase × server cost factor / min(useful life, horizon) (no residual value)',
    inputs: [
      purchase,
      factors.cost,
      a.usefulLifeMonths,
      named('horizonMonths', w.horizonMonths),
      ...scaleInputs,
    ],
  });
  // An estimated or system-level power says so wherever it feeds a cost.
  const tdp = given(
    'tdpWatts',
    device.power.tdpWatts,
    'W',
    [sourceOf(device.power.source)],
    powerCaveat(device) ?? device.name,
  );
  const powerFactor = serverPowerFactor(device);
  const kw = (device.power.tdpWatts / 1000) * powerFactor.value;
  const energy = figure({
    name: 'energyUsdPerMonth',
    value: kw * a.powerLoadFactor.value * a.pue.value * HOURS_PER_MONTH * a.usdPerKwh.value,
    unit: 'USD/device-month',
    formula: 'TDP × server power factor × load factor × PUE × 730.5 h × USD/kWh',
    inputs: [tdp, powerFactor, a.powerLoadFactor, a.pue, a.usdPerKwh],
  });
  const hosting = figure({
    name: 'hostingUsdPerMonth',
    value: kw * a.hostingUsdPerKwMonth.value,
    unit: 'USD/device-month',
    formula: 'TDP × server power factor (provisioned kW) × hosting USD per kW-month',
    inputs: [tdp, powerFactor, a.hostingUsdPerKwMonth],
  });
  return figure({
    name: 'usdPerDeviceMonth',
    value: n.mid,
    low: n.low,
    high: n.high,
    unit: 'USD/device-month',
    formula: 'amortized purchase + energy + hosting + operations share',
    inputs: [capex, energy, hosting, a.opsUsdPerDeviceMonth],
  });
}
