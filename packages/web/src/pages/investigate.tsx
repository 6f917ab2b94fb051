import { formatNumber, type OverlapTest, type TextFile } from '@clearbox/core';
import { useId, useMemo, useState } from 'preact/hooks';
import { DocumentUpload } from '../components/document-field.tsx';
import { useSettled } from '../components/use-settled.ts';
import {
  computeOverlapView,
  type OverlapInputs,
  type OverlapSettings,
  pageCorporaSpec,
  syntheticInputs,
} from '../investigate/overlap-view.ts';

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

const initialSeed = 1;

export function InvestigatePage() {
  const first = useMemo(() => syntheticInputs(initialSeed), []);
  const [inputs, setInputs] = useState<OverlapInputs>(first.inputs);
  const [seed, setSeed] = useState(String(initialSeed));
  const [names, setNames] = useState(first.teacherNames.join(', '));
  const [key, setKey] = useState(first.watermarkKey === undefined ? '' : String(first.watermarkKey));
  const [spanWords, setSpanWords] = useState('12');
  const [alpha, setAlpha] = useState('0.05');
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
  const seedId = useId();
  const namesId = useId();
  const keyId = useId();
  const spanId = useId();
  const alphaId = useId();
  const generate = () => {
    const s = syntheticInputs(Number.parseInt(seed, 10) || 0);
    setInputs(s.inputs);
    setCommitted(s.inputs);
    setNames(s.teacherNames.join(', '));
    setKey(s.watermarkKey === undefined ? '' : String(s.watermarkKey));
  };
  const setBaseline = (i: number, next: TextFile) =>
    setInputs({ ...inputs, baselines: inputs.baselines.map((b, j) => (j === i ? next : b)) });
  return (
    <>
      <h1>Investigate</h1>
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
      {view.kind === 'error' && (
        <div class="form-error" role="alert" data-testid="investigate-problems">
          {view.where && <code>{view.where}</code>} {view.message}
        </div>
      )}
      {view.kind === 'report' && (
        <div data-testid="investigate-report">
          <OverlapTable tests={view.result.tests} />
          <p data-testid="investigate-statement">{view.statement}</p>
        </div>
      )}
    </>
  );
}

function OverlapTable({ tests }: { tests: OverlapTest[] }) {
  return (
    <div class="table-wrap">
      <table data-testid="investigate-table">
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
              <td>
                <strong>{t.id}</strong> {t.name}
                {t.corroborationOnly ? ' (corroboration)' : ''}
              </td>
              <td class="num">{t.n}</td>
              <td class="num" title={t.statisticName}>
                {formatNumber(t.statistic)}
              </td>
              <td class="num">{formatNumber(t.p)}</td>
              <td class="num">{t.pHolm === null ? '-' : formatNumber(t.pHolm)}</td>
              <td class="num" title={t.effectName}>
                {formatNumber(t.effect)}
              </td>
              <td>
                [{formatNumber(t.interval[0])}, {formatNumber(t.interval[1])}]
              </td>
              <td class="num">{t.power ? formatNumber(t.power.value) : '-'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
