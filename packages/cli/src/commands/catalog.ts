import {
  type Catalog,
  countParameters,
  deviceFactRanges,
  type FactRange,
  formatNumber,
  recalledFacts,
  staleEntries,
  tablesAsOf,
} from '@clearbox/core';
import { loadDefaultCatalog } from '@clearbox/store';
import type { Command } from 'commander';
import type { Io } from '../io.ts';
import { parseChoice, parseCount, parseDate } from '../options.ts';
import { renderTable } from '../render/table.ts';

/** A value, with the span of its sources when they disagree: `280 (280-320)`. */
function withRange(r: FactRange | undefined, suffix = ''): string {
  if (r === undefined) return '-';
  const value = `${formatNumber(r.value)}${suffix}`;
  return r.low === r.high ? value : `${value} (${formatNumber(r.low)}-${formatNumber(r.high)})`;
}

/** TDP with what it covers: `1460 sys-share`, `140 est` (an estimate), `295 system`. */
function powerLabel(d: Catalog['devices'][number], r: FactRange): string {
  const tags = [
    d.power.scope === 'system-share' ? 'sys-share' : d.power.scope === 'system' ? 'system' : '',
    d.power.estimated ? 'est' : '',
  ].filter((t) => t !== '');
  return `${withRange(r)}${tags.length > 0 ? ` ${tags.join(',')}` : ''}`;
}

export function hardwareRows(catalog: Catalog): string[][] {
  const rows = [['id', 'class', 'bf16 TF', 'fp8 TF', 'fp4 TF', 'memory GB', 'GB/s', 'TDP W', 'rent $/h']];
  for (const d of catalog.devices) {
    const t = d.compute.denseTflops;
    const r = deviceFactRanges(d);
    const rent = d.prices?.rentalUsdPerHour;
    rows.push([
      d.id,
      d.class,
      r.bf16Tflops !== undefined
        ? withRange(r.bf16Tflops)
        : t.fp16 !== undefined
          ? `${formatNumber(t.fp16)} (fp16)`
          : t.fp32 !== undefined
            ? `${formatNumber(t.fp32)} (fp32)`
            : '-',
      withRange(r.fp8Tflops),
      t.fp4 !== undefined ? formatNumber(t.fp4) : '-',
      withRange(r.capacityGB),
      withRange(r.bandwidthGBs),
      powerLabel(d, r.tdpWatts),
      rent ? `${rent.low}-${rent.high}` : '-',
    ]);
  }
  return rows;
}

/** Today as YYYY-MM-DD (the edge owns the clock; core takes the date as an argument). */
function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function parseAsOf(text: string | undefined): string {
  if (text === undefined) return today();
  return parseDate('--as-of', text, { month: true });
}

/** The catalog's freshness: each table's as-of dates, stale entries, facts still flagged as recalled. */
export function catalogSummary(catalog: Catalog, asOf: string, months: number) {
  const recalled = recalledFacts(catalog);
  const stale = staleEntries(catalog, asOf, months);
  return {
    asOf,
    tables: tablesAsOf(catalog),
    stale: { months, count: stale.length },
    recalled: { count: recalled.length, facts: recalled },
  };
}

function staleRows(catalog: Catalog, asOf: string, months: number): string[][] {
  const rows = [['table', 'id', 'newest source', 'age (months)', 'checked']];
  for (const e of staleEntries(catalog, asOf, months))
    rows.push([e.table, e.id, e.newestSource || '-', String(e.ageMonths), e.checked ?? '-']);
  return rows;
}

export function modelRows(catalog: Catalog): string[][] {
  const rows = [['id', 'attention', 'layers', 'total B', 'active B', 'matmul B', 'published B', 'context']];
  for (const m of catalog.models) {
    const p = countParameters(m.architecture);
    rows.push([
      m.id,
      m.architecture.attention.type,
      String(m.architecture.layers),
      (p.total / 1e9).toFixed(1),
      (p.active / 1e9).toFixed(1),
      (p.activeMatmul / 1e9).toFixed(1),
      m.published
        ? `${(m.published.totalParams / 1e9).toFixed(1)}${m.published.activeParams ? `/${(m.published.activeParams / 1e9).toFixed(1)}` : ''}`
        : '-',
      String(m.architecture.contextLength),
    ]);
  }
  return rows;
}

export function registerCatalog(program: Command, io: Io): void {
  program
    .command('catalog')
    .description(
      'list the catalog: hardware or models, with sources in --json; without a section, the freshness of every table',
    )
    .argument('[section]', 'hardware | models (omit for the as-of dates and recalled facts of every table)')
    .option('--json', 'print the catalog entries as JSON, sources included')
    .option('--stale', 'list the entries whose newest source is older than --months')
    .option('--months <n>', 'age in months beyond which an entry is stale (default 12)')
    .option('--as-of <date>', 'the date ages are counted to, YYYY-MM-DD (default: today)')
    .action(
      (
        section: string | undefined,
        flags: { json?: boolean; stale?: boolean; months?: string; asOf?: string },
      ) => {
        const catalog = loadDefaultCatalog();
        const asOf = parseAsOf(flags.asOf);
        const months = flags.months === undefined ? 12 : parseCount('--months', flags.months, 0);
        if (flags.stale) {
          if (flags.json)
            io.out(
              `${JSON.stringify({ asOf, months, entries: staleEntries(catalog, asOf, months) }, null, 2)}\n`,
            );
          else {
            const rows = staleRows(catalog, asOf, months);
            io.out(`${renderTable(rows, ['left', 'left', 'left', 'right', 'left'])}\n`);
            io.out(
              `${rows.length - 1} entries whose newest source is more than ${months} months before ${asOf}\n`,
            );
          }
          return;
        }
        if (section === undefined) {
          const summary = catalogSummary(catalog, asOf, months);
          if (flags.json) {
            io.out(`${JSON.stringify(summary, null, 2)}\n`);
            return;
          }
          const rows = [['table', 'entries', 'checked', 'newest source']];
          for (const t of summary.tables)
            rows.push([
              t.table,
              String(t.entries),
              t.oldestChecked === undefined
                ? '-'
                : t.oldestChecked === t.newestChecked
                  ? t.oldestChecked
                  : `${t.oldestChecked} to ${t.newestChecked}`,
              t.newestSource || '-',
            ]);
          io.out(`${renderTable(rows, ['left', 'right', 'left', 'left'])}\n`);
          io.out(
            `${summary.stale.count} entries have no source newer than ${months} months (--stale lists them); ${summary.recalled.count} facts are still recalled, not checked (tag U; --json lists them)\n`,
          );
          return;
        }
        const which = parseChoice('section', section, ['hardware', 'models'] as const);
        if (flags.json) {
          const entries =
            which === 'hardware'
              ? catalog.devices
              : catalog.models.map((m) => {
                  const p = countParameters(m.architecture);
                  return {
                    ...m,
                    computed: {
                      totalParams: p.total,
                      activeParams: p.active,
                      activeMatmulParams: p.activeMatmul,
                    },
                  };
                });
          io.out(`${JSON.stringify(entries, null, 2)}\n`);
          return;
        }
        const rows = which === 'hardware' ? hardwareRows(catalog) : modelRows(catalog);
        io.out(
          `${renderTable(rows, ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'])}\n`,
        );
        if (which === 'hardware')
          io.out(
            'TF = dense TFLOPS per device (never sparse); (a-b) = the range where sources disagree; TDP est = an estimate, sys-share = a system share, not chip power; sources: --json\n',
          );
        else
          io.out(
            'total/active computed from the architecture (active includes the input embedding table; matmul excludes it, as DeepSeek counts); published = the model card figure\n',
          );
      },
    );
}
