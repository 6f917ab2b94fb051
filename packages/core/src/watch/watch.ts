import { parseDocumentWith, type TextFile } from '../catalog/parse.ts';
import { InputError } from '../errors/clearbox-error.ts';
import { parseSeriesCsv } from './csv-series.ts';
import { describeRule, evaluateRule, type Firing, type RuleKind, ruleKind } from './rules.ts';
import { type Point, type Severity, type Signal, signalsFileSchema } from './signal-schema.ts';

export interface RuleResult {
  signal: string;
  signalName: string;
  rule: string;
  kind: RuleKind;
  condition: string;
  severity: Severity;
  note?: string;
  unit: string;
  latest: { date: string; value: number };
  /** Every period at which the rule fired, oldest first. */
  firings: Firing[];
  /** The rule fired in the alert window (the latest period, or on/after `since`). */
  alert: boolean;
}

export interface WatchReport {
  file: string;
  /** Alerts are firings at the latest period of each series, or on/after this date when given. */
  since?: string;
  results: RuleResult[];
  alerts: number;
}

/** Reads the CSV a signal names; supplied by the edge, since core reads no files. */
export type ReadSeriesFile = (relativePath: string) => TextFile;

function seriesOf(signal: Signal, index: number, file: TextFile, read: ReadSeriesFile): Point[] {
  const points = 'csv' in signal.series ? parseSeriesCsv(read(signal.series.csv)) : signal.series.points;
  if (points.length === 0)
    throw new InputError(`signal "${signal.id}" has no data points`, `${file.path} signals[${index}].series`);
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (a && b && b.date <= a.date)
      throw new InputError(
        `dates must increase: ${b.date} follows ${a.date} in signal "${signal.id}"`,
        `${file.path} signals[${index}].series`,
      );
  }
  return points;
}

/** Evaluates every rule of a signals file. */
export function watchSignals(file: TextFile, read: ReadSeriesFile, since?: string): WatchReport {
  const doc = parseDocumentWith(signalsFileSchema, file);
  const results: RuleResult[] = [];
  doc.signals.forEach((signal, index) => {
    const points = seriesOf(signal, index, file, read);
    const last = points.at(-1) as Point;
    for (const rule of signal.rules) {
      const firings = evaluateRule(rule, points, signal.unit);
      const alert = firings.some((f) => (since === undefined ? f.date === last.date : f.date >= since));
      const result: RuleResult = {
        signal: signal.id,
        signalName: signal.name,
        rule: rule.id,
        kind: ruleKind(rule),
        condition: describeRule(rule),
        severity: rule.severity,
        unit: signal.unit,
        latest: { date: last.date, value: last.value },
        firings,
        alert,
      };
      if (rule.note !== undefined) result.note = rule.note;
      results.push(result);
    }
  });
  const report: WatchReport = { file: file.path, results, alerts: results.filter((r) => r.alert).length };
  if (since !== undefined) report.since = since;
  return report;
}
