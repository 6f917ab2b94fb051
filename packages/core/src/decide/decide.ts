import type { Catalog } from '../catalog/catalog.ts';
import { fxRate } from '../catalog/fx.ts';
import type { ApiPrice } from '../catalog/price-schema.ts';
import type { Device, Model } from '../catalog/schema.ts';
import type { EfficiencyTable } from '../estimate/efficiency.ts';
import { type Figure, figure, given, named } from '../figure/figure.ts';
import {
  type ApiPlan,
  apiMonthlyUsd,
  apiPlan,
  isAcceptable,
  monthlyTokens,
  newestPriceDate,
  pricesInForce,
} from './api-cost.ts';
import { type CostAssumptions, costAssumptions } from './assumptions.ts';
import { type BreakEven, breakEven } from './break-even.ts';
import {
  type Candidate,
  type EvaluatedPlans,
  evaluatePlans,
  type RankedConfigurations,
  type SearchStats,
  summarizePlans,
} from './plan-search.ts';
import { type SelfHostPlan, selfHostPlan } from './self-host-plan.ts';
import type { Workload } from './workload.ts';

export type Plan = ApiPlan | SelfHostPlan;

/** Why an option that was not chosen lost: the SLO, memory, context, a missing price, or cost. */
export interface RunnerUp {
  option: string;
  lostOn: 'cost' | 'slo' | 'memory' | 'context' | 'no-price';
  detail: string;
  monthlyUsd?: number;
}

export interface SensitivityRow {
  scenario: string;
  apiMonthlyUsd: Figure | null;
  rentMonthlyUsd: Figure | null;
  buyMonthlyUsd: Figure | null;
  cheapest: 'api' | 'rent' | 'buy' | 'none';
  cheapestLabel: string;
}

export interface DecideResult {
  workload: string;
  /** Date the API prices and exchange rates were read at. */
  asOf: string | null;
  traffic: {
    requestsPerMonth: Figure;
    tokensPerMonth: Figure;
    peakToAverage: Figure;
    peakRequestsPerSecond: Figure;
  };
  api: ApiPlan[];
  selfHost: SelfHostPlan[];
  best: {
    api: ApiPlan | null;
    selfHost: SelfHostPlan | null;
    rent: SelfHostPlan | null;
    buy: SelfHostPlan | null;
    overall: Plan | null;
    why: string[];
  };
  runnersUp: RunnerUp[];
  breakEven: BreakEven[];
  frontier: SelfHostPlan[];
  sensitivity: SensitivityRow[];
  assumptions: CostAssumptions;
  search: SearchStats & { candidatesMeetingSlo: number; models: string[]; devices: number };
  warnings: string[];
}

export interface DecideOptions {
  /** Self-hosting plans to report (cheapest first); the best rent and buy plans are always kept. */
  top?: number;
  /** Skip the sensitivity table (it prices the searched plans again under seven scenarios). */
  sensitivity?: boolean;
}

/** The catalog models a workload accepts: named directly, by alias, or through an open-weight price. */
export function acceptableModels(catalog: Catalog, w: Workload): Model[] {
  const wanted = new Set(w.quality.minModels.map((m) => m.toLowerCase()));
  for (const p of catalog.prices)
    if (p.model !== undefined && (wanted.has(p.id) || wanted.has(p.apiModel.toLowerCase())))
      wanted.add(p.model);
  return catalog.models.filter((m) => wanted.has(m.id) || (m.aliases ?? []).some((a) => wanted.has(a)));
}

function acceptableSet(catalog: Catalog, w: Workload): Set<string> {
  const set = new Set(w.quality.minModels.map((m) => m.toLowerCase()));
  for (const m of acceptableModels(catalog, w)) set.add(m.id);
  return set;
}

function candidateDevices(catalog: Catalog, w: Workload): Device[] {
  const only = w.selfHost?.hardware?.map((h) => h.toLowerCase());
  if (!only) return catalog.devices;
  return catalog.devices.filter(
    (d) => only.includes(d.id) || (d.aliases ?? []).some((a) => only.includes(a)),
  );
}

const usd = (v: number) => `$${Math.round(v).toLocaleString('en-US')}`;

interface Scenario {
  name: string;
  priceScale?: number;
  trafficScale?: number;
  peakScale?: number;
}

const scenarios: Scenario[] = [
  { name: 'base' },
  { name: 'GPU price −30%', priceScale: 0.7 },
  { name: 'GPU price +30%', priceScale: 1.3 },
  { name: 'traffic ×0.5', trafficScale: 0.5 },
  { name: 'traffic ×2', trafficScale: 2 },
  { name: 'utilization ×2 (peak-to-average ÷2)', peakScale: 0.5 },
  { name: 'utilization ÷2 (peak-to-average ×2)', peakScale: 2 },
];

export function decide(
  catalog: Catalog,
  efficiencies: EfficiencyTable,
  w: Workload,
  options: DecideOptions = {},
): DecideResult {
  const top = options.top ?? 5;
  const warnings: string[] = [];
  const assumptions = costAssumptions(w.costs ?? {});
  const asOf = w.asOf ?? newestPriceDate(catalog.prices) ?? null;
  const acceptable = acceptableSet(catalog, w);
  const prices: ApiPrice[] =
    asOf === null ? [] : pricesInForce(catalog.prices, asOf).filter((p) => isAcceptable(p, acceptable));
  if (prices.length === 0)
    warnings.push('no API price in the catalog serves an acceptable model on the date used');
  const tokens = monthlyTokens(w);
  const api =
    asOf === null
      ? []
      : prices
          .map((p) => apiPlan(catalog, w, p, asOf))
          .sort((a, b) => a.monthlyUsd.value - b.monthlyUsd.value);

  const models = acceptableModels(catalog, w);
  if (models.length === 0)
    warnings.push('no acceptable model has open weights in the catalog: no self-hosting plan');
  const devices = candidateDevices(catalog, w);
  // The kernel runs once; the base case and each sensitivity scenario price the same plans.
  const evaluated = evaluatePlans({ catalog, efficiencies, workload: w, models, devices });
  const search = summarizePlans(evaluated, { assumptions });
  // One plan per configuration: its cheapest concurrency (the others only trade cost for latency).
  const configs = search.configurations;
  const explain = (c: Candidate) =>
    selfHostPlan(c, w, assumptions, tokens, search.peakRequestsPerSecond, search.averageRequestsPerSecond);

  const chosen: Candidate[] = [];
  for (let rank = 0; rank < sliceEnd(configs.length, top); rank++) chosen.push(configs.candidate(rank));
  for (const kind of ['rent', 'buy'] as const) {
    let first: Candidate | undefined;
    for (let rank = 0; rank < configs.length && !first; rank++)
      if (configs.acquisition(rank) === kind) first = configs.candidate(rank);
    if (first && !chosen.includes(first)) chosen.push(first);
  }
  const selfHost = chosen.map(explain);
  const bestRent = selfHost.find((p) => p.kind === 'rent') ?? null;
  const bestBuy = selfHost.find((p) => p.kind === 'buy') ?? null;
  const bestSelf = selfHost[0] ?? null;
  const bestApi = api[0] ?? null;
  const overall: Plan | null =
    bestApi && bestSelf
      ? bestApi.monthlyUsd.value <= bestSelf.monthlyUsd.value
        ? bestApi
        : bestSelf
      : (bestApi ?? bestSelf);

  const why: string[] = [];
  if (overall) {
    why.push(`cheapest option: ${overall.label} at ${usd(overall.monthlyUsd.value)}/month`);
    if (overall.kind === 'api')
      why.push(
        'the API meets the quality bar; its latency is not in the catalog, so check the SLO with the provider',
      );
    else
      why.push(
        `meets the SLO at peak: TTFT ${overall.ttftSeconds.value.toFixed(3)} s ≤ ${w.slo.ttftSeconds} s, TPOT ${overall.tpotSeconds.value.toFixed(4)} s ≤ ${w.slo.tpotSeconds} s`,
      );
  } else why.push('no option serves this workload: see runnersUp');

  const runnersUp = runnersUpFor(evaluated.groups, configs, api, overall);
  const breakEvens: BreakEven[] = [];
  for (const plan of selfHost) for (const a of api) breakEvens.push(breakEven(plan, a, tokens));

  const frontier = search.frontier.map(explain);

  const sensitivity =
    options.sensitivity === false
      ? []
      : scenarios.map((s) => sensitivityRow(s, catalog, evaluated, w, assumptions, prices, asOf));

  const peakFigure = given(
    'peakToAverage',
    search.peakToAverage,
    '×',
    [],
    w.peakToAverage === undefined ? 'from the hourly profile (or 1)' : 'given',
  );
  return {
    workload: w.name,
    asOf,
    traffic: {
      requestsPerMonth: tokens.requests,
      tokensPerMonth: tokens.total,
      peakToAverage: peakFigure,
      peakRequestsPerSecond: figure({
        name: 'peakRequestsPerSecond',
        value: search.peakRequestsPerSecond,
        unit: 'requests/s',
        formula: 'requests per day / 86400 × peak-to-average',
        inputs: [named('requestsPerDay', w.requestsPerDay), peakFigure],
      }),
    },
    api,
    selfHost,
    best: { api: bestApi, selfHost: bestSelf, rent: bestRent, buy: bestBuy, overall, why },
    runnersUp,
    breakEven: breakEvens,
    frontier,
    sensitivity,
    assumptions,
    search: {
      ...evaluated.stats,
      candidatesMeetingSlo: search.candidates,
      models: models.map((m) => m.id),
      devices: devices.length,
    },
    warnings,
  };
}

function runnersUpFor(
  groups: EvaluatedPlans['groups'],
  configs: RankedConfigurations,
  api: readonly ApiPlan[],
  overall: Plan | null,
): RunnerUp[] {
  const base = overall?.monthlyUsd.value;
  const costNote = (v: number) =>
    base === undefined
      ? usd(v)
      : `${usd(v)}/month, ${v >= base ? '+' : ''}${usd(v - base)} vs the chosen plan`;
  const out: RunnerUp[] = [];
  for (const a of api) {
    if (a === overall) continue;
    out.push({
      option: a.label,
      lostOn: 'cost',
      detail: costNote(a.monthlyUsd.value),
      monthlyUsd: a.monthlyUsd.value,
    });
  }
  for (const [index, g] of groups.entries()) {
    const pair = `${g.model} on ${g.device}`;
    if (g.status === 'ok') {
      for (const kind of ['rent', 'buy'] as const) {
        const best = configs.cheapestOfPair(index, kind);
        if (!best) continue;
        if (
          overall &&
          overall.kind !== 'api' &&
          overall.monthlyUsd.value === best.monthlyUsd &&
          overall.hardware === g.device &&
          overall.model === g.model &&
          overall.kind === kind
        )
          continue;
        out.push({
          option: `${kind} ${best.replicas} × ${best.count}× ${best.device.id} (${best.model.id}, ${best.weights})`,
          lostOn: 'cost',
          detail: costNote(best.monthlyUsd),
          monthlyUsd: best.monthlyUsd,
        });
      }
    } else if (g.status === 'slo' && g.closest) {
      out.push({
        option: pair,
        lostOn: 'slo',
        detail: `closest: ${g.closest.label} reaches TTFT ${g.closest.ttftSeconds.toFixed(3)} s before queueing, TPOT ${g.closest.tpotSeconds.toFixed(4)} s`,
      });
    } else if (g.status === 'memory') {
      out.push({
        option: pair,
        lostOn: 'memory',
        detail: `does not fit in up to ${g.maxDevicesTried} devices in any format tried`,
      });
    } else if (g.status === 'context') {
      out.push({
        option: pair,
        lostOn: 'context',
        detail: 'p95 input + p95 output exceed the model context',
      });
    } else {
      out.push({ option: pair, lostOn: 'no-price', detail: 'no rental or purchase price for this device' });
    }
  }
  const order = { cost: 0, slo: 1, memory: 2, context: 3, 'no-price': 4 };
  return out.sort((a, b) => order[a.lostOn] - order[b.lostOn] || (a.monthlyUsd ?? 0) - (b.monthlyUsd ?? 0));
}

function sensitivityRow(
  s: Scenario,
  catalog: Catalog,
  evaluated: EvaluatedPlans,
  w: Workload,
  assumptions: CostAssumptions,
  prices: readonly ApiPrice[],
  asOf: string | null,
): SensitivityRow {
  // The scenario changes prices and traffic only: the same plans, priced again (no kernel rerun).
  const search = summarizePlans(evaluated, { assumptions, ...s });
  const inputs = [
    named('priceScale', s.priceScale ?? 1),
    named('trafficScale', s.trafficScale ?? 1),
    named('peakScale', s.peakScale ?? 1),
  ];
  let apiBest: { value: number; label: string } | undefined;
  if (asOf !== null) {
    for (const p of prices) {
      const value = apiMonthlyUsd(
        w,
        p,
        fxRate(catalog.fx, p.currency, 'USD', asOf).value,
        s.trafficScale ?? 1,
      );
      if (!apiBest || value < apiBest.value) apiBest = { value, label: `${p.provider} ${p.apiModel}` };
    }
  }
  const { rent, buy } = search.cheapest;
  const fig = (name: string, value: number | undefined, what: string): Figure | null =>
    value === undefined
      ? null
      : figure({
          name,
          value,
          unit: 'USD/month',
          formula: `cheapest ${what} plan under "${s.name}" (search rerun)`,
          inputs,
        });
  const options: Array<['api' | 'rent' | 'buy', number, string]> = [];
  if (apiBest) options.push(['api', apiBest.value, apiBest.label]);
  if (rent)
    options.push([
      'rent',
      rent.monthlyUsd,
      `rent ${rent.replicas} × ${rent.count}× ${rent.device.id} (${rent.model.id}, ${rent.weights})`,
    ]);
  if (buy)
    options.push([
      'buy',
      buy.monthlyUsd,
      `buy ${buy.replicas} × ${buy.count}× ${buy.device.id} (${buy.model.id}, ${buy.weights})`,
    ]);
  options.sort((a, b) => a[1] - b[1]);
  const winner = options[0];
  return {
    scenario: s.name,
    apiMonthlyUsd: fig('apiMonthlyUsd', apiBest?.value, 'API'),
    rentMonthlyUsd: fig('rentMonthlyUsd', rent?.monthlyUsd, 'rented'),
    buyMonthlyUsd: fig('buyMonthlyUsd', buy?.monthlyUsd, 'owned'),
    cheapest: winner ? winner[0] : 'none',
    cheapestLabel: winner ? winner[2] : 'no option',
  };
}

/** How many items `slice(0, end)` keeps of `length` (a negative end counts from the back). */
function sliceEnd(length: number, end: number): number {
  const e = Number.isNaN(end) ? 0 : Math.trunc(end);
  return e < 0 ? Math.max(length + e, 0) : Math.min(e, length);
}
