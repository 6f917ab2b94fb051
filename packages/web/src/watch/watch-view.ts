import {
  ClearboxError,
  InputError,
  type Point,
  parseDocumentWith,
  signalsFileSchema,
  type TextFile,
  type WatchReport,
  watchSignals,
} from '@clearbox/core';

/** The signals files that ship in packages/core/data/signals, bundled as text. */
const raw = import.meta.glob<string>('../../../core/data/signals/*.{yaml,yml,json}', {
  query: '?raw',
  import: 'default',
  eager: true,
});

export function referenceSignals(): TextFile[] {
  return Object.keys(raw)
    .sort()
    .map((key) => ({ path: key.replace(/^(\.\.\/)+core\//, ''), text: raw[key] ?? '' }));
}

/** A series as charted: its points and the fixed thresholds (below, above, crosses) its rules compare with. */
export interface ChartSeries {
  id: string;
  name: string;
  unit: string;
  points: Point[];
  thresholds: Array<{ rule: string; value: number }>;
}

export type WatchView =
  | { kind: 'empty' }
  | { kind: 'error'; where: string | undefined; message: string }
  | { kind: 'report'; report: WatchReport; series: ChartSeries[] };

/**
 * The same call as `clearbox watch FILE [--since DATE]`. A browser has no folder to read CSV series
 * from, so a file naming one gets a clear error asking for inline points.
 */
export function computeWatchView(file: TextFile, since: string): WatchView {
  if (file.text.trim() === '') return { kind: 'empty' };
  try {
    if (since !== '' && !/^\d{4}-\d{2}(-\d{2})?$/.test(since))
      throw new InputError(`expected a date as YYYY-MM or YYYY-MM-DD, got "${since}"`, 'since');
    const report = watchSignals(
      file,
      (path) => {
        throw new InputError(
          `the browser cannot read the CSV file "${path}": give the series inline as points`,
          file.path,
        );
      },
      since === '' ? undefined : since,
    );
    const doc = parseDocumentWith(signalsFileSchema, file);
    const series = doc.signals.map((s) => ({
      id: s.id,
      name: s.name,
      unit: s.unit,
      points: 'points' in s.series ? s.series.points : [],
      thresholds: s.rules.flatMap((r) => {
        const value =
          'below' in r ? r.below : 'above' in r ? r.above : 'crosses' in r ? r.crosses : undefined;
        return value === undefined ? [] : [{ rule: r.id, value }];
      }),
    }));
    return { kind: 'report', report, series };
  } catch (error) {
    if (!(error instanceof ClearboxError)) throw error;
    return {
      kind: 'error',
      where: error.where,
      message: error.where ? error.message.replace(`${error.where}: `, '') : error.message,
    };
  }
}
