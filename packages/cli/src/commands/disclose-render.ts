import type { DisclosureReport, Figure } from '@clearbox/core';
import { renderTable } from '../render/table.ts';

export function usd(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `$${(value / 1e9).toPrecision(3)}B`;
  if (abs >= 1e6) return `$${(value / 1e6).toPrecision(4)}M`;
  if (abs >= 1e3) return `$${(value / 1e3).toPrecision(3)}k`;
  return `$${value.toFixed(2)}`;
}

/** A total with its P10–P90 range, e.g. "$5.576M [$4.1M–$9.3M]". */
export function usdText(f: Figure): string {
  const ranged = f.low !== undefined && f.high !== undefined && (f.low !== f.value || f.high !== f.value);
  return ranged ? `${usd(f.value)} [${usd(f.low ?? 0)}–${usd(f.high ?? 0)}]` : usd(f.value);
}

export function completenessText(r: DisclosureReport): string {
  const rows = [['stage', 'status', 'items']];
  for (const s of r.completeness.stages) rows.push([s.stage, s.status, String(s.items)]);
  return `completeness ${Math.round(r.completeness.score.value * 100)}% (disclosed 1, estimated ½, missing 0 per applicable stage)\n${renderTable(rows, ['left', 'left', 'right'])}`;
}

export function flagsText(r: DisclosureReport): string {
  if (r.flags.length === 0) return 'flags: none';
  return `flags:\n${r.flags.map((f) => `  ${f.id}: ${f.message}`).join('\n')}`;
}

/** The human report: bases with ranges, what cannot be computed, completeness, flags, cross-checks. */
export function renderReportText(r: DisclosureReport): string {
  const d = r.disclosure;
  const rows = [['basis', 'total (P10–P90)', 'P50', 'cash', 'technical / commercial']];
  for (const b of r.bases)
    rows.push([
      b.label,
      usdText(b.total),
      usd(b.percentiles.p50),
      b.cash ? usd(b.cash.value) : '',
      `${usd(b.technical)} / ${usd(b.commercial)}`,
    ]);
  const lines = [
    `${d.model} — ${d.publisher}, report ${d.id} (${d.status}), ${d.period.start} to ${d.period.end}; USD, nominal`,
    '',
    renderTable(rows, ['left', 'right', 'right', 'right', 'right']),
  ];
  for (const u of r.unavailableBases) lines.push(`not computable: ${u.label} (${u.reason})`);
  lines.push('', completenessText(r), '', flagsText(r), '');
  lines.push(r.findings.length ? 'cross-checks:' : 'cross-checks: none apply (give quantities)');
  for (const f of r.findings) lines.push(`  [${f.severity}] ${f.check}: ${f.message}`);
  for (const [kind, f] of Object.entries(r.revenue))
    if (f)
      lines.push(
        `revenue (${kind}, not a cost basis): ${usd(f.value)}${f.unit === 'USD' ? '' : ` ${f.unit.replace('USD/', 'per ')}`}`,
      );
  lines.push(
    '',
    `Monte Carlo ${r.options.draws} draws, seed ${r.options.seed}; lifecycle ${r.options.years} years. --json or --out report.html for every derivation.`,
  );
  return `${lines.join('\n')}\n`;
}
