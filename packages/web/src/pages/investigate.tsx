import { formatNumber, type OverlapTest, type TextFile } from '@clearbox/core';
import { useId, useMemo, useRef, useState } from 'preact/hooks';
import { DocumentUpload } from '../components/document-field.tsx';
import { StaleNote } from '../components/stale-note.tsx';
import { TableExport } from '../components/table-export.tsx';
import { Tabs } from '../components/tabs.tsx';
import { useSettled } from '../components/use-settled.ts';
import { LogsSection } from '../investigate/logs-section.tsx';
import {
  computeOverlapView,
  type OverlapInputs,
  type OverlapSettings,
  type OverlapView,
  pageCorporaSpec,
  syntheticInputs,
} from '../investigate/overlap-view.ts';
import { useHashParam } from '../url-state.ts';

const TYPING_PAUSE_MS = 400;

function CorpusField({
  label,
  testId,
  file,
  onChange,
}: {
  label: string;
  testId: string;
  file: TextFile;
  onChange: (next: TextFile) => void;
}) {
  const textId = useId();
  return (
    <div class="field">
      <label for={textId}>
        {label} ({file.path}, {file.text.split('\n').filter((l) => l.trim() !== '').length} lines)
      </label>
      <textarea
        id={textId}
        data-testid={`${testId}-text`}
        class="code"
        rows={4}
        spellcheck={false}
        value={file.text}
        onInput={(e) => onChange({ path: file.path, text: (e.currentTarget as HTMLTextAreaElement).value })}
      />
      <DocumentUpload
        label={`Upload ${label.toLowerCase()} (JSONL)`}
        testId={`${testId}-upload`}
        accept=".jsonl,.json,application/jsonl,text/plain"
        onLoad={onChange}
      />
    </div>
  );
}

/** A page setting kept in the URL under `key`; blank or absent is `fallback`. */
function useSetting(key: string, fallback: string): [string, (v: string) => void] {
  const [value, set] = useHashParam(key);
  return [value ?? fallback, (v) => set(v === fallback ? undefined : v)];
}

type Section = 'overlap' | 'logs';

const sections: Array<{ id: Section; label: string }> = [
  { id: 'overlap', label: 'Overlap: teacher vs suspect' },
  { id: 'logs', label: 'Logs: API traffic' },
];

/** The two halves of distillation forensics, one tab each: output overlap (in the browser) and logs (on the server). */
export function InvestigatePage() {
  const [sectionParam, setSectionParam] = useHashParam('section');
  const section: Section = sectionParam === 'logs' ? 'logs' : 'overlap';
  return (
    <>
      <h1>Investigate</h1>
      <Tabs
        label="Investigate section"
        tabs={sections}
        selected={section}
        panelId="investigate-panel"
        testIdPrefix="investigate-tab"
        onSelect={(id) => setSectionParam(id === 'overlap' ? undefined : id)}
      />
      <div id="investigate-panel" role="tabpanel" aria-labelledby={`tab-${section}`}>
        {section === 'overlap' ? <OverlapSection /> : <LogsSection />}
      </div>
    </>
  );
}

function OverlapSection() {
  // The corpora are the synthetic set of the URL's seed: a link reproduces them (uploaded corpora are
  // not put in a link; they are the person's own data).
  const [urlSeed, setUrlSeed] = useHashParam('seed');
  const first = useMemo(() => syntheticInputs(Number.parseInt(urlSeed ?? '1', 10) || 0), []);
  const [inputs, setInputs] = useState<OverlapInputs>(first.inputs);
  const [seed, setSeed] = useState(urlSeed ?? '1');
  const [names, setNames] = useSetting('names', first.teacherNames.join(', '));
  const [key, setKey] = useSetting('key', first.watermarkKey === undefined ? '' : String(first.watermarkKey));
  const [spanWords, setSpanWords] = useSetting('span', '12');
  const [alpha, setAlpha] = useSetting('alpha', '0.05');
  const [committed, setCommitted] = useSettled(inputs, TYPING_PAUSE_MS);
  const settings: OverlapSettings = {
    teacherNames: names
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== ''),
    ...(key.trim() === '' || !Number.isInteger(Number(key)) ? {} : { watermarkKey: Number(key) }),
    spanWords: Number(spanWords),
    alpha: Number(alpha),
  };
  const settingsKey = JSON.stringify(settings);
  // Keyed on the settings' JSON: a new object each render would recompute on every keystroke anywhere.
  const view = useMemo(
    () => computeOverlapView(committed, JSON.parse(settingsKey) as OverlapSettings),
    [committed, settingsKey],
  );
  const last = useRef<Extract<OverlapView, { kind: 'report' }> | undefined>(undefined);
  if (view.kind === 'report') last.current = view;
  const shown = view.kind === 'empty' ? undefined : last.current;
  const fieldError = (where: string) =>
    view.kind === 'error' && view.where === where ? view.message : undefined;
  const keyError =
    key.trim() !== '' && !Number.isInteger(Number(key))
      ? `expected a whole number, got "${key.trim()}"`
      : undefined;
  const seedId = useId();
  const namesId = useId();
  const keyId = useId();
  const spanId = useId();
  const alphaId = useId();
  const generate = () => {
    const s = syntheticInputs(Number.parseInt(seed, 10) || 0);
    setUrlSeed(seed === '1' ? undefined : seed);
    setInputs(s.inputs);
    setCommitted(s.inputs);
    setNames(s.teacherNames.join(', '));
    setKey(s.watermarkKey === undefined ? '' : String(s.watermarkKey));
  };
  const setBaseline = (i: number, next: TextFile) =>
    setInputs({ ...inputs, baselines: inputs.baselines.map((b, j) => (j === i ? next : b)) });
  return (
    <>
      <p class="lede">
        Does a suspect model's output copy a teacher's more than independent baseline models answering the
        same prompts do? Five tests (O1 verbatim spans, O2 n-gram containment, O3 signature phrases, O4
        identity self-reports, O5 the teacher's watermark), Holm-adjusted. Give JSONL corpora (
        <code>{'{"promptId", "text"}'}</code> per line) or generate a synthetic set; the same computation as{' '}
        <code>clearbox investigate overlap</code>, in your browser.
      </p>
      <div class="form">
        <div class="field">
          <label for={seedId}>Synthetic seed</label>
          <input
            id={seedId}
            data-testid="investigate-seed"
            type="number"
            value={seed}
            onInput={(e) => setSeed((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        <div class="field">
          <span class="help">
            {pageCorporaSpec.prompts} prompts, {pageCorporaSpec.baselines} baselines
          </span>
          <button type="button" data-testid="investigate-generate" onClick={generate}>
            Generate synthetic corpora
          </button>
        </div>
        <div class="field">
          <label for={namesId}>O4: teacher names (comma-separated)</label>
          <input
            id={namesId}
            data-testid="investigate-names"
            type="text"
            value={names}
            onInput={(e) => setNames((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        <div class="field">
          <label for={keyId}>O5: watermark key (integer; empty: no O5)</label>
          <input
            id={keyId}
            data-testid="investigate-key"
            type="text"
            value={key}
            onInput={(e) => setKey((e.currentTarget as HTMLInputElement).value)}
          />
          <FieldMessage id={keyId} message={keyError} />
        </div>
        <div class="field">
          <label for={spanId}>O1: minimum span (words)</label>
          <input
            id={spanId}
            data-testid="investigate-span"
            type="number"
            min={2}
            value={spanWords}
            onInput={(e) => setSpanWords((e.currentTarget as HTMLInputElement).value)}
          />
          <FieldMessage id={spanId} message={fieldError('span words')} />
        </div>
        <div class="field">
          <label for={alphaId}>Alpha (Holm level)</label>
          <input
            id={alphaId}
            data-testid="investigate-alpha"
            type="number"
            step="0.01"
            value={alpha}
            onInput={(e) => setAlpha((e.currentTarget as HTMLInputElement).value)}
          />
          <FieldMessage id={alphaId} message={fieldError('alpha')} />
        </div>
      </div>
      <CorpusField
        label="Teacher"
        testId="investigate-teacher"
        file={inputs.teacher}
        onChange={(teacher) => setInputs({ ...inputs, teacher })}
      />
      <CorpusField
        label="Suspect"
        testId="investigate-suspect"
        file={inputs.suspect}
        onChange={(suspect) => setInputs({ ...inputs, suspect })}
      />
      {inputs.baselines.map((b, i) => (
        <CorpusField
          key={i}
          label={`Baseline ${i + 1}`}
          testId={`investigate-baseline-${i + 1}`}
          file={b}
          onChange={(next) => setBaseline(i, next)}
        />
      ))}
      <div class="field">
        <button
          type="button"
          data-testid="investigate-add-baseline"
          onClick={() =>
            setInputs({
              ...inputs,
              baselines: [
                ...inputs.baselines,
                { path: `baseline-${inputs.baselines.length + 1}.jsonl`, text: '' },
              ],
            })
          }
        >
          Add a baseline
        </button>
      </div>
      <CorpusField
        label="Reference (optional)"
        testId="investigate-reference"
        file={inputs.reference ?? { path: 'reference.jsonl', text: '' }}
        onChange={(reference) => setInputs({ ...inputs, reference })}
      />
      {committed !== inputs && <p class="muted">testing…</p>}
      {view.kind === 'error' && !fieldError('span words') && !fieldError('alpha') && (
        <div class="form-error" role="alert" data-testid="investigate-problems">
          {view.where && <code>{view.where}</code>} {view.message}
        </div>
      )}
      <StaleNote shown={view.kind === 'error' && shown !== undefined} what="field or corpus" />
      {shown && (
        <div data-testid="investigate-report" class={view.kind === 'report' ? undefined : 'stale'}>
          <OverlapTable tests={shown.result.tests} />
          <p data-testid="investigate-statement">{shown.statement}</p>
        </div>
      )}
    </>
  );
}

/** A problem with one setting, under its control. */
function FieldMessage({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <small class="field-error" id={`${id}-error`} role="alert">
      {message}
    </small>
  );
}

function OverlapTable({ tests }: { tests: OverlapTest[] }) {
  return (
    <>
      <div class="table-wrap">
        <table data-testid="investigate-table" class="cards-on-phone">
          <thead>
            <tr>
              <th scope="col">test</th>
              <th scope="col" class="num">
                n
              </th>
              <th scope="col" class="num">
                statistic
              </th>
              <th scope="col" class="num">
                p
              </th>
              <th scope="col" class="num">
                p (Holm)
              </th>
              <th scope="col" class="num">
                effect
              </th>
              <th scope="col">interval</th>
              <th scope="col" class="num">
                power
              </th>
            </tr>
          </thead>
          <tbody>
            {tests.map((t) => (
              <tr key={t.id} data-test-id={t.id} data-p={String(t.p)} data-p-holm={String(t.pHolm)}>
                <th scope="row">
                  <strong>{t.id}</strong> {t.name}
                  {t.corroborationOnly ? ' (corroboration)' : ''}
                </th>
                <td class="num" data-label="n">
                  {t.n}
                </td>
                <td class="num" data-label="statistic" title={t.statisticName}>
                  {formatNumber(t.statistic)}
                </td>
                <td class="num" data-label="p">
                  {formatNumber(t.p)}
                </td>
                <td class="num" data-label="p (Holm)">
                  {t.pHolm === null ? '-' : formatNumber(t.pHolm)}
                </td>
                <td class="num" data-label="effect" title={t.effectName}>
                  {formatNumber(t.effect)}
                </td>
                <td data-label="interval">
                  [{formatNumber(t.interval[0])}, {formatNumber(t.interval[1])}]
                </td>
                <td class="num" data-label="power">
                  {t.power ? formatNumber(t.power.value) : '-'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <TableExport
        name="investigate-overlap"
        table={() => ({
          columns: [
            'test',
            'name',
            'corroborationOnly',
            'n',
            'statisticName',
            'statistic',
            'p',
            'pHolm',
            'effectName',
            'effect',
            'intervalLow',
            'intervalHigh',
            'power',
          ],
          rows: tests.map((t) => ({
            test: t.id,
            name: t.name,
            corroborationOnly: t.corroborationOnly,
            n: t.n,
            statisticName: t.statisticName,
            statistic: t.statistic,
            p: t.p,
            pHolm: t.pHolm,
            effectName: t.effectName,
            effect: t.effect,
            intervalLow: t.interval[0],
            intervalHigh: t.interval[1],
            power: t.power?.value,
          })),
        })}
      />
    </>
  );
}
