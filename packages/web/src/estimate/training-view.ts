import type { Estimator, TrainingDtype, TrainingEstimate, TrainingOptions } from '@clearbox/core';
import { type FieldError, FormReader, fieldErrorFrom } from './form-errors.ts';

/** How the run is pinned down: by an assumed MFU, by disclosed GPU-hours, or by wall-clock days. */
export type TrainingMode = 'mfu' | 'gpu-hours' | 'days';

export interface TrainingForm {
  model: string;
  hardware: string;
  dtype: TrainingDtype;
  tokens: string;
  count: string;
  mode: TrainingMode;
  /** The value for the chosen mode: MFU fraction, GPU-hours or days. */
  amount: string;
  usdPerGpuHour: string;
}

/** DeepSeek-V3 as reported: 2.788M H800 GPU-hours on 2,048 GPUs at an assumed $2/GPU-hour (FP8 training). */
export const deepseekV3TrainingForm: TrainingForm = {
  model: 'deepseek-v3',
  hardware: 'h800',
  dtype: 'fp8',
  tokens: '',
  count: '2048',
  mode: 'gpu-hours',
  amount: '2788000',
  usdPerGpuHour: '2',
};

export const dtypeChoices: TrainingDtype[] = ['bf16', 'fp16', 'fp8'];

const flagToField: Record<string, string> = {
  '--tokens': 'tokens',
  '--count': 'count',
  '--mfu': 'amount',
  '--gpu-hours': 'amount',
  '--days': 'amount',
  '--usd-per-gpu-hour': 'usdPerGpuHour',
};

export type TrainingView =
  | { ok: true; options: TrainingOptions; estimate: TrainingEstimate }
  | { ok: false; errors: FieldError[] };

export function trainingOptionsFrom(form: TrainingForm): { options: TrainingOptions; errors: FieldError[] } {
  const read = new FormReader();
  const options: TrainingOptions = { model: form.model, hardware: form.hardware, dtype: form.dtype };
  const tokens = read.number('tokens', form.tokens);
  if (tokens !== undefined) options.tokens = tokens;
  const count = read.number('count', form.count, 'integer');
  if (count !== undefined) options.count = count;
  if (form.mode === 'mfu') {
    const mfu = read.number('amount', form.amount, 'fraction');
    if (mfu !== undefined) options.mfu = mfu;
  } else if (form.mode === 'gpu-hours') {
    const gpuHours = read.number('amount', form.amount);
    if (gpuHours !== undefined) options.gpuHours = gpuHours;
  } else {
    const days = read.number('amount', form.amount);
    if (days !== undefined) options.days = days;
  }
  const usd = read.number('usdPerGpuHour', form.usdPerGpuHour);
  if (usd !== undefined) options.usdPerGpuHour = usd;
  return { options, errors: read.errors };
}

export function computeTrainingView(estimator: Estimator, form: TrainingForm): TrainingView {
  const { options, errors } = trainingOptionsFrom(form);
  if (errors.length) return { ok: false, errors };
  try {
    return { ok: true, options, estimate: estimator.training(options) };
  } catch (error) {
    return { ok: false, errors: [fieldErrorFrom(error, flagToField)] };
  }
}
