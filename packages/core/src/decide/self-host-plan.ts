import { type Figure, figure, given, named } from '../figure/figure.ts';
import type { Source } from '../figure/source.ts';
import { type MonthlyTokens, overHorizon, perMillionTokens } from './api-cost.ts';
import type { CostAssumptions } from './assumptions.ts';
import { type Acquisition, deviceMonthlyFigure } from './device-cost.ts';
import { type Candidate, candidateLabel } from './plan-search.ts';
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
  /** Sequences running at once per replica at `concurrency` (the serving curve's running set). */
  batch: number;
  /** Requests in flight per replica at peak: the serving-curve point its latency and rate are read from. */
  concurrency: number;
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
  title:
    'Serving curve: closed loop of concurrent users on a continuous-batching engine (docs/methodology.md, docs/decide.md)',
  date: '2026-12',
  note: 'prompt collisions queue as M/D/1 on the prefill token budget, Pollaczek-Khinchine mean wait',
};

export function planId(c: Candidate): string {
  return `${c.acquisition}:${c.model.id}:${c.device.id}:${c.count}:tp${c.tp}:ep${c.ep}:${c.weights}:${c.kv}:b${c.batch}:c${c.concurrency}`;
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
    formula:
      'serving curve at the concurrency: output tokens/s of the replica / mean output tokens (continuous batching, chunked prefill)',
    inputs: [
      named('concurrency', c.concurrency),
      named('runningSequences', c.batch),
      named('decodeStepSeconds', c.decodeStepSeconds, 's'),
      named('mixedStepSeconds', c.mixedStepSeconds, 's'),
      named('meanOutputTokens', w.outputTokens.mean),
      named(
        'kernel',
        'Estimate engine serving curve (estimate/serving-curve.ts on estimate/inference-kernel.ts)',
      ),
    ],
  });
  const tpot = figure({
    name: 'tpotSeconds',
    value: c.tpotSeconds,
    unit: 's',
    formula:
      'serving curve TPOT at the concurrency: decode steps, and the steps that also carry other requests’ prefill chunks',
    inputs: [
      named('concurrency', c.concurrency),
      named('decodeStepSeconds', c.decodeStepSeconds, 's'),
      named('mixedStepSeconds', c.mixedStepSeconds, 's'),
    ],
  });
  const peak = given(
    'peakRequestsPerSecond',
    peakRequestsPerSecond,
    'requests/s',
    [],
    'requests per day / 86400 × peak-to-average',
  );
  const maxUtil = given(
    'maxUtilization',
    c.maxUtilization,
    'fraction',
    [],
    'headroom for bursts beyond the stated peak: a replica is planned at most at this share of its rate at the concurrency',
  );
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
    formula:
      'serving curve at the concurrency: wait for a free slot + for the step in flight + behind colliding prompts (M/D/1 on the prefill budget)',
    inputs: [named('concurrency', c.concurrency), mu],
    sources: [queueSource],
  });
  const ttft = figure({
    name: 'ttftSeconds',
    value: c.ttftSeconds,
    unit: 's',
    formula: 'waits at the concurrency + the p95 prompt’s prefill chunks × the prefill-carrying step',
    inputs: [
      wait,
      named('prefillP95Seconds', c.prefillP95Seconds, 's'),
      named('p95InputTokens', w.inputTokens.p95),
    ],
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
    concurrency: c.concurrency,
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
