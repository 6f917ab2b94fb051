import type { RuleResult, TextFile } from '@clearbox/core';
import { useId, useMemo, useRef } from 'preact/hooks';
import { DocumentField, DocumentUpload } from '../components/document-field.tsx';
import { FigureTree } from '../components/figure-view.tsx';
import { PlotChart } from '../components/plot-chart.tsx';
import { StaleNote } from '../components/stale-note.tsx';
import { TableExport } from '../components/table-export.tsx';
import { useSettled } from '../components/use-settled.ts';
import { humanNumber } from '../format.ts';
import { useHashDocument, useHashParam } from '../url-state.ts';
import { type ChartSeries, computeWatchView, referenceSignals, type WatchView } from '../watch/watch-view.ts';

const TYPING_PAUSE_MS = 300;

/** Fractions as percentages, as `clearbox watch` prints them; other units as numbers with their unit. */
function show(value: number, unit: string): string {
  return unit === 'fraction' ? `${(value * 100).toFixed(1)}%` : `${Number(value.toPrecision(4))} ${unit}`;
}

export function WatchPage() {
  const shipped = useMemo(referenceSignals, []);
  const [file, setFile] = useHashDocument(
    'signals',
    shipped,
    shipped[0] ?? { path: 'signals.yaml', text: '' },
  );
  const [sinceParam, setSince] = useHashParam('since');
  const since = sinceParam ?? '';
  const [committed, setCommitted] = useSettled(file, TYPING_PAUSE_MS);
  const view = useMemo(() => computeWatchView(committed, since), [committed, since]);
  const last = useRef<Extract<WatchView, { kind: 'report' }> | undefined>(undefined);
  if (view.kind === 'report') last.current = view;
  const sinceError = view.kind === 'error' && view.where === 'since' ? view.message : undefined;
  const shown = view.kind === 'empty' ? undefined : last.current;
  const sinceId = useId();
  const shippedId = useId();
  const load = (next: TextFile) => {
    setFile(next);
    setCommitted(next);
  };
  return (
    <>
      <h1>Watch</h1>
      <p class="lede">
        Threshold rules over data series (signals format v1): each rule is checked at every period, and an
        alert is a firing at the latest period, or on or after the date you give. The same evaluation as{' '}
        <code>clearbox watch FILE</code>.
      </p>
      <div class="form">
        <div class="field">
          <label for={shippedId}>Shipped signals file</label>
          <select
            id={shippedId}
            data-testid="watch-shipped"
            value={shipped.some((f) => f.path === file.path) ? file.path : ''}
            onChange={(e) => {
              const chosen = shipped.find((f) => f.path === (e.currentTarget as HTMLSelectElement).value);
              if (chosen) load(chosen);
            }}
          >
            <option value="" disabled>
              (your own)
            </option>
            {shipped.map((f) => (
              <option key={f.path} value={f.path}>
                {f.path.split('/').pop()}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <DocumentUpload label="Upload a signals file (YAML or JSON)" testId="watch-upload" onLoad={load} />
        </div>
        <div class="field">
          <label for={sinceId}>
            Alert on firings since (YYYY-MM or YYYY-MM-DD; empty: latest period only)
          </label>
          <input
            id={sinceId}
            data-testid="watch-since"
            type="text"
            placeholder="2024-01"
            value={since}
            aria-invalid={sinceError ? 'true' : undefined}
            aria-describedby={sinceError ? `${sinceId}-error` : undefined}
            onInput={(e) => setSince((e.currentTarget as HTMLInputElement).value.trim() || undefined)}
          />
          {sinceError && (
            <small class="field-error" id={`${sinceId}-error`} role="alert" data-testid="watch-since-error">
              {sinceError}
            </small>
          )}
        </div>
      </div>
      <DocumentField label="Signals" testId="watch-text" rows={12} file={file} onChange={setFile} />
      {committed !== file && <p class="muted">checking…</p>}
      {view.kind === 'error' && !sinceError && (
        <div class="form-error" role="alert" data-testid="watch-problems">
          {view.where && <code>{view.where}</code>} {view.message}
        </div>
      )}
      <StaleNote shown={view.kind === 'error' && shown !== undefined} what="field or line" />
      {shown && (
        <div data-testid="watch-report" class={view.kind === 'report' ? undefined : 'stale'}>
          <p data-testid="watch-alerts" data-alerts={shown.report.alerts}>
            <strong>
              {shown.report.alerts} alert{shown.report.alerts === 1 ? '' : 's'}
            </strong>{' '}
            {shown.report.since ? `on or after ${shown.report.since}` : 'at the latest period'}
          </p>
          <RulesTable results={shown.report.results} />
          <div class="charts">
            {shown.series.map((s) => (
              <SeriesChart key={s.id} series={s} results={shown.report.results} />
            ))}
          </div>
        </div>
      )}
    </>
  );
}

function RulesTable({ results }: { results: RuleResult[] }) {
  return (
    <>
      <div class="table-wrap">
        <table data-testid="watch-table" class="cards-on-phone">
          <thead>
            <tr>
              <th scope="col">signal</th>
              <th scope="col">rule</th>
              <th scope="col">severity</th>
              <th scope="col">condition</th>
              <th scope="col" class="num">
                latest
              </th>
              <th scope="col">fired</th>
              <th scope="col">alert</th>
            </tr>
          </thead>
          <tbody>
            {results.map((r) => (
              <tr
                key={`${r.signal}/${r.rule}`}
                data-rule={r.rule}
                data-fired={r.firings.map((f) => f.date).join(' ')}
                data-alert={String(r.alert)}
              >
                <th scope="row">{r.signalName}</th>
                <td data-label="Rule">
                  <code>{r.rule}</code>
                  {r.note && <div class="muted">{r.note}</div>}
                </td>
                <td data-label="Severity">{r.severity}</td>
                <td data-label="Condition">{r.condition}</td>
                <td class="num" data-label="Latest">
                  {show(r.latest.value, r.unit)} ({r.latest.date})
                </td>
                <td class="wide" data-label="Fired">
                  {r.firings.length === 0 ? (
                    'never'
                  ) : (
                    <details>
                      <summary>
                        {r.firings.length}× (last {r.firings.at(-1)?.date})
                      </summary>
                      <ul>
                        {r.firings.map((f) => (
                          <li key={f.date}>
                            {f.date}: {show(f.value, r.unit)}, {f.detail}
                            <FigureTree figure={f.evidence} />
                          </li>
                        ))}
                      </ul>
                    </details>
                  )}
                </td>
                <td data-label="Alert" class={r.alert ? 'bad' : ''}>
                  {r.alert ? 'ALERT' : '-'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <TableExport
        name="watch-rules"
        table={() => ({
          columns: [
            'signal',
            'rule',
            'severity',
            'condition',
            'unit',
            'latestDate',
            'latestValue',
            'firings',
            'lastFired',
            'alert',
          ],
          rows: results.map((r) => ({
            signal: r.signal,
            rule: r.rule,
            severity: r.severity,
            condition: r.condition,
            unit: r.unit,
            latestDate: r.latest.date,
            latestValue: r.latest.value,
            firings: r.firings.length,
            lastFired: r.firings.at(-1)?.date,
            alert: r.alert,
          })),
        })}
      />
    </>
  );
}

function SeriesChart({ series, results }: { series: ChartSeries; results: RuleResult[] }) {
  const data = series.points.map((p) => ({ date: new Date(p.date), value: p.value }));
  const fired = results
    .filter((r) => r.signal === series.id)
    .flatMap((r) => r.firings.map((f) => ({ date: new Date(f.date), value: f.value, rule: r.rule })));
  if (data.length === 0) return null;
  return (
    <PlotChart
      testId={`chart-${series.id}`}
      deps={[JSON.stringify(series), JSON.stringify(fired)]}
      caption={`${series.name} by period (line); dashed red lines are rule thresholds (${series.thresholds.map((t) => `${t.rule} ${show(t.value, series.unit)}`).join(', ') || 'none'}); red dots are periods where a rule fired.`}
      build={(Plot, width) =>
        Plot.plot({
          width,
          height: 260,
          marginLeft: 48,
          x: { label: 'period', type: 'utc' },
          // A fraction is drawn in percent, so the axis says %, not "fraction" beside 45–75.
          y:
            series.unit === 'fraction'
              ? { label: `${series.name} (%)`, grid: true, percent: true }
              : { label: `${series.name} (${series.unit})`, grid: true, tickFormat: humanNumber },
          marks: [
            Plot.line(data, { x: 'date', y: 'value', stroke: '#0b5cad' }),
            Plot.ruleY(series.thresholds, { y: 'value', stroke: '#b42318', strokeDasharray: '4,3' }),
            Plot.dot(fired, { x: 'date', y: 'value', fill: '#b42318', r: 4, title: 'rule', tip: true }),
          ],
        })
      }
    />
  );
}
