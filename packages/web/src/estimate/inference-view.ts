import {
  type Engine,
  type Estimator,
  engineSchema,
  type InferenceEstimate,
  type InferenceOptions,
  type KvFormat,
  kvFormatSchema,
  type WeightFormat,
  weightFormatSchema,
} from '@clearbox/core';
import { type FieldError, FormReader, fieldErrorFrom } from './form-errors.ts';

/** The inference calculator's fields as typed: text for numbers, ids for choices. */
export interface InferenceForm {
  model: string;
  hardware: string;
  count: string;
  weights: WeightFormat;
  kv: KvFormat;
  engine: Engine;
  batch: string;
  input: string;
  output: string;
  usdPerHour: string;
}

export const defaultInferenceForm: InferenceForm = {
  model: 'llama-3.1-70b',
  hardware: 'h100-sxm',
  count: '2',
  weights: 'fp8',
  kv: 'fp8',
  engine: 'tuned',
  batch: '32',
  input: '1024',
  output: '256',
  usdPerHour: '',
};

export const weightChoices: readonly WeightFormat[] = weightFormatSchema.options;
export const kvChoices: readonly KvFormat[] = kvFormatSchema.options;
export const engineChoices: readonly Engine[] = engineSchema.options;

const flagToField: Record<string, string> = {
  '--count': 'count',
  '--tp': 'count',
  '--ep': 'count',
  '--batch': 'batch',
  '--input': 'input',
  '--output': 'output',
  '--usd-per-hour': 'usdPerHour',
};

/** One point of the throughput/latency-vs-batch chart. */
export interface BatchPoint {
  batch: number;
  outputTokensPerSecond: number;
  perUserTokensPerSecond: number;
  tpotMs: number;
  usdPerMillionOutput: number;
}

/** One row of the hardware comparison: the same request on another device. */
export interface HardwareRow {
  hardware: string;
  name: string;
  fits: boolean;
  outputTokensPerSecond: number;
  tpotMs: number;
  ttftMs: number;
  usdPerMillionOutput: number;
  hasPrice: boolean;
}

export type InferenceView =
  | {
      ok: true;
      options: InferenceOptions;
      estimate: InferenceEstimate;
      sweep: BatchPoint[];
      hardware: HardwareRow[];
    }
  | { ok: false; errors: FieldError[] };

export function inferenceOptionsFrom(form: InferenceForm): {
  options: InferenceOptions;
  errors: FieldError[];
} {
  const read = new FormReader();
  const options: InferenceOptions = {
    model: form.model,
    hardware: form.hardware,
    weights: form.weights,
    kv: form.kv,
    engine: form.engine,
  };
  const count = read.number('count', form.count, 'integer');
  if (count !== undefined) options.count = count;
  if (form.batch.trim() === 'max') options.batch = 'max';
  else {
    const batch = read.number('batch', form.batch, 'integer');
    if (batch !== undefined) options.batch = batch;
  }
  const input = read.number('input', form.input, 'integer');
  if (input !== undefined) options.inputTokens = input;
  const output = read.number('output', form.output, 'integer');
  if (output !== undefined) options.outputTokens = output;
  const usd = read.number('usdPerHour', form.usdPerHour);
  if (usd !== undefined) options.usdPerHour = usd;
  return { options, errors: read.errors };
}

const SWEEP_BATCHES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048];

/** Everything the inference calculator shows, from one form state: the estimate, the batch sweep, the hardware table. */
export function computeInferenceView(estimator: Estimator, form: InferenceForm): InferenceView {
  const { options, errors } = inferenceOptionsFrom(form);
  if (errors.length) return { ok: false, errors };
  let estimate: InferenceEstimate;
  try {
    estimate = estimator.inference(options);
  } catch (error) {
    return { ok: false, errors: [fieldErrorFrom(error, flagToField)] };
  }
  const sweep: BatchPoint[] = [];
  for (const batch of SWEEP_BATCHES) {
    const e = estimator.inference({ ...options, batch });
    if (!e.fits) break;
    sweep.push({
      batch,
      outputTokensPerSecond: e.throughput.outputTokensPerSecond.value,
      perUserTokensPerSecond: e.throughput.perUserTokensPerSecond.value,
      tpotMs: e.tpotSeconds.value * 1000,
      usdPerMillionOutput: e.usdPerMillionOutputTokens.value,
    });
  }
  const hardware: HardwareRow[] = [];
  for (const device of estimator.catalog.devices) {
    let e: InferenceEstimate;
    try {
      // The user's own price is for their device; other devices use their catalog rental price.
      const { usdPerHour: _ignored, ...rest } = options;
      e = estimator.inference({ ...rest, hardware: device.id });
    } catch {
      continue; // e.g. a count this device cannot split the model over: not a candidate
    }
    hardware.push({
      hardware: device.id,
      name: device.name,
      fits: e.fits,
      outputTokensPerSecond: e.throughput.outputTokensPerSecond.value,
      tpotMs: e.tpotSeconds.value * 1000,
      ttftMs: e.ttftSeconds.value * 1000,
      usdPerMillionOutput: e.usdPerMillionOutputTokens.value,
      hasPrice: device.prices?.rentalUsdPerHour !== undefined,
    });
  }
  hardware.sort(
    (a, b) =>
      Number(b.fits) - Number(a.fits) ||
      Number(b.hasPrice) - Number(a.hasPrice) ||
      a.usdPerMillionOutput - b.usdPerMillionOutput ||
      b.outputTokensPerSecond - a.outputTokensPerSecond,
  );
  return { ok: true, options, estimate, sweep, hardware };
}

/** A saved inference scenario as stored on the server: the form as typed, so it reloads exactly. */
export interface InferenceScenario {
  calculator: 'inference';
  form: InferenceForm;
}

export function isInferenceScenario(content: unknown): content is InferenceScenario {
  const c = content as Partial<InferenceScenario> | null;
  return typeof c === 'object' && c !== null && c.calculator === 'inference' && typeof c.form === 'object';
}

/** The form of a saved scenario: known fields only, strings only, defaults for the rest. */
export function formFromScenario(scenario: InferenceScenario): InferenceForm {
  const form: Record<string, string> = { ...defaultInferenceForm };
  for (const key of Object.keys(defaultInferenceForm)) {
    const value = (scenario.form as unknown as Record<string, unknown>)[key];
    if (typeof value === 'string') form[key] = value;
  }
  return form as unknown as InferenceForm;
}
