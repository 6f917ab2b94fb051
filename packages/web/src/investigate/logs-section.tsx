import { featureDefinitions, formatNumber, type LogsReport } from '@clearbox/core';
import { useId, useState } from 'preact/hooks';
import { StaleNote } from '../components/stale-note.tsx';
import { TableExport } from '../components/table-export.tsx';
import { download } from '../export.ts';
import { useHashParam } from '../url-state.ts';
import {
  base64Of,
  type ChosenLog,
  defaultLogSettings,
  type LogSettings,
  logFormatOf,
  requestLogsReport,
} from './logs-request.ts';

/** A setting kept in the URL under `key` (blank or the default is left out of the link). */
function useLogSetting(key: string, fallback: string): [string, (v: string) => void] {
  const [value, set] = useHashParam(key);
  return [value ?? fallback, (v) => set(v === fallback ? undefined : v)];
}

/** Reads a chosen file as the endpoint wants it, or says in one line why it cannot be sent. */
async function readChosen(file: File): Promise<ChosenLog | { problem: string }> {
  const format = logFormatOf(file.name);
  if (typeof format !== 'string') return format;
  const content =
    format === 'parquet' ? base64Of(new Uint8Array(await file.arrayBuffer())) : await file.text();
  return { name: file.name, format, content, bytes: file.size };
}

function LogUpload({
  label,
  testId,
  chosen,
  onChoose,
}: {
  label: string;
  testId: string;
  chosen: ChosenLog | undefined;
  onChoose: (next: ChosenLog | { problem: string } | undefined) => void;
}) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>
        {label}
        {chosen ? ` (${chosen.name}, ${count(chosen.bytes)} bytes)` : ''}
      </label>
      <input
        id={id}
        data-testid={testId}
        type="file"
        accept=".jsonl,.ndjson,.json,.csv,.parquet,application/jsonl,text/csv"
        onChange={async (e) => {
          const file = (e.currentTarget as HTMLInputElement).files?.[0];
          onChoose(file ? await readChosen(file) : undefined);
        }}
      />
    </div>
  );
}

function SettingField({
  label,
  testId,
  value,
  onInput,
  help,
}: {
  label: string;
  testId: string;
  value: string;
  onInput: (v: string) => void;
  help?: string;
}) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        data-testid={testId}
        type="text"
        value={value}
        onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)}
      />
      {help && <span class="help">{help}</span>}
    </div>
  );
}

/**
 * Log investigation on the page: the files and settings go to `POST /api/investigate/logs`, which runs
 * `clearbox investigate logs` on them, and the report comes back as the CLI's `--json` prints it.
 */
export function LogsSection() {
  const [traffic, setTraffic] = useState<ChosenLog | undefined>(undefined);
  const [reference, setReference] = useState<ChosenLog | undefined>(undefined);
  const [fileProblem, setFileProblem] = useState<string | undefined>(undefined);
  const [q, setQ] = useLogSetting('q', defaultLogSettings.q);
  const [seed, setSeed] = useLogSetting('logseed', defaultLogSettings.seed);
  const [rareShare, setRareShare] = useLogSetting('rare', defaultLogSettings.rareShare);
  const [minShared, setMinShared] = useLogSetting('shared', defaultLogSettings.minSharedTemplates);
  const [largeMax, setLargeMax] = useLogSetting('large', defaultLogSettings.largeMaxTokens);
  const [map, setMap] = useLogSetting('map', defaultLogSettings.map);
  // The account list is the person's own data, like the files: it stays out of links.
  const [referenceAccounts, setReferenceAccounts] = useState('');
  const [running, setRunning] = useState(false);
  const [report, setReport] = useState<LogsReport | undefined>(undefined);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const accountsId = useId();
  const settings: LogSettings = {
    q,
    seed,
    rareShare,
    minSharedTemplates: minShared,
    largeMaxTokens: largeMax,
    map,
    referenceAccounts,
  };
  const choose =
    (set: (c: ChosenLog | undefined) => void) => (next: ChosenLog | { problem: string } | undefined) => {
      if (next && 'problem' in next) {
        setFileProblem(next.problem);
        set(undefined);
      } else {
        setFileProblem(undefined);
        set(next);
      }
    };
  const formatProblem =
    traffic && reference && traffic.format !== reference.format
      ? `${reference.name}: the reference must be in the traffic's format (${traffic.format}), not ${reference.format}`
      : undefined;
  const notReady =
    fileProblem ??
    formatProblem ??
    (traffic === undefined
      ? 'choose the traffic log file to test'
      : reference === undefined && referenceAccounts.trim() === ''
        ? 'choose a benign reference: a log file, or accounts in the traffic (the statistics are calibrated against it)'
        : undefined);
  const run = async () => {
    if (!traffic || notReady) return;
    setRunning(true);
    const outcome = await requestLogsReport(traffic, reference, settings);
    setRunning(false);
    if (outcome.kind === 'report') {
      setReport(outcome.report);
      setProblem(undefined);
    } else setProblem(outcome.message);
  };
  return (
    <>
      <p class="lede">
        Which accounts and clusters of accounts send API traffic unlike a benign reference, at a controlled
        false discovery rate? Give the tested traffic and a reference (accounts in good standing or a
        pre-period) as JSONL, CSV or Parquet, one request per row. The Clearbox server reads them with DuckDB
        as <code>clearbox investigate logs</code> does; the files go to that server and nowhere else.
      </p>
      <div class="form">
        <LogUpload
          label="Traffic to test"
          testId="logs-traffic-upload"
          chosen={traffic}
          onChoose={choose(setTraffic)}
        />
        <LogUpload
          label="Benign reference (file)"
          testId="logs-reference-upload"
          chosen={reference}
          onChoose={choose(setReference)}
        />
        <div class="field">
          <label for={accountsId}>…or reference accounts in the traffic (comma or line separated)</label>
          <textarea
            id={accountsId}
            data-testid="logs-reference-accounts"
            class="code"
            rows={2}
            spellcheck={false}
            value={referenceAccounts}
            onInput={(e) => setReferenceAccounts((e.currentTarget as HTMLTextAreaElement).value)}
          />
        </div>
        <SettingField
          label="q (false discovery rate)"
          testId="logs-q"
          value={q}
          onInput={setQ}
          help="hierarchical Benjamini-Hochberg over accounts and clusters"
        />
        <SettingField
          label="Seed (reference split, cluster null)"
          testId="logs-seed"
          value={seed}
          onInput={setSeed}
        />
        <SettingField
          label="Rare share"
          testId="logs-rare-share"
          value={rareShare}
          onInput={setRareShare}
          help="a template, IP or user agent used by more of the reference accounts is popular"
        />
        <SettingField
          label="Min shared templates"
          testId="logs-min-shared"
          value={minShared}
          onInput={setMinShared}
          help="accounts sharing this many rare templates are linked"
        />
        <SettingField
          label="Large max tokens"
          testId="logs-large-max-tokens"
          value={largeMax}
          onInput={setLargeMax}
        />
        <SettingField
          label="Field map"
          testId="logs-map"
          value={map}
          onInput={setMap}
          help="your column names: account=user_id,ts=created_at"
        />
        <div class="field">
          <button
            type="button"
            data-testid="logs-run"
            disabled={running || notReady !== undefined}
            onClick={run}
          >
            {running ? 'Investigating…' : 'Investigate the logs'}
          </button>
          {notReady && !fileProblem && !formatProblem && <span class="help">{notReady}</span>}
        </div>
      </div>
      {(fileProblem ?? formatProblem ?? problem) && (
        <div class="form-error" role="alert" data-testid="logs-problem">
          {fileProblem ?? formatProblem ?? problem}
        </div>
      )}
      <StaleNote shown={problem !== undefined && report !== undefined} what="file or setting" />
      {report && <LogsReportView report={report} stale={problem !== undefined} />}
    </>
  );
}

const percent = (share: number) => `${Math.round(100 * share)}%`;

/** Counts and sizes in full, grouped: rows and bytes are exact, never 2.859e6. */
const count = (n: number) => n.toLocaleString('en-US');

/** What each feature measures (cluster-only ones included), for the explanation beside a flag. */
const featureDescriptions = new Map(featureDefinitions.map((f) => [f.id, f.description]));

function Stat({
  label,
  value,
  testId,
  hint,
}: {
  label: string;
  value: string;
  testId: string;
  hint?: string | undefined;
}) {
  return (
    <div class="stat" data-testid={testId}>
      <div class="stat-label">{label}</div>
      <div class="stat-value">{value}</div>
      {hint && <div class="stat-hint">{hint}</div>}
    </div>
  );
}

const timestampWords: Record<string, string> = {
  'epoch-ms': 'epoch milliseconds',
  'epoch-s': 'epoch seconds (every numeric value below 1e11)',
  'iso-8601': 'ISO 8601',
  none: 'none read',
};

function LogsReportView({ report, stale }: { report: LogsReport; stale: boolean }) {
  const reasons = Object.entries(report.malformedRows.byReason);
  const tail = report.calibration.accountTail;
  const nothing = report.flagged.length === 0;
  return (
    <div data-testid="logs-report" class={stale ? 'stale' : undefined}>
      <h2>Rows</h2>
      <div class="stats" data-testid="logs-rows">
        <Stat label="rows read" testId="logs-rows-total" value={count(report.rows.total)} />
        <Stat
          label="valid (traffic + reference)"
          testId="logs-rows-valid"
          value={count(report.rows.valid)}
          hint={`${count(report.rows.traffic)} traffic, ${count(report.rows.reference)} reference`}
        />
        <Stat
          label="malformed"
          testId="logs-rows-malformed"
          value={count(report.malformedRows.count)}
          hint={reasons.length > 0 ? reasons.map(([r, n]) => `${r} ${count(n)}`).join(', ') : 'none'}
        />
        <Stat
          label="exact duplicates (kept)"
          testId="logs-rows-duplicates"
          value={count(report.duplicateRows.count)}
          hint={report.duplicateRows.byFile.map((d) => `${d.file} ${count(d.rows)}`).join(', ') || undefined}
        />
        <Stat
          label="tested"
          testId="logs-tested"
          value={`${count(report.tested.accounts)} accounts, ${count(report.tested.clusters)} clusters`}
          hint={`against ${count(report.calibration.referenceAccounts)} reference accounts (engine: ${report.engine})`}
        />
      </div>
      <div class="table-wrap">
        <table data-testid="logs-inputs" class="cards-on-phone">
          <thead>
            <tr>
              <th scope="col">input</th>
              <th scope="col">role</th>
              <th scope="col" class="num">
                bytes
              </th>
              <th scope="col">timestamps read as</th>
              <th scope="col">SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {report.inputs.map((i) => (
              <tr key={i.path} data-timestamps={i.timestamps}>
                <th scope="row">{i.path}</th>
                <td data-label="role">{i.role}</td>
                <td class="num" data-label="bytes">
                  {count(i.bytes)}
                </td>
                <td data-label="timestamps">{timestampWords[i.timestamps] ?? i.timestamps}</td>
                <td data-label="SHA-256">
                  <code>{i.sha256.slice(0, 16)}…</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {report.malformedRows.sample.length > 0 && (
        <details data-testid="logs-malformed-sample">
          <summary>Malformed rows (first {report.malformedRows.sample.length})</summary>
          <ul>
            {report.malformedRows.sample.map((m) => (
              <li key={`${m.file}:${m.line}`}>
                <code>
                  {m.file}:{m.line}
                </code>{' '}
                {m.reason}
              </li>
            ))}
          </ul>
        </details>
      )}

      <h2>Flagged</h2>
      <p data-testid="logs-statement">{report.statement}</p>
      <p class="muted" data-testid="logs-procedure">
        Multiple testing: {report.calibration.pValueMethod}.
        {tail
          ? ` p (tail): generalized Pareto fit to the top ${tail.exceedances} of ${tail.referenceSize} held-out reference scores (Anderson-Darling bootstrap p ${formatNumber(tail.fitPValue)}); a lone account is flagged at p ≤ q/F (F first-stage tests) = ${formatNumber(report.calibration.loneUnitThreshold)}.`
          : ` No tail fit was accepted for the account scores, so p (tail) is the conformal p, whose floor is ${formatNumber(report.calibration.minimumAccountP)}; BH at q = ${report.parameters.q} then flags only when ${report.calibration.minimumFlagsForBh} or more first-stage tests reach it.`}
      </p>
      {!nothing && (
        <>
          <div class="table-wrap">
            <table data-testid="logs-flagged" class="cards-on-phone">
              <thead>
                <tr>
                  <th scope="col">unit</th>
                  <th scope="col">accounts</th>
                  <th scope="col" class="num">
                    p (tail)
                  </th>
                  <th scope="col" class="num">
                    p (conformal)
                  </th>
                  <th scope="col" class="num">
                    q (BH)
                  </th>
                  <th scope="col">driven by (share of score)</th>
                </tr>
              </thead>
              <tbody>
                {report.flagged.map((f) => {
                  const unit = f.account ?? f.cluster ?? '';
                  return (
                    <tr
                      key={unit}
                      data-unit={unit}
                      data-accounts={f.accounts.join(',')}
                      data-p-tail={String(f.pTail)}
                      data-q={String(f.q)}
                    >
                      <th scope="row">
                        {f.cluster ? 'cluster ' : ''}
                        <code>{unit}</code>
                      </th>
                      <td data-label="accounts">
                        {f.cluster ? (
                          <details>
                            <summary>{f.accounts.length} accounts</summary>
                            {f.accounts.join(', ')}
                            {f.links && f.links.length > 0 && (
                              <div class="muted">linked by: {f.links.join('; ')}</div>
                            )}
                          </details>
                        ) : (
                          '1'
                        )}
                      </td>
                      <td class="num" data-label="p (tail)">
                        {formatNumber(f.pTail)}
                      </td>
                      <td class="num" data-label="p (conformal)">
                        {formatNumber(f.p)}
                      </td>
                      <td class="num" data-label="q (BH)">
                        {formatNumber(f.q)}
                      </td>
                      <td data-label="driven by">
                        <ul class="drivers">
                          {f.drivers.slice(0, 4).map((d) => {
                            const evidence = f.features[d.id];
                            return (
                              <li key={d.id} data-driver={d.id}>
                                <strong>{d.id}</strong> = {formatNumber(evidence?.value ?? Number.NaN)} (
                                {percent(d.share)}; reference p99{' '}
                                {formatNumber(evidence?.referenceQuantiles.p99 ?? Number.NaN)}, {d.family}):{' '}
                                <span class="muted">{featureDescriptions.get(d.id)}</span>
                              </li>
                            );
                          })}
                        </ul>
                        {f.sampleRows.length > 0 && (
                          <details>
                            <summary>Rows behind the flag ({f.sampleRows.length})</summary>
                            <ul>
                              {f.sampleRows.map((r) => (
                                <li key={`${r.file}:${r.line}`}>
                                  <code>
                                    {r.file}:{r.line}
                                  </code>{' '}
                                  {r.account} {r.ts}: {(r.prompt ?? '').slice(0, 120)}
                                </li>
                              ))}
                            </ul>
                          </details>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <TableExport
            name="investigate-logs-flagged"
            table={() => ({
              columns: ['unit', 'kind', 'accounts', 'pTail', 'p', 'q', 'combinedScore', 'drivers'],
              rows: report.flagged.map((f) => ({
                unit: f.account ?? f.cluster,
                kind: f.cluster ? 'cluster' : 'account',
                accounts: f.accounts.join(' '),
                pTail: f.pTail,
                p: f.p,
                q: f.q,
                combinedScore: f.combinedScore,
                drivers: f.drivers.map((d) => `${d.id}:${d.share}`).join(' '),
              })),
            })}
          />
        </>
      )}

      <h2>What this run could have seen</h2>
      <p data-testid="logs-power">
        {nothing ? 'Nothing flagged. ' : ''}
        {report.calibration.power.text}
      </p>
      <div class="table-wrap">
        <table data-testid="logs-power-table" class="cards-on-phone">
          <thead>
            <tr>
              <th scope="col">campaign accounts</th>
              {report.calibration.power.profiles.map((p) => (
                <th scope="col" class="num" key={p.profile} title={p.description}>
                  {p.profile}: requests per account
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(report.calibration.power.profiles[0]?.detectable ?? []).map((d, i) => (
              <tr key={d.accounts}>
                <th scope="row">{d.accounts}</th>
                {report.calibration.power.profiles.map((p) => {
                  const r = p.detectable[i]?.requestsPerAccount ?? null;
                  return (
                    <td class="num" data-label={p.profile} key={p.profile}>
                      {r === null ? 'not detectable' : `≥ ${count(r)}`}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <details>
        <summary>How the power was found</summary>
        <p class="muted">{report.calibration.power.method}</p>
      </details>
      <details data-testid="logs-explanations">
        <summary>Legitimate explanations checked</summary>
        <ul>
          {report.explanationsChecked.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      </details>
      <div class="table-export">
        <span class="muted">The whole report:</span>
        <button
          type="button"
          data-testid="logs-export-json"
          onClick={() =>
            download('investigate-logs.json', `${JSON.stringify(report, null, 2)}\n`, 'application/json')
          }
        >
          Download JSON
        </button>
      </div>
    </div>
  );
}
