import { statSync } from 'node:fs';
import {
  checkOptions,
  defaultLogOptions,
  echo,
  formatNumber,
  InputError,
  logOptionFlags,
  logOptionsSchema,
  renderLogsReportHtml,
} from '@clearbox/core';
import { type EngineName, engineNames, investigateLogFiles, parseFieldMap } from '@clearbox/logs';
import { readTextFile } from '@clearbox/store';
import { type Command, CommanderError } from 'commander';
import type { Io } from '../io.ts';
import { parseByteSize, parseInteger, parseNumber, parseSeed } from '../options.ts';
import { renderTable } from '../render/table.ts';
import { collect, writeReport } from './investigate-output.ts';

interface Flags {
  reference?: string[];
  referenceAccounts?: string;
  map?: string;
  q: string;
  seed: string;
  rareShare: string;
  minSharedTemplates: string;
  largeMaxTokens: string;
  memoryLimit: string;
  engine: string;
  clickhouseUrl?: string;
  clickhouseTable?: string;
  clickhouseSource?: string;
  json?: boolean;
  out?: string;
}

/** A comma-separated list, or a file with one account per line when the text names an existing file. */
function accountList(text: string | undefined): string[] {
  if (!text) return [];
  let isFile = false;
  try {
    isFile = statSync(text).isFile();
  } catch {
    isFile = false;
  }
  const raw = isFile ? readTextFile(text).text.split(/\r?\n/) : text.split(',');
  return [...new Set(raw.map((s) => s.trim()).filter(Boolean))];
}

/** The engine flag; --clickhouse-url, --clickhouse-table or --clickhouse-source imply ClickHouse. */
function engineOf(text: string, flags: Flags): EngineName {
  if (!(engineNames as readonly string[]).includes(text))
    throw new InputError(`expected ${engineNames.join(' or ')}, got ${JSON.stringify(text)}`, '--engine');
  const inClickHouse = flags.clickhouseUrl ?? flags.clickhouseTable ?? flags.clickhouseSource;
  if (inClickHouse !== undefined && text === 'duckdb') return 'clickhouse';
  return text as EngineName;
}

export function registerInvestigateLogs(investigate: Command, io: Io): void {
  investigate
    .command('logs')
    .description(
      'flag accounts and clusters whose API traffic is unlike a benign reference, at a controlled false discovery rate; exit 1 when any is flagged',
    )
    .argument(
      '[files...]',
      'API logs: JSONL, CSV or Parquet, one request per row (none with --clickhouse-table/--clickhouse-source)',
    )
    .option(
      '--reference <file>',
      'benign reference logs (accounts in good standing or a pre-period); repeatable',
      collect,
    )
    .option(
      '--reference-accounts <list>',
      'accounts in the logs to use as the benign reference: comma list or a file, one per line',
    )
    .option('--map <pairs>', 'map canonical fields to your column names, e.g. account=user_id,ts=created_at')
    .option('--q <q>', 'Benjamini-Hochberg false discovery rate across accounts and clusters', '0.01')
    .option('--seed <n>', 'seed of the reference split and the cluster null draws', '1')
    .option(
      '--rare-share <share>',
      'a template, IP or user agent used by more than this share of the benign reference accounts is popular, not rare',
      '0.02',
    )
    .option('--min-shared-templates <n>', 'accounts sharing this many rare templates are linked', '3')
    .option('--large-max-tokens <n>', 'max tokens at or above this count as large (L5)', '4096')
    .option('--memory-limit <size>', 'DuckDB memory limit', '3GB')
    .option(
      '--engine <engine>',
      `log engine: ${engineNames.join(' or ')} (embedded ClickHouse through chdb, or a server with --clickhouse-url)`,
      'duckdb',
    )
    .option(
      '--clickhouse-url <url>',
      'run on a ClickHouse server (http(s)://user:password@host:8123); the files are streamed into a private database',
    )
    .option(
      '--clickhouse-table <table>',
      'traffic already in ClickHouse, read where it is: a table, e.g. logs.requests (a Distributed table over sharded logs)',
    )
    .option(
      '--clickhouse-source <call>',
      "traffic already in ClickHouse, read where it is: a table function, e.g. \"s3Cluster('cluster', 's3://bucket/logs/*.parquet', 'Parquet')\"",
    )
    .option('--json', 'print the report as JSON (flagged[], calibration, malformedRows, ...)')
    .option('--out <file>', 'write the evidence report: .html (self-contained) or .json')
    .action(async (files: string[], flags: Flags) => {
      const given = checkOptions(
        logOptionsSchema,
        {
          q: parseNumber('--q', flags.q),
          seed: parseSeed('--seed', flags.seed),
          rareShare: parseNumber('--rare-share', flags.rareShare),
          minSharedTemplates: parseInteger('--min-shared-templates', flags.minSharedTemplates),
          largeMaxTokens: parseInteger('--large-max-tokens', flags.largeMaxTokens),
        },
        logOptionFlags,
      );
      const { largeMaxTokens, ...chosen } = given;
      const options = { ...defaultLogOptions, ...chosen };
      const limit = memoryLimit(flags.memoryLimit);
      const report = await investigateLogFiles(
        {
          files,
          referenceFiles: flags.reference ?? [],
          referenceAccounts: accountList(flags.referenceAccounts),
          map: parseFieldMap(flags.map),
          options,
          largeMaxTokens,
          memoryLimit: limit,
          engine: engineOf(flags.engine, flags),
          ...(flags.clickhouseUrl ? { clickhouseUrl: flags.clickhouseUrl } : {}),
          ...(flags.clickhouseTable !== undefined ? { clickhouseTable: flags.clickhouseTable } : {}),
          ...(flags.clickhouseSource !== undefined ? { clickhouseSource: flags.clickhouseSource } : {}),
        },
        new Date(),
      ).catch((error: unknown) => {
        // DuckDB out of its memory limit is the user's limit (or data) speaking, not a bug.
        if (error instanceof Error && /^Out of Memory Error/.test(error.message))
          throw new InputError(`the logs need more memory than ${limit}: raise it`, '--memory-limit');
        throw error;
      });
      if (flags.out) writeReport(flags.out, report, () => renderLogsReportHtml(report));
      if (flags.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
      else {
        const rows = [['unit', 'accounts', 'p (tail)', 'p (conf.)', 'q (BH)', 'driven by (share of score)']];
        for (const f of report.flagged) {
          // The features that drive the score, with their values: why this unit and not a batch pipeline.
          const strongest = f.drivers
            .slice(0, 3)
            .map(
              (d) =>
                `${d.id}=${formatNumber(f.features[d.id]?.value ?? Number.NaN)} (${Math.round(100 * d.share)}%)`,
            )
            .join(', ');
          rows.push([
            f.account ?? f.cluster ?? '',
            String(f.accounts.length),
            formatNumber(f.pTail),
            formatNumber(f.p),
            formatNumber(f.q),
            strongest,
          ]);
        }
        io.out(
          `${report.rows.total} rows (${report.rows.valid} valid, ${report.malformedRows.count} malformed), ${report.tested.accounts} accounts and ${report.tested.clusters} clusters tested against ${report.calibration.referenceAccounts} reference accounts (engine: ${report.engine})\n`,
        );
        if (report.malformedRows.count > 0)
          io.out(
            `malformed rows by reason: ${Object.entries(report.malformedRows.byReason)
              .map(([reason, n]) => `${reason} ${n}`)
              .join(', ')}\n`,
          );
        for (const input of report.inputs.filter((i) => i.timestamps === 'epoch-s'))
          io.out(`${input.path}: timestamps read as epoch seconds (every numeric value below 1e11)\n`);
        if (report.duplicateRows.count > 0)
          io.out(
            `exact duplicate rows (kept in the statistics): ${report.duplicateRows.byFile.map((d) => `${d.file} ${d.rows}`).join(', ')}\n`,
          );
        if (report.flagged.length > 0)
          io.out(`${renderTable(rows, ['left', 'right', 'right', 'right', 'right', 'left'])}\n`);
        io.out(`${report.statement}\n`);
        const tail = report.calibration.accountTail;
        io.out(
          tail
            ? `p (tail): generalized Pareto fit to the top ${tail.exceedances} of ${tail.referenceSize} held-out reference scores (Anderson-Darling bootstrap p ${formatNumber(tail.fitPValue)}); a lone account is flagged at p ≤ q/F (F first-stage tests) = ${formatNumber(report.calibration.loneUnitThreshold)}\n`
            : `note: no tail fit was accepted for the account scores, so p (tail) is the conformal p, whose floor is ${formatNumber(report.calibration.minimumAccountP)}; BH at q = ${options.q} then flags only when ${report.calibration.minimumFlagsForBh} or more first-stage tests reach it (a larger reference gives more power)\n`,
        );
        io.out(`${report.flagged.length === 0 ? 'Nothing flagged. ' : ''}${report.calibration.power.text}\n`);
        if (flags.out) io.out(`report written to ${flags.out}\n`);
      }
      if (report.flagged.length > 0) {
        throw new CommanderError(1, 'clearbox.findings', `${report.flagged.length} flagged`);
      }
    });
}

/** DuckDB needs room for its buffers: a limit below this fails mid-query, so it is refused up front. */
const MIN_MEMORY_LIMIT_BYTES = 64 * 2 ** 20;

/** `--memory-limit` as DuckDB takes it (3GB, 512MiB), checked at the edge like every size flag. */
function memoryLimit(text: string): string {
  if (parseByteSize('--memory-limit', text) < MIN_MEMORY_LIMIT_BYTES)
    throw new InputError(`expected at least 64MB, got ${echo(text)}`, '--memory-limit');
  return text.trim();
}
