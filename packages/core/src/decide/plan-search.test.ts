import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shippedCalibration, shippedCatalog } from '../../test/load-catalog.ts';
import { fitEfficiencies } from '../estimate/calibration.ts';
import { resolveInference, servingCurveFor } from '../estimate/inference.ts';
import { costAssumptions } from './assumptions.ts';
import { addToFrontier, type FrontierEntry, joinsFrontier, paretoFrontier } from './frontier.ts';
import {
  type Candidate,
  evaluatePlans,
  type SearchResult,
  searchPlans,
  summarizePlans,
} from './plan-search.ts';
import { type Workload, workloadSchema } from './workload.ts';

const catalog = shippedCatalog();
const efficiencies = fitEfficiencies(catalog, shippedCalibration().inference);

function workload(overrides: Record<string, unknown> = {}): Workload {
  return workloadSchema.parse({
    version: 1,
    name: 'fixture',
    requestsPerDay: 400_000,
    inputTokens: { mean: 1500, p95: 5000 },
    outputTokens: { mean: 400, p95: 1200 },
    peakToAverage: 3,
    slo: { ttftSeconds: 2, tpotSeconds: 0.05 },
    quality: { minModels: ['llama-3.1-8b'] },
    horizonMonths: 24,
    ...overrides,
  });
}

// Dense and MoE (expert-parallel layouts), data-centre, desktop and Apple devices.
const models = catalog.models.filter((m) =>
  ['llama-3.1-8b', 'qwen3-30b-a3b', 'deepseek-v2-lite', 'mixtral-8x7b'].includes(m.id),
);
const devices = catalog.devices.filter((d) => ['h100-sxm', 'rtx-4090', 'mi300x', 'm4-max'].includes(d.id));

/** The reductions Decide made of the full candidate list before the summary made them while pricing. */
function reduce(r: SearchResult) {
  const byCost = (a: Candidate, b: Candidate) =>
    a.monthlyUsd - b.monthlyUsd || a.ttftSeconds - b.ttftSeconds || a.tpotSeconds - b.tpotSeconds;
  const perConfiguration = new Map<string, Candidate>();
  for (const c of r.candidates) {
    const key = `${c.acquisition}|${c.model.id}|${c.device.id}|${c.count}|${c.tp}|${c.ep}|${c.weights}|${c.kv}`;
    const held = perConfiguration.get(key);
    if (
      !held ||
      c.monthlyUsd < held.monthlyUsd ||
      (c.monthlyUsd === held.monthlyUsd && c.ttftSeconds < held.ttftSeconds)
    )
      perConfiguration.set(key, c);
  }
  const cheapest = (kind: 'rent' | 'buy') => {
    let b: Candidate | undefined;
    for (const c of r.candidates) if (c.acquisition === kind && (!b || byCost(c, b) < 0)) b = c;
    return b;
  };
  const ranked = [...perConfiguration.values()].sort(byCost);
  return {
    candidates: r.candidates.length,
    configurations: ranked,
    // What Decide's runners-up read: each pair's cheapest configuration per mode.
    cheapestOfPair: r.groups.flatMap((g) =>
      (['rent', 'buy'] as const).map((kind) =>
        ranked.find((c) => c.model.id === g.model && c.device.id === g.device && c.acquisition === kind),
      ),
    ),
    frontier: paretoFrontier(
      r.candidates,
      (c) => c.monthlyUsd,
      (c) => c.tpotSeconds,
    ),
    cheapest: { rent: cheapest('rent'), buy: cheapest('buy') },
    peakToAverage: r.peakToAverage,
    peakRequestsPerSecond: r.peakRequestsPerSecond,
    averageRequestsPerSecond: r.averageRequestsPerSecond,
  };
}

describe('plan summary', () => {
  const cases: Array<[string, Workload]> = [
    ['both modes', workload()],
    ['tight TPOT', workload({ slo: { ttftSeconds: 1, tpotSeconds: 0.02 } })],
    ['modes repeated and reordered', workload({ selfHost: { acquisition: ['buy', 'rent', 'buy'] } })],
  ];
  const scenarios = [
    {},
    { priceScale: 0.7 },
    { trafficScale: 2 },
    { peakScale: 0.5 },
    { trafficScale: 0.01 },
  ];

  it.each(cases)('%s: equals the reductions of the full candidate list, in every pricing', (_, w) => {
    const assumptions = costAssumptions();
    const evaluated = evaluatePlans({ catalog, efficiencies, workload: w, models, devices });
    for (const s of scenarios) {
      const full = searchPlans({ catalog, efficiencies, workload: w, assumptions, models, devices, ...s });
      expect(full.candidates.length).toBeGreaterThan(0);
      expect(evaluated.stats).toEqual(full.stats);
      expect(evaluated.groups).toEqual(full.groups);
      const summary = summarizePlans(evaluated, { assumptions, ...s });
      const { configurations, ...rest } = summary;
      const ranks = Array.from({ length: configurations.length }, (_, rank) => rank);
      // toStrictEqual: the same candidates (every number to the bit), in the same order.
      expect({
        ...rest,
        configurations: ranks.map((rank) => configurations.candidate(rank)),
        cheapestOfPair: evaluated.groups.flatMap((_, g) =>
          (['rent', 'buy'] as const).map((kind) => configurations.cheapestOfPair(g, kind)),
        ),
      }).toStrictEqual(reduce(full));
      for (const rank of ranks)
        expect(configurations.acquisition(rank)).toBe(configurations.candidate(rank).acquisition);
      // Built once: the same object on every call (Decide adds the cheapest per mode unless listed).
      if (configurations.length > 0) expect(configurations.candidate(0)).toBe(configurations.candidate(0));
    }
  });
});

describe('plans as Estimate prices them', () => {
  it('every plan, expert-parallel layouts included, is the serving curve `estimate infer` gives for its flags', () => {
    const w = workload();
    const r = searchPlans({
      catalog,
      efficiencies,
      workload: w,
      assumptions: costAssumptions(),
      models,
      devices,
    });
    const plans = r.candidates.filter((c) => c.acquisition === 'rent');
    expect(plans.some((c) => c.ep > 1)).toBe(true);
    for (const c of plans) {
      const resolved = resolveInference(catalog, efficiencies, {
        model: c.model.id,
        hardware: c.device.id,
        count: c.count,
        tensorParallel: c.tp,
        expertParallel: c.ep,
        weights: c.weights,
        kv: c.kv,
        engine: c.engine,
        inputTokens: w.inputTokens.mean,
        outputTokens: w.outputTokens.mean,
      });
      const [point] = servingCurveFor(resolved, [c.concurrency]);
      const label = `${c.model.id} ${c.count}x ${c.device.id} TP${c.tp} EP${c.ep} ${c.weights}/${c.kv} c${c.concurrency}`;
      expect({ label, batch: c.batch, tpot: c.tpotSeconds, mu: c.requestsPerSecond }).toEqual({
        label,
        batch: point?.runningSequences,
        tpot: point?.tpotSeconds,
        mu: point?.requestsPerSecond,
      });
    }
  });
});

describe('frontier built one item at a time', () => {
  it('property: equals paretoFrontier on any list, ties in cost and latency included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 })), { maxLength: 40 }),
        (pairs) => {
          const items = pairs.map(([cost, latency], i) => ({ cost, latency, i }));
          const front: Array<FrontierEntry & { i: number }> = [];
          for (const item of items)
            if (joinsFrontier(front, item.cost, item.latency)) addToFrontier(front, item);
          const expected = paretoFrontier(
            items,
            (t) => t.cost,
            (t) => t.latency,
          );
          expect(front.map((t) => t.i)).toEqual(expected.map((t) => t.i));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('weight formats a workload names', () => {
  it('block-scaled FP8 (fp8_block) is planned where the workload names it, and only then', () => {
    const search = (weights?: string[]) =>
      searchPlans({
        catalog,
        efficiencies,
        workload: workload(weights ? { selfHost: { weights } } : {}),
        assumptions: costAssumptions(),
        models: models.filter((m) => m.id === 'llama-3.1-8b'),
        devices: devices.filter((d) => d.id === 'h100-sxm'),
      }).candidates;
    const named = search(['fp8_block']);
    expect(named.length).toBeGreaterThan(0);
    expect(new Set(named.map((c) => c.weights))).toEqual(new Set(['fp8_block']));
    expect(search().some((c) => c.weights === 'fp8_block')).toBe(false);
  });
});
