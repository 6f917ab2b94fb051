import { statSync } from 'node:fs';
import {
  buyerComparisons,
  type Figure,
  formatNumber,
  importLitellm,
  litellmPriceYaml,
  type PriceComparison,
  type PriceRow,
  priceTable,
} from '@clearbox/core';
import { loadDefaultCatalog, readTextFile, writeFileAtomic } from '@clearbox/store';
import type { Command } from 'commander';
import type { Io } from '../io.ts';
import { renderTable } from '../render/table.ts';

const money = (x: number | undefined) => (x === undefined ? '-' : formatNumber(x));
const usd = (f: Figure | undefined) =>
  f === undefined ? '-' : `$${formatNumber(Number(f.value.toPrecision(3)))}`;

function priceRows(rows: PriceRow[]): string[][] {
  const out = [
    [
      'id',
      'provider',
      'api model',
      'effective',
      'until',
      'cur',
      'input',
      'cached',
      'output',
      'USD in',
      'USD cached',
      'USD out',
    ],
  ];
  for (const r of rows) {
    out.push([
      `${r.id}${r.offPeak ? ' *' : ''}`,
      r.provider,
      r.apiModel,
      r.effective,
      r.until ?? '',
      r.currency,
      money(r.inputPerMillion),
      money(r.cachedInputPerMillion),
      money(r.outputPerMillion),
      usd(r.usd.input),
      usd(r.usd.cachedInput),
      usd(r.usd.output),
    ]);
  }
  return out;
}

function comparisonLine(c: PriceComparison): string {
  const f = c.figure;
  const value =
    f.unit === 'fraction'
      ? `${f.value > 0 ? '+' : f.value < 0 ? '−' : '±'}${Math.abs(f.value * 100).toFixed(1)}%`
      : `${(f.value * 100).toPrecision(3)}% (1/${formatNumber(Math.round(1 / f.value))})`;
  return `  ${c.question}: ${value}, ${c.basis}`;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function fileDate(path: string): string {
  return statSync(path).mtime.toISOString().slice(0, 10);
}

function registerImportLitellm(prices: Command, io: Io): void {
  prices
    .command('import-litellm')
    .description(
      "convert LiteLLM's model_prices_and_context_window.json (chat models) into a Clearbox price file",
    )
    .argument('<file>', 'the LiteLLM JSON file (one object keyed by model id, USD per token)')
    .option('--out <file>', 'write the price YAML here (atomically); default: print it')
    .option(
      '--effective <date>',
      'effective date of every imported price, YYYY-MM-DD (LiteLLM has none); default: today',
    )
    .option('--json', 'print the import result (prices, skipped entries, bad rows) as JSON')
    .action((path: string, flags: { out?: string; effective?: string; json?: boolean }) => {
      // Commander hands a flag both commands declare to the parent (`prices --json`) unless the root
      // enables positional options, which program.ts does not: read it from either.
      const json = flags.json === true || prices.opts<{ json?: boolean }>().json === true;
      const file = readTextFile(path);
      const options = { effective: flags.effective ?? today(), sourceDate: fileDate(path) };
      const result = importLitellm(file, options);
      const yaml = litellmPriceYaml(result, file, options);
      if (flags.out !== undefined) writeFileAtomic(flags.out, yaml);
      for (const bad of result.badRows)
        io.err(`clearbox: warning: ${path}: "${bad.key}" ${bad.field}: ${bad.message}\n`);
      if (json) {
        const summary = {
          out: flags.out ?? null,
          ...options,
          prices: result.prices,
          skipped: result.skipped,
          badRows: result.badRows,
        };
        io.out(`${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      if (flags.out === undefined) {
        io.out(yaml);
        return;
      }
      io.out(
        `wrote ${result.prices.length} chat prices to ${flags.out} (effective ${options.effective}); skipped ${result.skipped.length} non-chat entries; ${result.badRows.length} bad fields${result.badRows.length ? ' (listed on stderr)' : ''}\n`,
      );
    });
}

export function registerPrices(program: Command, io: Io): void {
  const prices = program
    .command('prices')
    .description(
      'the API price catalog: list prices per million tokens with USD at each price’s date, and compare them',
    )
    .option('--provider <name>', 'only this provider (deepseek, openai, anthropic, google, groq)')
    .option('--model <id>', 'only prices whose catalog model, API model or id contains this')
    .option(
      '--json',
      'print the price rows and comparisons as JSON, every USD value a Figure with its derivation',
    )
    .action((flags: { provider?: string; model?: string; json?: boolean }) => {
      const catalog = loadDefaultCatalog();
      const rows = priceTable(catalog, { provider: flags.provider, model: flags.model });
      const comparisons = buyerComparisons(catalog);
      if (flags.json) {
        io.out(`${JSON.stringify({ prices: rows, comparisons }, null, 2)}\n`);
        return;
      }
      io.out(
        `${renderTable(priceRows(rows), ['left', 'left', 'left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'])}\n`,
      );
      io.out(
        'per million tokens; cached = cache-hit input; USD at the exchange rate of the effective date; * = off-peak discount (see --json); sources: --json\n',
      );
      if (rows.length === 0) io.out('no prices match the filter\n');
      if (comparisons.length > 0) {
        io.out('\nComparisons (computed from the catalog)\n');
        for (const c of comparisons) io.out(`${comparisonLine(c)}\n`);
      }
    });
  registerImportLitellm(prices, io);
  for (const command of prices.commands)
    command.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
}
