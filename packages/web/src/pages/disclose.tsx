import {
  ClearboxError,
  DISCLOSURE_TEMPLATE,
  type DisclosureReport,
  disclosureToYaml,
  importFocus,
  renderDisclosureHtml,
  type TextFile,
} from '@clearbox/core';
import { useId, useMemo, useRef, useState } from 'preact/hooks';
import { defaultEstimator } from '../catalog-data.ts';
import { DocumentField, DocumentUpload } from '../components/document-field.tsx';
import { FigureStat, FigureTree } from '../components/figure-view.tsx';
import { FlagForm } from '../components/flag-form.tsx';
import { SavedItems } from '../components/saved-items.tsx';
import { StaleNote } from '../components/stale-note.tsx';
import { TableExport } from '../components/table-export.tsx';
import { useFlagValues } from '../components/use-flag-values.ts';
import { useSettled } from '../components/use-settled.ts';
import { BasisCharts } from '../disclose/basis-charts.tsx';
import {
  compareFields,
  compareOptionsFrom,
  focusFields,
  focusOptionsFrom,
  reportFields,
  reportOptionsFrom,
} from '../disclose/disclose-options.ts';
import { compareWithReferences } from '../disclose/disclosure-compare.ts';
import { computeDisclosureView, type DisclosureView } from '../disclose/disclosure-view.ts';
import { referenceDisclosures } from '../disclose/reference-disclosures.ts';
import { formatUsd, usdRange, usdWithRange } from '../format.ts';
import { useHashDocument } from '../url-state.ts';

/** Evaluating a large disclosure takes tens of ms (10,000 Monte Carlo draws): wait for a pause in typing. */
const TYPING_PAUSE_MS = 250;

export function DisclosePage() {
  const estimator = defaultEstimator();
  const references = referenceDisclosures();
  const template: TextFile = { path: 'template.yaml', text: DISCLOSURE_TEMPLATE };
  const [file, setFile] = useHashDocument('disclosure', [...references, template], references[0] ?? template);
  const [reportValues, setReportValues] = useFlagValues('report', reportFields, {});
  const reportRead = useMemo(() => reportOptionsFrom(reportValues), [reportValues]);
  const [committed, setCommitted] = useSettled(file, TYPING_PAUSE_MS);
  const view = useMemo(
    () =>
      reportRead.errors.length ? undefined : computeDisclosureView(estimator, committed, reportRead.options),
    [estimator, committed, reportRead],
  );
  const shown = useLastReport(view);
  const referenceId = useId();
  const [reference, setReference] = useState(references[0]?.path ?? '');

  const load = (next: TextFile) => {
    setFile(next);
    setCommitted(next); // a loaded file is complete: no need to wait for typing to stop
  };
  return (
    <>
      <h1>Disclose</h1>
      <p class="lede">
        Check an AI cost disclosure against the Clearbox format and see every accounting basis side by side,
        with completeness and cross-checks. Paste or upload YAML or JSON, start from the template or a
        reference disclosure, or draft one from a FOCUS cloud bill. It is checked in your browser; only saving
        sends it to the server.
      </p>
      <div class="form">
        <div class="field">
          <label for={referenceId}>Reference disclosure</label>
          <select
            id={referenceId}
            value={reference}
            onChange={(e) => setReference((e.currentTarget as HTMLSelectElement).value)}
          >
            {references.map((r) => (
              <option key={r.path} value={r.path}>
                {r.path.split('/').pop()}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <span class="help">&nbsp;</span>
          <button type="button" onClick={() => load(references.find((r) => r.path === reference) ?? file)}>
            Load reference
          </button>
        </div>
        <div class="field">
          <span class="help">&nbsp;</span>
          <button type="button" onClick={() => load(template)}>
            Start from the template
          </button>
        </div>
        <div class="field">
          <DocumentUpload label="Upload a disclosure (YAML or JSON)" testId="disclose-upload" onLoad={load} />
        </div>
      </div>
      <FocusImport onImported={load} />
      <DocumentField label="Disclosure" testId="disclose-text" rows={16} file={file} onChange={setFile} />
      <FlagForm
        fields={reportFields}
        values={reportValues}
        errors={reportRead.errors}
        onChange={(flag, v) => setReportValues({ ...reportValues, [flag]: v })}
        prefix="disclose"
        command={`disclose report ${file.path.split('/').pop()}`}
        label="Report options"
      />
      <SavedItems
        collection="disclosures"
        label="disclosure"
        testId="disclose-saved"
        content={() => (view?.kind === 'report' ? view.data : { text: file.text })}
        accepts={(c) => typeof c === 'object' && c !== null}
        onLoad={(content, item) =>
          load({
            path: `${item.name}.json`,
            text:
              typeof (content as { text?: unknown }).text === 'string'
                ? (content as { text: string }).text
                : JSON.stringify(content, null, 2),
          })
        }
      />
      {view && view.kind !== 'report' && <DisclosureResult view={view} text={committed.text} />}
      <StaleNote shown={view?.kind !== 'report' && shown !== undefined} what="field or line" />
      {shown && <DisclosureReportView report={shown} stale={view?.kind !== 'report'} />}
      <DisclosureCompare
        report={view?.kind === 'report' ? view.report : undefined}
        references={references}
        options={reportRead.errors.length ? {} : reportRead.options}
      />
    </>
  );
}

/** The last report that computed: a mistake in the disclosure or an option keeps it on screen, marked. */
function useLastReport(view: DisclosureView | undefined): DisclosureReport | undefined {
  const last = useRef<DisclosureReport | undefined>(undefined);
  if (view?.kind === 'report') last.current = view.report;
  else if (view?.kind === 'empty') last.current = undefined;
  return last.current;
}

/** `clearbox disclose import-focus BILL.csv` in the browser: a FOCUS cost export becomes a draft disclosure. */
function FocusImport({ onImported }: { onImported: (file: TextFile) => void }) {
  const [values, setValues] = useFlagValues('focus', focusFields, {});
  const read = useMemo(() => focusOptionsFrom(values), [values]);
  const [status, setStatus] = useState<{ error: boolean; text: string } | undefined>();
  const fileId = useId();
  return (
    <details class="more-options" data-testid="focus-import">
      <summary>
        Draft a disclosure from a FOCUS cloud bill{' '}
        <span class="muted">(FinOps FOCUS 1.x CSV, read here)</span>
      </summary>
      <FlagForm
        fields={focusFields}
        values={values}
        errors={read.errors}
        onChange={(flag, v) => setValues({ ...values, [flag]: v })}
        prefix="focus"
        command="disclose import-focus BILL.csv"
        label="FOCUS import options"
      />
      <div class="field">
        <label for={fileId}>FOCUS export (.csv)</label>
        <input
          id={fileId}
          type="file"
          accept=".csv,text/csv"
          data-testid="focus-upload"
          aria-describedby={status ? `${fileId}-status` : undefined}
          onChange={async (e) => {
            const chosen = (e.currentTarget as HTMLInputElement).files?.[0];
            if (!chosen) return;
            const result = draftFromFocus({ path: chosen.name, text: await chosen.text() }, read);
            setStatus(result.status);
            if (result.draft) onImported(result.draft);
          }}
        />
        {status && (
          <small
            id={`${fileId}-status`}
            class={status.error ? 'field-error' : 'help'}
            role={status.error ? 'alert' : 'status'}
            data-testid="focus-status"
          >
            {status.text}
          </small>
        )}
      </div>
    </details>
  );
}

/** The draft the CLI prints for this bill, or the one line it refuses the bill with. */
function draftFromFocus(
  bill: TextFile,
  read: ReturnType<typeof focusOptionsFrom>,
): { draft?: TextFile; status: { error: boolean; text: string } } {
  if (read.errors.length) return { status: { error: true, text: 'correct the marked option first' } };
  if (!/\.csv$/i.test(bill.path))
    return { status: { error: true, text: `${bill.path}: expected a .csv FOCUS export` } };
  try {
    const disclosure = importFocus(bill, read.options);
    const text = disclosureToYaml(
      disclosure,
      `Draft disclosure imported from the FOCUS bill ${bill.path}.\nAdd boundary, quantities and the stages a bill cannot show.`,
    );
    return {
      draft: { path: bill.path.replace(/\.csv$/i, '.yaml'), text },
      status: {
        error: false,
        text: `${disclosure.items.length} items from ${bill.path}, now in the editor below`,
      },
    };
  } catch (error) {
    if (!(error instanceof ClearboxError)) throw error;
    return { status: { error: true, text: error.message } };
  }
}

/** Like with like: this disclosure beside the reference disclosures, on the same basis. */
function DisclosureCompare({
  report,
  references,
  options,
}: {
  report: DisclosureReport | undefined;
  references: readonly TextFile[];
  options: { years?: number; seed?: number };
}) {
  const estimator = defaultEstimator();
  const [values, setValues] = useFlagValues('compare', compareFields, {});
  const read = useMemo(() => compareOptionsFrom(values), [values]);
  const basis = read.basis ?? 'all';
  const { years, seed } = options;
  const comparison = useMemo(
    () =>
      compareWithReferences(estimator, report, references, basis, {
        ...(years === undefined ? {} : { years }),
        ...(seed === undefined ? {} : { seed }),
      }),
    [estimator, report, references, basis, years, seed],
  );
  return (
    <section data-testid="disclose-compare">
      <h2>Compare on the same basis</h2>
      <p class="muted">
        The disclosure above (when valid) beside the reference disclosures, with the report's horizon and
        seed. A basis a disclosure cannot give is shown as missing, never as zero.
      </p>
      <FlagForm
        fields={compareFields}
        values={values}
        errors={read.errors}
        onChange={(flag, v) => setValues({ ...values, [flag]: v })}
        prefix="disclose-compare"
        command="disclose compare FILES..."
        label="Compare options"
      />
      <div class="table-wrap">
        <table class="cards-on-phone" data-testid="disclose-compare-table">
          <thead>
            <tr>
              <th scope="col">disclosure</th>
              <th scope="col">model</th>
              <th scope="col" class="num">
                completeness
              </th>
              {comparison.bases.map((b) => (
                <th key={b} scope="col" class="num">
                  {b}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {comparison.rows.map((row) => (
              <tr key={row.id} data-disclosure={row.id}>
                <th scope="row">{row.id}</th>
                <td data-label="model">{row.model}</td>
                <td class="num" data-label="completeness">
                  {(row.completeness * 100).toFixed(0)}%
                </td>
                {comparison.bases.map((b) => {
                  const total = row.totals[b];
                  return (
                    <td
                      key={b}
                      class="num"
                      data-label={b}
                      data-basis={b}
                      data-value={total ? String(total.value) : ''}
                    >
                      {total ? usdWithRange(total.value, total.low, total.high) : '—'}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <TableExport
        name="disclose-compare"
        table={() => ({
          columns: ['disclosure', 'model', 'completeness', 'basis', 'usd', 'low', 'high'],
          rows: comparison.rows.flatMap((row) =>
            comparison.bases.map((b) => ({
              disclosure: row.id,
              model: row.model,
              completeness: row.completeness,
              basis: b,
              usd: row.totals[b]?.value,
              low: row.totals[b]?.low,
              high: row.totals[b]?.high,
            })),
          ),
        })}
      />
    </section>
  );
}

function DisclosureResult({ view, text }: { view: DisclosureView; text: string }) {
  if (view.kind === 'empty') return <p class="muted">Paste a disclosure above to check it.</p>;
  const lines = text.split('\n');
  if (view.kind === 'syntax') {
    return (
      <div class="form-error" role="alert" data-testid="disclose-problems">
        <strong>Not valid YAML or JSON</strong>
        <ul class="issues">
          <li data-line={view.line ?? ''}>
            {view.line ? `line ${view.line}: ` : ''}
            {view.message}
            {view.line && <pre class="source-line">{lines[view.line - 1]}</pre>}
          </li>
        </ul>
      </div>
    );
  }
  if (view.kind === 'invalid') {
    return (
      <div class="form-error" role="alert" data-testid="disclose-problems">
        <strong>
          {view.issues.length} problem{view.issues.length === 1 ? '' : 's'} with this disclosure
        </strong>
        <ul class="issues">
          {view.issues.map((i) => (
            <li key={`${i.path}|${i.message}`} data-path={i.path} data-line={i.line ?? ''}>
              {i.line ? `line ${i.line} ` : ''}
              <code>{i.path}</code>: {i.message}
              {i.line && <pre class="source-line">{lines[i.line - 1]}</pre>}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  return null;
}

function downloadHtml(report: DisclosureReport): void {
  const blob = new Blob([renderDisclosureHtml(report)], { type: 'text/html' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${report.disclosure.id}-report.html`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function BasesTable({ report }: { report: DisclosureReport }) {
  return (
    <>
      <div class="table-wrap">
        <table data-testid="bases-table" class="cards-on-phone">
          <thead>
            <tr>
              <th scope="col">Accounting basis</th>
              <th scope="col" class="num">
                Total
              </th>
              <th scope="col" class="num">
                P10–P90
              </th>
              <th scope="col">What it counts</th>
            </tr>
          </thead>
          <tbody>
            {report.bases.map((b) => (
              <tr
                key={b.id}
                data-basis={b.id}
                data-value={String(b.total.value)}
                data-range={`${b.total.low}–${b.total.high}`}
              >
                <th scope="row">{b.label}</th>
                <td class="num" data-label="Total">
                  {formatUsd(b.total.value)}
                </td>
                <td class="num" data-label="P10–P90">
                  {usdRange(b.total.low, b.total.high)}
                </td>
                <td class="wide">
                  <details class="basis-what">
                    <summary>{b.description}</summary>
                    <FigureTree figure={b.total} />
                  </details>
                </td>
              </tr>
            ))}
            {report.unavailableBases.map((b) => (
              <tr key={b.id} class="nofit">
                <th scope="row">{b.label}</th>
                <td class="num" data-label="Total">
                  —
                </td>
                <td class="num" data-label="P10–P90">
                  —
                </td>
                <td class="wide">not computable: {b.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <TableExport
        name={`${report.disclosure.id}-bases`}
        table={() => ({
          columns: [
            'basis',
            'label',
            'usd',
            'p10',
            'p50',
            'p90',
            'low',
            'high',
            'technicalUsd',
            'commercialUsd',
            'computable',
          ],
          rows: [
            ...report.bases.map((b) => ({
              basis: b.id,
              label: b.label,
              usd: b.total.value,
              p10: b.percentiles.p10,
              p50: b.percentiles.p50,
              p90: b.percentiles.p90,
              low: b.total.low,
              high: b.total.high,
              technicalUsd: b.technical,
              commercialUsd: b.commercial,
              computable: true,
            })),
            ...report.unavailableBases.map((b) => ({ basis: b.id, label: b.label, computable: false })),
          ],
        })}
      />
    </>
  );
}

function DisclosureReportView({ report, stale }: { report: DisclosureReport; stale: boolean }) {
  const c = report.completeness;
  return (
    <div data-testid="disclose-report" class={stale ? 'stale' : undefined}>
      <h2>
        {report.disclosure.model} — {report.disclosure.publisher}
      </h2>
      <p>
        <button type="button" data-testid="disclose-download" onClick={() => downloadHtml(report)}>
          Download the HTML report
        </button>
      </p>
      <h3>Every accounting basis</h3>
      <BasesTable report={report} />
      <BasisCharts bases={report.bases} />
      <div class="columns">
        <section aria-labelledby="completeness-h">
          <h3 id="completeness-h">Completeness</h3>
          <div class="stats">
            <FigureStat label="Completeness score" figure={c.score} />
          </div>
          <table data-testid="completeness-table" class="cards-on-phone">
            <thead>
              <tr>
                <th scope="col">Stage</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Items
                </th>
              </tr>
            </thead>
            <tbody>
              {c.stages.map((s) => (
                <tr key={s.stage}>
                  <th scope="row">{s.stage}</th>
                  <td data-label="Status">
                    <span
                      class={`badge ${s.status === 'disclosed' ? 'ok' : s.status === 'estimated' ? 'warn' : s.status === 'missing' ? 'bad' : ''}`}
                    >
                      {s.status}
                    </span>
                  </td>
                  <td class="num" data-label="Items">
                    {s.items}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <TableExport
            name={`${report.disclosure.id}-completeness`}
            table={() => ({
              columns: ['stage', 'status', 'items'],
              rows: c.stages.map((s) => ({ stage: s.stage, status: s.status, items: s.items })),
            })}
          />
          {report.flags.length > 0 && (
            <ul class="warnings" data-testid="disclose-flags">
              {report.flags.map((f) => (
                <li key={f.id}>
                  <strong>{f.id}</strong>: {f.message}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="findings-h">
          <h3 id="findings-h">Cross-checks</h3>
          {report.findings.length === 0 ? (
            <p class="muted">No cross-check applies.</p>
          ) : (
            <ul class="findings" data-testid="disclose-findings">
              {report.findings.map((f) => (
                <li key={f.id}>
                  <span
                    class={`badge ${f.severity === 'ok' ? 'ok' : f.severity === 'info' ? '' : f.severity === 'warn' || f.severity === 'not-independent' ? 'warn' : 'bad'}`}
                  >
                    {f.severity}
                  </span>{' '}
                  {f.message}
                  {f.figures.map((fig) => (
                    <FigureTree key={fig.name} figure={fig} />
                  ))}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}
