import { formatFigure } from '../figure/explain.ts';
import { escapeHtml, figureHtml, htmlTable, renderHtmlPage } from '../report/html.ts';
import type { AuditReport } from './audit.ts';
import { type Verdict, verdicts } from './verdict.ts';

/** How each verdict looks: a word, an icon and a colour class of the shared report style. */
export const verdictStyle: Record<Verdict, { icon: string; cls: string; label: string }> = {
  holds: { icon: '✔', cls: 'ok', label: 'holds' },
  'holds-on-basis': { icon: '◐', cls: 'warn', label: 'holds on a basis' },
  plausible: { icon: '≈', cls: 'ok', label: 'plausible' },
  misleading: { icon: '⚠', cls: 'warn', label: 'misleading' },
  false: { icon: '✘', cls: 'bad', label: 'false' },
  implausible: { icon: '⛔', cls: 'bad', label: 'implausible' },
  unverifiable: { icon: '?', cls: 'muted', label: 'unverifiable' },
};

function summaryLine(report: AuditReport): string {
  return verdicts
    .filter((v) => report.summary[v] > 0)
    .map((v) => `${report.summary[v]} ${verdictStyle[v].label}`)
    .join(', ');
}

/** A self-contained HTML page: a verdict table, each row expandable to its explanation and derivations. */
export function auditHtml(report: AuditReport, footer?: string): string {
  const rows = report.results.map((r) => {
    const s = verdictStyle[r.verdict];
    const badge = `<span class="badge ${s.cls}">${s.icon} ${escapeHtml(s.label)}</span>${r.qualifiers
      .map((q) => ` <span class="badge muted" title="${escapeHtml(q.text)}">${escapeHtml(q.id)}</span>`)
      .join('')}`;
    const source = `${r.source.url ? `<a href="${escapeHtml(r.source.url)}">${escapeHtml(r.source.title)}</a>` : escapeHtml(r.source.title)} (${escapeHtml(r.source.date)})`;
    const detail = `<details><summary>${escapeHtml(r.text)}</summary><p class="note">About: ${escapeHtml(r.about.text)}</p><p>${escapeHtml(r.explanation)}</p>${
      r.qualifiers.length
        ? `<ul class="note">${r.qualifiers.map((q) => `<li>${escapeHtml(q.id)}: ${escapeHtml(q.text)}</li>`).join('')}</ul>`
        : ''
    }${
      r.sensitivity.length
        ? `<p class="note">Sensitivity:</p><ul class="note">${r.sensitivity.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`
        : ''
    }${
      r.assumptions.length
        ? `<p class="note">Assumptions that would change the verdict:</p><ul class="note">${r.assumptions.map((a) => `<li>${escapeHtml(a)}</li>`).join('')}</ul>`
        : ''
    }<div>${r.figures.map((f) => figureHtml(f)).join('')}</div><p class="src">Source of the claim: ${source}</p></details>`;
    return [`<code>${escapeHtml(r.id)}</code>`, escapeHtml(r.kind), badge, detail];
  });
  const sections = [
    {
      title: 'Verdicts',
      html: `<p>${escapeHtml(summaryLine(report))}</p>${htmlTable(['claim', 'check', 'verdict', 'claim and evidence (click to expand)'], rows)}`,
    },
  ];
  if (report.issues.length > 0)
    sections.push({
      title: 'Input problems (these claims were not evaluated)',
      html: `<ul>${report.issues.map((i) => `<li class="bad"><code>${escapeHtml(i.where)}</code>: ${escapeHtml(i.message)}</li>`).join('')}</ul>`,
    });
  return renderHtmlPage({
    title: 'Clearbox audit',
    subtitle: `${report.file}: ${report.results.length} claims checked`,
    sections,
    ...(footer === undefined ? {} : { footer }),
  });
}

/** The same report as Markdown. */
export function auditMarkdown(report: AuditReport): string {
  const cell = (t: string) => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    `# Clearbox audit: ${report.file}`,
    '',
    summaryLine(report),
    '',
    '| claim | check | verdict |',
    '| --- | --- | --- |',
    ...report.results.map(
      (r) =>
        `| ${cell(r.id)} | ${r.kind} | ${verdictStyle[r.verdict].icon} ${r.verdict}${r.qualifiers.length ? ` (${r.qualifiers.map((q) => q.id).join(', ')})` : ''} |`,
    ),
    '',
  ];
  for (const r of report.results) {
    lines.push(
      `## ${r.id}: ${verdictStyle[r.verdict].icon} ${r.verdict}`,
      '',
      `> ${r.text}`,
      '',
      `About: ${r.about.text}.`,
      '',
      r.explanation,
      '',
    );
    if (r.qualifiers.length) lines.push(...r.qualifiers.map((q) => `- **${q.id}**: ${q.text}`), '');
    if (r.sensitivity.length) lines.push('Sensitivity:', ...r.sensitivity.map((l) => `- ${l}`), '');
    if (r.figures.length)
      lines.push(...r.figures.map((f) => `- \`${f.name}\` = ${formatFigure(f)} (${f.formula})`), '');
    if (r.assumptions.length)
      lines.push('Assumptions that would change the verdict:', ...r.assumptions.map((a) => `- ${a}`), '');
    lines.push(`Source: ${r.source.title}${r.source.url ? ` <${r.source.url}>` : ''} (${r.source.date})`, '');
  }
  if (report.issues.length)
    lines.push('## Input problems', '', ...report.issues.map((i) => `- \`${i.where}\`: ${i.message}`), '');
  return `${lines.join('\n')}\n`;
}
