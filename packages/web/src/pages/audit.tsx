import type { AuditReport } from '@clearbox/core';
import { useMemo, useRef } from 'preact/hooks';
import { computeAuditView } from '../audit/audit-view.ts';
import { disclosuresById, referenceClaims } from '../audit/reference-claims.ts';
import { withMeasurements } from '../calibration-data.ts';
import { FocusedDocumentField } from '../components/document-field.tsx';
import { FigureTree } from '../components/figure-view.tsx';
import { SavedItems } from '../components/saved-items.tsx';
import { StaleNote } from '../components/stale-note.tsx';
import { TableExport } from '../components/table-export.tsx';
import { usePricedEstimator } from '../components/use-priced-estimator.ts';
import { useSettled } from '../components/use-settled.ts';
import { useHashDocument } from '../url-state.ts';

/** A claims file with its own devices refits the calibration: hundreds of ms, so wait for a pause. */
const TYPING_PAUSE_MS = 400;

const verdictClass: Record<string, string> = {
  holds: 'ok',
  'holds-on-basis': 'warn',
  plausible: 'ok',
  misleading: 'warn',
  false: 'bad',
  implausible: 'bad',
  unverifiable: '',
};

export function AuditPage() {
  // Claims may price-check any hosted API: the full price table loads with the page.
  // The measured-performance check reads the published measurements: they load with this page.
  const priced = usePricedEstimator().estimator;
  const estimator = useMemo(() => withMeasurements(priced), [priced]);
  const disclosures = useMemo(disclosuresById, []);
  const shipped = useMemo(referenceClaims, []);
  const [file, setFile] = useHashDocument('claims', shipped, shipped[0] ?? { path: 'claims.yaml', text: '' });
  const [committed, setCommitted] = useSettled(file, TYPING_PAUSE_MS);
  const view = useMemo(
    () => computeAuditView(estimator, disclosures, committed),
    [estimator, disclosures, committed],
  );
  const last = useRef<AuditReport | undefined>(undefined);
  if (view.kind === 'report') last.current = view.report;
  return (
    <>
      <h1>Audit</h1>
      <p class="lede">
        Claims about what AI costs, each encoded as a check and given a verdict by the engines, with the
        evidence behind it. Edit a claim or add one below (claims format v1); verdicts recompute when you
        pause typing.
      </p>
      <FocusedDocumentField
        label="Claims"
        testId="audit-text"
        rows={14}
        file={file}
        focusKey="claims"
        onChange={setFile}
      />
      {committed !== file && <p class="muted">checking…</p>}
      <SavedItems
        collection="claim-sets"
        label="claim set"
        testId="audit-saved"
        content={() => ({ text: file.text })}
        accepts={(c) => typeof (c as { text?: unknown } | null)?.text === 'string'}
        onLoad={(content, item) => {
          const next = { path: `${item.name}.yaml`, text: (content as { text: string }).text };
          setFile(next);
          setCommitted(next);
        }}
      />
      {view.kind === 'error' && (
        <div class="form-error" role="alert" data-testid="audit-problems">
          {view.where && <code>{view.where}</code>} {view.message}
        </div>
      )}
      <StaleNote shown={view.kind === 'error' && last.current !== undefined} what="line" />
      {view.kind !== 'empty' && last.current && (
        <AuditTable report={last.current} stale={view.kind !== 'report'} />
      )}
    </>
  );
}

/** The width at which tables become cards (styles.css). */
const PHONE_WIDTH = '(max-width: 600px)';

function AuditTable({ report, stale }: { report: AuditReport; stale: boolean }) {
  const onPhone = useMemo(() => typeof matchMedia === 'function' && matchMedia(PHONE_WIDTH).matches, []);
  return (
    <div data-testid="audit-report" class={stale ? 'stale' : undefined}>
      {report.issues.length > 0 && (
        <div class="form-error" role="alert" data-testid="audit-problems">
          <strong>{report.issues.length} claim(s) could not be checked</strong>
          <ul class="issues">
            {report.issues.map((i) => (
              <li key={`${i.where}|${i.message}`} data-where={i.where}>
                <code>{i.where}</code>: {i.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <p>
        {Object.entries(report.summary)
          .filter(([, n]) => n > 0)
          .map(([verdict, n]) => (
            <span
              key={verdict}
              class={`badge ${verdictClass[verdict] ?? ''}`}
              style={{ marginRight: '.4rem' }}
            >
              {n} {verdict}
            </span>
          ))}
      </p>
      <div class="table-wrap">
        <table data-testid="audit-table" class="cards-on-phone audit-table">
          <thead>
            <tr>
              <th scope="col">Claim</th>
              <th scope="col">Verdict</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {report.results.map((r) => (
              <tr key={r.id} data-claim={r.id} data-verdict={r.verdict}>
                <th scope="row">
                  {r.text}
                  <div class="muted">
                    <code>{r.id}</code> · {r.kind} ·{' '}
                    {r.source.url ? (
                      <a href={r.source.url} rel="noreferrer noopener" target="_blank">
                        {r.source.title}
                      </a>
                    ) : (
                      r.source.title
                    )}{' '}
                    ({r.source.date})
                  </div>
                </th>
                <td>
                  <span class={`badge ${verdictClass[r.verdict] ?? ''}`}>{r.verdict}</span>
                  {r.qualifiers.map((q) => (
                    <div key={q.id} class="muted" data-qualifier={q.id} title={q.text}>
                      {q.id}
                    </div>
                  ))}
                </td>
                <td>
                  {/* On a phone the reason folds too: a card is the claim and its verdict, the reason a tap away. */}
                  <details class="why" open={!onPhone}>
                    <summary class="muted" data-about={r.about.subject}>
                      about: {r.about.text}
                    </summary>
                    {r.explanation}
                  </details>
                  {/* Qualifiers, sensitivity and evidence fold away under the reason, so a phone's cards
                      stay short (issue 15: the page was 13,000 px tall on a phone). */}
                  <details class="evidence">
                    <summary>
                      {[
                        r.qualifiers.length ? `${r.qualifiers.length} qualifier(s)` : '',
                        r.sensitivity.length ? `${r.sensitivity.length} sensitivity line(s)` : '',
                        `evidence: ${r.figures.length} figure(s), ${r.assumptions.length} assumption(s)`,
                      ]
                        .filter(Boolean)
                        .join(', ')}
                    </summary>
                    {r.qualifiers.length > 0 && (
                      <ul class="note" data-testid="audit-qualifiers">
                        {r.qualifiers.map((q) => (
                          <li key={q.id}>
                            <strong>{q.id}</strong>: {q.text}
                          </li>
                        ))}
                      </ul>
                    )}
                    {r.sensitivity.length > 0 && (
                      <ul class="note" data-testid="audit-sensitivity">
                        {r.sensitivity.map((line) => (
                          <li key={line}>sensitivity: {line}</li>
                        ))}
                      </ul>
                    )}
                    {r.figures.map((f, i) => (
                      <FigureTree key={`${f.name}-${i}`} figure={f} />
                    ))}
                    {r.assumptions.length > 0 && (
                      <ul class="note">
                        {r.assumptions.map((a) => (
                          <li key={a}>assumes: {a}</li>
                        ))}
                      </ul>
                    )}
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <TableExport
        name="audit"
        table={() => ({
          columns: ['id', 'kind', 'text', 'verdict', 'explanation', 'source', 'sourceDate'],
          rows: report.results.map((r) => ({
            id: r.id,
            kind: r.kind,
            text: r.text,
            verdict: r.verdict,
            explanation: r.explanation,
            source: r.source.url ?? r.source.title,
            sourceDate: r.source.date,
          })),
        })}
      />
    </div>
  );
}
