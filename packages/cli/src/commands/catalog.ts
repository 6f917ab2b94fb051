import { type Catalog, countParameters, formatNumber } from '@clearbox/core';
import { loadDefaultCatalog } from '@clearbox/store';
import type { Command } from 'commander';
import type { Io } from '../io.ts';
import { parseChoice } from '../options.ts';
import { renderTable } from '../render/table.ts';

export function hardwareRows(catalog: Catalog): string[][] {
  const rows = [['id', 'class', 'bf16 TF', 'fp8 TF', 'memory GB', 'GB/s', 'TDP W', 'rent $/h']];
  for (const d of catalog.devices) {
    const t = d.compute.denseTflops;
    const rent = d.prices?.rentalUsdPerHour;
    rows.push([
      d.id,
      d.class,
      t.bf16 !== undefined
        ? formatNumber(t.bf16)
        : t.fp16 !== undefined
          ? `${formatNumber(t.fp16)} (fp16)`
          : t.fp32 !== undefined
            ? `${formatNumber(t.fp32)} (fp32)`
            : '-',
      t.fp8 !== undefined ? formatNumber(t.fp8) : '-',
      formatNumber(d.memory.capacityGB),
      formatNumber(d.memory.bandwidthGBs),
      formatNumber(d.power.tdpWatts),
      rent ? `${rent.low}-${rent.high}` : '-',
    ]);
  }
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
    .description('list the catalog: hardware or models, with sources in --json')
    .argument('<section>', 'hardware | models')
    .option('--json', 'print the catalog entries as JSON, sources included')
    .action((section: string, flags: { json?: boolean }) => {
      const which = parseChoice('section', section, ['hardware', 'models'] as const);
      const catalog = loadDefaultCatalog();
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
        `${renderTable(rows, ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'])}\n`,
      );
      if (which === 'hardware') io.out('TF = dense TFLOPS per device (never sparse); sources: --json\n');
      else
        io.out(
          'total/active computed from the architecture (active includes the input embedding table; matmul excludes it, as DeepSeek counts); published = the model card figure\n',
        );
    });
}
