import { formatNumber } from '../figure/explain.ts';
import { escapeHtml, figureHtml, htmlTable, renderHtmlPage, svgBarChart } from '../report/html.ts';
import type { CalibrationSummary, TailSummary, TestedUnit } from './log-investigation.ts';
import type { LogsSampleRow } from './logs-report.ts';
import type { OverlapResult } from './overlap.ts';

/**
 * The evidence reports as self-contained HTML. They show everything a reviewing expert needs to redo
 * the analysis: the inputs' SHA-256, all parameters and seeds, every test run (not only the significant
 * ones) with effect sizes, intervals and power, the legitimate explanations checked, and the SQL.
 */
interface Provenance {
  clearboxVersion: string;
  generatedAt: string;
  inputs: Array<{ path: string; role: string; sha256: string; bytes: number }>;
  parameters: object;
  statement: string;
  explanationsChecked: string[];
}

/** One request row quoted as evidence behind a flag: the logs report's row, of which the page shows no address. */
export type LogSampleRow = Omit<LogsSampleRow, 'ip'>;

export interface LogsReportView extends Provenance {
  rows: { total: number; valid: number; reference: number; traffic: number };
  malformedRows: {
    count: number;
    byReason: Record<string, number>;
    sample: Array<{ file: string; line: number; reason: string; text: string | null }>;
  };
  tested: { accounts: number; clusters: number; total: number };
  flagged: Array<TestedUnit & { sampleRows: LogSampleRow[] }>;
  clusters: TestedUnit[];
  calibration: CalibrationSummary;
  sql: string[];
}

export type OverlapReportView = Provenance & OverlapResult;

const fmt = (x: number | null | undefined) =>
  x === null || x === undefined || Number.isNaN(x) ? '–' : escapeHtml(formatNumber(x));
const pre = (text: string) => `<pre style="white-space:pre-wrap;font-size:.8rem">${escapeHtml(text)}</pre>`;

function provenanceHtml(r: Provenance): string {
  return `${htmlTable(
    ['role', 'file', 'bytes', 'SHA-256'],
    r.inputs.map((i) => [
      escapeHtml(i.role),
      `<code>${escapeHtml(i.path)}</code>`,
      fmt(i.bytes),
      `<code>${escapeHtml(i.sha256)}</code>`,
    ]),
    [2],
  )}<p>Parameters and seeds:</p>${pre(JSON.stringify(r.parameters, null, 2))}<p class="muted">Clearbox ${escapeHtml(r.clearboxVersion)}, generated ${escapeHtml(r.generatedAt)}.</p>`;
}

const list = (items: string[]) => `<ul>${items.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>`;

function describeTail(t: TailSummary | null): string {
  if (t === null) return 'no generalized Pareto fit was accepted, so the conformal p is used';
  return `${t.exceedances} of ${t.referenceSize} held-out scores above ${fmt(t.threshold)}, shape ${fmt(t.shape)}${t.shapeClamped ? ' (fitted shape < 0, exponential tail used)' : ''}, scale ${fmt(t.scale)}, Anderson-Darling bootstrap p ${fmt(t.fitPValue)}`;
}

function unitLabel(u: TestedUnit): string {
  return u.cluster ? `${u.cluster} (${u.accounts.length} accounts)` : (u.account ?? '');
}

function describeDrivers(u: TestedUnit): string {
  if (u.drivers.length === 0) return 'no single feature holds 5% of the score';
  return u.drivers
    .map(
      (d) =>
        `${d.id} (${d.family}, ${Math.round(100 * d.share)}% of the score, p = ${formatNumber(Math.exp(-d.contribution))})`,
    )
    .join('; ');
}

function featureTable(u: TestedUnit): string {
  const rows = Object.entries(u.features).map(([id, e]) => [
    `<code>${escapeHtml(id)}</code>`,
    fmt(e?.value),
    fmt(e?.p),
    fmt(e?.referenceQuantiles.p50),
    fmt(e?.referenceQuantiles.p95),
    fmt(e?.referenceQuantiles.p99),
  ]);
  return htmlTable(
    ['feature', 'value', 'p', 'reference median', 'ref. 95%', 'ref. 99%'],
    rows,
    [1, 2, 3, 4, 5],
  );
}

export function renderLogsReportHtml(r: LogsReportView): string {
  const flaggedRows = r.flagged.map((f) => [
    escapeHtml(unitLabel(f)),
    fmt(f.pTail),
    fmt(f.p),
    fmt(f.q),
    fmt(f.combinedScore),
    escapeHtml(
      f.accounts.slice(0, 8).join(', ') + (f.accounts.length > 8 ? ` … (${f.accounts.length})` : ''),
    ),
  ]);
  const details = r.flagged
    .slice(0, 50)
    .map(
      (f) =>
        `<details><summary><strong>${escapeHtml(unitLabel(f))}</strong>: p = ${fmt(f.pTail)} (conformal ${fmt(f.p)}), q = ${fmt(f.q)}</summary>${f.links?.length ? `<p>Linked by: ${escapeHtml(f.links.join('; '))}</p>` : ''}<p>Driven by: ${escapeHtml(describeDrivers(f))}</p>${featureTable(f)}${htmlTable(
          ['file', 'line', 'ts', 'account', 'prompt (first 160 chars)', 'in', 'out', 'max'],
          f.sampleRows.map((s) => [
            escapeHtml(s.file),
            fmt(s.line),
            escapeHtml(s.ts ?? ''),
            escapeHtml(s.account ?? ''),
            escapeHtml(s.prompt ?? ''),
            fmt(s.inputTokens),
            fmt(s.outputTokens),
            fmt(s.maxTokens),
          ]),
          [1, 5, 6, 7],
        )}</details>`,
    )
    .join('\n');
  const c = r.calibration;
  const sections = [
    {
      title: 'Finding',
      html: `<p><strong>${escapeHtml(r.statement)}</strong></p><p>${r.flagged.length === 0 ? 'Nothing flagged. ' : ''}${escapeHtml(r.calibration.power.text)}</p><p>Rows: ${fmt(r.rows.total)} read, ${fmt(r.rows.valid)} valid (${fmt(r.rows.reference)} reference, ${fmt(r.rows.traffic)} tested); ${fmt(r.malformedRows.count)} malformed. Tests: ${fmt(r.tested.accounts)} accounts + ${fmt(r.tested.clusters)} clusters = ${fmt(r.tested.total)}, all listed below or counted here.</p>`,
    },
    {
      title: `Flagged at FDR q (${r.flagged.length})`,
      html: `${r.flagged.length ? htmlTable(['unit', 'p (tail)', 'p (conformal)', 'q (BH)', 'combined score', 'accounts'], flaggedRows, [1, 2, 3, 4]) : '<p>None.</p>'}${details}`,
    },
    {
      title: `Clusters of linked accounts (${r.clusters.length}, all tested)`,
      html: r.clusters.length
        ? htmlTable(
            ['cluster', 'accounts', 'p (tail)', 'p (conformal)', 'q', 'linked by'],
            r.clusters.map((u) => [
              escapeHtml(u.cluster ?? ''),
              fmt(u.accounts.length),
              fmt(u.pTail),
              fmt(u.p),
              fmt(u.q),
              escapeHtml((u.links ?? []).join('; ')),
            ]),
            [1, 2, 3, 4],
          )
        : '<p>No accounts share rare templates, IPs or user agents.</p>',
    },
    {
      title: 'Calibration against the benign reference',
      html: `<p>${fmt(c.referenceAccounts)} reference accounts, split by seed into ${fmt(c.calibrationHalf)} (feature calibration) and ${fmt(c.holdoutHalf)} (combined-score calibration). ${escapeHtml(c.combination)}. Smallest attainable conformal account p = ${fmt(c.minimumAccountP)}: on conformal p-values alone Benjamini-Hochberg could flag only when at least ${fmt(c.minimumFlagsForBh)} first-stage tests reach it. ${escapeHtml(c.pValueMethod)}. Account tail: ${escapeHtml(describeTail(c.accountTail))}. A lone account is flagged only at p ≤ q/F (F first-stage tests) = ${fmt(c.loneUnitThreshold)}. Cluster null: ${escapeHtml(c.clusterNull)}.</p>${htmlTable(
        ['feature', 'detector', 'family', 'meaning', 'median', '95%', '99%'],
        c.features.map((f) => [
          `<code>${escapeHtml(f.id)}</code>`,
          escapeHtml(f.detector),
          escapeHtml(f.family),
          escapeHtml(f.description),
          fmt(f.referenceQuantiles.p50),
          fmt(f.referenceQuantiles.p95),
          fmt(f.referenceQuantiles.p99),
        ]),
        [4, 5, 6],
      )}`,
    },
    {
      title: 'Power: what this run could and could not have flagged',
      html: `<p>${escapeHtml(c.power.text)}</p><p class="muted">Method: ${escapeHtml(c.power.method)}.</p>${htmlTable(
        [
          'profile',
          ...(c.power.profiles[0]?.detectable.map(
            (d) => `${d.accounts} account${d.accounts > 1 ? 's' : ''}`,
          ) ?? []),
        ],
        c.power.profiles.map((p) => [
          escapeHtml(p.profile),
          ...p.detectable.map((d) =>
            d.requestsPerAccount === null ? 'not detectable' : `≥ ${fmt(d.requestsPerAccount)} requests each`,
          ),
        ]),
        [],
      )}`,
    },
    {
      title: 'Legitimate explanations checked',
      html: list(r.explanationsChecked),
    },
    {
      title: `Malformed rows (${r.malformedRows.count}, kept out of the statistics, never dropped silently)`,
      html: `${list(Object.entries(r.malformedRows.byReason).map(([k, v]) => `${k}: ${v}`))}${htmlTable(
        ['file', 'line', 'reason', 'text'],
        r.malformedRows.sample.map((s) => [
          escapeHtml(s.file),
          fmt(s.line),
          escapeHtml(s.reason),
          escapeHtml(s.text ?? ''),
        ]),
        [1],
      )}`,
    },
    { title: 'Inputs and parameters', html: provenanceHtml(r) },
    { title: 'SQL run (DuckDB)', html: r.sql.map(pre).join('') },
  ];
  return renderHtmlPage({
    title: 'Clearbox evidence report: API logs',
    subtitle: 'Accounts and clusters unlike benign traffic at a controlled false discovery rate',
    sections,
    footer: `Clearbox ${r.clearboxVersion}; inputs ${r.inputs.map((i) => `${i.path} sha256:${i.sha256.slice(0, 16)}`).join(', ')}.`,
  });
}

export function renderOverlapReportHtml(r: OverlapReportView): string {
  const rows = r.tests.map((t) => [
    `<strong>${escapeHtml(t.id)}</strong> ${escapeHtml(t.name)}${t.corroborationOnly ? ' <span class="badge warn">corroboration only</span>' : ''}`,
    fmt(t.n),
    `${fmt(t.statistic)}<div class="muted">${escapeHtml(t.statisticName)}</div>`,
    fmt(t.effect),
    `[${fmt(t.interval[0])}, ${fmt(t.interval[1])}]`,
    fmt(t.p),
    t.pHolm === null ? '–' : fmt(t.pHolm),
    t.power ? `${fmt(t.power.value)}<div class="muted">${escapeHtml(t.power.note)}</div>` : '–',
  ]);
  const details = r.tests
    .map(
      (t) =>
        `<details><summary><strong>${escapeHtml(t.id)}</strong> ${escapeHtml(t.name)}</summary><p>Effect: ${escapeHtml(t.effectName)}.</p>${t.figures.map((f) => figureHtml(f)).join('')}${pre(JSON.stringify(t.details, null, 2))}${
          t.examples.length ? list(t.examples.map((e) => `${e.promptId}: "${e.text}"`)) : ''
        }</details>`,
    )
    .join('\n');
  const chart = svgBarChart(
    r.tests.map((t) => ({ label: `${t.id} −log10 p`, value: -Math.log10(Math.max(t.p, 1e-300)) })),
    '',
  );
  return renderHtmlPage({
    title: 'Clearbox evidence report: output overlap',
    subtitle: 'Suspect vs teacher, against baseline models answering the same prompts',
    sections: [
      {
        title: 'Finding',
        html: `<p><strong>${escapeHtml(r.statement)}</strong></p><p>Prompts answered by all: ${fmt(r.prompts.common)} (teacher ${fmt(r.prompts.teacher)}, suspect ${fmt(r.prompts.suspect)}, baselines ${r.prompts.baselines.map(fmt).join(', ')}); O3 split A ${fmt(r.prompts.splitA)} / B ${fmt(r.prompts.splitB)}.</p>`,
      },
      {
        title: `All tests run (${r.tests.length})`,
        html: `${htmlTable(['test', 'n', 'statistic', 'effect', 'interval', 'p', 'p (Holm)', 'power'], rows, [1, 2, 3, 5, 6])}${chart}${details}`,
      },
      { title: 'Legitimate explanations checked', html: list(r.explanationsChecked) },
      { title: 'Inputs and parameters', html: provenanceHtml(r) },
    ],
    footer: `Clearbox ${r.clearboxVersion}; inputs ${r.inputs.map((i) => `${i.path} sha256:${i.sha256.slice(0, 16)}`).join(', ')}.`,
  });
}
