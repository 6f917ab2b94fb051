import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shippedCalibration, shippedCatalog } from '../../test/load-catalog.ts';
import {
  estimateTraining,
  gpuHoursFor,
  impliedMfu,
  trainingFlops,
  trainingStateBytesPerGpu,
} from './training.ts';
import { fitTrainingMfu } from './training-mfu.ts';

describe('training formulas', () => {
  it('6 · N · D', () => {
    expect(trainingFlops(37e9, 14.8e12)).toBe(6 * 37e9 * 14.8e12);
  });

  it('GPU-hours = FLOPs / (peak · MFU) / 3600 (hand value)', () => {
    // 3.2856e24 FLOP at 989.5e12 FLOP/s and 40% MFU: 3.2856e24 / 3.958e14 / 3600 = 2,305,879 h.
    expect(gpuHoursFor(3.2856e24, 989.5e12, 0.4)).toBeCloseTo(2_305_879, -1);
  });

  it('implied MFU inverts the forward estimate exactly', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e20, max: 1e27, noNaN: true }),
        fc.double({ min: 1e13, max: 1e16, noNaN: true }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (flops, peak, mfu) => {
          const hours = gpuHoursFor(flops, peak, mfu);
          return Math.abs(impliedMfu(flops, hours, peak) - mfu) <= 1e-12 * mfu;
        },
      ),
    );
  });

  it('mixed-precision Adam holds 16 B/param, sharded by ZeRO stage', () => {
    expect(trainingStateBytesPerGpu(1e9, 8, 0)).toBe(16e9);
    expect(trainingStateBytesPerGpu(1e9, 8, 1)).toBe(1e9 * (2 + 2 + 12 / 8));
    expect(trainingStateBytesPerGpu(1e9, 8, 2)).toBe(1e9 * (2 + 2 / 8 + 12 / 8));
    expect(trainingStateBytesPerGpu(1e9, 8, 3)).toBe(2e9);
  });
});

describe('DeepSeek-V3 on H800, 2.788M GPU-hours', () => {
  const catalog = shippedCatalog();
  const result = estimateTraining(catalog, fitTrainingMfu(catalog, shippedCalibration().training), {
    model: 'deepseek-v3',
    hardware: 'h800',
    gpuHours: 2_788_000,
  });

  it('about 3.3e24 FLOPs (6 · 37B · 14.8T)', () => {
    expect(result.flops.value).toBeGreaterThan(3.2e24);
    expect(result.flops.value).toBeLessThan(3.4e24);
    expect(result.flopsWithAttention.value).toBeGreaterThan(result.flops.value);
  });

  it('implied MFU against both the BF16 and the FP8 dense peak, naming the peak', () => {
    const bf16 = result.mfuByDtype.bf16?.value ?? 0;
    const fp8 = result.mfuByDtype.fp8?.value ?? 0;
    expect(bf16).toBeCloseTo(result.flops.value / (2_788_000 * 3600 * 989.5e12), 3);
    expect(fp8).toBeCloseTo(bf16 / 2, 2);
    expect(result.peakFlops.name).toBe('peakFlops(bf16, dense)');
    expect(result.mfu.value).toBeCloseTo(bf16, 12);
  });

  it('cost at $2/GPU-hour is $5.576M', () => {
    const priced = estimateTraining(catalog, fitTrainingMfu(catalog, shippedCalibration().training), {
      model: 'deepseek-v3',
      hardware: 'h800',
      gpuHours: 2_788_000,
      usdPerGpuHour: 2,
    });
    expect(priced.costUsd.value).toBe(5_576_000);
  });

  it('days on a fixed count give GPU-hours = days · 24 · count', () => {
    const r = estimateTraining(catalog, fitTrainingMfu(catalog, shippedCalibration().training), {
      model: 'deepseek-v3',
      hardware: 'h800',
      days: 56.7,
      count: 2048,
    });
    expect(r.gpuHours.value).toBeCloseTo(56.7 * 24 * 2048, 6);
    expect(r.wallClockDays.value).toBeCloseTo(56.7, 9);
  });

  it('rejects two modes at once with the flag named', () => {
    expect(() =>
      estimateTraining(catalog, fitTrainingMfu(catalog, shippedCalibration().training), {
        model: 'deepseek-v3',
        hardware: 'h800',
        gpuHours: 1,
        mfu: 0.3,
      }),
    ).toThrow(/--mfu/);
  });
});

describe('training plan defaults', () => {
  const catalog = shippedCatalog();
  const table = fitTrainingMfu(catalog, shippedCalibration().training);

  it('without --zero, picks the lowest ZeRO stage whose state fits (DeepSeek-V3 on 2,048 H800: ZeRO-3)', () => {
    const r = estimateTraining(catalog, table, {
      model: 'deepseek-v3',
      hardware: 'h800',
      gpuHours: 2_788_000,
      count: 2048,
    });
    expect(r.memoryPerGpuBytes.value).toBeLessThanOrEqual(80e9);
    expect(r.warnings.join(' ')).toContain('ZeRO-3 chosen');
    const small = estimateTraining(catalog, table, {
      model: 'llama-2-7b',
      hardware: 'h100',
      mfu: 0.4,
      count: 64,
    });
    expect(small.warnings.join(' ')).not.toContain('chosen');
  });

  it('DeepSeek-V3 with its own plan (ZeRO-1, PP16, EP64) fits 2,048 H800 and needs at least PP · EP GPUs', () => {
    const r = estimateTraining(catalog, table, {
      model: 'deepseek-v3',
      hardware: 'h800',
      gpuHours: 2_788_000,
      count: 2048,
      zeroStage: 1,
      pipelineParallel: 16,
      expertParallel: 64,
    });
    expect(r.memoryPerGpuBytes.value).toBeLessThanOrEqual(80e9);
    expect(r.minGpusToFit.value).toBeGreaterThanOrEqual(16 * 64);
  });

  it('refuses a count that cannot hold TP · PP groups with DP ≥ EP, naming --count', () => {
    expect(() =>
      estimateTraining(catalog, table, {
        model: 'deepseek-v3',
        hardware: 'h800',
        mfu: 0.3,
        count: 100,
        pipelineParallel: 16,
      }),
    ).toThrow(/--count/);
    expect(() =>
      estimateTraining(catalog, table, {
        model: 'deepseek-v3',
        hardware: 'h800',
        mfu: 0.3,
        count: 256,
        pipelineParallel: 16,
        expertParallel: 64,
      }),
    ).toThrow(/at least EP 64/);
  });

  it('the default count is whole servers and whole TP · PP groups', () => {
    const r = estimateTraining(catalog, table, {
      model: 'llama-2-7b',
      hardware: 'a100',
      mfu: 0.4,
      tensorParallel: 3,
    });
    expect(r.count.value % 24).toBe(0);
  });
});
