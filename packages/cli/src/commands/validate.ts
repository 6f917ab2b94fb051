import { formatNumber, pathFactorFor, prefillAttentionPriors, validateCalibration } from '@clearbox/core';
import { loadDefaultCatalog, loadShippedCalibration } from '@clearbox/store';
import type { Command } from 'commander';
import type { Io } from '../io.ts';
import { renderTable } from '../render/table.ts';

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const abs = (x: number) => `${(x * 100).toFixed(1)}%`;

export function registerValidate(program: Command, io: Io): void {
  program
    .command('validate')
    .description(
      'predict every published calibration measurement and report the errors, whole families held out (leave-one-family-out)',
    )
    .option('--json', 'print the report as JSON')
    .action((flags: { json?: boolean }) => {
      const report = validateCalibration(loadDefaultCatalog(), loadShippedCalibration());
      if (flags.json) {
        io.out(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const family = new Map(report.familyHeldOut.points.map((p) => [p.id, p.family]));
      const rows = [
        ['point', 'family', 'metric', 'bound', 'measured', 'predicted', 'error', 'held-out error'],
      ];
      for (const c of report.inference) {
        rows.push([
          c.id,
          family.get(c.id) ?? '',
          c.metric.replace('TokensPerSecond', ' tok/s'),
          c.bound,
          formatNumber(c.measured),
          formatNumber(Number(c.predicted.toPrecision(4))),
          pct(c.error),
          pct(c.errorHeldOut),
        ]);
      }
      io.out(
        `Inference (efficiencies fitted per engine and hardware class; held-out = fitted without the point's whole family)\n${renderTable(rows, ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'right'])}\n\n`,
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
      const erows = [
        [
          'engine',
          'hardware class',
          'eff compute',
          'eff memory',
          'fixed-cost ×',
          'MoE/MLA ×',
          'prefill host ms/layer',
          'prefill attn',
          'fp8 · fp4 factors (compute/memory)',
          'points',
        ],
      ];
      for (const e of report.efficiencies.entries)
        erows.push([
          e.engine,
          e.hardwareClass ?? '(all)',
          String(e.compute),
          String(e.memory),
          e.fixedCostScale === undefined ? '1' : String(e.fixedCostScale),
          e.moeMlaFixedCostScale === undefined ? '1' : String(e.moeMlaFixedCostScale),
          e.prefillHostLayerSeconds ? (e.prefillHostLayerSeconds * 1e3).toPrecision(3) : '-',
          // Fitted where long prompts identify it; else the class's prior, marked as such.
          e.prefillAttention === undefined
            ? `${prefillAttentionPriors[e.engine].value} (prior)`
            : String(e.prefillAttention),
          (['fp8', 'fp4'] as const)
            .map((p) => {
              const f = pathFactorFor(e, p);
              return `${f.compute}/${f.memory}`;
            })
            .join(' · '),
          String(e.points.length),
        ]);
      io.out(
        `Fitted efficiencies and fixed costs (fixed-cost × scales the engine class's per-kernel, per-layer and per-collective priors; MoE/MLA × scales, on top, those of the operators only MoE and MLA layers run; prefill attn is the prompt attention kernel's share of the attention peak)\n${renderTable(erows, ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'])}\n`,
      );
      io.out(
        `Software maturity (slopes fitted across every class): a release older than its class's reference runs its fixed costs × exp(${report.summary.softwareMaturityFixedCostPerYear} × age in years), and its MoE/MLA operators' × exp(${report.summary.moeMlaMaturityFixedCostPerYear} × age) more\n\n`,
      );
      const lofo = report.familyHeldOut;
      const frows = [['family', 'classes', 'points', 'median |error|', 'max |error|', '>2x', 'flag']];
      for (const f of lofo.families)
        frows.push([
          f.family,
          f.classes.join(', '),
          String(f.points),
          abs(f.medianAbsError),
          abs(f.maxAbsError),
          String(f.pointsBeyond2x),
          f.flagged ? `> ${abs(lofo.flagThreshold)}` : '',
        ]);
      io.out(
        `Leave-one-family-out (each family predicted by efficiencies fitted without any of its points)\n${renderTable(frows, ['left', 'left', 'right', 'right', 'right', 'right', 'left'])}\n\n`,
      );
      const crows = [
        ['class (engine · model kind)', 'points', 'families', 'median |error|', 'max |error|', '>2x'],
      ];
      for (const c of lofo.classes)
        crows.push([
          c.class,
          String(c.points),
          String(c.families.length),
          abs(c.medianAbsError),
          abs(c.maxAbsError),
          String(c.pointsBeyond2x),
        ]);
      io.out(
        `Leave-one-family-out by class\n${renderTable(crows, ['left', 'right', 'right', 'right', 'right', 'right'])}\n\n`,
      );
      if (report.excluded.length > 0) {
        const xrows = [['excluded point', 'family', 'reason']];
        for (const x of report.excluded) xrows.push([x.id, x.family, x.reason]);
        io.out(
          `Excluded from fits and validation (the data gives each reason)\n${renderTable(xrows, ['left', 'left', 'left'])}\n\n`,
        );
      }
      const s = report.summary;
      io.out(
        `held-out median absolute error (leave-one-family-out): inference ${abs(s.inferenceMedianAbsErrorFamilyHeldOut)} over ${s.inferencePoints} points in ${s.inferenceFamilies} families, ${s.inferencePointsBeyond2x} points more than 2x off, ${s.inferenceFlaggedFamilies.length} families above ${abs(lofo.flagThreshold)}\n`,
      );
      io.out(
        `(in-sample, for comparison: ${abs(s.inferenceMedianAbsError)}); training ${abs(s.trainingMedianAbsErrorHeldOut)} held-out over ${s.trainingPoints} runs\n`,
      );
      if (s.inferenceExcluded > 0)
        io.out(
          `${s.inferenceExcluded} points excluded with a stated reason (listed above), never silently\n`,
        );
    });
}
