import { formatNumber } from '../figure/explain.ts';
import type { Figure } from '../figure/figure.ts';
import { escapeHtml, figureHtml, htmlTable, renderHtmlPage, svgBarChart } from '../report/html.ts';
import type { DecideResult, Plan } from './decide.ts';

/**
 * The decision as Markdown (also what the terminal shows) and as a self-contained HTML page whose every
 * number opens to its derivation. Both read the same DecideResult; nothing is recomputed here.
 */

const usd = (v: number) => `$${Math.round(v).toLocaleString('en-US')}`;
const usdRange = (f: Figure) =>
  f.low !== undefined && f.high !== undefined && (f.low !== f.value || f.high !== f.value)
    ? `${usd(f.value)} (${usd(f.low)}–${usd(f.high)})`
    : usd(f.value);
const perM = (f: Figure) => `$${f.value < 1 ? f.value.toFixed(3) : f.value.toFixed(2)}`;
const seconds = (f: Figure | null) => (f ? `${formatNumber(f.value)} s` : 'n/a');
const tokens = (v: number) => `${formatNumber(v / 1e6)} M`;

function planRow(p: Plan): string[] {
  return [
    p.kind,
    p.label,
    usdRange(p.monthlyUsd),
    perM(p.usdPerMillionTokens),
    seconds(p.ttftSeconds),
    seconds(p.tpotSeconds),
    p.meetsSlo === null ? 'not checked' : p.meetsSlo ? 'yes' : 'no',
  ];
}

const planHeader = ['kind', 'plan', 'USD/month (low–high)', 'USD/Mtok', 'TTFT', 'TPOT', 'meets SLO'];

function mdTable(header: string[], rows: string[][]): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

function labelOf(r: DecideResult, id: string): string {
  return [...r.api, ...r.selfHost].find((p) => p.id === id)?.label ?? id;
}

export function renderDecideMarkdown(
  r: DecideResult,
  options: { frontier?: number; runnersUp?: number } = {},
): string {
  const t = r.traffic;
  const out: string[] = [];
  out.push(`# Decide: ${r.workload}`);
  out.push('');
  out.push(
    `${formatNumber(t.requestsPerMonth.value)} requests/month, ${tokens(t.tokensPerMonth.value)} tokens/month; peak ${formatNumber(t.peakRequestsPerSecond.value)} requests/s (peak-to-average ${formatNumber(t.peakToAverage.value)}); API prices as of ${r.asOf ?? 'n/a'}.`,
  );
  out.push('');
  out.push('## Answer');
  out.push('');
  for (const line of r.best.why) out.push(`- ${line}`);
  const bestRows: string[][] = [];
  for (const [name, p] of [
    ['API', r.best.api],
    ['rent', r.best.rent],
    ['buy', r.best.buy],
  ] as const) {
    if (p)
      bestRows.push([
        name,
        p.label,
        usdRange(p.monthlyUsd),
        perM(p.usdPerMillionTokens),
        usd(p.horizonUsd.value),
      ]);
    else bestRows.push([name, 'none', '', '', '']);
  }
  out.push('');
  out.push(mdTable(['cheapest', 'plan', 'USD/month (low–high)', 'USD/Mtok', 'over the horizon'], bestRows));
  out.push('');
  out.push('## API options');
  out.push('');
  out.push(
    r.api.length ? mdTable(planHeader, r.api.map(planRow)) : 'No API price serves an acceptable model.',
  );
  out.push('');
  out.push('## Self-hosting options (cheapest first)');
  out.push('');
  out.push(
    r.selfHost.length
      ? mdTable(
          [...planHeader, 'utilization'],
          r.selfHost.map((p) => [...planRow(p), `${(p.utilization.value * 100).toFixed(0)}%`]),
        )
      : 'No self-hosting plan meets the SLO (see why below).',
  );
  out.push('');
  const frontierMax = options.frontier ?? 10;
  out.push(
    `## Cost vs latency frontier (${r.frontier.length} plans${r.frontier.length > frontierMax ? `, first ${frontierMax}` : ''})`,
  );
  out.push('');
  out.push(
    mdTable(
      ['plan', 'USD/month', 'TTFT', 'TPOT'],
      r.frontier
        .slice(0, frontierMax)
        .map((p) => [p.label, usd(p.monthlyUsd.value), seconds(p.ttftSeconds), seconds(p.tpotSeconds)]),
    ),
  );
  out.push('');
  out.push('## Break-even volume (self-hosting cheaper above)');
  out.push('');
  out.push(
    r.breakEven.length
      ? mdTable(
          ['self-hosting plan', 'API', 'tokens/month', 'note'],
          r.breakEven.map((b) => [
            labelOf(r, b.selfHost),
            labelOf(r, b.api),
            b.tokensPerMonth ? tokens(b.tokensPerMonth.value) : 'never',
            b.note,
          ]),
        )
      : 'No pair to compare.',
  );
  out.push('');
  if (r.sensitivity.length) {
    out.push('## Sensitivity (search rerun per scenario)');
    out.push('');
    const cell = (f: Figure | null) => (f ? usd(f.value) : 'none');
    out.push(
      mdTable(
        ['scenario', 'API', 'rent', 'buy', 'cheapest'],
        r.sensitivity.map((s) => [
          s.scenario,
          cell(s.apiMonthlyUsd),
          cell(s.rentMonthlyUsd),
          cell(s.buyMonthlyUsd),
          s.cheapestLabel,
        ]),
      ),
    );
    out.push('');
  }
  const maxRunners = options.runnersUp ?? 15;
  const counts = new Map<string, number>();
  for (const x of r.runnersUp) counts.set(x.lostOn, (counts.get(x.lostOn) ?? 0) + 1);
  out.push(
    `## Why the others lost (${[...counts].map(([k, v]) => `${v} on ${k}`).join(', ') || 'none'}${r.runnersUp.length > maxRunners ? `; first ${maxRunners}` : ''})`,
  );
  out.push('');
  out.push(
    mdTable(
      ['option', 'lost on', 'detail'],
      r.runnersUp.slice(0, maxRunners).map((x) => [x.option, x.lostOn, x.detail]),
    ),
  );
  out.push('');
  const s = r.search;
  out.push(
    `Search: ${s.models.length} models × ${s.devices} devices; ${s.configurations.toLocaleString('en-US')} configurations (${s.prunedByWeights.toLocaleString('en-US')} pruned before evaluation), ${s.plansEvaluated.toLocaleString('en-US')} plans evaluated, ${s.plansMeetingSlo.toLocaleString('en-US')} meet the SLO (${s.candidatesMeetingSlo.toLocaleString('en-US')} priced candidates, one per plan and acquisition mode).`,
  );
  for (const w of r.warnings) out.push(`\nwarning: ${w}`);
  return `${out.join('\n')}\n`;
}

function planHtmlRow(p: Plan): string[] {
  return [
    escapeHtml(p.kind),
    escapeHtml(p.label),
    figureHtml(p.monthlyUsd),
    figureHtml(p.usdPerMillionTokens),
    p.ttftSeconds ? figureHtml(p.ttftSeconds) : '<span class="muted">not in catalog</span>',
    p.tpotSeconds ? figureHtml(p.tpotSeconds) : '<span class="muted">not in catalog</span>',
    p.meetsSlo === null
      ? '<span class="badge muted">not checked</span>'
      : p.meetsSlo
        ? '<span class="badge ok">yes</span>'
        : '<span class="badge bad">no</span>',
  ];
}

export function renderDecideHtml(r: DecideResult): string {
  const t = r.traffic;
  const best = [r.best.api, r.best.rent, r.best.buy].filter((p): p is Plan => p !== null);
  const sections = [
    {
      title: 'Answer',
      html: `<ul>${r.best.why.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>
${svgBarChart(
  best.map((p) => ({
    label: `${p.kind}: ${p.label.slice(0, 38)}`,
    value: p.monthlyUsd.value,
    ...(p.monthlyUsd.low === undefined ? {} : { low: p.monthlyUsd.low }),
    ...(p.monthlyUsd.high === undefined ? {} : { high: p.monthlyUsd.high }),
  })),
  'USD/month',
)}
<p>Traffic: ${figureHtml(t.requestsPerMonth)} ${figureHtml(t.tokensPerMonth)} ${figureHtml(t.peakRequestsPerSecond)}</p>`,
    },
    { title: 'API options', html: htmlTable(planHeader, r.api.map(planHtmlRow)) },
    {
      title: 'Self-hosting options (cheapest first)',
      html: htmlTable(
        [...planHeader, 'utilization'],
        r.selfHost.map((p) => [...planHtmlRow(p), figureHtml(p.utilization)]),
      ),
    },
    {
      title: 'Cost vs latency frontier',
      html: htmlTable(
        ['plan', 'USD/month', 'TTFT', 'TPOT'],
        r.frontier.map((p) => [
          escapeHtml(p.label),
          figureHtml(p.monthlyUsd),
          figureHtml(p.ttftSeconds),
          figureHtml(p.tpotSeconds),
        ]),
      ),
    },
    {
      title: 'Break-even volume',
      html: htmlTable(
        ['self-hosting plan', 'API', 'tokens/month', 'note'],
        r.breakEven.map((b) => [
          escapeHtml(labelOf(r, b.selfHost)),
          escapeHtml(labelOf(r, b.api)),
          b.tokensPerMonth ? figureHtml(b.tokensPerMonth) : 'never',
          escapeHtml(b.note),
        ]),
      ),
    },
    {
      title: 'Sensitivity',
      html: htmlTable(
        ['scenario', 'API', 'rent', 'buy', 'cheapest'],
        r.sensitivity.map((s) => [
          escapeHtml(s.scenario),
          s.apiMonthlyUsd ? figureHtml(s.apiMonthlyUsd) : 'none',
          s.rentMonthlyUsd ? figureHtml(s.rentMonthlyUsd) : 'none',
          s.buyMonthlyUsd ? figureHtml(s.buyMonthlyUsd) : 'none',
          escapeHtml(s.cheapestLabel),
        ]),
      ),
    },
    {
      title: 'Why the others lost',
      html: htmlTable(
        ['option', 'lost on', 'detail'],
        r.runnersUp.map((x) => [escapeHtml(x.option), escapeHtml(x.lostOn), escapeHtml(x.detail)]),
      ),
    },
    {
      title: 'Assumptions for owned hardware',
      html: `<ul>${Object.values(r.assumptions)
        .map((f) => `<li>${figureHtml(f)}</li>`)
        .join('')}</ul>`,
    },
  ];
  return renderHtmlPage({
    title: `Decide: ${r.workload}`,
    subtitle: `API vs self-hosting; API prices as of ${r.asOf ?? 'n/a'}`,
    sections,
    footer: `${r.search.plansEvaluated} plans evaluated over ${r.search.models.length} models and ${r.search.devices} devices.`,
  });
}
