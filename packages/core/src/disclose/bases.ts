import { type Figure, figure, given, named } from '../figure/figure.ts';
import { DAYS_PER_YEAR, dayNumber } from './dates.ts';
import { occurrences, ownedRatesFor, type ResolvedDisclosure, type ResolvedItem } from './resolve.ts';
import type { Stage } from './schema.ts';

/** The accounting bases, in the order reports print them. Public ids: `compare --basis` takes them. */
export const BASIS_IDS = [
  'final-run-rental',
  'final-run-owned-economic',
  'final-run-owned-straight-line',
  'cluster-acquisition',
  'full-development',
  'lifecycle',
  'fleet-period',
  'fleet-ownership-total',
] as const;
export type BasisId = (typeof BASIS_IDS)[number];

/** One addend of a basis: an item's share of it, and the items whose Monte Carlo draws scale it. */
export interface BasisTerm {
  item: number;
  stage: Stage;
  class: 'technical' | 'commercial';
  value: number;
  /** Cash (billed) value where the item's cash differs from its accrual. */
  cash: number;
  /** Indices of the items whose uncertainty multiplies this term. */
  factors: number[];
  figure: Figure;
}

export interface BasisPlan {
  id: BasisId;
  label: string;
  description: string;
  terms: BasisTerm[];
  hasCash: boolean;
  /** Why the basis cannot be computed from this disclosure (the plan then has no terms). */
  unavailable?: string;
}

const DEVELOPMENT: ReadonlySet<Stage> = new Set(['final-run', 'experiments', 'data', 'staff', 'energy']);
const IN_SERVICE: ReadonlySet<Stage> = new Set(['deployment', 'operations', 'commercial']);

/** A model-level cost: fleet-wide items enter a model's bases only through an allocation key. */
function countsForModel(r: ResolvedItem): boolean {
  return r.kind === 'cost' && (r.level === 'model' || r.item.allocation !== undefined);
}

/** An item's part of a basis; `cashBasis` counts what was paid (capex) instead of what accrued. */
function term(
  r: ResolvedItem,
  days: number,
  spanText: string,
  cashBasis = false,
  share = r.share,
): BasisTerm {
  const occ = occurrences(r.item, days);
  const factor = share.value * occ.count;
  const cost = cashBasis ? (r.cash ?? r.cost) : r.cost;
  const value = cost.value * factor;
  const cash = (r.cash?.value ?? r.cost.value) * factor;
  const f =
    factor === 1
      ? cost
      : figure({
          name: r.item.id,
          value,
          unit: 'USD',
          formula:
            occ.count === 1
              ? 'item total · allocated share'
              : `item total per ${r.item.recurrence?.replace('per-', '')} · occurrences over ${spanText} · allocated share`,
          inputs: occ.count === 1 ? [cost, share] : [cost, named('occurrences', occ.count, occ.text), share],
        });
  return {
    item: r.index,
    stage: r.item.stage,
    class: r.item.class,
    value,
    cash,
    factors: [r.index],
    figure: f,
  };
}

function plan(
  id: BasisId,
  label: string,
  description: string,
  terms: BasisTerm[],
  items: ResolvedItem[],
  unavailable?: string,
): BasisPlan {
  const p: BasisPlan = {
    id,
    label,
    description,
    terms: unavailable ? [] : terms,
    hasCash: terms.some((t) => items[t.item]?.cash !== undefined),
  };
  if (unavailable) p.unavailable = unavailable;
  return p;
}

const unallocated = given('share', 1, 'fraction', [], 'fleet basis: the whole item, not allocated');

/**
 * Share of a capital amount spent evenly over [from, to] and depreciated straight-line over `life`
 * days that falls in [start, end): the integral of the depreciation rate over the period, by month.
 */
export function depreciationShare(
  from: number,
  to: number,
  lifeDays: number,
  start: number,
  end: number,
): number {
  const steps = Math.max(1, Math.round((to - from) / 30));
  let share = 0;
  for (let i = 0; i < steps; i++) {
    // Tranche i, bought at the middle of its slice, worth 1/steps, depreciated over [bought, bought + life).
    const bought = steps === 1 ? from : from + ((i + 0.5) * (to - from)) / steps;
    const overlap = Math.max(0, Math.min(end, bought + lifeDays) - Math.max(start, bought));
    share += overlap / lifeDays / steps;
  }
  return share;
}

/** A fleet item's part of the period: depreciation in the period, a multi-year total's share, or the item as stated. */
function fleetPeriodTerm(
  r: ResolvedItem,
  start: number,
  end: number,
  days: number,
  spanText: string,
): BasisTerm {
  const schedule = r.item.capexSchedule;
  const covers = r.item.coversYears;
  if (!schedule && covers === undefined) {
    const t = term(r, days, spanText, false, unallocated);
    if ((r.item.recurrence ?? 'once') === 'once')
      t.figure = {
        ...t.figure,
        note: 'no capexSchedule or coversYears: the whole amount is counted in the period',
      };
    return t;
  }
  let share: number;
  let cashShare: number;
  let formula: string;
  let inputs: Figure['inputs'];
  if (schedule) {
    const from = dayNumber(schedule.from);
    const to = dayNumber(schedule.to ?? schedule.from, schedule.to !== undefined);
    const lifeDays = schedule.usefulLifeYears * DAYS_PER_YEAR;
    share = depreciationShare(from, to, lifeDays, start, end);
    // Cash: the part of the spending that falls in the period.
    cashShare =
      to > from
        ? Math.max(0, Math.min(end, to) - Math.max(start, from)) / (to - from)
        : from >= start && from < end
          ? 1
          : 0;
    formula = 'capital · straight-line depreciation falling in the period (spent evenly over the schedule)';
    inputs = [
      r.cost,
      named('spent', `${schedule.from} to ${schedule.to ?? schedule.from}`),
      named('usefulLifeYears', schedule.usefulLifeYears, 'years'),
      named('periodDays', days, 'days'),
      named('share in period', share),
    ];
  } else {
    share = days / DAYS_PER_YEAR / (covers as number);
    cashShare = share;
    formula = 'multi-year total · period years / years covered';
    inputs = [r.cost, named('coversYears', covers as number, 'years'), named('periodDays', days, 'days')];
  }
  const value = r.cost.value * share;
  return {
    item: r.index,
    stage: r.item.stage,
    class: r.item.class,
    value,
    cash: r.cost.value * cashShare,
    factors: [r.index],
    figure: figure({ name: r.item.id, value, unit: 'USD', formula, inputs }),
  };
}

/** The terms of every accounting basis, computed from the same items. */
export function planBases(rd: ResolvedDisclosure, lifecycleYears: number): BasisPlan[] {
  const d = rd.disclosure;
  const items = rd.items;
  const period = `the period (${rd.periodDays} days)`;
  const model = items.filter(countsForModel);
  const finalRun = model.filter((r) => r.item.stage === 'final-run');
  const plans: BasisPlan[] = [];

  plans.push(
    plan(
      'final-run-rental',
      'Final run at rental price',
      'GPU-hours of the final training run at the stated rental (or market) price; nothing else',
      finalRun.map((r) => term(r, rd.periodDays, period)),
      items,
      finalRun.length === 0 ? 'no final-run items' : undefined,
    ),
  );

  for (const method of ['economic', 'straight-line'] as const) {
    const terms: BasisTerm[] = [];
    let unavailable: string | undefined = finalRun.length === 0 ? 'no final-run items' : undefined;
    const hoursItems = finalRun.filter((r) => r.gpuHours > 0);
    if (!unavailable && hoursItems.length === 0) unavailable = 'the final-run items give no GPU-hours';
    // Final-run items with an amount but no GPU-hours cannot be re-priced: they stay at their stated price.
    for (const r of finalRun.filter((x) => x.gpuHours === 0)) {
      const t = term(r, rd.periodDays, period);
      t.figure = figure({
        name: r.item.id,
        value: t.value,
        unit: 'USD',
        formula: 'stated total (no GPU-hours to re-price at the owned rate)',
        inputs: [t.figure],
      });
      terms.push(t);
    }
    for (const r of hoursItems) {
      const rates = ownedRatesFor(d, r.device, rd.ownedRates);
      if (!rates) {
        unavailable = `no owned-hardware item and no catalog purchase price for ${r.device?.id ?? 'the final-run hardware'}`;
        break;
      }
      const rate = method === 'economic' ? rates.economic : rates.straightLine;
      const value = r.gpuHours * rate.value * r.share.value;
      const f = figure({
        name: r.item.id,
        value,
        unit: 'USD',
        formula: `GPU-hours · owned ${method} rate · allocated share`,
        inputs: [named('GPU-hours', r.gpuHours, 'GPU-h'), rate, r.share],
      });
      if (rates.imputed) f.note = 'hardware price imputed from the catalog purchase range';
      const factors = rates.hardwareIndex === undefined ? [r.index] : [r.index, rates.hardwareIndex];
      terms.push({
        item: r.index,
        stage: 'final-run',
        class: r.item.class,
        value,
        cash: value,
        factors,
        figure: f,
      });
    }
    // Energy is charged to the run by its share of all development GPU-hours (Epoch adds energy too).
    const devHours = model
      .filter((r) => r.item.stage === 'final-run' || r.item.stage === 'experiments')
      .reduce((s, r) => s + r.gpuHours, 0);
    const runHours = hoursItems.reduce((s, r) => s + r.gpuHours, 0);
    if (devHours > 0) {
      for (const r of model.filter((x) => x.item.stage === 'energy')) {
        const base = term(r, rd.periodDays, period);
        const part = runHours / devHours;
        const value = base.value * part;
        terms.push({
          ...base,
          value,
          cash: base.cash * part,
          figure: figure({
            name: r.item.id,
            value,
            unit: 'USD',
            formula: 'energy cost · final-run GPU-hours / development GPU-hours',
            inputs: [
              base.figure,
              named('final-run GPU-hours', runHours),
              named('development GPU-hours', devHours),
            ],
          }),
        });
      }
    }
    plans.push(
      plan(
        method === 'economic' ? 'final-run-owned-economic' : 'final-run-owned-straight-line',
        method === 'economic'
          ? 'Final run on owned hardware (economic depreciation)'
          : 'Final run on owned hardware (straight-line depreciation)',
        method === 'economic'
          ? "final-run GPU-hours at the owned hardware's economic depreciation (Epoch AI: value falls 0.14 orders of magnitude a year), plus the run's share of energy"
          : "final-run GPU-hours at the owned hardware's book depreciation over its useful life and utilization, plus the run's share of energy",
        terms,
        items,
        unavailable,
      ),
    );
  }

  const hardware = model.filter(
    (r) => r.item.stage === 'hardware' && (r.item.provision === undefined || r.item.provision === 'owned'),
  );
  plans.push(
    plan(
      'cluster-acquisition',
      'Cluster acquisition (cash capex)',
      'the up-front price of the owned hardware allocated to the model, paid in cash',
      hardware.map((r) => term(r, rd.periodDays, period, true)),
      items,
      hardware.length === 0 ? 'no owned hardware items' : undefined,
    ),
  );

  const development = model.filter((r) => DEVELOPMENT.has(r.item.stage));
  const developmentTerms = development.map((r) => term(r, rd.periodDays, period));
  plans.push(
    plan(
      'full-development',
      'Full development',
      'final run + experiments + data + staff + energy, at the prices the items state, shared costs by their allocation keys',
      developmentTerms,
      items,
      development.length === 0 ? 'no development items' : undefined,
    ),
  );

  const horizonDays = lifecycleYears * DAYS_PER_YEAR;
  const service = model.filter((r) => IN_SERVICE.has(r.item.stage));
  plans.push(
    plan(
      'lifecycle',
      `Lifecycle over ${lifecycleYears} year${lifecycleYears === 1 ? '' : 's'}`,
      `full development + ${lifecycleYears} year${lifecycleYears === 1 ? '' : 's'} of deployment, operations and commercial costs (recurring items repeated over the horizon)`,
      [...developmentTerms, ...service.map((r) => term(r, horizonDays, `${lifecycleYears} years`))],
      items,
      development.length + service.length === 0 ? 'no development or service items' : undefined,
    ),
  );

  const fleet = items.filter((r) => r.kind === 'cost' && r.level === 'fleet');
  const start = dayNumber(d.period.start);
  const end = dayNumber(d.period.end, true) + 1;
  plans.push(
    plan(
      'fleet-period',
      'Fleet period cost',
      `company-wide cost of the period (${rd.periodDays} days), not allocated to any model: the depreciation of fleet capital that falls in the period plus the period's share of operating costs; the basis that reconciles to a period's financial statements`,
      fleet.map((r) => fleetPeriodTerm(r, start, end, rd.periodDays, period)),
      items,
      fleet.length === 0 ? 'no fleet-level items' : undefined,
    ),
  );
  plans.push(
    plan(
      'fleet-ownership-total',
      'Fleet total cost of ownership (multi-year, company-wide: not a period cost, not a model cost)',
      'every fleet capital amount in full plus every fleet operating amount over all the years it covers: what owning the fleet costs over its life, never comparable with a model cost',
      fleet.map((r) => term(r, rd.periodDays, period, true, unallocated)),
      items,
      fleet.length === 0 ? 'no fleet-level items' : undefined,
    ),
  );
  return plans;
}
