import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shippedCalibration, shippedCatalog } from '../../test/load-catalog.ts';
import { buildCatalog } from '../catalog/catalog.ts';
import type { ApiPrice } from '../catalog/price-schema.ts';
import { InputError } from '../errors/clearbox-error.ts';
import { fitEfficiencies } from '../estimate/calibration.ts';
import { resolveInference, servingCurveFor } from '../estimate/inference.ts';
import { formatNumber } from '../figure/explain.ts';
import { apiMonthlyUsd, apiPlan, pricesInForce, windowShare } from './api-cost.ts';
import { costAssumptions, HOURS_PER_MONTH } from './assumptions.ts';
import { decide } from './decide.ts';
import { deviceMonthlyUsd } from './device-cost.ts';
import { paretoFrontier } from './frontier.ts';
import { searchPlans } from './plan-search.ts';
import { maxUtilizationForWait, meanQueueWaitSeconds, replicasFor } from './queueing.ts';
import { parseWorkload, type Workload, workloadSchema } from './workload.ts';

const fixturePrices = `version: 1
prices:
  - id: fixture-open-8b
    apiModel: open-8b
    provider: fixture-host
    model: llama-3.1-8b
    currency: USD
    effective: 2030-01-01
    inputPerMillion: 1
    cachedInputPerMillion: 0.1
    outputPerMillion: 2
    offPeak: { startUtc: "16:30", endUtc: "00:30", inputDiscount: 0.5, outputDiscount: 0.5, source: { title: fixture, date: 2030-01 } }
    source: { title: fixture price, date: 2030-01-01 }
  - id: fixture-open-8b-cny
    apiModel: open-8b
    provider: fixture-host
    model: llama-3.1-8b
    currency: CNY
    effective: 2030-01-01
    inputPerMillion: 8
    outputPerMillion: 16
    source: { title: fixture price, date: 2030-01-01 }
  - id: fixture-open-8b-old
    apiModel: open-8b
    provider: fixture-host
    model: llama-3.1-8b
    currency: USD
    effective: 2029-01-01
    inputPerMillion: 5
    outputPerMillion: 5
    source: { title: fixture price, date: 2029-01-01 }
fx:
  - { base: USD, quote: CNY, rate: 8, date: 2030-01-01, source: { title: fixture rate, date: 2030-01-01 } }
`;

const catalog = buildCatalog(
  [{ path: 'fixture/prices/fixture.yaml', text: fixturePrices }],
  shippedCatalog(),
);
const efficiencies = fitEfficiencies(catalog, shippedCalibration().inference);

function workload(overrides: Partial<Workload> = {}): Workload {
  return workloadSchema.parse({
    version: 1,
    name: 'fixture',
    requestsPerDay: 1000,
    inputTokens: { mean: 1000, p95: 2000 },
    outputTokens: { mean: 500, p95: 1000 },
    cachedInputShare: 0.5,
    peakToAverage: 2,
    slo: { ttftSeconds: 2, tpotSeconds: 0.05 },
    quality: { minModels: ['llama-3.1-8b'] },
    horizonMonths: 24,
    asOf: '2030-06-01',
    selfHost: { hardware: ['rtx-4090'], acquisition: ['rent'], weights: ['bf16'], kv: ['bf16'] },
    ...overrides,
  });
}

const price = (id: string): ApiPrice => {
  const p = catalog.prices.find((x) => x.id === id);
  if (!p) throw new Error(id);
  return p;
};

describe('API cost', () => {
  it('prices a month by hand: 30,437.5 requests, half the input cached', () => {
    // input 30.4375 M tokens (15.21875 M cached at 0.1, 15.21875 M at 1), output 15.21875 M at 2
    const expected = 15.21875 * 1 + 15.21875 * 0.1 + 15.21875 * 2;
    expect(apiMonthlyUsd(workload(), price('fixture-open-8b'), 1)).toBeCloseTo(expected, 9);
    const plan = apiPlan(catalog, workload(), price('fixture-open-8b'), '2030-06-01');
    expect(plan.monthlyUsd.value).toBeCloseTo(expected, 9);
    expect(plan.usdPerMillionTokens.value).toBeCloseTo(expected / 45.65625, 9);
    expect(plan.horizonUsd.value).toBeCloseTo(expected * 24, 6);
  });

  it('converts a CNY list at the dated rate and charges the full input price when no cache price is listed', () => {
    const plan = apiPlan(catalog, workload(), price('fixture-open-8b-cny'), '2030-06-01');
    expect(plan.monthlyUsd.value).toBeCloseTo((30.4375 * 8 + 15.21875 * 16) / 8, 9);
  });

  it('applies the off-peak discount to the share of traffic in the window', () => {
    const allAt17 = Array.from({ length: 24 }, (_, h) => (h === 17 ? 1 : 0));
    const w = workload({ trafficProfile: { hourlyShareUtc: allAt17 } });
    const full = apiMonthlyUsd(workload(), price('fixture-open-8b'), 1);
    expect(apiMonthlyUsd(w, price('fixture-open-8b'), 1)).toBeCloseTo(full / 2, 9);
    expect(windowShare(Array(24).fill(1), '16:30', '00:30')).toBeCloseTo(8 / 24, 12);
    expect(windowShare(allAt17, '09:00', '10:00')).toBe(0);
    expect(windowShare(undefined, '16:30', '00:30')).toBe(0);
  });

  it('uses the entry in force on the date, one per currency', () => {
    const inForce = pricesInForce(catalog.prices, '2030-06-01').filter((p) => p.provider === 'fixture-host');
    expect(inForce.map((p) => p.id)).toEqual(['fixture-open-8b', 'fixture-open-8b-cny']);
    expect(
      pricesInForce(catalog.prices, '2029-06-01')
        .filter((p) => p.provider === 'fixture-host')
        .map((p) => p.id),
    ).toEqual(['fixture-open-8b-old']);
  });

  it('property: raising an API price never makes the API option cheaper', () => {
    const base = price('fixture-open-8b');
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.constantFrom('input', 'cachedInput', 'output'),
        (inP, cachedP, outP, raise, side) => {
          const p = { ...base, inputPerMillion: inP, cachedInputPerMillion: cachedP, outputPerMillion: outP };
          const raised = {
            ...p,
            inputPerMillion: inP + (side === 'input' ? raise : 0),
            cachedInputPerMillion: cachedP + (side === 'cachedInput' ? raise : 0),
            outputPerMillion: outP + (side === 'output' ? raise : 0),
          };
          const w = workload({ trafficProfile: { hourlyShareUtc: Array(24).fill(1) } });
          return apiMonthlyUsd(w, raised, 1) >= apiMonthlyUsd(w, p, 1) - 1e-9;
        },
      ),
    );
  });
});

describe('owned and rented device cost', () => {
  it('rent: the catalog midpoint × 730.5 hours', () => {
    const d = catalog.devices.find((x) => x.id === 'rtx-4090');
    if (!d) throw new Error('rtx-4090');
    const m = deviceMonthlyUsd(d, 'rent', workload(), costAssumptions());
    expect(m?.mid).toBeCloseTo(((0.34 + 0.6) / 2) * HOURS_PER_MONTH, 9);
    expect(m?.low).toBeCloseTo(0.34 * HOURS_PER_MONTH, 9);
  });

  it('buy: purchase × 1.65 / min(48-month life, 24-month horizon) + energy at PUE + hosting per kW + operations, by hand', () => {
    const d = catalog.devices.find((x) => x.id === 'h100-sxm');
    if (!d) throw new Error('h100-sxm');
    const kw = 0.7 * 1.82;
    const expected = (27500 * 1.65) / 24 + kw * 0.75 * 1.25 * 730.5 * 0.0771 + kw * 184.06 + 50;
    expect(deviceMonthlyUsd(d, 'buy', workload(), costAssumptions())?.mid).toBeCloseTo(expected, 9);
    // A 60-month horizon amortizes over the 48-month life (no residual value either way).
    const long = deviceMonthlyUsd(d, 'buy', workload({ horizonMonths: 60 }), costAssumptions())?.mid ?? 0;
    expect(expected - long).toBeCloseTo((27500 * 1.65) / 24 - (27500 * 1.65) / 48, 9);
  });
});

describe('queueing', () => {
  it('M/D/1 mean wait and the utilization that fits a slack, by hand', () => {
    expect(meanQueueWaitSeconds(0.5, 1)).toBeCloseTo(0.5, 12);
    expect(meanQueueWaitSeconds(1, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(maxUtilizationForWait(1, 0.5)).toBeCloseTo(0.5, 12);
    expect(meanQueueWaitSeconds(maxUtilizationForWait(4, 0.3) * 4, 4)).toBeCloseTo(0.3, 9);
    expect(maxUtilizationForWait(100, 10)).toBe(0.9);
    expect(maxUtilizationForWait(1, 0)).toBe(0);
    expect(replicasFor(10, 2, 0.5)).toBe(10);
    expect(replicasFor(0.001, 2, 0.5)).toBe(1);
  });
});

describe('self-hosting search on a small space', () => {
  const small = {
    hardware: ['rtx-4090'],
    acquisition: ['rent' as const],
    weights: ['bf16' as const],
    kv: ['bf16' as const],
    maxDevicesPerReplica: 1,
  };
  const w = workload({ requestsPerDay: 200_000, selfHost: small });
  const models = catalog.models.filter((m) => m.id === 'llama-3.1-8b');
  const devices = catalog.devices.filter((d) => d.id === 'rtx-4090');
  const run = (wl: Workload) =>
    searchPlans({ catalog, efficiencies, workload: wl, assumptions: costAssumptions(), models, devices });

  it('sizes replicas for the peak from the kernel and prices them by hand', () => {
    const r = run(w);
    expect(r.candidates.length).toBeGreaterThan(0);
    const cheapest = [...r.candidates].sort((a, b) => a.monthlyUsd - b.monthlyUsd)[0];
    if (!cheapest) throw new Error('no plan');
    // Devices × 0.47 USD/h × 730.5 h.
    expect(cheapest.monthlyUsd).toBeCloseTo(cheapest.replicas * cheapest.count * 0.47 * 730.5, 6);
    // Recompute μ, the utilization cap and the replica count from the kernel, independently.
    const peak = (200_000 / 86400) * 2;
    const resolved = resolveInference(catalog, efficiencies, {
      model: 'llama-3.1-8b',
      hardware: 'rtx-4090',
      weights: 'bf16',
      kv: 'bf16',
      inputTokens: 1000,
      outputTokens: 500,
    });
    // The plan's latency and rate are the serving curve's at its concurrency (Estimate's own curve).
    const [point] = servingCurveFor(resolved, [cheapest.concurrency]);
    if (!point) throw new Error('no curve point');
    expect(cheapest.batch).toBe(point.runningSequences);
    expect(cheapest.tpotSeconds).toBe(point.tpotSeconds);
    expect(cheapest.requestsPerSecond).toBe(point.requestsPerSecond);
    // A p95 prompt of 2000 tokens takes its own chunks of the step budget, after the curve's waits.
    const prefillP95 = Math.ceil(2000 / point.prefillChunkTokens) * point.mixedStepSeconds;
    expect(cheapest.ttftSeconds).toBeCloseTo(
      point.slotWaitSeconds + point.stepAlignSeconds + point.prefillQueueSeconds + prefillP95,
      12,
    );
    expect(cheapest.replicas).toBe(Math.ceil(peak / (point.requestsPerSecond * 0.9) - 1e-9));
    expect(cheapest.ttftSeconds).toBeLessThanOrEqual(2);
    expect(cheapest.tpotSeconds).toBeLessThanOrEqual(0.05);
    expect(cheapest.averageUtilization).toBeCloseTo(cheapest.peakUtilization / 2, 12);
  });

  it('prunes what cannot fit before running the kernel, and says memory', () => {
    const big = catalog.models.filter((m) => m.id === 'deepseek-v3');
    const r = searchPlans({
      catalog,
      efficiencies,
      workload: w,
      assumptions: costAssumptions(),
      models: big,
      devices,
    });
    expect(r.candidates).toHaveLength(0);
    expect(r.stats.prunedByWeights).toBe(r.stats.configurations);
    expect(r.stats.kernelRuns).toBe(0);
    expect(r.groups[0]?.status).toBe('memory');
  });

  it('places experts whole: no plan splits 160 experts 64 ways, and every plan is one estimate accepts', () => {
    const v2 = catalog.models.filter((m) => m.id === 'deepseek-v2');
    const h200 = catalog.devices.filter((d) => d.id === 'h200');
    const r = searchPlans({
      catalog,
      efficiencies,
      workload: workload({ selfHost: { ...small, maxDevicesPerReplica: 64 } }),
      assumptions: costAssumptions(),
      models: v2,
      devices: h200,
    });
    expect(r.candidates.length).toBeGreaterThan(0);
    const experts = v2[0]?.architecture.moe?.routedExperts ?? 0;
    expect(experts).toBe(160);
    for (const c of r.candidates) expect(experts % c.ep).toBe(0);
    expect(r.candidates.some((c) => c.ep > 1)).toBe(true);
  });

  it('says slo when plans fit but none is fast enough', () => {
    const r = run(workload({ selfHost: small, slo: { ttftSeconds: 0.001, tpotSeconds: 0.05 } }));
    expect(r.candidates).toHaveLength(0);
    expect(r.groups[0]?.status).toBe('slo');
    expect(r.groups[0]?.closest?.ttftSeconds).toBeGreaterThan(0.001);
  });

  it('property: tightening the SLO never lowers the cheapest self-hosting cost', () => {
    const cheapestCost = (ttft: number, tpot: number) => {
      const r = run(
        workload({ requestsPerDay: 200_000, selfHost: small, slo: { ttftSeconds: ttft, tpotSeconds: tpot } }),
      );
      return Math.min(Number.POSITIVE_INFINITY, ...r.candidates.map((c) => c.monthlyUsd));
    };
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 5, noNaN: true }),
        fc.double({ min: 0.005, max: 0.2, noNaN: true }),
        fc.double({ min: 0.1, max: 1, noNaN: true }),
        fc.double({ min: 0.1, max: 1, noNaN: true }),
        (ttft, tpot, fTtft, fTpot) => cheapestCost(ttft * fTtft, tpot * fTpot) >= cheapestCost(ttft, tpot),
      ),
      { numRuns: 40 },
    );
  });
});

describe('decide', () => {
  it('answers with API and self-hosting plans, best per kind, break-even and sensitivity', () => {
    const w = workload({
      requestsPerDay: 200_000,
      selfHost: { hardware: ['rtx-4090', 'h100-sxm'], weights: ['bf16', 'fp8'] },
    });
    const r = decide(catalog, efficiencies, w, { top: 3 });
    expect(r.api.map((p) => p.priceId)).toEqual(['fixture-open-8b', 'fixture-open-8b-cny']);
    expect(r.selfHost.length).toBeGreaterThanOrEqual(3);
    expect(r.best.rent?.kind).toBe('rent');
    expect(r.best.buy?.kind).toBe('buy');
    for (const p of r.selfHost) {
      expect(p.meetsSlo).toBe(true);
      expect(p.ttftSeconds.value).toBeLessThanOrEqual(2);
      expect(p.monthlyUsd.value).toBeCloseTo(
        p.devices * (p.monthlyUsd.inputs[1] as { value: number }).value,
        6,
      );
    }
    const overall = r.best.overall;
    expect(overall?.monthlyUsd.value).toBe(
      Math.min(r.best.api?.monthlyUsd.value ?? Infinity, r.best.selfHost?.monthlyUsd.value ?? Infinity),
    );
    expect(r.breakEven).toHaveLength(r.selfHost.length * r.api.length);
    // Plans are counted once however many acquisition modes price them.
    expect(r.search.plansMeetingSlo).toBeGreaterThan(0);
    expect(r.search.plansMeetingSlo).toBeLessThanOrEqual(r.search.plansEvaluated);
    expect(r.search.candidatesMeetingSlo).toBeGreaterThanOrEqual(r.search.plansMeetingSlo);
    for (const b of r.breakEven) {
      if (b.tokensPerMonth === null) continue;
      // The note writes the volume as the table does (formatNumber), never a second rounding.
      expect(b.note).toBe(
        `self-hosting is cheaper above ${formatNumber(b.tokensPerMonth.value / 1e6)} M tokens/month`,
      );
      const plan = r.selfHost.find((p) => p.id === b.selfHost);
      const api = r.api.find((p) => p.id === b.api);
      if (!plan || !api) throw new Error('break-even names an unknown plan');
      // At the break-even volume one replica costs what the API charges for it.
      const apiAt = (api.monthlyUsd.value / r.traffic.tokensPerMonth.value) * b.tokensPerMonth.value;
      expect(apiAt).toBeCloseTo(plan.replicaMonthlyUsd.value, 6);
    }
    // The frontier gets strictly faster as it gets dearer.
    for (let i = 1; i < r.frontier.length; i++) {
      const [a, b] = [r.frontier[i - 1], r.frontier[i]];
      expect(b?.monthlyUsd.value).toBeGreaterThanOrEqual(a?.monthlyUsd.value ?? 0);
      expect(b?.tpotSeconds.value).toBeLessThan(a?.tpotSeconds.value ?? 0);
    }
    expect(r.sensitivity.map((s) => s.scenario)).toContain('traffic ×2');
    const base = r.sensitivity[0];
    const up = r.sensitivity.find((s) => s.scenario === 'GPU price +30%');
    expect(up?.rentMonthlyUsd?.value).toBeCloseTo((base?.rentMonthlyUsd?.value ?? 0) * 1.3, 6);
    const doubled = r.sensitivity.find((s) => s.scenario === 'traffic ×2');
    expect(doubled?.apiMonthlyUsd?.value).toBeCloseTo((base?.apiMonthlyUsd?.value ?? 0) * 2, 6);
    expect(r.runnersUp.some((x) => x.lostOn === 'cost')).toBe(true);
  });

  it('paretoFrontier keeps only plans faster than every cheaper one', () => {
    const pts = [
      [1, 5],
      [2, 6],
      [2, 4],
      [3, 1],
      [4, 1],
    ] as const;
    expect(
      paretoFrontier(
        pts,
        (p) => p[0],
        (p) => p[1],
      ),
    ).toEqual([
      [1, 5],
      [2, 4],
      [3, 1],
    ]);
  });
});

describe('workload file', () => {
  it('lists every problem with its line and field path', () => {
    const text = `version: 1
name: bad
requestsPerDay: -5
inputTokens: { mean: 100, p95: 50 }
outputTokens: { mean: 10, p95: 20 }
slo: { ttftSeconds: 2 }
quality: { minModels: [llama-3.1-8b] }
`;
    let error: unknown;
    try {
      parseWorkload({ path: 'w.yaml', text }, catalog);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).toContain('w.yaml:3 requestsPerDay');
    expect(message).toContain('inputTokens.p95');
    expect(message).toContain('slo.tpotSeconds');
  });

  it('names unknown models and hardware with the closest ids', () => {
    const text = `version: 1
name: typo
requestsPerDay: 10
inputTokens: { mean: 100, p95: 200 }
outputTokens: { mean: 10, p95: 20 }
slo: { ttftSeconds: 2, tpotSeconds: 0.1 }
quality: { minModels: [llama-3.1-8bb] }
selfHost: { hardware: [h100-sxn] }
`;
    expect(() => parseWorkload({ path: 'w.yaml', text }, catalog)).toThrow(
      /w\.yaml:7 quality\.minModels\[0\]: unknown model "llama-3\.1-8bb"; closest: llama-3\.1-8b[\s\S]*selfHost\.hardware\[0\]: unknown hardware "h100-sxn"/,
    );
  });
});
