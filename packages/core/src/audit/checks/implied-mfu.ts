import type { TrainingEstimate } from '../../estimate/training.ts';
import type { Figure } from '../../figure/figure.ts';
import type { AuditContext } from '../context.ts';
import { type MfuBand, type MfuReading, mfuBand, readMfu } from '../mfu-band.ts';
import { pct } from './common.ts';

export interface MfuAssessment {
  reading: MfuReading;
  band: MfuBand;
  /** MFU against each training peak the device lists (bf16, fp8, ...). */
  byDtype: Figure[];
  /** The MFU range over precisions, lowest first, in words. */
  range: string;
  sentence: string;
}

/** Reads the implied MFU of a training estimate against the band the calibration data sets. */
export function assessImpliedMfu(ctx: AuditContext, estimate: TrainingEstimate): MfuAssessment {
  const band = mfuBand(ctx.estimator.trainingMfu);
  const byDtype = Object.values(estimate.mfuByDtype);
  const values = byDtype.length ? byDtype.map((f) => f.value) : [estimate.mfu.value];
  const min = Math.min(...values);
  const max = Math.max(...values);
  const reading = readMfu(band, min, max);
  const range = byDtype
    .map((f) => `${pct(f.value)} of the ${f.name.replace(/^mfu\((.*)\)$/, '$1')} peak`)
    .join(', ');
  const bounds = `published runs reach ${pct(band.worst.value)}–${pct(band.best.value)}; Clearbox calls below ${pct(band.floor.value)} or above ${pct(band.ceiling.value)} implausible`;
  const sentence =
    reading === 'impossible'
      ? `The implied MFU (${range}) exceeds 100%: the hardware cannot do that much arithmetic in those hours.`
      : reading === 'too-high'
        ? `The implied MFU (${range}) is far above anything published for large-scale training (${bounds}).`
        : reading === 'too-low'
          ? `The implied MFU (${range}) is absurdly low (${bounds}): the GPU-hours are far more than the computation needs.`
          : `The implied MFU (${range}) is within measured practice (${bounds}).`;
  return { reading, band, byDtype, range, sentence };
}
