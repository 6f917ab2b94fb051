import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import {
  type AuditReport,
  auditClaims,
  auditContext,
  auditHtml,
  auditMarkdown,
  claimsTextFromLine,
  createEstimator,
  InputError,
  parseYamlOrJson,
  type TextFile,
  verdictStyle,
} from '@clearbox/core';
import {
  defaultDataDir,
  loadDefaultCatalog,
  loadShippedCalibration,
  readTextFile,
  readTextFiles,
  writeFileAtomic,
} from '@clearbox/store';
import type { Command } from 'commander';
import { cliFitCache } from '../fit-cache.ts';
import type { Io } from '../io.ts';
import { renderTable } from '../render/table.ts';

interface Flags {
  json?: boolean;
  out?: string;
  claim?: string;
  cache?: boolean;
}

/** Disclosures a claim may name: the shipped ones by id (file name), plus files the claims name by path. */
function disclosuresFor(claims: TextFile, claimsDir: string): Map<string, TextFile> {
  const found = new Map<string, TextFile>();
  const shipped = join(defaultDataDir, 'disclosures');
  if (existsSync(shipped)) {
    for (const f of readTextFiles(shipped)) found.set(basename(f.path, extname(f.path)), f);
  }
  let data: unknown;
  try {
    data = parseYamlOrJson(claims);
  } catch {
    return found; // the audit reports the syntax error itself
  }
  const list = (data as { claims?: unknown } | null)?.claims;
  if (!Array.isArray(list)) return found;
  for (const claim of list) {
    const check = (claim as { check?: Record<string, unknown> } | null)?.check;
    for (const side of [check?.a, check?.b]) {
      const ref = typeof side === 'string' ? side : (side as { disclosure?: unknown } | null)?.disclosure;
      if (typeof ref !== 'string' || found.has(ref) || !/[\\/]|\.(ya?ml|json)$/i.test(ref)) continue;
      const path = resolve(claimsDir, ref);
      if (existsSync(path)) found.set(ref, readTextFile(path));
    }
  }
  return found;
}

export function renderAudit(report: AuditReport): string {
  const rows = [['claim', 'check', 'verdict', 'explanation']];
  for (const r of report.results) {
    const s = verdictStyle[r.verdict];
    rows.push([
      r.id,
      r.kind,
      `${s.icon} ${r.verdict}${r.qualifiers.length ? ` [${r.qualifiers.map((q) => q.id).join(', ')}]` : ''}`,
      r.explanation.length > 110 ? `${r.explanation.slice(0, 107)}...` : r.explanation,
    ]);
  }
  const counts = Object.entries(report.summary)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${n} ${v}`)
    .join(', ');
  const lines = [renderTable(rows), '', `${report.results.length} claims checked: ${counts || 'none'}`];
  lines.push('Full explanations, figures and assumptions: --json, or --out report.html / report.md');
  return `${lines.join('\n')}\n`;
}

export function registerAudit(program: Command, io: Io): void {
  program
    .command('audit')
    .description('check cost, price and performance claims: a verdict with evidence for each')
    .argument('[file]', 'claims file (YAML or JSON, format version 1)')
    .option(
      '--claim <pairs>',
      "one claim as key=value pairs, e.g. 'kind=activation-ratio model=mixtral-8x7b claimed=0.28'",
    )
    .option('--json', 'print { file, results[], issues[], summary } as JSON')
    .option('--out <file>', 'also write a self-contained report (.html or .md)')
    .option(
      '--no-cache',
      'fit the calibration afresh, neither reading nor writing the fit cache (~/.cache/clearbox/fits; env CLEARBOX_NO_CACHE=1)',
    )
    .action((file: string | undefined, flags: Flags) => {
      if ((file === undefined) === (flags.claim === undefined))
        throw new InputError(
          'give a claims FILE or --claim (one of them)',
          file === undefined ? 'file' : '--claim',
        );
      const out = flags.out;
      if (out !== undefined && !/\.(html?|md)$/i.test(out))
        throw new InputError(`expected a .html or .md report path, got "${out}"`, '--out');
      const claims: TextFile =
        file !== undefined
          ? readTextFile(file)
          : {
              path: '--claim',
              text: claimsTextFromLine(flags.claim ?? '', {
                title: 'command line',
                date: new Date().toISOString().slice(0, 10),
              }),
            };
      const catalog = loadDefaultCatalog();
      const ctx = auditContext(
        catalog,
        disclosuresFor(claims, dirname(resolve(file ?? '.'))),
        createEstimator(
          catalog,
          loadShippedCalibration,
          undefined,
          cliFitCache(io, { enabled: flags.cache !== false }),
        ),
      );
      const report = auditClaims(ctx, claims);
      if (flags.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
      else io.out(renderAudit(report));
      if (out !== undefined) {
        const footer = `clearbox audit ${claims.path}, ${new Date().toISOString().slice(0, 10)}.`;
        writeFileAtomic(out, /\.md$/i.test(out) ? auditMarkdown(report) : auditHtml(report, footer));
        if (!flags.json) io.out(`wrote ${out}\n`);
      }
      if (report.issues.length > 0) {
        const [first, ...rest] = report.issues;
        throw new InputError(
          `${report.issues.length} problem${report.issues.length > 1 ? 's' : ''} in the claims (valid claims were still checked): ${first?.where}: ${first?.message}${rest.map((i) => `\n  ${i.where}: ${i.message}`).join('')}`,
        );
      }
    });
}
