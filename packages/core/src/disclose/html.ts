import { formatFigure, formatNumber } from '../figure/explain.ts';
import { escapeHtml, figureHtml, htmlTable, renderHtmlPage } from '../report/html.ts';
import type { BasisResult, DisclosureReport } from './report.ts';
import { STAGES, type Stage } from './schema.ts';

/** One colour per stage, the same in every chart and legend (colour-blind-safe Tableau 10). */
export const STAGE_COLOURS: Record<Stage, string> = {
  hardware: '#4e79a7',
  'final-run': '#f28e2b',
  experiments: '#e15759',
  data: '#76b7b2',
  staff: '#59a14f',
  energy: '#edc948',
  deployment: '#b07aa1',
  operations: '#ff9da7',
  commercial: '#9c755f',
};

export function usd(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `$${(value / 1e9).toPrecision(3)}B`;
  if (abs >= 1e6) return `$${(value / 1e6).toPrecision(4)}M`;
  if (abs >= 1e3) return `$${(value / 1e3).toPrecision(3)}k`;
  return `$${formatNumber(value)}`;
}

export function usdRange(b: BasisResult): string {
  const { low, high } = b.total;
  return low === undefined || high === undefined || (low === b.total.value && high === b.total.value)
    ? usd(b.total.value)
    : `${usd(b.total.value)} (P10–P90 ${usd(low)}–${usd(high)})`;
}

/**
 * Cost by stage per basis as stacked horizontal bars in inline SVG, with the P10–P90 range as a
 * whisker. Bases on very different scales (a fleet's billions beside a run's millions) would flatten
 * each other, so the chart's scale is set by the bases shown and the fleet basis is drawn apart.
 */
export function stackedBasisChart(bases: readonly BasisResult[]): string {
  if (bases.length === 0) return '<p class="muted">No basis to chart.</p>';
  const width = 760;
  const labelWidth = 270;
  const row = 30;
  const max = Math.max(1e-9, ...bases.map((b) => Math.max(b.total.value, b.total.high ?? 0)));
  const x = (v: number) => labelWidth + ((width - labelWidth - 110) * v) / max;
  const rows = bases
    .map((b, i) => {
      const y = 10 + i * row;
      let at = 0;
      const segments = b.stages
        .filter((s) => s.total.value > 0)
        .map((s) => {
          const x0 = x(at);
          at += s.total.value;
          const w = Math.max(0, x(at) - x0);
          return `<rect x="${x0.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="16" fill="${STAGE_COLOURS[s.stage]}"><title>${escapeHtml(`${s.stage}: ${usd(s.total.value)}`)}</title></rect>`;
        })
        .join('');
      const whisker =
        b.total.low !== undefined && b.total.high !== undefined && b.total.high > b.total.low
          ? `<line x1="${x(b.total.low).toFixed(1)}" x2="${x(b.total.high).toFixed(1)}" y1="${y + 11}" y2="${y + 11}" stroke="#1b1f24" stroke-width="1.5"/><line x1="${x(b.total.low).toFixed(1)}" x2="${x(b.total.low).toFixed(1)}" y1="${y + 6}" y2="${y + 16}" stroke="#1b1f24"/><line x1="${x(b.total.high).toFixed(1)}" x2="${x(b.total.high).toFixed(1)}" y1="${y + 6}" y2="${y + 16}" stroke="#1b1f24"/>`
          : '';
      const end = x(Math.max(b.total.value, b.total.high ?? 0));
      return `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(b.label)}</text>${segments}${whisker}<text x="${(end + 6).toFixed(1)}" y="${y + 15}">${escapeHtml(usd(b.total.value))}</text>`;
    })
    .join('');
  const used = STAGES.filter((s) =>
    bases.some((b) => b.stages.some((x) => x.stage === s && x.total.value > 0)),
  );
  const legendY = 14 + bases.length * row;
  const legend = used
    .map(
      (s, i) =>
        `<rect x="${labelWidth + (i % 5) * 95}" y="${legendY + Math.floor(i / 5) * 18}" width="12" height="12" fill="${STAGE_COLOURS[s]}"/><text x="${labelWidth + (i % 5) * 95 + 16}" y="${legendY + Math.floor(i / 5) * 18 + 10}">${escapeHtml(s)}</text>`,
    )
    .join('');
  const height = legendY + Math.ceil(used.length / 5) * 18 + 8;
  return `<svg role="img" aria-label="cost by stage per accounting basis" viewBox="0 0 ${width} ${height}" width="100%">${rows}${legend}</svg>`;
}

const statusBadge = { disclosed: 'ok', estimated: 'warn', missing: 'bad', 'not-applicable': 'n/a' } as const;

const badge = (severity: string) => {
  const cls = severity === 'ok' ? 'ok' : severity === 'bad' ? 'bad' : severity === 'warn' ? 'warn' : 'muted';
  return `<span class="badge ${cls}">${escapeHtml(severity)}</span>`;
};

/** The report as one self-contained HTML file: no script, no network, every number expandable. */
export function renderDisclosureHtml(report: DisclosureReport): string {
  // Company-wide bases never share a chart (or a scale) with a model's cost.
  const isFleet = (b: { id: string }) => b.id === 'fleet-period' || b.id === 'fleet-ownership-total';
  const model = report.bases.filter((b) => !isFleet(b));
  const fleet = report.bases.filter(isFleet);
  const basisRows = report.bases.map((b) => [
    escapeHtml(b.label),
    figureHtml(b.total),
    escapeHtml(`${usd(b.percentiles.p10)} / ${usd(b.percentiles.p50)} / ${usd(b.percentiles.p90)}`),
    b.cash ? figureHtml(b.cash) : '<span class="muted">same</span>',
    escapeHtml(`${usd(b.technical)} / ${usd(b.commercial)}`),
  ]);
  const unavailable = report.unavailableBases.length
    ? `<p class="muted">Not computable from this disclosure: ${report.unavailableBases
        .map((u) => `${escapeHtml(u.label)} (${escapeHtml(u.reason)})`)
        .join('; ')}.</p>`
    : '';
  const stageTables = report.bases
    .map(
      (b) =>
        `<h3>${escapeHtml(b.label)}</h3><p class="muted">${escapeHtml(b.description)}</p>${htmlTable(
          ['stage', 'total (expand for items)'],
          b.stages.map((s) => [escapeHtml(s.stage), figureHtml(s.total)]),
        )}`,
    )
    .join('\n');
  const completeness = htmlTable(
    ['stage', 'status', 'items'],
    report.completeness.stages.map((s) => [
      `<span style="color:${STAGE_COLOURS[s.stage]}">■</span> ${escapeHtml(s.stage)}`,
      `${badge(statusBadge[s.status])} ${escapeHtml(s.status)}`,
      String(s.items),
    ]),
    [2],
  );
  const flags = report.flags.length
    ? `<ul>${report.flags
        .map(
          (f) =>
            `<li>${badge('warn')} <strong>${escapeHtml(f.id)}</strong>: ${escapeHtml(f.message)}${f.items.length ? ` <span class="muted">(${escapeHtml(f.items.slice(0, 12).join(', '))}${f.items.length > 12 ? ', …' : ''})</span>` : ''}</li>`,
        )
        .join('')}</ul>`
    : '<p class="ok">No flags.</p>';
  const findings = report.findings.length
    ? htmlTable(
        ['check', 'result', 'finding', 'derivation'],
        report.findings.map((f) => [
          escapeHtml(f.check),
          badge(f.severity),
          escapeHtml(f.message),
          f.figures.map((g) => figureHtml(g)).join(''),
        ]),
      )
    : '<p class="muted">No cross-check applies: give quantities (hardware, GPUs, days, tokens or FLOPs, energy).</p>';
  const revenue = Object.values(report.revenue).length
    ? `<p>${Object.entries(report.revenue)
        .map(([k, f]) => `${escapeHtml(k)} revenue: ${f ? figureHtml(f) : ''}`)
        .join(
          '<br>',
        )}</p><p class="muted">Revenue is reported apart and never netted against a cost basis.</p>`
    : '';
  const d = report.disclosure;
  return renderHtmlPage({
    title: `${d.model}: cost disclosure`,
    subtitle: `${d.publisher} · report ${d.id} (${d.status}) · period ${d.period.start} to ${d.period.end} · all amounts USD, nominal`,
    sections: [
      {
        title: 'Accounting bases',
        html: `${stackedBasisChart(model)}${fleet.length ? `<p class="muted">Company-wide fleet bases (not model costs), on their own scale:</p>${stackedBasisChart(fleet)}` : ''}${htmlTable(
          ['basis', 'total (point, P10–P90)', 'P10 / P50 / P90', 'cash (billed)', 'technical / commercial'],
          basisRows,
        )}${unavailable}`,
      },
      {
        title: 'Completeness',
        html: `<p>Score: ${figureHtml(report.completeness.score)} (${escapeHtml(formatFigure(report.completeness.score))})</p>${completeness}`,
      },
      { title: 'Flags', html: flags },
      { title: 'Cross-checks against physics and the market', html: findings },
      ...(revenue ? [{ title: 'Revenue (not a cost basis)', html: revenue }] : []),
      { title: 'Each basis by stage', html: stageTables },
    ],
    footer: `Monte Carlo: ${report.options.draws} draws, seed ${report.options.seed}; lifecycle ${report.options.years} years.`,
  });
}
