import type { TrainingPoint } from '../catalog/calibration-schema.ts';
import { type Catalog, findDevice, findModel } from '../catalog/catalog.ts';
import type { HardwareClass } from '../catalog/schema.ts';
import type { Source } from '../figure/source.ts';
import { countParameters } from './parameters.ts';

/** The MFU each training disclosure implies (6·N_active·D over GPU-hours × dense peak), or the published one. */
export interface TrainingMfuObservation {
  point: TrainingPoint;
  hardwareClass: HardwareClass;
  mfu: number;
  how: 'implied' | 'published';
}

export interface TrainingMfuEntry {
  hardwareClass?: HardwareClass;
  mfu: number;
  low?: number;
  high?: number;
  points: string[];
  sources: Source[];
  note: string;
}

export interface TrainingMfuTable {
  observations: TrainingMfuObservation[];
  entries: TrainingMfuEntry[];
}

/** Used only when the catalog has no training disclosures at all. */
const PRIOR_MFU = 0.4;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function observeTrainingMfu(catalog: Catalog, point: TrainingPoint): TrainingMfuObservation {
  const model = findModel(catalog, point.model);
  const device = findDevice(catalog, point.hardware);
  if (point.gpuHours !== undefined) {
    const peak = (device.compute.denseTflops[point.dtype] ?? device.compute.denseTflops.bf16 ?? 0) * 1e12;
    const flops = 6 * countParameters(model.architecture).activeMatmul * point.tokens;
    return {
      point,
      hardwareClass: device.class,
      mfu: flops / (point.gpuHours * 3600 * peak),
      how: 'implied',
    };
  }
  return { point, hardwareClass: device.class, mfu: point.publishedMfu ?? PRIOR_MFU, how: 'published' };
}

function entryFrom(observations: TrainingMfuObservation[], hardwareClass?: HardwareClass): TrainingMfuEntry {
  const values = observations.map((o) => o.mfu);
  const entry: TrainingMfuEntry = {
    mfu: median(values),
    low: Math.min(...values),
    high: Math.max(...values),
    points: observations.map((o) => o.point.id),
    sources: observations.map((o) => o.point.source as Source),
    note: `median of ${values.length} training disclosures${hardwareClass ? ` on ${hardwareClass}` : ''} (range = min–max)`,
  };
  if (hardwareClass) entry.hardwareClass = hardwareClass;
  return entry;
}

/** Per-class medians where a class has at least two disclosures, and a pooled median for the rest. */
export function fitTrainingMfu(catalog: Catalog, points: readonly TrainingPoint[]): TrainingMfuTable {
  const observations = points
    .map((p) => observeTrainingMfu(catalog, p))
    .filter((o) => o.how === 'implied' || o.point.publishedMfu !== undefined);
  const entries: TrainingMfuEntry[] = [];
  if (observations.length > 0) entries.push(entryFrom(observations));
  const classes = [...new Set(observations.map((o) => o.hardwareClass))];
  for (const c of classes) {
    const own = observations.filter((o) => o.hardwareClass === c);
    if (own.length >= 2) entries.push(entryFrom(own, c));
  }
  return { observations, entries };
}

export function trainingMfuFor(table: TrainingMfuTable, hardwareClass: HardwareClass): TrainingMfuEntry {
  return (
    table.entries.find((e) => e.hardwareClass === hardwareClass) ??
    table.entries.find((e) => e.hardwareClass === undefined) ?? {
      mfu: PRIOR_MFU,
      points: [],
      sources: [
        {
          title: 'Megatron-LM: 40-47% MFU at scale on H100',
          url: 'https://github.com/NVIDIA/Megatron-LM',
          date: '2026-08',
        },
      ],
      note: 'prior: no training disclosures in the catalog',
    }
  );
}
