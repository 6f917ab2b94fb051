import {
  type Estimator,
  type TrainingDtype,
  type TrainingEstimate,
  type TrainingOptions,
  trainingOptionFlags,
  trainingOptionsSchema,
} from '@clearbox/core';
import type { FlagField, FlagValues } from './flags.ts';
import { type FieldError, FormReader, fieldErrorFrom, schemaErrors } from './form-errors.ts';

export const dtypeChoices: readonly TrainingDtype[] = ['bf16', 'fp16', 'fp8'];
const zeroChoices = ['0', '1', '2', '3'] as const;

/**
 * The training calculator's controls: every flag of `clearbox estimate train`. GPU-hours, MFU and days
 * are alternatives, as on the CLI: give one (days with a GPU count) and the others are derived.
 */
export const trainingFields: FlagField[] = [
  { flag: 'model', label: 'Model', required: true },
  { flag: 'hardware', label: 'Hardware', required: true },
  { flag: 'tokens', label: 'Training tokens', help: "blank: the model's disclosed tokens" },
  { flag: 'count', label: 'GPUs', help: 'blank: the fewest whole 8-GPU servers that fit' },
  {
    flag: 'dtype',
    label: 'Precision of the peak',
    choices: [{ value: '', label: 'default (bf16)' }, ...dtypeChoices.map((d) => ({ value: d, label: d }))],
  },
  { flag: 'gpu-hours', label: 'Claimed GPU-hours', help: 'gives the implied MFU' },
  { flag: 'mfu', label: 'MFU (0–1)', help: 'blank: calibrated from training disclosures' },
  { flag: 'days', label: 'Wall-clock days', help: 'on the GPUs above: gives GPU-hours and MFU' },
  { flag: 'usd-per-gpu-hour', label: 'USD per GPU-hour', help: 'blank: catalog rental midpoint' },
  { flag: 'seq', label: 'Sequence length', help: "blank: the model's, else 4096", advanced: true },
  { flag: 'tp', label: 'Tensor parallel', help: 'blank: 1', advanced: true },
  { flag: 'pp', label: 'Pipeline parallel', help: 'blank: 1', advanced: true },
  { flag: 'ep', label: 'Expert parallel', help: 'blank: 1', advanced: true },
  {
    flag: 'zero',
    label: 'ZeRO stage',
    choices: [
      { value: '', label: 'default (lowest that fits)' },
      ...zeroChoices.map((z) => ({ value: z, label: z })),
    ],
    advanced: true,
  },
  { flag: 'micro-batch', label: 'Micro-batch (sequences)', help: 'blank: 1', advanced: true },
  { flag: 'pue', label: 'PUE', help: 'power usage effectiveness; blank: 1.1', advanced: true },
  { flag: 'grid', label: 'Grid kgCO2e per kWh', help: 'blank: 0.46', advanced: true },
];

/** DeepSeek-V3 as reported, the README's first example: 2.788M H800 GPU-hours on 2,048 GPUs at $2/GPU-hour. */
export const defaultTrainingValues: FlagValues = {
  model: 'deepseek-v3',
  hardware: 'h800',
  'gpu-hours': '2788000',
  count: '2048',
  'usd-per-gpu-hour': '2',
};

const fieldNames = trainingFields.map((f) => f.flag);

export type TrainingView =
  | { ok: true; options: TrainingOptions; estimate: TrainingEstimate }
  | { ok: false; errors: FieldError[] };

/** The same mapping as the CLI's `trainingOptions`, flag for flag, collecting every mistake at its field. */
export function trainingOptionsFrom(values: FlagValues): { options: TrainingOptions; errors: FieldError[] } {
  const read = new FormReader();
  const options: TrainingOptions = { model: values.model ?? '', hardware: values.hardware ?? '' };
  const tokens = read.number('tokens', values.tokens);
  if (tokens !== undefined) options.tokens = tokens;
  const count = read.number('count', values.count, 'integer');
  if (count !== undefined) options.count = count;
  const dtype = read.choice('dtype', values.dtype, dtypeChoices);
  if (dtype !== undefined) options.dtype = dtype;
  const mfu = read.number('mfu', values.mfu, 'fraction');
  if (mfu !== undefined) options.mfu = mfu;
  const gpuHours = read.number('gpu-hours', values['gpu-hours']);
  if (gpuHours !== undefined) options.gpuHours = gpuHours;
  const days = read.number('days', values.days);
  if (days !== undefined) options.days = days;
  const usd = read.number('usd-per-gpu-hour', values['usd-per-gpu-hour'], 'nonnegative');
  if (usd !== undefined) options.usdPerGpuHour = usd;
  const seq = read.number('seq', values.seq, 'integer');
  if (seq !== undefined) options.sequenceLength = seq;
  const tp = read.number('tp', values.tp, 'integer');
  if (tp !== undefined) options.tensorParallel = tp;
  const pp = read.number('pp', values.pp, 'integer');
  if (pp !== undefined) options.pipelineParallel = pp;
  const ep = read.number('ep', values.ep, 'integer');
  if (ep !== undefined) options.expertParallel = ep;
  const zero = read.choice('zero', values.zero, zeroChoices);
  if (zero !== undefined) options.zeroStage = Number(zero) as 0 | 1 | 2 | 3;
  const microBatch = read.number('micro-batch', values['micro-batch'], 'integer');
  if (microBatch !== undefined) options.microBatch = microBatch;
  const pue = read.number('pue', values.pue);
  if (pue !== undefined) options.pue = pue;
  const grid = read.number('grid', values.grid, 'nonnegative');
  if (grid !== undefined) options.gridKgCo2PerKwh = grid;
  // Ranges are core's shared options schema: the page refuses what the CLI and the API refuse.
  if (read.errors.length) return { options, errors: read.errors };
  return { options, errors: schemaErrors(trainingOptionsSchema, options, trainingOptionFlags, fieldNames) };
}

export function computeTrainingView(estimator: Estimator, values: FlagValues): TrainingView {
  const { options, errors } = trainingOptionsFrom(values);
  if (errors.length) return { ok: false, errors };
  try {
    return { ok: true, options, estimate: estimator.training(options) };
  } catch (error) {
    return { ok: false, errors: [fieldErrorFrom(error, fieldNames)] };
  }
}
