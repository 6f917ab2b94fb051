import type { Catalog } from '../catalog/catalog.ts';
import { closestIds } from '../catalog/closest.ts';
import type { Device } from '../catalog/schema.ts';
import { ClearboxError } from '../errors/clearbox-error.ts';
import type { Estimator } from '../estimate/estimator.ts';
import { deviceSource } from '../estimate/peak.ts';
import { devicePowerFigure } from '../estimate/power.ts';
import { impliedMfu } from '../estimate/training.ts';
import { formatNumber } from '../figure/explain.ts';
import { type Figure, figure, given, named } from '../figure/figure.ts';
import { echo } from '../input/echo.ts';
import type { ResolvedDisclosure, ResolvedItem } from './resolve.ts';

/** `not-independent`: the check compared the disclosure with a figure from the disclosure's own source. */
export type Severity = 'ok' | 'info' | 'warn' | 'bad' | 'not-independent';

/** One cross-check of the disclosure against physics or the market, explained with Figures. */
export interface Finding {
  id: string;
  check:
    | 'implied-mfu'
    | 'training-flops'
    | 'gpu-days'
    | 'energy'
    | 'emissions'
    | 'unit-price'
    | 'imputed-price'
    | 'price-years'
    | 'acquisition-date';
  severity: Severity;
  message: string;
  figures: Figure[];
  items: string[];
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function hoursOf(items: ResolvedItem[], phase: string | undefined): { hours: number; ids: string[] } {
  const run = items.filter(
    (r) => r.item.stage === 'final-run' && r.gpuHours > 0 && (phase === undefined || r.item.phase === phase),
  );
  return { hours: run.reduce((s, r) => s + r.gpuHours, 0), ids: run.map((r) => r.item.id) };
}

function findDevice(catalog: Catalog, id: string | undefined): Device | undefined {
  if (id === undefined) return undefined;
  const key = id.toLowerCase();
  return catalog.devices.find((x) => x.id === key || x.aliases?.includes(key));
}

function mfuSeverity(mfu: number): { severity: Severity; verdict: string } {
  if (mfu > 0.75 || mfu < 0.02)
    return { severity: 'bad', verdict: 'outside anything published for large-scale training (≈2–60%)' };
  if (mfu > 0.6 || mfu < 0.1)
    return { severity: 'warn', verdict: 'at the edge of published large-scale training (≈10–60%)' };
  return { severity: 'ok', verdict: 'within the published range of large-scale training (≈10–60%)' };
}

/** Implied MFU of the disclosed GPU-hours, FLOPs and tokens, through the Estimate engine. */
function mfuFindings(catalog: Catalog, estimator: Estimator | undefined, rd: ResolvedDisclosure): Finding[] {
  const d = rd.disclosure;
  const q = d.quantities;
  const device = findDevice(catalog, q?.hardware);
  const { hours, ids } = hoursOf(rd.items, undefined);
  const out: Finding[] = [];
  const modelId = d.model.catalogId;
  const inCatalog =
    modelId !== undefined && catalog.models.some((m) => m.id === modelId || m.aliases?.includes(modelId));
  if (modelId !== undefined && !inCatalog) {
    const closest = closestIds(
      modelId,
      catalog.models.map((m) => m.id),
      3,
    );
    out.push({
      id: 'unknown-catalog-model',
      check: 'implied-mfu',
      severity: 'warn',
      message: `model.catalogId ${echo(modelId)} is not in the catalog${closest.length ? ` (closest: ${closest.join(', ')})` : ''}: the FLOPs counted from the architecture and the implied MFU through the estimator were not checked`,
      figures: [],
      items: [],
    });
  }
  if (!device || hours === 0) return out;
  const dtype = q?.dtype ?? 'bf16';
  let counted: Figure | undefined;
  if (estimator && inCatalog && modelId !== undefined) {
    try {
      const options: Parameters<Estimator['training']>[0] = {
        model: modelId,
        hardware: device.id,
        gpuHours: hours,
        dtype,
      };
      if (q?.trainingTokens !== undefined) options.tokens = q.trainingTokens;
      if (q?.gpus !== undefined) options.count = q.gpus;
      const e = estimator.training(options);
      counted = e.flops;
      const { severity, verdict } = mfuSeverity(e.mfu.value);
      const others = Object.entries(e.mfuByDtype)
        .filter(([k]) => k !== dtype)
        .map(([k, f]) => `${k} ${pct(f.value)}`)
        .join(', ');
      out.push({
        id: 'implied-mfu-estimate',
        check: 'implied-mfu',
        severity,
        message: `${formatNumber(hours)} final-run GPU-hours for ${formatNumber(e.flops.value)} FLOPs (6·N_active·D of ${modelId}) imply ${pct(e.mfu.value)} MFU of the ${device.id} ${dtype} dense peak${others ? ` (against other peaks: ${others})` : ''}: ${verdict}; all final-run phases are counted against pre-training FLOPs`,
        figures: [e.mfu, e.flops],
        items: ids,
      });
    } catch (error) {
      if (!(error instanceof ClearboxError)) throw error;
      // The model lacks what the estimator needs (e.g. tokens): the disclosed FLOPs may still be checked.
    }
  }
  const peakTflops = device.compute.denseTflops[dtype] ?? device.compute.denseTflops.bf16;
  if (q?.trainingFlops !== undefined && peakTflops !== undefined) {
    const flops = given(
      'trainingFlops',
      q.trainingFlops,
      'FLOP',
      q.source ? [deviceSource(q.source)] : [],
      'disclosed',
    );
    const gpuHours = given('gpuHours', hours, 'GPU-h', [], `final-run items: ${ids.join(', ')}`);
    const peak = given(`peak(${device.id}, ${dtype}, dense)`, peakTflops * 1e12, 'FLOP/s', [
      deviceSource(device.compute.source),
    ]);
    const mfu = figure({
      name: 'impliedMfu',
      value: impliedMfu(flops.value, hours, peak.value),
      unit: 'fraction',
      formula: 'implied MFU = FLOPs / (GPU-hours · 3600 · dense peak)',
      inputs: [flops, gpuHours, peak],
    });
    const { severity, verdict } = mfuSeverity(mfu.value);
    out.push({
      id: 'implied-mfu-disclosed-flops',
      check: 'implied-mfu',
      severity,
      message: `the disclosed ${formatNumber(q.trainingFlops)} FLOPs in ${formatNumber(hours)} GPU-hours imply ${pct(mfu.value)} MFU of the ${device.id} ${dtype} dense peak: ${verdict}`,
      figures: [mfu],
      items: ids,
    });
    if (counted) {
      const ratio = figure({
        name: 'disclosedOverCountedFlops',
        value: q.trainingFlops / counted.value,
        unit: 'ratio',
        formula: 'disclosed FLOPs / (6 · N_active · D)',
        inputs: [flops, counted],
      });
      const off = ratio.value > 1.5 || ratio.value < 1 / 1.5;
      out.push({
        id: 'training-flops',
        check: 'training-flops',
        severity: off ? 'warn' : 'ok',
        message: `disclosed FLOPs are ${ratio.value.toFixed(2)}× the 6·N_active·D count from the architecture${off ? ': more than 1.5× apart, check the tokens or the counting method' : ''}`,
        figures: [ratio],
        items: [],
      });
    }
  }
  return out;
}

function gpuDaysFinding(rd: ResolvedDisclosure): Finding[] {
  const q = rd.disclosure.quantities;
  if (q?.gpus === undefined || q.wallClockDays === undefined) return [];
  const { hours, ids } = hoursOf(rd.items, q.wallClockPhase);
  if (hours === 0) return [];
  const capacity = figure({
    name: 'gpuHoursCapacity',
    value: q.gpus * q.wallClockDays * 24,
    unit: 'GPU-h',
    formula: 'GPUs · wall-clock days · 24',
    inputs: [named('GPUs', q.gpus), named('wallClockDays', q.wallClockDays, 'days')],
  });
  const used = given(
    'gpuHours',
    hours,
    'GPU-h',
    [],
    `final-run items${q.wallClockPhase ? ` of phase ${q.wallClockPhase}` : ''}: ${ids.join(', ')}`,
  );
  const ratio = figure({
    name: 'gpuHoursOverCapacity',
    value: hours / capacity.value,
    unit: 'fraction',
    formula: 'disclosed GPU-hours / (GPUs · days · 24)',
    inputs: [used, capacity],
  });
  const severity: Severity = ratio.value > 1.05 ? 'bad' : ratio.value < 0.5 ? 'warn' : 'ok';
  return [
    {
      id: 'gpu-days',
      check: 'gpu-days',
      severity,
      message:
        severity === 'bad'
          ? `${formatNumber(hours)} GPU-hours exceed what ${q.gpus} GPUs can deliver in ${q.wallClockDays} days (${formatNumber(capacity.value)}): ${ratio.value.toFixed(2)}×`
          : `${formatNumber(hours)} GPU-hours are ${pct(ratio.value)} of ${q.gpus} GPUs × ${q.wallClockDays} days${severity === 'warn' ? ': the GPUs were mostly not used for this run, or the count or days are overstated' : ''}`,
      figures: [ratio],
      items: ids,
    },
  ];
}

function energyFindings(catalog: Catalog, rd: ResolvedDisclosure): Finding[] {
  const q = rd.disclosure.quantities;
  const device = findDevice(catalog, q?.hardware);
  const energyItems = rd.items.filter(
    (r) => r.item.stage === 'energy' && (r.item.unit === 'MWh' || r.item.unit === 'kWh'),
  );
  // Disclosed energy items cover development (final run and experiments); quantities.energyMWh the run.
  const fromItems = q?.energyMWh === undefined && energyItems.length > 0;
  const run = hoursOf(rd.items, q?.energyPhase);
  const experiments = rd.items.filter((r) => r.item.stage === 'experiments' && r.gpuHours > 0);
  const hours = fromItems ? run.hours + experiments.reduce((s, r) => s + r.gpuHours, 0) : run.hours;
  const ids = fromItems ? [...run.ids, ...experiments.map((r) => r.item.id)] : run.ids;
  const out: Finding[] = [];
  const power =
    q?.powerWattsPerGpu !== undefined
      ? given('powerWattsPerGpu', q.powerWattsPerGpu, 'W', [], 'disclosed')
      : device
        ? devicePowerFigure(device)
        : undefined;
  if (!power || hours === 0) return out;
  const pue = given(
    'PUE',
    q?.pue ?? 1,
    'ratio',
    [],
    q?.pue === undefined ? 'not disclosed: 1 (GPU power only)' : 'disclosed',
  );
  const expected = figure({
    name: 'expectedEnergyMWh',
    value: (hours * power.value * pue.value) / 1e6,
    unit: 'MWh',
    formula: 'GPU-hours · power per GPU · PUE / 10^6',
    inputs: [given('gpuHours', hours, 'GPU-h', [], ids.join(', ')), power, pue],
  });
  const disclosedMWh =
    q?.energyMWh ??
    (energyItems.length > 0
      ? energyItems.reduce((s, r) => s + (r.item.quantity ?? 0) / (r.item.unit === 'kWh' ? 1000 : 1), 0)
      : undefined);
  if (disclosedMWh !== undefined) {
    const disclosed = given(
      'energyMWh',
      disclosedMWh,
      'MWh',
      [],
      q?.energyMWh !== undefined ? 'quantities.energyMWh' : 'energy items',
    );
    const ratio = figure({
      name: 'energyOverExpected',
      value: disclosedMWh / expected.value,
      unit: 'ratio',
      formula: 'disclosed energy / (GPU-hours · power · PUE)',
      inputs: [disclosed, expected],
    });
    // Average draw is below TDP (Epoch: ~75%) and PUE adds up to ~1.6: the band allows both.
    const lo = q?.pue === undefined ? 0.5 : 0.6;
    const hi = q?.pue === undefined ? 1.7 : 1.15;
    const severity: Severity = ratio.value < lo || ratio.value > hi ? 'warn' : 'ok';
    out.push({
      id: 'energy',
      check: 'energy',
      severity,
      message: `disclosed energy ${formatNumber(disclosedMWh)} MWh is ${ratio.value.toFixed(2)}× GPU-hours × ${formatNumber(power.value)} W × PUE ${pue.value} (${formatNumber(expected.value)} MWh)${severity === 'warn' ? `: outside ${lo}–${hi}×` : ''}`,
      figures: [ratio],
      items: ids,
    });
  }
  if (q?.emissionsTonnesCo2 !== undefined) {
    const energy = disclosedMWh !== undefined ? given('energyMWh', disclosedMWh, 'MWh') : expected;
    const intensity = figure({
      name: 'impliedGridKgCo2PerKwh',
      value: (q.emissionsTonnesCo2 * 1000) / (energy.value * 1000),
      unit: 'kgCO2e/kWh',
      formula: 'emissions (t) · 1000 / (energy (MWh) · 1000)',
      inputs: [given('emissionsTonnesCo2', q.emissionsTonnesCo2, 'tCO2e'), energy],
    });
    const severity: Severity = intensity.value > 1.2 ? 'warn' : 'ok';
    out.push({
      id: 'emissions',
      check: 'emissions',
      severity,
      message: `${formatNumber(q.emissionsTonnesCo2)} tCO2e over ${formatNumber(energy.value)} MWh implies ${intensity.value.toFixed(3)} kgCO2e/kWh${severity === 'warn' ? ': above any national grid average (≈1.0 at most)' : ' (world average ≈0.46)'}`,
      figures: [intensity],
      items: [],
    });
  }
  return out;
}

/** Stated unit prices against the catalog's market range for the same hardware, one finding per price. */
function unitPriceFindings(rd: ResolvedDisclosure): Finding[] {
  const groups = new Map<
    string,
    {
      r: ResolvedItem;
      range: { low: number; high: number; what: string; source: { title: string; url?: string | undefined } };
      ids: string[];
    }
  >();
  for (const r of rd.items) {
    if (r.pricedBy !== 'stated' || !r.device || !r.unitPriceUsd) continue;
    const prices = r.device.prices;
    const range =
      r.item.unit === 'GPU-hours'
        ? prices?.rentalUsdPerHour && {
            low: prices.rentalUsdPerHour.low,
            high: prices.rentalUsdPerHour.high,
            source: prices.rentalUsdPerHour.source,
            what: 'rental USD/GPU-h',
          }
        : r.item.unit === 'GPUs'
          ? prices?.purchaseUsd && {
              low: prices.purchaseUsd.low,
              high: prices.purchaseUsd.high,
              source: prices.purchaseUsd.source,
              what: 'purchase USD/GPU',
            }
          : undefined;
    if (!range) continue;
    const key = `${r.device.id}|${r.item.unit}|${r.unitPriceUsd.value}`;
    const g = groups.get(key);
    if (g) g.ids.push(r.item.id);
    else groups.set(key, { r, range, ids: [r.item.id] });
  }
  return [...groups.values()].map(({ r, range, ids }) => {
    const price = r.unitPriceUsd as Figure;
    const device = r.device as Device;
    const circular = range.source !== undefined && sameDocument(range.source, r.item.source);
    if (circular) return notIndependent(rd, r, range, ids, price, device);
    const ratio = figure({
      name: 'unitPriceOverMarket',
      value: price.value / ((range.low + range.high) / 2),
      unit: 'ratio',
      formula: `stated unit price / catalog ${range.what} midpoint`,
      inputs: [
        price,
        given(
          `${device.id} ${range.what}`,
          (range.low + range.high) / 2,
          'USD',
          [],
          `catalog range ${range.low}–${range.high}`,
        ),
      ],
    });
    // Within ±25% of the catalog's range counts as market: lists and contracts spread that much.
    const inside = price.value >= range.low * 0.75 && price.value <= range.high * 1.25;
    return {
      id: `unit-price-${device.id}-${r.item.unit}`,
      check: 'unit-price' as const,
      severity: inside ? ('ok' as const) : ('warn' as const),
      message: `${r.item.unit === 'GPU-hours' ? 'rental' : 'purchase'} price $${formatNumber(price.value)} for ${device.id} is ${inside ? 'within' : price.value < range.low ? 'below' : 'above'} the catalog market range $${formatNumber(range.low)}–${formatNumber(range.high)}${inside ? '' : ` (${ratio.value.toFixed(2)}× the midpoint)`}`,
      figures: [ratio],
      items: ids,
    };
  });
}

function urlKey(url: string | undefined): string | undefined {
  return url
    ?.toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/[#?].*$/, '')
    .replace(/\/+$/, '');
}

/** Same publication: same address, or (without addresses) the same title. */
function sameDocument(
  a: { title: string; url?: string | undefined },
  b: { title: string; url?: string | undefined },
) {
  const ua = urlKey(a.url);
  const ub = urlKey(b.url);
  return ua && ub ? ua === ub : a.title.trim().toLowerCase() === b.title.trim().toLowerCase();
}

/**
 * The catalog's market range comes from the disclosure's own source: comparing them proves nothing.
 * Say so, and show what the same quantity costs at the top of the item's own stated range.
 */
function notIndependent(
  rd: ResolvedDisclosure,
  r: ResolvedItem,
  range: { low: number; high: number; what: string; source?: { title: string; url?: string | undefined } },
  ids: string[],
  price: Figure,
  device: Device,
): Finding {
  // The final run when it is among the items (what a headline cost is about), else the one-off items.
  const grouped = rd.items.filter((x) => ids.includes(x.item.id) && (x.item.recurrence ?? 'once') === 'once');
  const run = grouped.filter((x) => x.item.stage === 'final-run');
  const counted = run.length > 0 ? run : grouped;
  const quantity = counted.reduce((s, x) => s + (x.item.quantity ?? 0), 0);
  const what =
    run.length > 0
      ? `final run's ${formatNumber(quantity)} ${r.item.unit}`
      : `${formatNumber(quantity)} ${r.item.unit}`;
  const u = r.item.uncertainty;
  const highFactor =
    u?.highFactor ?? (u?.high !== undefined && r.cost.value > 0 ? u.high / r.cost.value : undefined);
  const figures: Figure[] = [price];
  let alternative = '';
  if (highFactor !== undefined && highFactor > 1 && quantity > 0) {
    const altPrice = given(
      'unitPriceAtRangeTop',
      price.value * highFactor,
      'USD',
      [],
      `top of the item's own range (× ${highFactor})${u?.note ? `: ${u.note}` : ''}`,
    );
    const total = figure({
      name: 'totalAtRangeTop',
      value: altPrice.value * quantity,
      unit: 'USD',
      formula: `${r.item.unit} of ${counted.map((x) => x.item.id).join(', ')} · unit price at the top of the range`,
      inputs: [named('quantity', quantity, r.item.unit ?? ''), altPrice],
    });
    figures.push(altPrice, total);
    alternative = `; at the top of the item's own range ($${formatNumber(altPrice.value)}${r.item.unit === 'GPU-hours' ? '/GPU-h' : ''}${u?.note ? `, ${u.note}` : ''}) the ${what} cost $${formatNumber(total.value)} instead of $${formatNumber(price.value * quantity)}`;
  }
  return {
    id: `unit-price-${device.id}-${r.item.unit}`,
    check: 'unit-price',
    severity: 'not-independent',
    message: `not independent: the catalog's ${range.what} for ${device.id} ($${formatNumber(range.low)}–${formatNumber(range.high)}) comes from the disclosure's own source (${range.source?.title ?? 'the same document'}), so agreeing with it confirms nothing${alternative}`,
    figures,
    items: ids,
  };
}

function imputedFindings(rd: ResolvedDisclosure): Finding[] {
  const imputed = rd.items.filter((r) => r.pricedBy !== 'stated');
  if (imputed.length === 0) return [];
  const byCatalog = imputed.filter((r) => r.pricedBy === 'catalog-rental');
  return [
    {
      id: 'imputed-price',
      check: 'imputed-price',
      severity: 'info',
      message: `${imputed.length} item${imputed.length === 1 ? '' : 's'} gave GPU-hours without a price: priced ${byCatalog.length === imputed.length ? 'at the catalog rental midpoint (its range is the uncertainty)' : "at the publisher's owned-hardware rate"}`,
      figures: imputed.slice(0, 20).map((r) => r.cost),
      items: imputed.map((r) => r.item.id),
    },
  ];
}

function priceYearFindings(rd: ResolvedDisclosure): Finding[] {
  const years = [
    ...new Set(rd.items.map((r) => r.item.priceYear).filter((y): y is number => y !== undefined)),
  ].sort();
  if (years.length < 2) return [];
  return [
    {
      id: 'price-years',
      check: 'price-years',
      severity: 'info',
      message: `prices from ${years.join(', ')} are added in nominal terms: Clearbox does not deflate`,
      figures: [],
      items: [],
    },
  ];
}

/**
 * Owned hardware bought when the catalog says the device was not on sale (export rules ended the
 * H800 in October 2023): the acquisition date, and with it the depreciation, cannot be right.
 */
function acquisitionFindings(rd: ResolvedDisclosure): Finding[] {
  const out: Finding[] = [];
  for (const r of rd.items) {
    const acquired = r.item.owned?.acquired;
    const window = r.device?.availability;
    if (acquired === undefined || !window || !r.device) continue;
    const before = acquired < window.from.slice(0, acquired.length);
    const after = window.until !== undefined && acquired.slice(0, 7) > window.until.slice(0, 7);
    const range = `${window.from}${window.until ? ` to ${window.until}` : ' on'}`;
    out.push({
      id: `acquisition-date-${r.item.id}`,
      check: 'acquisition-date',
      severity: before || after ? 'warn' : 'ok',
      message:
        before || after
          ? `${r.item.id} acquired ${acquired}, when ${r.device.id} was not on sale (${range}, ${window.source.title}): the depreciation from that date cannot be right`
          : `${r.item.id} acquired ${acquired}, while ${r.device.id} was on sale (${range})`,
      figures: [],
      items: [r.item.id],
    });
  }
  return out;
}

export function crossCheck(
  catalog: Catalog,
  estimator: Estimator | undefined,
  rd: ResolvedDisclosure,
): Finding[] {
  return [
    ...mfuFindings(catalog, estimator, rd),
    ...gpuDaysFinding(rd),
    ...energyFindings(catalog, rd),
    ...unitPriceFindings(rd),
    ...imputedFindings(rd),
    ...priceYearFindings(rd),
    ...acquisitionFindings(rd),
  ];
}
