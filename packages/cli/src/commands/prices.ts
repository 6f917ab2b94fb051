import { statSync } from 'node:fs';
import {
  buyerComparisons,
  type Catalog,
  type Figure,
  formatNumber,
  genaiPricesPackage,
  InputError,
  importLitellm,
  litellmPriceYaml,
  type PriceComparison,
  type PriceConflict,
  type PriceLayer,
  type PriceRow,
  priceLayers,
  priceTable,
  type TextFile,
} from '@clearbox/core';
import {
  layeredCatalog,
  loadDefaultCatalog,
  loadShippedCatalog,
  openDatabase,
  PriceTableStore,
  readTextFile,
  storePathFromEnv,
  writeFileAtomic,
} from '@clearbox/store';
import type { Command } from 'commander';
import type { Io } from '../io.ts';
import { parseDate } from '../options.ts';
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
      `${r.id}${r.offPeak ? ' *' : ''}${r.tiers ? ' +' : ''}`,
      r.provider,
      r.apiModel,
      `${r.effectiveBasis === 'in-force' ? '≤' : ''}${r.effective}`,
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

const sideNames: Record<PriceConflict['differences'][number]['side'], string> = {
  inputPerMillion: 'input',
  cachedInputPerMillion: 'cached',
  cacheWritePerMillion: 'cache write',
  outputPerMillion: 'output',
};

function conflictRows(conflicts: readonly PriceConflict[]): string[][] {
  const out = [['provider', 'date', 'used (layer: id)', 'other (layer: id)', 'differs', 'cur']];
  for (const c of conflicts) {
    out.push([
      c.provider,
      c.date,
      `${c.used.layer}: ${c.used.id}`,
      `${c.other.layer}: ${c.other.id}`,
      c.differences
        .map((d) => `${sideNames[d.side]} ${formatNumber(d.used)} vs ${formatNumber(d.other)}`)
        .join(', '),
      c.currency,
    ]);
  }
  return out;
}

/** One line saying where the prices came from: counts per layer, dates, conflicts. */
function layersLine(catalog: Catalog): string {
  const l = catalog.priceLayering;
  if (!l) return '';
  const parts = l.layers.map(
    (x) => `${formatNumber(l.counts[x.layer])} ${x.layer} (${x.label}${x.asOf ? `, as of ${x.asOf}` : ''})`,
  );
  return `${formatNumber(catalog.prices.length)} prices from ${new Set(catalog.prices.map((p) => p.provider)).size} providers: ${parts.join('; ')}; ${l.conflicts.length} conflict${l.conflicts.length === 1 ? '' : 's'} (--conflicts)\n`;
}

const FETCH_TIMEOUT_MS = 60_000;

/** A URL is fetched (a table is ~2 MB); a path is read, so updating works offline from a saved file. */
async function readTable(source: string): Promise<{ file: TextFile; fetched: boolean }> {
  if (!/^https?:\/\//i.test(source)) return { file: readTextFile(source), fetched: false };
  let response: Response;
  try {
    response = await fetch(source, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    throw new InputError(
      `cannot fetch (${error instanceof Error ? error.message : String(error)}); download it and pass the file instead`,
      source,
    );
  }
  if (!response.ok) throw new InputError(`cannot fetch: HTTP ${response.status}`, source);
  return { file: { path: source, text: await response.text() }, fetched: true };
}

function registerUpdate(prices: Command, io: Io): void {
  prices
    .command('update')
    .description(
      `load a newer @pydantic/genai-prices table (its data.json) into the store: the top price layer, used by the CLI and a running server without a release`,
    )
    .argument(
      '<file-or-url>',
      `a saved data.json, or its URL (the package documents ${genaiPricesPackage.remoteDataUrl})`,
    )
    .option(
      '--as-of <date>',
      'the date the table was current, YYYY-MM-DD; default: today for a URL, the file date for a file',
    )
    .option('--db <file>', 'the SQLite store (default: CLEARBOX_DB, else .clearbox/clearbox.db)')
    .option('--json', 'print the saved table and the layering (counts, conflicts) as JSON')
    .action(async (source: string, flags: { asOf?: string; db?: string; json?: boolean }) => {
      const json = flags.json === true || prices.opts<{ json?: boolean }>().json === true;
      if (flags.asOf !== undefined) parseDate('--as-of', flags.asOf);
      const { file, fetched } = await readTable(source);
      const asOf = flags.asOf ?? (fetched ? today() : statSync(source).mtime.toISOString().slice(0, 10));
      const dbPath = flags.db ?? storePathFromEnv();
      const db = openDatabase(dbPath);
      let saved: ReturnType<PriceTableStore['save']>;
      try {
        saved = new PriceTableStore(db).save(file, asOf);
      } finally {
        db.close();
      }
      const catalog = layeredCatalog(loadShippedCatalog(), saved);
      const layering = catalog.priceLayering;
      const storePrices = layering?.counts.store ?? 0;
      if (json) {
        io.out(`${JSON.stringify({ db: dbPath, table: saved.table, layering }, null, 2)}\n`);
        return;
      }
      io.out(
        `saved ${source} as price table #${saved.table.id} in ${dbPath} (as of ${asOf}, ${saved.table.providers} providers, sha256 ${saved.table.sha256.slice(0, 12)})\n`,
      );
      io.out(`store layer: ${formatNumber(storePrices)} prices in use\n${layersLine(catalog)}`);
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
    .option('--layer <name>', `only prices of this layer (${priceLayers.join(', ')})`)
    .option(
      '--conflicts',
      'list where two layers give a price for the same model and date and disagree (the upper one is used)',
    )
    .option(
      '--json',
      'print the price rows and comparisons as JSON, every USD value a Figure with its derivation',
    )
    .action(
      (flags: { provider?: string; model?: string; layer?: string; conflicts?: boolean; json?: boolean }) => {
        const catalog = loadDefaultCatalog();
        if (flags.layer !== undefined && !(priceLayers as readonly string[]).includes(flags.layer))
          throw new InputError(`expected one of ${priceLayers.join(', ')}, got "${flags.layer}"`, '--layer');
        const layer = flags.layer as PriceLayer | undefined;
        if (flags.conflicts) {
          const conflicts = (catalog.priceLayering?.conflicts ?? []).filter(
            (c) => flags.provider === undefined || c.provider === flags.provider.toLowerCase(),
          );
          if (flags.json) {
            io.out(
              `${JSON.stringify({ layers: catalog.priceLayering?.layers ?? [], conflicts }, null, 2)}\n`,
            );
            return;
          }
          io.out(layersLine(catalog));
          if (conflicts.length === 0)
            io.out('no conflicts: where two layers price the same model on the same date, they agree\n');
          else
            io.out(
              `${renderTable(conflictRows(conflicts), ['left', 'left', 'left', 'left', 'left', 'left'])}\n`,
            );
          return;
        }
        const rows = priceTable(catalog, { provider: flags.provider, model: flags.model, layer });
        const comparisons = buyerComparisons(catalog);
        if (flags.json) {
          io.out(
            `${JSON.stringify({ layers: catalog.priceLayering?.layers ?? [], prices: rows, comparisons }, null, 2)}\n`,
          );
          return;
        }
        io.out(
          `${renderTable(priceRows(rows), ['left', 'left', 'left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'])}\n`,
        );
        io.out(
          'per million tokens; cached = cache-hit input; USD at the exchange rate of the effective date; ≤date = in force then, start unknown; * = off-peak discount, + = long-context tiers (see --json); sources: --json\n',
        );
        io.out(layersLine(catalog));
        if (rows.length === 0) io.out('no prices match the filter\n');
        if (comparisons.length > 0) {
          io.out('\nComparisons (computed from the catalog)\n');
          for (const c of comparisons) io.out(`${comparisonLine(c)}\n`);
        }
      },
    );
  registerImportLitellm(prices, io);
  registerUpdate(prices, io);
  for (const command of prices.commands)
    command.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
}
