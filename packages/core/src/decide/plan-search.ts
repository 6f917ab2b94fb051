import type { Engine, KvFormat, WeightFormat } from '../catalog/calibration-schema.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { Device, Model } from '../catalog/schema.ts';
import type { EfficiencyTable } from '../estimate/efficiency.ts';
import { maxBatchThatFits, replicaLink, resolveInference } from '../estimate/inference.ts';
import {
  decodeStep,
  type KernelHardware,
  type KernelWorkload,
  kernelFits,
  prefillStep,
} from '../estimate/inference-kernel.ts';
import type { CostAssumptions } from './assumptions.ts';
import { type Acquisition, type DeviceMonthly, deviceMonthlyUsd } from './device-cost.ts';
import { maxUtilizationForWait, meanQueueWaitSeconds, replicasFor } from './queueing.ts';
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
  batch: number;
  acquisition: Acquisition;
  replicas: number;
  monthlyUsd: number;
  monthlyLowUsd: number;
  monthlyHighUsd: number;
  /** p95-prompt prefill + one loaded decode step + mean queue wait at peak. */
  ttftSeconds: number;
  /** Loaded time per output token: the batch cycle / output tokens (prefills of others included). */
  tpotSeconds: number;
  prefillP95Seconds: number;
  decodeStepSeconds: number;
  prefillBatchSeconds: number;
  queueWaitSeconds: number;
  /** Requests per second one replica completes at this batch (μ). */
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

/** Batches tried: powers of two below the largest that fits, and that largest. */
function batchLadder(maxBatch: number): number[] {
  const out: number[] = [];
  for (let b = 1; b < maxBatch; b *= 2) out.push(b);
  out.push(maxBatch);
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
  c: Pick<Candidate, 'model' | 'device' | 'count' | 'tp' | 'ep' | 'weights' | 'kv' | 'batch'>,
): string {
  const split = c.ep > 1 ? `TP${c.tp}×EP${c.ep}` : `TP${c.tp}`;
  return `${c.model.id} on ${c.count}× ${c.device.id} (${split}, ${c.weights} weights, ${c.kv} KV, batch ${c.batch})`;
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
            // Only the passes a plan reads run: the memory test alone, the p95 prompt's prefill, and per
            // batch its prefill and decode step (the same numbers as the whole kernel's phases).
            stats.kernelRuns++;
            if (!kernelFits(km, hw, off, work95)) continue;
            const maxBatch = maxBatchThatFits({ km, hw, off, work, engineClass: r.engineClass });
            if (maxBatch === 0) continue;
            const prefillP95 = prefillStep(km, hw, off, work95, 1).total;
            for (const batch of batchLadder(maxBatch)) {
              work.batch = batch;
              const k = {
                prefillBatch: prefillStep(km, hw, off, work, batch),
                tpotSeconds: decodeStep(km, hw, off, work, batch).total,
              };
              stats.kernelRuns++;
              stats.plansEvaluated++;
              const cycle = k.prefillBatch.total + O * k.tpotSeconds;
              const mu = batch / cycle;
              const tpotLoaded = cycle / O;
              const ttftUnloaded = prefillP95 + tpotLoaded;
              const violation = Math.max(ttftUnloaded / sloTtft, tpotLoaded / sloTpot);
              const rhoMax = tpotLoaded <= sloTpot ? maxUtilizationForWait(mu, sloTtft - ttftUnloaded) : 0;
              if (rhoMax <= 0) {
                if (group.status !== 'ok') group.status = 'slo';
                if (violation < closestViolation) {
                  closestViolation = violation;
                  group.closest = {
                    label: candidateLabel({ model, device, count, tp, ep, weights, kv, batch }),
                    ttftSeconds: ttftUnloaded,
                    tpotSeconds: tpotLoaded,
                  };
                }
                // A larger batch only lengthens the cycle, so neither latency can recover: stop here.
                break;
              }
              group.status = 'ok';
              stats.plansMeetingSlo++;
              const replicas = replicasFor(peakRps, mu, rhoMax);
              const wait = meanQueueWaitSeconds(peakRps / replicas, mu);
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
                  acquisition,
                  replicas,
                  monthlyUsd: devices * perDevice.mid,
                  monthlyLowUsd: devices * perDevice.low,
                  monthlyHighUsd: devices * perDevice.high,
                  ttftSeconds: ttftUnloaded + wait,
                  tpotSeconds: tpotLoaded,
                  prefillP95Seconds: prefillP95,
                  decodeStepSeconds: k.tpotSeconds,
                  prefillBatchSeconds: k.prefillBatch.total,
                  queueWaitSeconds: wait,
                  requestsPerSecond: mu,
                  maxUtilization: rhoMax,
                  peakUtilization: peakRps / (replicas * mu),
                  averageUtilization: averageRps / (replicas * mu),
                });
              }
            }
            work.batch = 1;
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
