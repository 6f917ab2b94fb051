import type { Engine, KvFormat, WeightFormat } from '../catalog/calibration-schema.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { Device, Model } from '../catalog/schema.ts';
import type { EfficiencyTable } from '../estimate/efficiency.ts';
import {
  maxBatchThatFits,
  replicaLink,
  resolveInference,
  schedulerLimits,
  stepTimesFor,
} from '../estimate/inference.ts';
import { type KernelHardware, type KernelWorkload, kernelFits } from '../estimate/inference-kernel.ts';
import { type ServingLimits, type ServingWorkload, servingPoint } from '../estimate/serving-curve.ts';
import type { CostAssumptions } from './assumptions.ts';
import { type Acquisition, type DeviceMonthly, deviceMonthlyUsd } from './device-cost.ts';
import { MAX_PLANNED_UTILIZATION, replicasFor } from './queueing.ts';
import type { Workload } from './workload.ts';

/**
 * The self-hosting plan search: acceptable model × device × devices per replica × TP/EP split ×
 * weight and KV format × batch, through the Estimate engine's plain-number kernel. Nothing here
 * builds a Figure: `selfHostPlan` explains only the plans that are reported.
 */

/** One self-hosting plan that meets the SLO at peak, as plain numbers. */
export interface Candidate {
  model: Model;
  device: Device;
  engine: Engine;
  weights: WeightFormat;
  kv: KvFormat;
  count: number;
  tp: number;
  ep: number;
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
  for (const weights of ['bf16', 'fp8', 'int4'] as const)
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

export function searchPlans(o: SearchOptions): SearchResult {
  const w = o.workload;
  const peakToAverage = Math.max(1, peakToAverageOf(w) * (o.peakScale ?? 1));
  const averageRps = (w.requestsPerDay * (o.trafficScale ?? 1)) / 86400;
  const peakRps = averageRps * peakToAverage;
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
  const candidates: Candidate[] = [];
  const groups: GroupOutcome[] = [];

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
      const prices: Array<[Acquisition, DeviceMonthly]> = [];
      for (const acq of acquisitions) {
        const m = deviceMonthlyUsd(device, acq, w, o.assumptions, o.priceScale ?? 1);
        if (m) prices.push([acq, m]);
      }
      if (prices.length === 0) {
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
            const hw: KernelHardware = {
              ...r.hw,
              count,
              tensorParallel: tp,
              expertParallel: ep,
              linkBandwidth: link.bandwidth,
              linkLatencySeconds: link.latency,
            };
            stats.kernelRuns++;
            // A replica must hold one p95 request (memory test alone, no forward pass).
            if (!kernelFits(km, hw, off, work95)) continue;
            const limits: ServingLimits = {
              ...schedulerLimits(r.engineClass, hw.attentionDataParallel ?? ep),
              memorySequences: maxBatchThatFits({ km, hw, off, work, engineClass: r.engineClass }),
            };
            if (limits.memorySequences === 0) continue;
            const steps = stepTimesFor({ km, hw, off, work });
            const serving: ServingWorkload = { inputTokens: I, outputTokens: O, devices: count };
            for (const concurrency of concurrencyLadder(
              Math.min(limits.maxSequences, limits.memorySequences),
            )) {
              // The replica's serving curve at this concurrency (continuous batching with chunked prefill):
              // one decode step and one prefill-carrying step priced by the kernel.
              const p = servingPoint(steps, limits, serving, concurrency);
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
              const rhoMax = MAX_PLANNED_UTILIZATION;
              const replicas = replicasFor(peakRps, mu, rhoMax);
              for (const [acquisition, perDevice] of prices) {
                const devices = replicas * count;
                candidates.push({
                  model,
                  device,
                  engine,
                  weights,
                  kv,
                  count,
                  tp,
                  ep,
                  batch,
                  concurrency,
                  acquisition,
                  replicas,
                  monthlyUsd: devices * perDevice.mid,
                  monthlyLowUsd: devices * perDevice.low,
                  monthlyHighUsd: devices * perDevice.high,
                  ttftSeconds: ttft,
                  tpotSeconds: tpot,
                  prefillP95Seconds: prefillP95,
                  decodeStepSeconds: p.decodeStepSeconds,
                  mixedStepSeconds: p.mixedStepSeconds,
                  queueWaitSeconds: wait,
                  requestsPerSecond: mu,
                  maxUtilization: rhoMax,
                  peakUtilization: peakRps / (replicas * mu),
                  averageUtilization: averageRps / (replicas * mu),
                });
              }
            }
          }
        }
      }
    }
  }
  return {
    candidates,
    groups,
    stats,
    peakToAverage,
    peakRequestsPerSecond: peakRps,
    averageRequestsPerSecond: averageRps,
  };
}
