import { dirname, resolve } from 'node:path';
import { calendarDateProblem, echo, InputError, type WatchReport, watchSignals } from '@clearbox/core';
import { readTextFile } from '@clearbox/store';
import { type Command, CommanderError } from 'commander';
import type { Io } from '../io.ts';
import { renderTable } from '../render/table.ts';

interface Flags {
  json?: boolean;
  since?: string;
}

function show(value: number, unit: string): string {
  return unit === 'fraction' ? `${(value * 100).toFixed(1)}%` : `${Number(value.toPrecision(4))} ${unit}`;
}

export function renderWatch(report: WatchReport): string {
  const rows = [['signal', 'rule', 'severity', 'condition', 'latest', 'fired', 'alert']];
  for (const r of report.results) {
    const when = r.firings.length === 0 ? 'never' : `${r.firings.length}× (last ${r.firings.at(-1)?.date})`;
    rows.push([
      r.signal,
      r.rule,
      r.severity,
      r.condition,
      `${show(r.latest.value, r.unit)} (${r.latest.date})`,
      when,
      r.alert ? 'ALERT' : '-',
    ]);
  }
  const lines = [renderTable(rows), ''];
  for (const r of report.results.filter((x) => x.firings.length > 0)) {
    lines.push(
      `${r.alert ? 'ALERT' : 'fired'} ${r.signal} / ${r.rule} (${r.severity})${r.note ? `: ${r.note}` : ''}`,
    );
    for (const f of r.firings) lines.push(`  ${f.date}  ${show(f.value, r.unit)}  ${f.detail}`);
  }
  const window = report.since ? `on or after ${report.since}` : 'at the latest period';
  lines.push('', `${report.alerts} alert${report.alerts === 1 ? '' : 's'} ${window}`);
  return `${lines.join('\n')}\n`;
}

export function registerWatch(program: Command, io: Io): void {
  program
    .command('watch')
    .description('evaluate threshold rules over data series; exit 1 when an alert fires')
    .argument('<file>', 'signals file (YAML or JSON, format version 1)')
    .option('--since <date>', 'alert on any firing on or after this date (default: only the latest period)')
    .option('--json', 'print { file, results[], alerts } as JSON')
    .action((file: string, flags: Flags) => {
      const sinceProblem = flags.since === undefined ? undefined : calendarDateProblem(flags.since);
      if (sinceProblem) throw new InputError(`${sinceProblem}, got ${echo(flags.since)}`, '--since');
      const base = dirname(resolve(file));
      const report = watchSignals(
        readTextFile(file),
        (path) => readTextFile(resolve(base, path)),
        flags.since,
      );
      io.out(flags.json ? `${JSON.stringify(report, null, 2)}\n` : renderWatch(report));
      if (report.alerts > 0) throw new CommanderError(1, 'clearbox.findings', `${report.alerts} alerts`);
    });
}
