import { InputError } from '../errors/clearbox-error.ts';
import { type Figure, figure, given, named } from '../figure/figure.ts';
import type { Source } from '../figure/source.ts';
import {
  type ServingCap,
  type ServingLimits,
  type ServingPointNumbers,
  type ServingWorkload,
  type SpeculativeDecoding,
  type StepTimes,
  servingCurve,
  tokensPerStep,
} from './serving-curve.ts';

/** Concurrencies of the curve when none are given: the range serving benchmarks sweep, every 4×. */
export const DEFAULT_CONCURRENCY: readonly number[] = [1, 4, 16, 64, 256];
const MAX_POINTS = 32;
const MAX_CONCURRENCY = 1_000_000;

const mtpSource: Source = {
  title: 'DeepSeek-V3 Technical Report (arXiv 2412.19437), §5.4.3 multi-token prediction evaluation',
  url: 'https://arxiv.org/abs/2412.19437',
  date: '2024-12-27',
  note: 'acceptance of the second-token prediction 85-90% across generation topics; 1.8x tokens per second',
};
const schedulerSource: Source = {
  title: 'Continuous batching with chunked prefill (Sarathi-Serve, arXiv 2403.02310; vLLM scheduler docs)',
  url: 'https://arxiv.org/abs/2403.02310',
  date: '2024-03-04',
  note: 'each step decodes every running sequence and fills the rest of a token budget with prefill chunks',
};

/** One point of the curve as plain numbers: the `curve[]` of `--json` and of the API. */
export interface ServingCurvePoint {
  concurrency: number;
  perUserTokensPerSecond: number;
  outputTokensPerSecondPerDevice: number;
  ttftSeconds: number;
  tpotSeconds: number;
  runningSequences: number;
  cap: ServingCap;
  decodeBound: ServingPointNumbers['decodeBound'];
}

/** One point of the curve with the derivation of each figure. */
export interface ServingPoint {
  concurrency: number;
  runningSequences: Figure;
  tpotSeconds: Figure;
  ttftSeconds: Figure;
  perUserTokensPerSecond: Figure;
  outputTokensPerSecondPerDevice: Figure;
}

export interface ServingEstimate {
  limits: { maxSequences: Figure; maxBatchedTokens: Figure; memorySequences: Figure };
  /** Present when speculative decoding (MTP) is on. */
  speculative?: { acceptance: Figure; tokensPerStep: Figure };
  points: ServingPoint[];
}

export interface ServingInputs {
  steps: StepTimes;
  limits: ServingLimits;
  /** Where each limit comes from (the engine class data). */
  limitSources: Source[];
  /** Where the token budget comes from when the engine release sets it instead of the class. */
  budgetSource?: { sources: Source[]; note: string };
  inputTokens: number;
  outputTokens: number;
  devices: number;
  layers: number;
  concurrency?: readonly number[];
  mtpAcceptance?: number;
}

/** Checks `--concurrency` values: whole numbers from 1, at most 32 of them (none: no curve). */
export function checkConcurrency(values: readonly number[]): number[] {
  if (values.length > MAX_POINTS)
    throw new InputError(
      `expected at most ${MAX_POINTS} concurrencies, got ${values.length}`,
      '--concurrency',
    );
  for (const c of values) {
    if (!Number.isInteger(c) || c < 1 || c > MAX_CONCURRENCY)
      throw new InputError(`expected whole numbers from 1 to ${MAX_CONCURRENCY}, got ${c}`, '--concurrency');
  }
  return [...values];
}

/** Reads `--concurrency 1,4,16,64`: comma-separated whole numbers (the CLI and the web form share it). */
export function parseConcurrencyList(text: string): number[] {
  const values = text.split(',').map((part) => {
    const t = part.trim();
    if (!/^\d+$/.test(t))
      throw new InputError(
        `expected comma-separated whole numbers (e.g. 1,4,16,64), got "${text}"`,
        '--concurrency',
      );
    return Number(t);
  });
  return checkConcurrency(values);
}

/** Checks `--mtp`: an acceptance probability in [0, 1]; 0 means off, as an engine would run it. */
export function checkMtpAcceptance(value: number): number {
  if (!(Number.isFinite(value) && value >= 0 && value <= 1))
    throw new InputError(`expected an acceptance rate from 0 to 1 (e.g. 0.85), got ${value}`, '--mtp');
  return value;
}

function pointFigures(
  p: ServingPointNumbers,
  w: ServingWorkload,
  limits: ServingEstimate['limits'],
): ServingPoint {
  const runningSequences = figure({
    name: 'runningSequences',
    value: p.runningSequences,
    unit: 'sequences',
    formula:
      'min(c, engine max sequences, engine token budget / tokens per sequence, memory fit), shrunk until the prompts finished per step fit the prefill budget',
    inputs: [
      named('concurrency', p.concurrency),
      named('maxSequences', limits.maxSequences.value, 'sequences'),
      named('maxBatchedTokens', limits.maxBatchedTokens.value, 'tokens'),
      named('memorySequences', limits.memorySequences.value, 'sequences'),
      named('cap', p.cap),
    ],
    sources: [schedulerSource],
  });
  const stepInputs = [
    named('runningSequences', p.runningSequences, 'sequences'),
    named('decodeStepSeconds', p.decodeStepSeconds, 's'),
    named('decodeBound', p.decodeBound),
    named('mixedStepSeconds', p.mixedStepSeconds, 's'),
    named('prefillTokensPerMixedStep', p.prefillTokensPerStep, 'tokens'),
    named('decodersInMixedStep', p.decodersInPrefillStep, 'sequences'),
  ];
  const tpotSeconds = figure({
    name: 'tpotSeconds',
    value: p.tpotSeconds,
    unit: 's',
    formula:
      '((1 − x) · decode step(S) + x · mixed step(decoders, prefill chunk)) / tokens per step, x = share of a sequence’s steps that carry another prompt’s prefill; mixed step = max(decode compute + prefill compute, max of their memory) + collectives of all its tokens + fixed step cost',
    inputs: [
      ...stepInputs,
      named('interferenceShare', p.interferenceShare),
      named('tokensPerStep', p.tokensPerStep),
    ],
    sources: w.speculative ? [mtpSource] : [],
  });
  const ttftSeconds = figure({
    name: 'ttftSeconds',
    value: p.ttftSeconds,
    unit: 's',
    formula:
      'slot wait (c − S) / requests per second + residual of the step in flight + prefill queue (M/D/1 on the chunk budget, at most S − 1 prompts ahead) + prefill steps · mixed step',
    inputs: [
      named('slotWaitSeconds', p.slotWaitSeconds, 's'),
      named('stepAlignSeconds', p.stepAlignSeconds, 's'),
      named('prefillQueueSeconds', p.prefillQueueSeconds, 's'),
      named('prefillUtilisation', p.prefillUtilisation),
      named('prefillSeconds', p.prefillSeconds, 's'),
      named('prefillStepsPerPrompt', p.prefillStepsPerPrompt),
      named('prefillChunkTokens', p.prefillChunkTokens, 'tokens'),
      named('requestsPerSecond', p.requestsPerSecond, '1/s'),
    ],
  });
  const perUserTokensPerSecond = figure({
    name: 'perUserTokensPerSecond',
    value: p.perUserTokensPerSecond,
    unit: 'tokens/s',
    formula: '1 / TPOT (TPOT derived beside it)',
    inputs: [named('tpotSeconds', p.tpotSeconds, 's')],
  });
  const outputTokensPerSecondPerDevice = figure({
    name: 'outputTokensPerSecondPerDevice',
    value: p.outputTokensPerSecondPerDevice,
    unit: 'tokens/s',
    formula:
      'tokens per step · mean decoding sequences per step / mean step time / devices; mean step = (1 − f) · decode step + f · mixed step, f = share of steps carrying prefill',
    inputs: [
      ...stepInputs,
      named('prefillStepShare', p.prefillStepShare),
      named('meanStepSeconds', p.meanStepSeconds, 's'),
      named('tokensPerStep', p.tokensPerStep),
      named('devices', w.devices),
    ],
  });
  return {
    concurrency: p.concurrency,
    runningSequences,
    tpotSeconds,
    ttftSeconds,
    perUserTokensPerSecond,
    outputTokensPerSecondPerDevice,
  };
}

export function curvePoint(p: ServingPointNumbers): ServingCurvePoint {
  return {
    concurrency: p.concurrency,
    perUserTokensPerSecond: p.perUserTokensPerSecond,
    outputTokensPerSecondPerDevice: p.outputTokensPerSecondPerDevice,
    ttftSeconds: p.ttftSeconds,
    tpotSeconds: p.tpotSeconds,
    runningSequences: p.runningSequences,
    cap: p.cap,
    decodeBound: p.decodeBound,
  };
}

/** The serving curve of one replica: plain numbers for `curve[]` and Figures for the derivations. */
export function estimateServing(s: ServingInputs): {
  curve: ServingCurvePoint[];
  serving: ServingEstimate;
  /** Every number of each point (the step mix the explanations price operator by operator). */
  numbers: ServingPointNumbers[];
} {
  const concurrency = checkConcurrency(s.concurrency ?? DEFAULT_CONCURRENCY);
  const acceptance = s.mtpAcceptance === undefined ? 0 : checkMtpAcceptance(s.mtpAcceptance);
  const speculative: SpeculativeDecoding | undefined =
    acceptance > 0 ? { acceptance, draftTokens: 1, draftCostFraction: 1 / s.layers } : undefined;
  const workload: ServingWorkload = {
    inputTokens: s.inputTokens,
    outputTokens: s.outputTokens,
    devices: s.devices,
    ...(speculative ? { speculative } : {}),
  };
  const numbers = servingCurve(s.steps, s.limits, workload, concurrency);
  const limits = {
    maxSequences: given(
      'maxSequences',
      s.limits.maxSequences,
      'sequences',
      s.limitSources,
      'engine scheduler limit',
    ),
    maxBatchedTokens: given(
      'maxBatchedTokens',
      s.limits.maxBatchedTokens,
      'tokens',
      s.budgetSource?.sources ?? s.limitSources,
      s.budgetSource?.note ?? 'engine token budget per step',
    ),
    memorySequences: figure({
      name: 'memorySequences',
      value: s.limits.memorySequences,
      unit: 'sequences',
      formula:
        'largest batch whose weights + KV (at input + output tokens) + activations + overhead fit per device',
      inputs: [named('inputTokens', s.inputTokens), named('outputTokens', s.outputTokens)],
    }),
  };
  const serving: ServingEstimate = {
    limits,
    points: numbers.map((p) => pointFigures(p, workload, limits)),
  };
  if (speculative) {
    const a = given('mtpAcceptance', acceptance, 'fraction', [mtpSource], 'given (--mtp)');
    serving.speculative = {
      acceptance: a,
      tokensPerStep: figure({
        name: 'tokensPerStep',
        value: tokensPerStep(speculative),
        unit: 'tokens',
        formula:
          '1 + a per step with one draft token (DeepSeek-V3 ships one MTP module); each step verifies 1 + 1 tokens per sequence and runs the one-layer MTP module (1/L of a step)',
        inputs: [a, named('draftTokens', 1), named('draftCostFraction', 1 / s.layers)],
        sources: [mtpSource],
      }),
    };
  }
  return { curve: numbers.map(curvePoint), serving, numbers };
}
