import type { Device } from './schema.ts';

/** A fact's default value and the span of every sourced value for it (the default and its alternatives). */
export interface FactRange {
  value: number;
  low: number;
  high: number;
  /** How many sources give a value: 1 when no alternative disagrees. */
  sources: number;
}

/** The default and the alternatives' values of one fact; undefined when the default is absent. */
export function factRange(
  value: number | undefined,
  alternatives: ReadonlyArray<number | undefined> = [],
): FactRange | undefined {
  if (value === undefined) return undefined;
  const all = [value, ...alternatives.filter((v): v is number => v !== undefined)];
  return { value, low: Math.min(...all), high: Math.max(...all), sources: all.length };
}

/**
 * The spread of a device's headline facts across its sources. Where sources conflict (Ascend 910B:
 * 280-320 TFLOPS, 0.4-1.2 TB/s, 310-350 W) a reader sees the range, not only the chosen value.
 */
export function deviceFactRanges(device: Device): {
  bf16Tflops?: FactRange;
  fp8Tflops?: FactRange;
  capacityGB: FactRange;
  bandwidthGBs: FactRange;
  tdpWatts: FactRange;
} {
  const c = device.compute;
  const m = device.memory;
  const p = device.power;
  const bf16 = factRange(
    c.denseTflops.bf16,
    (c.alternatives ?? []).map((a) => a.denseTflops?.bf16),
  );
  const fp8 = factRange(
    c.denseTflops.fp8,
    (c.alternatives ?? []).map((a) => a.denseTflops?.fp8),
  );
  return {
    ...(bf16 ? { bf16Tflops: bf16 } : {}),
    ...(fp8 ? { fp8Tflops: fp8 } : {}),
    capacityGB: factRange(
      m.capacityGB,
      (m.alternatives ?? []).map((a) => a.capacityGB),
    ) as FactRange,
    bandwidthGBs: factRange(
      m.bandwidthGBs,
      (m.alternatives ?? []).map((a) => a.bandwidthGBs),
    ) as FactRange,
    tdpWatts: factRange(
      p.tdpWatts,
      (p.alternatives ?? []).map((a) => a.tdpWatts),
    ) as FactRange,
  };
}
