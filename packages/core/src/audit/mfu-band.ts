import type { TrainingMfuTable } from '../estimate/training-mfu.ts';
import { type Figure, figure, given } from '../figure/figure.ts';
import type { Source } from '../figure/source.ts';

/**
 * What "plausible" means for a training run's MFU, taken from the calibration data: the best and worst
 * MFU that published large-scale runs imply or report (estimator.trainingMfu.observations).
 * - above the best published MFU × 1.5 is far outside measured practice; above 1 is impossible;
 * - below the worst published MFU ÷ 3 is absurdly low (three times worse than any disclosed run, which
 *   suggests the GPU-hours count much more than the run, or the tokens are wrong).
 * The factors are margins for runs better or worse than the few that are published; see docs/audit.md.
 */
export const MFU_CEILING_FACTOR = 1.5;
export const MFU_FLOOR_DIVISOR = 3;

export interface MfuBand {
  ceiling: Figure;
  floor: Figure;
  best: Figure;
  worst: Figure;
}

export function mfuBand(table: TrainingMfuTable): MfuBand {
  const observations = table.observations;
  if (observations.length === 0) {
    // Without calibration data, fall back on published extremes (Megatron-LM ~0.5 best; 0.1 floor).
    const megatron: Source = {
      title:
        'Narayanan et al., Efficient Large-Scale Language Model Training on GPU Clusters Using Megatron-LM',
      url: 'https://arxiv.org/abs/2104.04473',
      date: '2021-04',
    };
    const best = given(
      'bestPublishedMfu',
      0.52,
      'fraction',
      [megatron],
      'prior: no training observations in the catalog',
    );
    const worst = given(
      'worstPublishedMfu',
      0.13,
      'fraction',
      [],
      'prior: no training observations in the catalog',
    );
    return bandFrom(best, worst);
  }
  const top = observations.reduce((a, b) => (b.mfu > a.mfu ? b : a));
  const bottom = observations.reduce((a, b) => (b.mfu < a.mfu ? b : a));
  const best = given(
    'bestPublishedMfu',
    top.mfu,
    'fraction',
    [top.point.source as Source],
    `${top.point.id} (${top.how}), the highest of ${observations.length} training disclosures in the calibration data`,
  );
  const worst = given(
    'worstPublishedMfu',
    bottom.mfu,
    'fraction',
    [bottom.point.source as Source],
    `${bottom.point.id} (${bottom.how}), the lowest of ${observations.length} training disclosures in the calibration data`,
  );
  return bandFrom(best, worst);
}

function bandFrom(best: Figure, worst: Figure): MfuBand {
  return {
    best,
    worst,
    ceiling: figure({
      name: 'plausibleMfuCeiling',
      value: Math.min(1, best.value * MFU_CEILING_FACTOR),
      unit: 'fraction',
      formula: `min(1, best published MFU × ${MFU_CEILING_FACTOR})`,
      inputs: [best],
    }),
    floor: figure({
      name: 'plausibleMfuFloor',
      value: worst.value / MFU_FLOOR_DIVISOR,
      unit: 'fraction',
      formula: `worst published MFU ÷ ${MFU_FLOOR_DIVISOR}`,
      inputs: [worst],
    }),
  };
}

export type MfuReading = 'impossible' | 'too-high' | 'too-low' | 'plausible';

/**
 * Reads an implied MFU against the band. `mfuMin` is the MFU against the device's highest training
 * peak (e.g. FP8: the most generous reading of a high claim), `mfuMax` against its lowest (BF16: the
 * most generous reading of a low one), so a claim is implausible only when no precision explains it.
 */
export function readMfu(band: MfuBand, mfuMin: number, mfuMax: number): MfuReading {
  if (mfuMin > 1) return 'impossible';
  if (mfuMin > band.ceiling.value) return 'too-high';
  if (mfuMax < band.floor.value) return 'too-low';
  return 'plausible';
}
