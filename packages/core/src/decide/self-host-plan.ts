import { type Figure, figure, given, named } from '../figure/figure.ts';
import type { Source } from '../figure/source.ts';
import { type MonthlyTokens, overHorizon, perMillionTokens } from './api-cost.ts';
import type { CostAssumptions } from './assumptions.ts';
import { type Acquisition, deviceMonthlyFigure } from './device-cost.ts';
import { type Candidate, candidateLabel } from './plan-search.ts';
import { MAX_PLANNED_UTILIZATION } from './queueing.ts';
import type { Workload } from './workload.ts';

/** A reported self-hosting plan: the search's plain numbers, explained as Figures. */
export interface SelfHostPlan {
  id: string;
  kind: Acquisition;
  label: string;
  model: string;
  hardware: string;
  devicesPerReplica: number;
  tensorParallel: number;
  expertParallel: number;
  weights: string;
  kv: string;
  engine: string;
  batch: number;
  replicas: Figure;
  devices: number;
  monthlyUsd: Figure;
  usdPerMillionTokens: Figure;
  horizonUsd: Figure;
  meetsSlo: boolean;
  ttftSeconds: Figure;
  tpotSeconds: Figure;
  utilization: Figure;
  /** Tokens per month one replica serves at this workload's traffic shape (break-even unit). */
  replicaTokensPerMonth: Figure;
  replicaMonthlyUsd: Figure;
}

const queueSource: Source = {
  title: 'M/D/1 queue, Pollaczek-Khinchine mean wait W = ρ / (2μ(1−ρ)) (docs/decide.md)',
  date: '2026-11',
  note: 'one server per replica at its measured request rate: slower than the real multi-slot engine',
};

export function planId(c: Candidate): string {
  return `${c.acquisition}:${c.model.id}:${c.device.id}:${c.count}:tp${c.tp}:ep${c.ep}:${c.weights}:${c.kv}:b${c.batch}`;
}

export function selfHostPlan(
  c: Candidate,
  w: Workload,
  a: CostAssumptions,
  tokens: MonthlyTokens,
  peakRequestsPerSecond: number,
  averageRequestsPerSecond: number,
  priceScale = 1,
): SelfHostPlan {
  const mu = figure({
    name: 'requestsPerSecondPerReplica',
    value: c.requestsPerSecond,
    unit: 'requests/s',
    formula: 'batch / (prefill of batch × mean input + mean output × decode step at that batch)',
    inputs: [
      named('batch', c.batch),
      named('prefillBatchSeconds', c.prefillBatchSeconds, 's'),
      named('decodeStepSeconds', c.decodeStepSeconds, 's'),
      named('meanOutputTokens', w.outputTokens.mean),
      named('kernel', 'Estimate engine roofline (estimate/inference-kernel.ts)'),
    ],
  });
  const tpot = figure({
    name: 'tpotSeconds',
    value: c.tpotSeconds,
    unit: 's',
    formula:
      '(prefill of the batch + mean output × decode step) / mean output: decode pauses while others prefill',
    inputs: [
      named('decodeStepSeconds', c.decodeStepSeconds, 's'),
      named('prefillBatchSeconds', c.prefillBatchSeconds, 's'),
    ],
  });
  const peak = given(
    'peakRequestsPerSecond',
    peakRequestsPerSecond,
    'requests/s',
    [],
    'requests per day / 86400 × peak-to-average',
  );
  const maxUtil = figure({
    name: 'maxUtilization',
    value: c.maxUtilization,
    unit: 'fraction',
    formula: `min(${MAX_PLANNED_UTILIZATION}, 2μs / (1 + 2μs)), s = TTFT target − (p95 prefill + TPOT): the load whose mean M/D/1 wait fits the slack`,
    inputs: [
      mu,
      named('ttftTarget', w.slo.ttftSeconds, 's'),
      named('prefillP95Seconds', c.prefillP95Seconds, 's'),
      tpot,
    ],
    sources: [queueSource],
  });
  const replicas = figure({
    name: 'replicas',
    value: c.replicas,
    unit: 'replicas',
    formula: 'ceil(peak requests/s / (μ × max utilization))',
    inputs: [peak, mu, maxUtil],
  });
  const wait = figure({
    name: 'queueWaitSeconds',
    value: c.queueWaitSeconds,
    unit: 's',
    formula: 'ρ / (2μ(1−ρ)), ρ = peak requests/s / (replicas × μ)',
    inputs: [peak, replicas, mu],
    sources: [queueSource],
  });
  const ttft = figure({
    name: 'ttftSeconds',
    value: c.ttftSeconds,
    unit: 's',
    formula: 'prefill of a p95 prompt + one loaded decode step + mean queue wait at peak',
    inputs: [named('prefillP95Seconds', c.prefillP95Seconds, 's'), tpot, wait],
  });
  const perDevice = deviceMonthlyFigure(c.device, c.acquisition, w, a, priceScale);
  const devices = given(
    'devices',
    c.replicas * c.count,
    'devices',
    [],
    `${c.replicas} replicas × ${c.count} per replica`,
  );
  const monthly = figure({
    name: 'monthlyUsd',
    value: c.monthlyUsd,
    low: c.monthlyLowUsd,
    high: c.monthlyHighUsd,
    unit: 'USD/month',
    formula: 'devices × USD per device-month (sized for the peak: idle hours are paid for)',
    inputs: [devices, perDevice],
  });
  const utilization = figure({
    name: 'utilization',
    value: c.averageUtilization,
    unit: 'fraction',
    formula: 'average requests/s / (replicas × μ)',
    inputs: [given('averageRequestsPerSecond', averageRequestsPerSecond, 'requests/s'), replicas, mu],
  });
  const replicaMonthly = figure({
    name: 'replicaMonthlyUsd',
    value: c.monthlyUsd / c.replicas,
    low: c.monthlyLowUsd / c.replicas,
    high: c.monthlyHighUsd / c.replicas,
    unit: 'USD/month',
    formula: 'devices per replica × USD per device-month',
    inputs: [named('devicesPerReplica', c.count), perDevice],
  });
  const perRequest = tokens.requests.value > 0 ? tokens.total.value / tokens.requests.value : 0;
  const replicaTokens = figure({
    name: 'replicaTokensPerMonth',
    value:
      ((c.requestsPerSecond * c.maxUtilization) / (peakRequestsPerSecond / averageRequestsPerSecond)) *
      86400 *
      30.4375 *
      perRequest,
    unit: 'tokens',
    formula: 'μ × max utilization / peak-to-average × seconds per month × tokens per request',
    inputs: [mu, maxUtil, named('tokensPerRequest', perRequest)],
  });
  return {
    id: planId(c),
    kind: c.acquisition,
    label: `${c.acquisition === 'rent' ? 'rent' : 'buy'} ${c.replicas} × ${candidateLabel(c)}`,
    model: c.model.id,
    hardware: c.device.id,
    devicesPerReplica: c.count,
    tensorParallel: c.tp,
    expertParallel: c.ep,
    weights: c.weights,
    kv: c.kv,
    engine: c.engine,
    batch: c.batch,
    replicas,
    devices: c.replicas * c.count,
    monthlyUsd: monthly,
    usdPerMillionTokens: perMillionTokens(monthly, tokens.total),
    horizonUsd: overHorizon(monthly, w.horizonMonths),
    meetsSlo: true,
    ttftSeconds: ttft,
    tpotSeconds: tpot,
    utilization,
    replicaTokensPerMonth: replicaTokens,
    replicaMonthlyUsd: replicaMonthly,
  };
}
