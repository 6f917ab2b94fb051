import { existsSync } from 'node:fs';
import {
  checkOptions,
  compareDisclosures,
  createEstimator,
  DISCLOSURE_TEMPLATE,
  type Disclosure,
  type DisclosureReport,
  disclosureJsonSchemaText,
  disclosureOptionFlags,
  disclosureReportOptionsSchema,
  evaluateDisclosure,
  InputError,
  parseBasisId,
  parseDisclosure,
  renderDisclosureHtml,
  renderDisclosureMarkdown,
} from '@clearbox/core';
import { loadDefaultCatalog, loadShippedCalibration, readTextFile, writeFileAtomic } from '@clearbox/store';
import type { Command } from 'commander';
import type { Io } from '../io.ts';
import { parseInteger } from '../options.ts';
import { renderTable } from '../render/table.ts';
import { registerDiscloseImportFocus } from './disclose-import-focus.ts';
import { completenessText, flagsText, renderReportText, usdText } from './disclose-render.ts';

/** Reads and validates one disclosure file; every problem is an InputError naming file, line and field. */
export function readDisclosure(path: string): Disclosure {
  return parseDisclosure(readTextFile(path));
}

export function reportOptions(flags: { years?: string; seed?: string; draws?: string }) {
  const options: { years?: number; seed?: number; draws?: number } = {};
  if (flags.years !== undefined) options.years = parseInteger('--years', flags.years);
  if (flags.seed !== undefined) options.seed = parseInteger('--seed', flags.seed);
  if (flags.draws !== undefined) options.draws = parseInteger('--draws', flags.draws);
  checkOptions(disclosureReportOptionsSchema, options, disclosureOptionFlags);
  return options;
}

function evaluate(path: string, options: ReturnType<typeof reportOptions>): DisclosureReport {
  const disclosure = readDisclosure(path);
  const catalog = loadDefaultCatalog();
  return evaluateDisclosure(catalog, disclosure, {
    ...options,
    estimator: createEstimator(catalog, loadShippedCalibration),
  });
}

/** `--out report.html` or `report.md`: the renderer follows the extension. */
function writeReport(path: string, report: DisclosureReport): string {
  if (/\.html?$/i.test(path)) writeFileAtomic(path, renderDisclosureHtml(report));
  else if (/\.(md|markdown)$/i.test(path)) writeFileAtomic(path, renderDisclosureMarkdown(report));
  else throw new InputError(`expected a file ending in .html or .md, got "${path}"`, '--out');
  return path;
}

export function registerDisclose(program: Command, io: Io): void {
  const disclose = program
    .command('disclose')
    .description('the open AI cost disclosure standard: validate, report every accounting basis, compare');

  disclose
    .command('init')
    .description('print (or write) a commented template disclosure that validates as it stands')
    .option('--out <file>', 'write the template to this file (refuses to overwrite)')
    .action((flags: { out?: string }) => {
      if (flags.out === undefined) {
        io.out(DISCLOSURE_TEMPLATE);
        return;
      }
      if (existsSync(flags.out))
        throw new InputError('file exists; choose another path or remove it', flags.out);
      writeFileAtomic(flags.out, DISCLOSURE_TEMPLATE);
      io.out(`wrote ${flags.out}; edit it, then: clearbox disclose check ${flags.out}\n`);
    });

  disclose
    .command('check')
    .description('validate a disclosure; print its completeness by stage and its flags')
    .argument('<file>', 'disclosure, YAML or JSON')
    .option('--json', 'print {file, valid, items, completeness, flags} as JSON')
    .action((file: string, flags: { json?: boolean }) => {
      const disclosure = readDisclosure(file);
      // Completeness and flags need no Monte Carlo: one draw keeps check instant on large files.
      const report = evaluateDisclosure(loadDefaultCatalog(), disclosure, { draws: 1 });
      const result = {
        file,
        valid: true,
        id: disclosure.id,
        items: disclosure.items.length,
        completeness: report.completeness,
        flags: report.flags,
      };
      if (flags.json) {
        io.out(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      io.out(
        `${file}: valid disclosure (format v1), ${disclosure.items.length} item${disclosure.items.length === 1 ? '' : 's'}, status ${disclosure.status}\n\n${completenessText(report)}\n\n${flagsText(report)}\n`,
      );
    });

  disclose
    .command('report')
    .description('every accounting basis with its P10–P90 range, completeness, flags and cross-checks')
    .argument('<file>', 'disclosure, YAML or JSON')
    .option(
      '--json',
      'print the report as JSON: bases[] of {id, label, total}, completeness, flags, findings',
    )
    .option('--out <file>', 'also write a self-contained report: .html (no script, no network) or .md')
    .option('--years <n>', "lifecycle horizon in years (default: the disclosure's lifecycleYears, else 3)")
    .option('--seed <s>', 'Monte Carlo seed (default 1): the same seed gives byte-identical output')
    .option('--draws <n>', 'Monte Carlo draws (default 10000)')
    .action(
      (
        file: string,
        flags: { json?: boolean; out?: string; years?: string; seed?: string; draws?: string },
      ) => {
        const report = evaluate(file, reportOptions(flags));
        if (flags.out !== undefined) writeReport(flags.out, report);
        if (flags.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
        else io.out(`${renderReportText(report)}${flags.out ? `\nwrote ${flags.out}\n` : ''}`);
      },
    );

  disclose
    .command('compare')
    .description('the same accounting bases of several disclosures side by side')
    .argument('<files...>', 'two or more disclosures')
    .option('--basis <id>', 'compare one basis (e.g. final-run-rental, full-development, lifecycle)')
    .option('--years <n>', 'lifecycle horizon in years for every file')
    .option('--seed <s>', 'Monte Carlo seed (default 1)')
    .option('--json', 'print the comparison as JSON')
    .action((files: string[], flags: { basis?: string; years?: string; seed?: string; json?: boolean }) => {
      if (files.length < 2) throw new InputError('give at least two disclosures to compare', 'compare');
      const basis = flags.basis === undefined ? undefined : parseBasisId(flags.basis);
      const options = reportOptions(flags);
      const catalog = loadDefaultCatalog();
      const estimator = createEstimator(catalog, loadShippedCalibration);
      const reports = files.map((f) =>
        evaluateDisclosure(catalog, readDisclosure(f), { ...options, estimator }),
      );
      const comparison = compareDisclosures(reports, basis);
      if (flags.json) {
        io.out(`${JSON.stringify(comparison, null, 2)}\n`);
        return;
      }
      const rows = [['disclosure', 'complete', ...comparison.bases]];
      for (const r of comparison.rows) {
        rows.push([
          r.id,
          `${Math.round(r.completeness * 100)}%`,
          ...comparison.bases.map((b) => {
            const t = r.totals[b];
            return t ? usdText(t) : '—';
          }),
        ]);
      }
      io.out(
        `${renderTable(
          rows,
          rows[0]?.map((_, i) => (i < 1 ? 'left' : 'right')),
        )}\n\nranges are P10–P90; — = the disclosure does not give what the basis needs\n`,
      );
      for (const r of comparison.rows) if (r.flags.length) io.out(`${r.id} flags: ${r.flags.join(', ')}\n`);
    });

  registerDiscloseImportFocus(disclose, io);

  disclose
    .command('schema')
    .description('print the JSON Schema (draft 2020-12) of the disclosure format, version 1')
    .action(() => {
      io.out(disclosureJsonSchemaText());
    });

  for (const command of [disclose, ...disclose.commands]) {
    command.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  }
}
