import type { Engine, KvFormat, WeightFormat } from '../catalog/calibration-schema.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { Device, Model } from '../catalog/schema.ts';
import type { EfficiencyTable } from '../estimate/efficiency.ts';
import { replicaLink, resolveInference, servingLimitsFor, stepTimesFor } from '../estimate/inference.ts';
import { type KernelHardware, type KernelWorkload, kernelFits } from '../estimate/inference-kernel.ts';
import { emptyServingPoint, type ServingWorkload, servingPointInto } from '../estimate/serving-curve.ts';
import type { CostAssumptions } from './assumptions.ts';
import { type Acquisition, type DeviceMonthly, deviceMonthlyUsd, devicePrice } from './device-cost.ts';
import { addToFrontier, type FrontierEntry, joinsFrontier } from './frontier.ts';
import { MAX_PLANNED_UTILIZATION, replicasFor } from './queueing.ts';
import type { Workload } from './workload.ts';

/**
 * The self-hosting plan search: acceptable model × device × devices per replica × TP/EP split ×
 * weight and KV format × batch, through the Estimate engine's plain-number kernel. Nothing here
 * builds a Figure: `selfHostPlan` explains only the plans that are reported.
 */

/** What a replica runs and on what: model × device × engine × formats × devices per replica × split. */
export interface ReplicaLayout {
  model: Model;
  device: Device;
  engine: Engine;
  weights: WeightFormat;
  kv: KvFormat;
  count: number;
  tp: number;
  ep: number;
}

/** One self-hosting plan that meets the SLO at peak, as plain numbers. */
export interface Candidate extends ReplicaLayout {
  /** Sequences the replica runs at once at this concurrency (the serving curve's running set). */
  batch: number;
  /** Requests in flight per replica at peak: the serving-curve point the plan's latency is read from. */
  concurrency: number;
  acquisition: Acquisition;
  replicas: number;
  monthlyUsd: number;
  monthlyLowUsd: number;
  monthlyHighUsd: number;
  /** The curve's waits at this concurrency (slot, step in flight, colliding prompts) + the p95 prompt's prefill. */
  ttftSeconds: number;
  /** The serving curve's time per output token at this concurrency (others' prefill chunks included). */
  tpotSeconds: number;
  prefillP95Seconds: number;
  decodeStepSeconds: number;
  /** A step that decodes and carries prefill chunks (continuous batching with chunked prefill). */
  mixedStepSeconds: number;
  queueWaitSeconds: number;
  /** Requests per second one replica completes at this concurrency (μ). */
  requestsPerSecond: number;
  maxUtilization: number;
  peakUtilization: number;
  averageUtilization: number;
}

/** Why a model × device pair produced no plan, or its best one when it did. */
export type GroupStatus = 'ok' | 'slo' | 'memory' | 'context' | 'no-price';

export interface GroupOutcome {
  model: string;
  device: string;
  status: GroupStatus;
  /** For 'slo': the configuration that came closest, with the latency it reached. */
  closest?: { label: string; ttftSeconds: number; tpotSeconds: number };
  /** Largest replica tried, for 'memory'. */
  maxDevicesTried: number;
}

export interface SearchStats {
  /** Model × device × format × count × split configurations considered. */
  configurations: number;
  /** Configurations dropped before any kernel run because the weights alone cannot fit. */
  prunedByWeights: number;
  /** Plans evaluated: (configuration, batch) pairs run through the kernel for latency and cost. */
  plansEvaluated: number;
  /** Evaluated plans that meet the latency target (each priced once per acquisition mode as a candidate). */
  plansMeetingSlo: number;
  kernelRuns: number;
}

export interface SearchResult {
  candidates: Candidate[];
  groups: GroupOutcome[];
  stats: SearchStats;
  peakToAverage: number;
  peakRequestsPerSecond: number;
  averageRequestsPerSecond: number;
}

export interface SearchOptions {
  catalog: Catalog;
  efficiencies: EfficiencyTable;
  workload: Workload;
  assumptions: CostAssumptions;
  models: readonly Model[];
  devices: readonly Device[];
  /** Sensitivity knobs: multiply hardware prices, traffic, and the peak-to-average ratio. */
  priceScale?: number;
  trafficScale?: number;
  peakScale?: number;
}

type Format = [Engine, WeightFormat, KvFormat];

/** Formats an engine class serves on a device class: tuned engines on accelerators, llama.cpp locally. */
function formatsFor(device: Device, w: Workload): Format[] {
  const tuned: Format[] = [];
  // Block-scaled FP8 is tried where the workload names it (its bytes are per-tensor FP8's; only an older
  // release's GEMM kernel tells them apart, and Decide runs each class's reference release).
  const blockFp8 = w.selfHost?.weights?.includes('fp8_block') ? (['fp8_block'] as const) : [];
  for (const weights of ['bf16', 'fp8', 'int4', ...blockFp8] as const)
    for (const kv of ['bf16', 'fp8'] as const) tuned.push(['tuned', weights, kv]);
  const local: Format[] = [
    ['llamacpp', 'q4_k_m', 'fp16'],
    ['llamacpp', 'q8_0', 'fp16'],
    ['llamacpp', 'fp16', 'fp16'],
  ];
  const cls = device.class;
  const all =
    cls === 'apple-silicon' || cls === 'cpu' || cls === 'sbc'
      ? local
      : cls === 'consumer-gpu'
        ? [...tuned, ...local.slice(0, 2)]
        : tuned;
  const weights = w.selfHost?.weights;
  const kvs = w.selfHost?.kv;
  return all.filter(([, wf, kv]) => (!weights || weights.includes(wf)) && (!kvs || kvs.includes(kv)));
}

/** Devices per replica tried: one machine for local hardware, up to a node for desktop GPUs. */
function countsFor(device: Device, w: Workload): number[] {
  const cls = device.class;
  const limit =
    cls === 'apple-silicon' || cls === 'cpu' || cls === 'sbc' ? 1 : cls === 'consumer-gpu' ? 8 : 64;
  const cap = Math.min(limit, w.selfHost?.maxDevicesPerReplica ?? 64);
  const out: number[] = [];
  for (let c = 1; c <= cap; c *= 2) out.push(c);
  return out;
}

/**
 * Concurrencies tried per replica: powers of two below the largest running set (engine and memory
 * limits), and that largest; more users than it only queue.
 */
function concurrencyLadder(largest: number): number[] {
  const out: number[] = [];
  for (let c = 1; c < largest; c *= 2) out.push(c);
  out.push(Math.max(1, largest));
  return out;
}

/** Peak-to-average: the workload's, else the hourly profile's peak hour over the mean hour, else 1. */
export function peakToAverageOf(w: Workload): number {
  if (w.peakToAverage !== undefined) return w.peakToAverage;
  const profile = w.trafficProfile?.hourlyShareUtc;
  if (!profile) return 1;
  const total = profile.reduce((a, b) => a + b, 0);
  return Math.max(1, (Math.max(...profile) * 24) / total);
}

export function candidateLabel(
  c: Pick<Candidate, 'model' | 'device' | 'count' | 'tp' | 'ep' | 'weights' | 'kv' | 'batch' | 'concurrency'>,
): string {
  const split = c.ep > 1 ? `TP${c.tp}×EP${c.ep}` : `TP${c.tp}`;
  return `${c.model.id} on ${c.count}× ${c.device.id} (${split}, ${c.weights} weights, ${c.kv} KV, ${c.concurrency} concurrent, batch ${c.batch})`;
}

/** A configuration with at least one plan that meets the SLO: model × device × format × count × split. */
interface Configuration extends ReplicaLayout {
  /** The device's acquisition modes that have a price, in the workload's order. */
  acquisitions: readonly Acquisition[];
  /**
   * Index of the (model, device, count, split, weights, KV) key, numbered in the order first seen:
   * Decide keeps one plan per key and acquisition mode.
   */
  key: number;
  /** Index of the model × device pair in the search's `groups`. */
  group: number;
}

const PLAN_COLUMNS = [
  'configuration',
  'batch',
  'concurrency',
  'ttftSeconds',
  'tpotSeconds',
  'prefillP95Seconds',
  'decodeStepSeconds',
  'mixedStepSeconds',
  'queueWaitSeconds',
  'requestsPerSecond',
] as const;

/**
 * The search's plans that meet the SLO, one row per plan in search order, as columns of numbers in typed
 * arrays: a search keeps hundreds of thousands of rows, and no object per row is there to trace or copy.
 */
class PlanColumns implements Record<(typeof PLAN_COLUMNS)[number], Float64Array> {
  length = 0;
  configuration = new Float64Array(1024);
  batch = new Float64Array(1024);
  concurrency = new Float64Array(1024);
  ttftSeconds = new Float64Array(1024);
  tpotSeconds = new Float64Array(1024);
  prefillP95Seconds = new Float64Array(1024);
  decodeStepSeconds = new Float64Array(1024);
  mixedStepSeconds = new Float64Array(1024);
  queueWaitSeconds = new Float64Array(1024);
  requestsPerSecond = new Float64Array(1024);

  /** Room for one more row (the columns double when full). */
  reserve(): number {
    if (this.length === this.configuration.length) {
      for (const name of PLAN_COLUMNS) {
        const wider = new Float64Array(this[name].length * 2);
        wider.set(this[name]);
        this[name] = wider;
      }
    }
    return this.length++;
  }
}

/**
 * The search's kernel work: every plan that meets the SLO and why the other pairs have none. None of it
 * depends on device prices, traffic volume or its peak (they only size and price replicas), so the
 * sensitivity scenarios price the same plans again instead of rerunning the kernel.
 */
export interface EvaluatedPlans {
  workload: Workload;
  configurations: Configuration[];
  keys: number;
  plans: PlanColumns;
  groups: GroupOutcome[];
  stats: SearchStats;
}

/** Sensitivity knobs of one pricing: multiply hardware prices, traffic, and the peak-to-average ratio. */
export interface PlanPricing {
  assumptions: CostAssumptions;
  priceScale?: number;
  trafficScale?: number;
  peakScale?: number;
}

/** What Decide keeps of the candidates: the same as reducing `searchPlans`' full list, without holding it. */
export interface PlanSummary {
  /** Candidates that meet the SLO: one per plan and priced acquisition mode. */
  candidates: number;
  /** Per configuration and acquisition mode, its cheapest candidate, cheapest first. */
  configurations: RankedConfigurations;
  /** `paretoFrontier` of all candidates on monthly cost against TPOT, cheapest first. */
  frontier: Candidate[];
  /** The cheapest candidate per acquisition mode: by cost, then TTFT, then TPOT; the first seen on a tie. */
  cheapest: Record<Acquisition, Candidate | undefined>;
  peakToAverage: number;
  peakRequestsPerSecond: number;
  averageRequestsPerSecond: number;
}

export function searchPlans(o: SearchOptions): SearchResult {
  const evaluated = evaluatePlans(o);
  const pricing = pricingOf(evaluated, o);
  const candidates: Candidate[] = [];
  const n = evaluated.plans.length;
  for (let p = 0; p < n; p++) {
    const replicas = pricing.replicas(p);
    const acquisitions =
      evaluated.configurations[evaluated.plans.configuration[p] as number]?.acquisitions ?? [];
    for (let a = 0; a < acquisitions.length; a++) candidates.push(pricing.candidate(p, a, replicas));
  }
  return {
    candidates,
    groups: evaluated.groups,
    stats: evaluated.stats,
    peakToAverage: pricing.peakToAverage,
    peakRequestsPerSecond: pricing.peakRps,
    averageRequestsPerSecond: pricing.averageRps,
  };
}

/**
 * The reductions of the candidate list Decide reports (cheapest per configuration, frontier, cheapest per
 * acquisition mode, count), made while pricing each plan: a Candidate object is built only for a plan
 * that is kept, so a search of every model and device does not hold hundreds of thousands of them.
 */
export function summarizePlans(evaluated: EvaluatedPlans, o: PlanPricing): PlanSummary {
  const pricing = pricingOf(evaluated, o);
  const { configurations, plans } = evaluated;
  // Per key × acquisition mode: the plan kept, its acquisition index, cost and TTFT.
  const slots = evaluated.keys * 2;
  const bestPlan = new Int32Array(slots).fill(-1);
  const bestAcquisition = new Int32Array(slots);
  const bestCost = new Float64Array(slots);
  const bestTtft = new Float64Array(slots);
  // Modes (0 rent, 1 buy) in the order a key first shows them (the workload's order, repeats dropped):
  // two per key, -1 where none.
  const keyModes = new Int8Array(slots).fill(-1);
  // The cost–TPOT frontier of the candidates so far (frontier.ts), by rising cost.
  const front: Array<FrontierEntry & { plan: number; acquisition: number; replicas: number }> = [];
  // The cheapest candidate per mode (rent, buy): plan, acquisition index, cost.
  const cheapest = [-1, -1];
  const cheapestAcquisition = [0, 0];
  const cheapestCost = [0, 0];
  let count = 0;
  // Plans of one configuration are consecutive: its prices and slots are looked up once per run of them.
  let current = -1;
  let c = configurations[0] as Configuration;
  // The current configuration's USD per device-month and mode per acquisition (refilled, never reallocated).
  const mids: number[] = [];
  const modeIndex: number[] = [];
  let acquisitionCount = 0;
  const n = plans.length;
  for (let p = 0; p < n; p++) {
    const ci = plans.configuration[p] as number;
    if (ci !== current) {
      current = ci;
      c = configurations[ci] as Configuration;
      const monthly = pricing.monthly(c);
      acquisitionCount = monthly.length;
      for (let a = 0; a < acquisitionCount; a++) {
        mids[a] = (monthly[a] as DeviceMonthly).mid;
        modeIndex[a] = c.acquisitions[a] === 'rent' ? 0 : 1;
      }
    }
    const replicas = pricing.replicas(p);
    const ttft = plans.ttftSeconds[p] as number;
    const tpot = plans.tpotSeconds[p] as number;
    for (let a = 0; a < acquisitionCount; a++) {
      count++;
      const mode = modeIndex[a] as number;
      const cost = replicas * c.count * (mids[a] as number);
      const slot = c.key * 2 + mode;
      const held = bestPlan[slot] as number;
      if (held < 0) keyModes[(keyModes[c.key * 2] as number) < 0 ? c.key * 2 : c.key * 2 + 1] = mode;
      if (
        held < 0 ||
        cost < (bestCost[slot] as number) ||
        (cost === bestCost[slot] && ttft < (bestTtft[slot] as number))
      ) {
        bestPlan[slot] = p;
        bestAcquisition[slot] = a;
        bestCost[slot] = cost;
        bestTtft[slot] = ttft;
      }
      const best = cheapest[mode] as number;
      if (
        best < 0 ||
        (cost - (cheapestCost[mode] as number) ||
          ttft - (plans.ttftSeconds[best] as number) ||
          tpot - (plans.tpotSeconds[best] as number)) < 0
      ) {
        cheapest[mode] = p;
        cheapestAcquisition[mode] = a;
        cheapestCost[mode] = cost;
      }
      if (joinsFrontier(front, cost, tpot))
        addToFrontier(front, { plan: p, acquisition: a, replicas, cost, latency: tpot });
    }
  }
  // Each configuration's cheapest plan per mode, in the order first seen; ranked when first asked for.
  const kept: Kept = {
    length: 0,
    plan: new Int32Array(slots),
    acquisition: new Int32Array(slots),
    cost: new Float64Array(slots),
    ttft: new Float64Array(slots),
  };
  for (let at = 0; at < slots; at++) {
    const mode = keyModes[at] as number;
    if (mode < 0) continue;
    const slot = (at >> 1) * 2 + mode;
    const i = kept.length++;
    kept.plan[i] = bestPlan[slot] as number;
    kept.acquisition[i] = bestAcquisition[slot] as number;
    kept.cost[i] = bestCost[slot] as number;
    kept.ttft[i] = bestTtft[slot] as number;
  }
  const ranked = new RankedConfigurations(evaluated, pricing, kept);
  const pick = (mode: number) => {
    const p = cheapest[mode] as number;
    return p < 0 ? undefined : pricing.candidate(p, cheapestAcquisition[mode] as number, pricing.replicas(p));
  };
  return {
    candidates: count,
    configurations: ranked,
    frontier: front.map((f) => pricing.candidate(f.plan, f.acquisition, f.replicas)),
    cheapest: { rent: pick(0), buy: pick(1) },
    peakToAverage: pricing.peakToAverage,
    peakRequestsPerSecond: pricing.peakRps,
    averageRequestsPerSecond: pricing.averageRps,
  };
}

/**
 * Per configuration and acquisition mode, its cheapest candidate (then the lower TTFT; the first seen on a
 * tie), ranked cheapest first: by cost, then TTFT, then TPOT, then the order first seen. A search of every
 * model and device keeps tens of thousands, and Decide reports a handful: each Candidate is built when
 * first asked for (the same object on every call), and the ranking is made when first needed.
 */
export class RankedConfigurations {
  readonly length: number;
  private order: Int32Array | undefined;
  private readonly built = new Map<number, Candidate>();
  private pairBest: Map<number, number> | undefined;
  private pairOf: number[] = [];

  constructor(
    private readonly evaluated: EvaluatedPlans,
    private readonly pricing: Pricing,
    private readonly kept: Kept,
  ) {
    this.length = kept.length;
  }

  /** The candidate at `rank` (0 = the cheapest). */
  candidate(rank: number): Candidate {
    const i = this.ranking()[rank];
    if (i === undefined) throw new RangeError(`no configuration ranked ${rank} of ${this.length}`);
    let c = this.built.get(i);
    if (!c) {
      const plan = this.kept.plan[i] as number;
      c = this.pricing.candidate(plan, this.kept.acquisition[i] as number, this.pricing.replicas(plan));
      this.built.set(i, c);
    }
    return c;
  }

  /** The acquisition mode of the candidate at `rank`, without building it. */
  acquisition(rank: number): Acquisition {
    const i = this.ranking()[rank] as number;
    return this.configurationOf(this.kept.plan[i] as number).acquisitions[
      this.kept.acquisition[i] as number
    ] as Acquisition;
  }

  /** The cheapest configuration of the model × device pair `groups[group]` in one mode, if it has one. */
  cheapestOfPair(group: number, mode: Acquisition): Candidate | undefined {
    // Pairs by their ids, as configurations are keyed (a pair listed twice is one pair).
    const groups = this.evaluated.groups;
    if (!this.pairBest) {
      const firstOfIds = new Map<string, number>();
      this.pairOf = groups.map((g, i) => {
        const ids = `${g.model}\n${g.device}`;
        const first = firstOfIds.get(ids) ?? i;
        firstOfIds.set(ids, first);
        return first;
      });
      const best = new Map<number, number>();
      const order = this.ranking();
      for (let rank = 0; rank < order.length; rank++) {
        const plan = this.kept.plan[order[rank] as number] as number;
        const pair = this.pairOf[this.configurationOf(plan).group] as number;
        const slot = pair * 2 + (this.acquisition(rank) === 'rent' ? 0 : 1);
        if (!best.has(slot)) best.set(slot, rank);
      }
      this.pairBest = best;
    }
    const pair = this.pairOf[group] as number;
    const rank = this.pairBest.get(pair * 2 + (mode === 'rent' ? 0 : 1));
    return rank === undefined ? undefined : this.candidate(rank);
  }

  private configurationOf(plan: number): Configuration {
    const { configurations, plans } = this.evaluated;
    return configurations[plans.configuration[plan] as number] as Configuration;
  }

  private ranking(): Int32Array {
    if (!this.order) {
      const { plan, cost, ttft } = this.kept;
      const tpot = this.evaluated.plans.tpotSeconds;
      const order = new Int32Array(this.kept.length);
      for (let i = 0; i < order.length; i++) order[i] = i;
      order.sort(
        (a, b) =>
          (cost[a] as number) - (cost[b] as number) ||
          (ttft[a] as number) - (ttft[b] as number) ||
          (tpot[plan[a] as number] as number) - (tpot[plan[b] as number] as number) ||
          a - b,
      );
      this.order = order;
    }
    return this.order;
  }
}

type Pricing = ReturnType<typeof pricingOf>;
/**
 * Each configuration's cheapest plan per mode, as columns (rows in the order first seen): the plan, its
 * acquisition index, monthly cost and TTFT.
 */
interface Kept {
  length: number;
  plan: Int32Array;
  acquisition: Int32Array;
  cost: Float64Array;
  ttft: Float64Array;
}

/** Traffic, replica sizing, device prices and Candidate building for one pricing of the evaluated plans. */
function pricingOf(evaluated: EvaluatedPlans, o: PlanPricing) {
  const w = evaluated.workload;
  const peakToAverage = Math.max(1, peakToAverageOf(w) * (o.peakScale ?? 1));
  const averageRps = (w.requestsPerDay * (o.trafficScale ?? 1)) / 86400;
  const peakRps = averageRps * peakToAverage;
  const rhoMax = MAX_PLANNED_UTILIZATION;
  const { configurations, plans } = evaluated;
  const perDevice = new Map<Device, DeviceMonthly[]>();
  const monthlyOf = (c: Configuration): DeviceMonthly[] => {
    let m = perDevice.get(c.device);
    if (!m) {
      m = c.acquisitions.map((acq) => {
        const price = deviceMonthlyUsd(c.device, acq, w, o.assumptions, o.priceScale ?? 1);
        if (!price) throw new Error(`no ${acq} price for ${c.device.id}`);
        return price;
      });
      perDevice.set(c.device, m);
    }
    return m;
  };
  return {
    peakToAverage,
    peakRps,
    averageRps,
    replicas: (p: number) => replicasFor(peakRps, plans.requestsPerSecond[p] as number, rhoMax),
    /** USD per device-month per acquisition mode of the configuration (its `acquisitions`' order). */
    monthly: monthlyOf,
    candidate: (p: number, a: number, replicas: number): Candidate => {
      const c = configurations[plans.configuration[p] as number] as Configuration;
      const price = monthlyOf(c)[a] as DeviceMonthly;
      const mu = plans.requestsPerSecond[p] as number;
      const devices = replicas * c.count;
      return {
        model: c.model,
        device: c.device,
        engine: c.engine,
        weights: c.weights,
        kv: c.kv,
        count: c.count,
        tp: c.tp,
        ep: c.ep,
        batch: plans.batch[p] as number,
        concurrency: plans.concurrency[p] as number,
        acquisition: c.acquisitions[a] as Acquisition,
        replicas,
        monthlyUsd: devices * price.mid,
        monthlyLowUsd: devices * price.low,
        monthlyHighUsd: devices * price.high,
        ttftSeconds: plans.ttftSeconds[p] as number,
        tpotSeconds: plans.tpotSeconds[p] as number,
        prefillP95Seconds: plans.prefillP95Seconds[p] as number,
        decodeStepSeconds: plans.decodeStepSeconds[p] as number,
        mixedStepSeconds: plans.mixedStepSeconds[p] as number,
        queueWaitSeconds: plans.queueWaitSeconds[p] as number,
        requestsPerSecond: mu,
        maxUtilization: rhoMax,
        peakUtilization: peakRps / (replicas * mu),
        averageUtilization: averageRps / (replicas * mu),
      };
    },
  };
}

/** The kernel half of the search: every configuration's serving curve up to the SLO, no prices. */
export function evaluatePlans(
  o: Omit<SearchOptions, 'assumptions' | 'priceScale' | 'trafficScale' | 'peakScale'>,
): EvaluatedPlans {
  const w = o.workload;
  const I = w.inputTokens.mean;
  const O = w.outputTokens.mean;
  const I95 = w.inputTokens.p95;
  const O95 = w.outputTokens.p95;
  const sloTtft = w.slo.ttftSeconds;
  const sloTpot = w.slo.tpotSeconds;
  const acquisitions: Acquisition[] = w.selfHost?.acquisition ?? ['rent', 'buy'];
  const stats: SearchStats = {
    configurations: 0,
    prunedByWeights: 0,
    plansEvaluated: 0,
    plansMeetingSlo: 0,
    kernelRuns: 0,
  };
  const groups: GroupOutcome[] = [];
  const configurations: Configuration[] = [];
  // Configuration keys, numbered in the order first seen: model and device ids, weights and KV, then the
  // devices and the EP degree of the layout (TP = devices / EP).
  const keyIndex = new Map<string, Map<number, number>>();
  let keys = 0;
  const plans = new PlanColumns();
  // The serving point each plan is read from, filled in place (its numbers are copied into the columns).
  const p = emptyServingPoint();

  for (const model of o.models) {
    const fitsContext = I95 + O95 <= model.architecture.contextLength;
    for (const device of o.devices) {
      const group: GroupOutcome = {
        model: model.id,
        device: device.id,
        status: 'context',
        maxDevicesTried: 0,
      };
      groups.push(group);
      if (!fitsContext) continue;
      const priced = acquisitions.filter((acq) => devicePrice(device, acq, w) !== undefined);
      if (priced.length === 0) {
        group.status = 'no-price';
        continue;
      }
      group.status = 'memory';
      let closestViolation = Number.POSITIVE_INFINITY;
      const counts = countsFor(device, w);
      group.maxDevicesTried = counts.at(-1) ?? 1;
      for (const [engine, weights, kv] of formatsFor(device, w)) {
        const r = resolveInference(o.catalog, o.efficiencies, {
          model: model.id,
          hardware: device.id,
          count: 1,
          weights,
          kv,
          engine,
          inputTokens: I,
          outputTokens: O,
        });
        const { km, off } = r;
        // One replica layout at a time, its split and link set below: the kernel keeps no reference to it.
        const hw: KernelHardware = { ...r.hw };
        let layoutKeys: Map<number, number> | undefined;
        const work: KernelWorkload = { ...r.work };
        const work95: KernelWorkload = { ...r.work, inputTokens: I95, outputTokens: O95, batch: 1 };
        const moe = km.moeLayers > 0;
        const narrowestBytesPerWeight = Math.min(
          work.bytesPerWeight,
          work.expertBytesPerWeight ?? work.bytesPerWeight,
          work.headBytesPerWeight ?? work.bytesPerWeight,
        );
        for (const count of counts) {
          const link = replicaLink(device, count);
          for (let ep = 1; ep <= (moe ? count : 1); ep *= 2) {
            // Experts are placed whole: a degree that does not divide them is no layout (estimate refuses it too).
            if (ep > 1 && (model.architecture.moe?.routedExperts ?? 0) % ep !== 0) continue;
            stats.configurations++;
            const tp = count / ep;
            // Pruning: the weights alone, spread perfectly at their narrowest width, must leave room for the runtime.
            if (
              (km.totalParams * narrowestBytesPerWeight) / count + r.hw.overheadBytesPerDevice >
              r.hw.capacityBytes
            ) {
              stats.prunedByWeights++;
              continue;
            }
            hw.count = count;
            hw.tensorParallel = tp;
            hw.expertParallel = ep;
            // Attention data-parallel over the EP groups, as `estimate infer --ep` defaults it (the one-device
            // resolve holds 1, which priced EP plans up to 1.7x off the estimate).
            hw.attentionDataParallel = ep;
            hw.linkBandwidth = link.bandwidth;
            hw.linkLatencySeconds = link.latency;
            stats.kernelRuns++;
            // A replica must hold one p95 request (memory test alone, no forward pass).
            if (!kernelFits(km, hw, off, work95)) continue;
            // The estimate's limits, this class's reference release's prompt budget included.
            const limits = servingLimitsFor({
              km,
              hw,
              off,
              work,
              engineClass: r.engineClass,
              release: r.release,
            });
            if (limits.memorySequences === 0) continue;
            const steps = stepTimesFor({ km, hw, off, work });
            const serving: ServingWorkload = { inputTokens: I, outputTokens: O, devices: count };
            let configuration = -1;
            for (const concurrency of concurrencyLadder(
              Math.min(limits.maxSequences, limits.memorySequences),
            )) {
              // The replica's serving curve at this concurrency (continuous batching with chunked prefill):
              // one decode step and one prefill-carrying step priced by the kernel.
              servingPointInto(steps, limits, serving, concurrency, p);
              stats.kernelRuns += 2;
              stats.plansEvaluated++;
              const mu = p.requestsPerSecond;
              const tpot = p.tpotSeconds;
              // A p95 prompt takes its own number of prefill chunks; the waits before it are the curve's.
              const prefillP95 = Math.ceil(I95 / p.prefillChunkTokens) * p.mixedStepSeconds;
              const wait = p.slotWaitSeconds + p.stepAlignSeconds + p.prefillQueueSeconds;
              const ttft = wait + prefillP95;
              const batch = p.runningSequences;
              const violation = Math.max(ttft / sloTtft, tpot / sloTpot);
              if (!(mu > 0) || violation > 1) {
                if (group.status !== 'ok') group.status = 'slo';
                if (violation < closestViolation) {
                  closestViolation = violation;
                  group.closest = {
                    label: candidateLabel({ model, device, count, tp, ep, weights, kv, batch, concurrency }),
                    ttftSeconds: ttft,
                    tpotSeconds: tpot,
                  };
                }
                // More users only lengthen the steps and the queues: neither latency can recover.
                break;
              }
              group.status = 'ok';
              stats.plansMeetingSlo++;
              if (configuration < 0) {
                if (!layoutKeys) {
                  const name = `${model.id}|${device.id}|${weights}|${kv}`;
                  layoutKeys = keyIndex.get(name) ?? new Map<number, number>();
                  keyIndex.set(name, layoutKeys);
                }
                // Devices per replica stay at most 64 (countsFor).
                let key = layoutKeys.get(count * 128 + ep);
                if (key === undefined) {
                  key = keys++;
                  layoutKeys.set(count * 128 + ep, key);
                }
                configuration = configurations.length;
                configurations.push({
                  model,
                  device,
                  engine,
                  weights,
                  kv,
                  count,
                  tp,
                  ep,
                  acquisitions: priced,
                  key,
                  group: groups.length - 1,
                });
              }
              const row = plans.reserve();
              plans.configuration[row] = configuration;
              plans.batch[row] = batch;
              plans.concurrency[row] = concurrency;
              plans.ttftSeconds[row] = ttft;
              plans.tpotSeconds[row] = tpot;
              plans.prefillP95Seconds[row] = prefillP95;
              plans.decodeStepSeconds[row] = p.decodeStepSeconds;
              plans.mixedStepSeconds[row] = p.mixedStepSeconds;
              plans.queueWaitSeconds[row] = wait;
              plans.requestsPerSecond[row] = mu;
            }
          }
        }
      }
    }
  }
  return { workload: w, configurations, keys, plans, groups, stats };
}
