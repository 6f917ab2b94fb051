import type { DecideResult, TextFile } from '@clearbox/core';
import { useId, useMemo, useRef } from 'preact/hooks';
import { DocumentField } from '../components/document-field.tsx';
import { FigureStat } from '../components/figure-view.tsx';
import { FlagForm } from '../components/flag-form.tsx';
import { PlotChart } from '../components/plot-chart.tsx';
import { SavedItems } from '../components/saved-items.tsx';
import { StaleNote } from '../components/stale-note.tsx';
import { TableExport } from '../components/table-export.tsx';
import { useFlagValues } from '../components/use-flag-values.ts';
import { usePricedEstimator } from '../components/use-priced-estimator.ts';
import { useSettled } from '../components/use-settled.ts';
import {
  computeDecideView,
  type DecideView,
  decideFields,
  decideOptionsFrom,
  referenceWorkloads,
} from '../decide/decide-view.ts';
import { formatUsd, humanNumber } from '../format.ts';
import { useHashDocument } from '../url-state.ts';

/** A plan search takes a few hundred ms: recompute when typing pauses. */
const TYPING_PAUSE_MS = 400;

export function DecidePage() {
  const priced = usePricedEstimator();
  const estimator = priced.estimator;
  const workloads = referenceWorkloads();
  const [file, setFile] = useHashDocument(
    'workload',
    workloads,
    workloads.find((w) => w.path.endsWith('support-bot.yaml')) ??
      workloads[0] ?? { path: 'workload.yaml', text: '' },
  );
  const [values, setValues] = useFlagValues('decide', decideFields, {});
  const read = useMemo(() => decideOptionsFrom(values), [values]);
  const [committed, setCommitted] = useSettled(file, TYPING_PAUSE_MS);
  const view = useMemo(
    () => (read.errors.length ? undefined : computeDecideView(estimator, committed, read.options)),
    [estimator, committed, read],
  );
  const shown = useLastResult(view);
  const pickId = useId();
  const load = (next: TextFile) => {
    setFile(next);
    setCommitted(next);
  };
  return (
    <>
      <h1>Decide</h1>
      <p class="lede">
        API or self-hosting for a workload: every acceptable model on every device, rented or bought, sized
        for the peak and checked against the latency SLO; the cheapest plans, the cost–latency frontier and
        where self-hosting breaks even.
      </p>
      <div class="form">
        <div class="field">
          <label for={pickId}>Example workload</label>
          <select
            id={pickId}
            value={file.path}
            onChange={(e) => {
              const path = (e.currentTarget as HTMLSelectElement).value;
              const next = workloads.find((w) => w.path === path);
              if (next) load(next);
            }}
          >
            {workloads.map((w) => (
              <option key={w.path} value={w.path}>
                {w.path.split('/').pop()}
              </option>
            ))}
          </select>
        </div>
      </div>
      <DocumentField label="Workload" testId="decide-text" rows={12} file={file} onChange={setFile} />
      <FlagForm
        fields={decideFields}
        values={values}
        errors={read.errors}
        onChange={(flag, v) => setValues({ ...values, [flag]: v })}
        prefix="decide"
        command={`decide ${file.path.split('/').pop()}`}
        label="Decide options"
      />
      {committed !== file && <p class="muted">searching…</p>}
      {priced.loading && <p class="muted">loading the API price table (genai-prices)…</p>}
      {priced.error && <p class="muted">{priced.error}</p>}
      <SavedItems
        collection="scenarios"
        label="workload"
        testId="decide-saved"
        content={() => ({ calculator: 'decide', text: file.text })}
        accepts={(c) => (c as { calculator?: unknown } | null)?.calculator === 'decide'}
        onLoad={(content, item) =>
          load({ path: `${item.name}.yaml`, text: (content as { text: string }).text })
        }
      />
      {view?.kind === 'error' && (
        <div class="form-error" role="alert" data-testid="decide-problems">
          {view.where && <code>{view.where}</code>} {view.message}
        </div>
      )}
      <StaleNote shown={view?.kind !== 'result' && shown !== undefined} what="field or line" />
      {shown && <DecideResultView result={shown} stale={view?.kind !== 'result'} />}
    </>
  );
}

/** The last plan search that succeeded: a mistake in the workload or an option keeps it on screen. */
function useLastResult(view: DecideView | undefined): DecideResult | undefined {
  const last = useRef<DecideResult | undefined>(undefined);
  if (view?.kind === 'result') last.current = view.result;
  else if (view?.kind === 'empty') last.current = undefined;
  return last.current;
}

function DecideResultView({ result, stale }: { result: DecideResult; stale: boolean }) {
  const best = result.best.overall;
  const plans = [...result.api, ...result.selfHost].sort((a, b) => a.monthlyUsd.value - b.monthlyUsd.value);
  const frontier = result.frontier.map((p) => ({
    label: p.label,
    monthlyUsd: p.monthlyUsd.value,
    tpotMs: p.tpotSeconds.value * 1000,
    kind: p.kind,
  }));
  const volume = result.traffic.tokensPerMonth.value;
  // Self-hosting labels lose their sizing details; API labels stay whole, since two price lists of one
  // model (USD and CNY) differ only in the parenthesis.
  const labelOf = new Map<string, string>(
    plans.map((p) => [p.id, p.kind === 'api' ? p.label : (p.label.split(' (')[0] ?? p.label)]),
  );
  const crossings = result.breakEven
    .filter((b) => b.tokensPerMonth !== null)
    .map((b) => ({
      pair: `${labelOf.get(b.selfHost) ?? b.selfHost} vs ${labelOf.get(b.api) ?? b.api}`,
      tokens: b.tokensPerMonth?.value ?? 0,
    }));
  return (
    <div data-testid="decide-result" class={stale ? 'stale' : undefined}>
      <div class="stats">
        {best && <FigureStat label={`Cheapest: ${best.label}`} figure={best.monthlyUsd} />}
        <FigureStat label="Tokens per month" figure={result.traffic.tokensPerMonth} />
        <FigureStat label="Peak requests/s" figure={result.traffic.peakRequestsPerSecond} />
      </div>
      <ul class="muted">
        {result.best.why.map((w) => (
          <li key={w}>{w}</li>
        ))}
      </ul>
      <h2>Cheapest plans</h2>
      <div class="table-wrap">
        <table data-testid="decide-plans" class="cards-on-phone">
          <thead>
            <tr>
              <th scope="col">Plan</th>
              <th scope="col">Kind</th>
              <th scope="col" class="num">
                $/month
              </th>
              <th scope="col" class="num">
                $/M tokens
              </th>
              <th scope="col">Meets SLO</th>
            </tr>
          </thead>
          <tbody>
            {plans.map((p) => (
              <tr key={p.id} data-plan={p.id} data-value={String(p.monthlyUsd.value)}>
                <th scope="row">{p.label}</th>
                <td data-label="Kind">{p.kind}</td>
                <td class="num" data-label="$/month">
                  {formatUsd(p.monthlyUsd.value)}
                </td>
                <td class="num" data-label="$/M tokens">
                  {formatUsd(p.usdPerMillionTokens.value)}
                </td>
                <td data-label="Meets SLO">{p.kind === 'api' ? 'not checked' : p.meetsSlo ? 'yes' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <TableExport
        name="decide-plans"
        table={() => ({
          columns: ['id', 'label', 'kind', 'monthlyUsd', 'usdPerMillionTokens', 'meetsSlo'],
          rows: plans.map((p) => ({
            id: p.id,
            label: p.label,
            kind: p.kind,
            monthlyUsd: p.monthlyUsd.value,
            usdPerMillionTokens: p.usdPerMillionTokens.value,
            meetsSlo: p.kind === 'api' ? null : p.meetsSlo,
          })),
        })}
      />
      <div class="charts">
        <PlotChart
          testId="chart-frontier"
          deps={[JSON.stringify(frontier)]}
          caption={`Cost–latency frontier of ${frontier.length} self-hosting plans: no plan is both cheaper and faster than one on the line.`}
          build={(Plot, width) =>
            Plot.plot({
              width,
              height: 260,
              marginLeft: 48,
              x: { label: 'USD per month', type: 'log', tickFormat: formatUsd },
              y: { label: 'time per output token (ms)', grid: true, tickFormat: humanNumber },
              color: { legend: true },
              marks: [
                Plot.line(frontier, { x: 'monthlyUsd', y: 'tpotMs', stroke: '#8c959f', sort: 'monthlyUsd' }),
                Plot.dot(frontier, { x: 'monthlyUsd', y: 'tpotMs', fill: 'kind', title: 'label', tip: true }),
              ],
            })
          }
        />
        <PlotChart
          testId="chart-break-even"
          deps={[JSON.stringify(crossings), volume]}
          caption={
            crossings.length
              ? `Monthly token volume above which self-hosting beats the API, per pair (log scale); the red line is this workload (${humanNumber(volume)} tokens/month): ${crossings.map((c) => `${c.pair} at ${humanNumber(c.tokens)}`).join('; ')}.`
              : 'The API is cheaper at every volume for every pair.'
          }
          build={(Plot, width) =>
            Plot.plot({
              width,
              // Each pair's full name sits above its dot (wrapped), rather than truncated in a left margin.
              height: Math.max(120, 46 * crossings.length + 60),
              marginLeft: 12,
              marginRight: 20,
              x: {
                label: 'break-even tokens per month',
                type: 'log',
                grid: true,
                tickFormat: humanNumber,
              },
              y: { axis: null, padding: 0.55 },
              marks: [
                Plot.text(crossings, {
                  y: 'pair',
                  text: (d: { pair: string; tokens: number }) => `${d.pair}: ${humanNumber(d.tokens)} tokens`,
                  frameAnchor: 'left',
                  textAnchor: 'start',
                  dy: -15,
                  lineWidth: Math.max(20, width / 7),
                }),
                // Dots, not bars: a bar on a log axis has no zero to start from.
                Plot.dot(crossings, {
                  x: 'tokens',
                  y: 'pair',
                  fill: '#0b5cad',
                  r: 5,
                  sort: { y: 'x' },
                  tip: true,
                }),
                Plot.ruleX([volume], { stroke: '#b42318', strokeWidth: 2 }),
              ],
            })
          }
        />
      </div>
      {result.warnings.length > 0 && (
        <ul class="warnings">
          {result.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
