import {
  type Engine,
  type Estimator,
  engineSchema,
  type InferenceEstimate,
  type InferenceOptions,
  inferenceOptionFlags,
  inferenceOptionsSchema,
  type KvFormat,
  kvFormatSchema,
  parseConcurrencyList,
  parseOffload,
  type WeightFormat,
  weightFormatSchema,
} from '@clearbox/core';
import type { FlagField, FlagValues } from './flags.ts';
import { type FieldError, FormReader, fieldErrorFrom, schemaErrors } from './form-errors.ts';

export const weightChoices: readonly WeightFormat[] = weightFormatSchema.options;
export const kvChoices: readonly KvFormat[] = kvFormatSchema.options;
export const engineChoices: readonly Engine[] = engineSchema.options;

const withDefault = (label: string, values: readonly string[]) => [
  { value: '', label },
  ...values.map((v) => ({ value: v, label: v })),
];

/**
 * The inference calculator's controls: every flag of `clearbox estimate infer`, in its order, each
 * saying what a blank field means (the CLI's default). Add a flag here and in `inferenceOptionsFrom`.
 */
export const inferenceFields: FlagField[] = [
  { flag: 'model', label: 'Model', required: true },
  { flag: 'hardware', label: 'Hardware', required: true },
  { flag: 'count', label: 'Devices per replica', help: 'blank: 1' },
  {
    flag: 'weights',
    label: 'Weight format',
    choices: withDefault('default (the checkpoint format, else bf16)', weightChoices),
  },
  {
    flag: 'kv',
    label: 'KV-cache format',
    choices: withDefault('default (bf16; fp16 for llamacpp)', kvChoices),
  },
  { flag: 'batch', label: 'Batch (concurrent sequences)', help: 'a number, or max; blank: 1' },
  { flag: 'input', label: 'Prompt tokens', help: 'blank: 1024' },
  { flag: 'output', label: 'Output tokens', help: 'blank: 256' },
  { flag: 'engine', label: 'Engine class', choices: withDefault('default (tuned)', engineChoices) },
  {
    flag: 'engine-release',
    label: 'Engine release',
    help: "the engine's version as run (its kernel paths set the step); blank: the newest the data knows for the class",
  },
  {
    flag: 'offload',
    label: 'Offload',
    help: 'none, cpu:LAYERS, stream:host, stream:nvme, stream:ssd or stream:hdd; blank: none',
    advanced: true,
  },
  { flag: 'host', label: 'Host CPU (offload)', help: 'blank: ddr5-desktop', advanced: true },
  { flag: 'tp', label: 'Tensor parallel', help: 'blank: devices ÷ expert parallel', advanced: true },
  { flag: 'ep', label: 'Expert parallel (MoE)', help: 'blank: 1', advanced: true },
  {
    flag: 'attention-dp',
    label: 'Attention data parallel (MoE)',
    help: 'blank: the expert-parallel degree; = devices for TensorRT-LLM attention DP',
    advanced: true,
  },
  {
    flag: 'concurrency',
    label: 'Concurrent users (serving curve)',
    help: 'comma-separated, e.g. 1,4,16,64; blank: 1,4,16,64,256',
  },
  {
    flag: 'eager',
    label: 'Without graph capture (eager)',
    help: 'the engine launches every kernel from the host each step (vLLM --enforce-eager); blank: graph-captured',
    choices: [
      { value: '', label: 'no (graph-captured, the default)' },
      { value: 'true', label: 'yes (--eager)' },
    ],
    boolean: true,
    advanced: true,
  },
  {
    flag: 'mtp',
    label: 'MTP draft acceptance (0–1)',
    help: 'multi-token prediction as speculative decoding (DeepSeek-V3: 0.85–0.9); blank: off',
    advanced: true,
  },
  {
    flag: 'usd-per-hour',
    label: 'USD per device-hour',
    help: 'blank: catalog rental midpoint',
    advanced: true,
  },
  {
    flag: 'utilization',
    label: 'Utilization (0–1)',
    help: 'share of paid hours at work; blank: 1',
    advanced: true,
  },
  {
    flag: 'eff-compute',
    label: 'Compute efficiency (0–1)',
    help: 'blank: calibrated for this device and engine',
    advanced: true,
  },
  {
    flag: 'eff-memory',
    label: 'Memory-bandwidth efficiency (0–1)',
    help: 'blank: calibrated for this device and engine',
    advanced: true,
  },
];

/** The page opens on this request; every other flag is blank, so the CLI's defaults apply. */
export const defaultInferenceValues: FlagValues = {
  model: 'llama-3.1-70b',
  hardware: 'h100-sxm',
  count: '2',
  weights: 'fp8',
  batch: '32',
};

const fieldNames = inferenceFields.map((f) => f.flag);

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

/**
 * The engine options for what was typed: the same mapping as the CLI's `inferenceOptions`, flag for flag
 * (e2e/cli-parity.test.ts holds the two to the same result), except that every typing mistake is
 * collected at its field rather than the first one thrown.
 */
export function inferenceOptionsFrom(values: FlagValues): {
  options: InferenceOptions;
  errors: FieldError[];
} {
  const read = new FormReader();
  const options: InferenceOptions = { model: values.model ?? '', hardware: values.hardware ?? '' };
  const count = read.number('count', values.count, 'integer');
  if (count !== undefined) options.count = count;
  const weights = read.choice('weights', values.weights, weightChoices);
  if (weights !== undefined) options.weights = weights;
  const kv = read.choice('kv', values.kv, kvChoices);
  if (kv !== undefined) options.kv = kv;
  if (values.batch?.trim() === 'max') options.batch = 'max';
  else {
    const batch = read.number('batch', values.batch, 'integer');
    if (batch !== undefined) options.batch = batch;
  }
  const input = read.number('input', values.input, 'integer');
  if (input !== undefined) options.inputTokens = input;
  const output = read.number('output', values.output, 'integer');
  if (output !== undefined) options.outputTokens = output;
  const engine = read.choice('engine', values.engine, engineChoices);
  if (engine !== undefined) options.engine = engine;
  const release = values['engine-release']?.trim();
  if (release) options.engineRelease = release;
  const offload = read.parsed('offload', values.offload, parseOffload);
  if (offload !== undefined) options.offload = offload;
  const host = values.host?.trim();
  if (host) options.host = host;
  const tp = read.number('tp', values.tp, 'integer');
  if (tp !== undefined) options.tensorParallel = tp;
  const ep = read.number('ep', values.ep, 'integer');
  if (ep !== undefined) options.expertParallel = ep;
  const adp = read.number('attention-dp', values['attention-dp'], 'integer');
  if (adp !== undefined) options.attentionDataParallel = adp;
  const concurrency = read.parsed('concurrency', values.concurrency, parseConcurrencyList);
  if (concurrency !== undefined) options.concurrency = concurrency;
  if (values.eager?.trim() === 'true') options.eager = true;
  const mtp = read.number('mtp', values.mtp, 'nonnegative');
  if (mtp !== undefined) options.mtpAcceptance = mtp;
  const usd = read.number('usd-per-hour', values['usd-per-hour'], 'nonnegative');
  if (usd !== undefined) options.usdPerHour = usd;
  const utilization = read.number('utilization', values.utilization, 'fraction');
  if (utilization !== undefined) options.utilization = utilization;
  const effCompute = read.number('eff-compute', values['eff-compute'], 'fraction');
  if (effCompute !== undefined) options.efficiencyCompute = effCompute;
  const effMemory = read.number('eff-memory', values['eff-memory'], 'fraction');
  if (effMemory !== undefined) options.efficiencyMemory = effMemory;
  // Ranges are core's shared options schema: the page refuses what the CLI and the API refuse.
  if (read.errors.length) return { options, errors: read.errors };
  return { options, errors: schemaErrors(inferenceOptionsSchema, options, inferenceOptionFlags, fieldNames) };
}

const SWEEP_BATCHES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048];

/** Everything the inference calculator shows, from one form state: the estimate, the batch sweep, the hardware table. */
export function computeInferenceView(estimator: Estimator, values: FlagValues): InferenceView {
  const { options, errors } = inferenceOptionsFrom(values);
  if (errors.length) return { ok: false, errors };
  let estimate: InferenceEstimate;
  try {
    estimate = estimator.inference(options);
  } catch (error) {
    return { ok: false, errors: [fieldErrorFrom(error, fieldNames)] };
  }
  const sweep: BatchPoint[] = [];
  for (const batch of SWEEP_BATCHES) {
    // One batch per row: the serving curve is drawn from the main estimate only.
    const e = estimator.inference({ ...options, batch, concurrency: [] });
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
      e = estimator.inference({ ...rest, hardware: device.id, concurrency: [] });
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

/** A saved inference scenario as stored on the server: the fields as typed, by flag name, so it reloads exactly. */
export interface InferenceScenario {
  calculator: 'inference';
  form: FlagValues;
}

export function isInferenceScenario(content: unknown): content is InferenceScenario {
  const c = content as Partial<InferenceScenario> | null;
  return typeof c === 'object' && c !== null && c.calculator === 'inference' && typeof c.form === 'object';
}

/** Scenarios saved before the fields were named by their flags used these keys. */
const legacyKeys: Record<string, string> = { usdPerHour: 'usd-per-hour' };

/** The values of a saved scenario: known flags only, strings only; the page's defaults when it names no model. */
export function valuesFromScenario(scenario: InferenceScenario): FlagValues {
  const values: FlagValues = {};
  for (const [key, value] of Object.entries(scenario.form as Record<string, unknown>)) {
    const flag = legacyKeys[key] ?? key;
    if (typeof value === 'string' && fieldNames.includes(flag)) values[flag] = value;
  }
  return values.model && values.hardware ? values : { ...defaultInferenceValues, ...values };
}
