import { formatNumber, validateCalibration } from '@clearbox/core';
import { loadDefaultCatalog } from '@clearbox/store';
import type { Command } from 'commander';
import type { Io } from '../io.ts';
import { renderTable } from '../render/table.ts';

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

export function registerValidate(program: Command, io: Io): void {
  program
    .command('validate')
    .description('predict every published calibration measurement and report the errors')
    .option('--json', 'print the report as JSON')
    .action((flags: { json?: boolean }) => {
      const report = validateCalibration(loadDefaultCatalog());
      if (flags.json) {
        io.out(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const rows = [['point', 'metric', 'bound', 'measured', 'predicted', 'error', 'held-out error']];
      for (const c of report.inference) {
        rows.push([
          c.id,
          c.metric.replace('TokensPerSecond', ' tok/s'),
          c.bound,
          formatNumber(c.measured),
          formatNumber(Number(c.predicted.toPrecision(4))),
          pct(c.error),
          pct(c.errorHeldOut),
        ]);
      }
      io.out(
        `Inference (efficiencies fitted per engine and hardware class; held-out = fitted without the point)\n${renderTable(rows, ['left', 'left', 'left', 'right', 'right', 'right', 'right'])}\n\n`,
      );
      const trows = [
        ['run', 'hardware', 'GPU-hours', 'implied MFU', 'held-out MFU', 'predicted GPU-h', 'error'],
      ];
      for (const t of report.training) {
        trows.push([
          t.id,
          t.hardware,
          formatNumber(t.measuredGpuHours),
          pct(t.impliedMfu).slice(1),
          pct(t.heldOutMfu).slice(1),
          formatNumber(Number(t.predictedGpuHours.toPrecision(4))),
          pct(t.error),
        ]);
      }
      io.out(
        `Training (GPU-hours predicted at the median MFU of the other disclosures)\n${renderTable(trows, ['left', 'left', 'right', 'right', 'right', 'right', 'right'])}\n\n`,
      );
      const erows = [['engine', 'hardware class', 'eff compute', 'eff memory', 'points']];
      for (const e of report.efficiencies.entries)
        erows.push([
          e.engine,
          e.hardwareClass ?? '(all)',
          String(e.compute),
          String(e.memory),
          String(e.points.length),
        ]);
      io.out(`Fitted efficiencies\n${renderTable(erows, ['left', 'left', 'right', 'right', 'right'])}\n\n`);
      const s = report.summary;
      io.out(
        `median absolute error: inference ${(s.inferenceMedianAbsError * 100).toFixed(1)}% in-sample, ${(s.inferenceMedianAbsErrorHeldOut * 100).toFixed(1)}% held-out over ${s.inferencePoints} points; training ${(s.trainingMedianAbsErrorHeldOut * 100).toFixed(1)}% held-out over ${s.trainingPoints} runs\n`,
      );
    });
}
