import { type Catalog, createEstimator, type Estimator } from '@clearbox/core';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { defaultEstimator, estimatorWithFittedConstants } from '../catalog-data.ts';
import type { Choice } from '../components/fields.tsx';
import { FigureStat } from '../components/figure-view.tsx';
import { FlagForm } from '../components/flag-form.tsx';
import { MemoryBar } from '../components/memory-bar.tsx';
import { PlotChart } from '../components/plot-chart.tsx';
import { SavedItems } from '../components/saved-items.tsx';
import { ServingCurveChart } from '../components/serving-curve-chart.tsx';
import { TableExport } from '../components/table-export.tsx';
import { useFlagValues } from '../components/use-flag-values.ts';
import { useLastValid } from '../components/use-last-valid.ts';
import { type FlagValues, inPageWords } from '../estimate/flags.ts';
import {
  type BatchPoint,
  computeInferenceView,
  defaultInferenceValues,
  type HardwareRow,
  type InferenceView,
  inferenceFields,
  isInferenceScenario,
  valuesFromScenario,
} from '../estimate/inference-view.ts';
import { type ModelFromFile, readModelFile } from '../estimate/model-file.ts';
import { computeTrainingView, defaultTrainingValues, trainingFields } from '../estimate/training-view.ts';
import { formatUsd, humanNumber } from '../format.ts';

function modelChoices(catalog: Catalog, fromFile?: ModelFromFile): Choice[] {
  return catalog.models.map((m) => ({
    value: m.id,
    label: fromFile && m.id === fromFile.model.id ? `${m.name} (from ${fromFile.fileName})` : m.name,
  }));
}

function hardwareChoices(catalog: Catalog): Choice[] {
  return catalog.devices.map((d) => ({ value: d.id, label: `${d.name} (${d.memory.capacityGB} GB)` }));
}

/** Hosts for CPU offload: the catalog's CPUs and single-board computers. */
function hostChoices(catalog: Catalog): Choice[] {
  return [
    { value: '', label: 'default (ddr5-desktop)' },
    ...catalog.devices
      .filter((d) => d.class === 'cpu' || d.class === 'sbc')
      .map((d) => ({ value: d.id, label: d.name })),
  ];
}

/** Engine releases the data knows (data/engines/releases.yaml), each labelled with its engine classes. */
function releaseChoices(catalog: Catalog): Choice[] {
  const classes = new Map<string, string[]>();
  for (const r of catalog.engineReleases)
    classes.set(r.version, [...(classes.get(r.version) ?? []), r.engine]);
  return [
    { value: '', label: 'default (the newest the data knows for the engine class)' },
    ...[...classes.entries()].map(([version, engines]) => ({
      value: version,
      label: `${version} (${engines.join(', ')})`,
    })),
  ];
}

/**
 * An estimator whose catalog also holds the model read from the person's file. The constants were fitted
 * with the catalog's models: they hold unless the file stands in for one of them (its id or an alias is a
 * catalog model's), which changes what the published measurements ran; then the estimator refits, as the
 * CLI does, from the measurements (a chunk fetched for it).
 */
async function estimatorWith(fromFile: ModelFromFile): Promise<Estimator> {
  const base = defaultEstimator().catalog;
  const catalog = {
    ...base,
    models: [fromFile.model, ...base.models.filter((m) => m.id !== fromFile.model.id)],
  };
  const names = [fromFile.model.id, ...(fromFile.model.aliases ?? [])];
  const standsIn = base.models.some((m) => [m.id, ...(m.aliases ?? [])].some((n) => names.includes(n)));
  if (!standsIn) return estimatorWithFittedConstants(catalog);
  const { shippedCalibration } = await import('../calibration-data.ts');
  return createEstimator(catalog, shippedCalibration);
}

export function EstimatePage() {
  const [picked, setPicked] = useState<{ fromFile?: ModelFromFile; estimator: Estimator }>(() => ({
    estimator: defaultEstimator(),
  }));
  const { fromFile, estimator } = picked;
  const readFile = async (m: ModelFromFile) => setPicked({ fromFile: m, estimator: await estimatorWith(m) });
  return (
    <>
      <h1>Estimate</h1>
      <p class="lede">
        What a model needs to serve and to train, on any device in the catalog. Every control is a flag of{' '}
        <code>clearbox estimate</code>, blank means the CLI's default, and the page's address holds the
        command, so a link reproduces the result. Results recompute as you type; open any number to see its
        formula, inputs and sources.
      </p>
      <ModelFilePicker fromFile={fromFile} onRead={readFile} />
      <InferenceCalculator estimator={estimator} fromFile={fromFile} />
      <TrainingCalculator estimator={estimator} fromFile={fromFile} />
    </>
  );
}

/**
 * A model of one's own, as the CLI's `--model config.json|file.gguf` takes it: a Hugging Face config.json
 * or a GGUF file, of which only the header is read, in the browser.
 */
function ModelFilePicker({
  fromFile,
  onRead,
}: {
  fromFile: ModelFromFile | undefined;
  onRead: (m: ModelFromFile) => Promise<void>;
}) {
  const [error, setError] = useState<string | undefined>();
  return (
    <div class="field model-file">
      <label for="model-file">Your own model: a Hugging Face config.json or a GGUF file (header only)</label>
      <input
        id="model-file"
        data-testid="model-file"
        type="file"
        accept=".json,.gguf,application/json"
        aria-describedby={error ? 'model-file-error' : 'model-file-help'}
        onChange={async (e) => {
          const file = (e.currentTarget as HTMLInputElement).files?.[0];
          if (!file) return;
          try {
            await onRead(await readModelFile(file));
            setError(undefined);
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      />
      {error ? (
        <small class="field-error" id="model-file-error" role="alert" data-testid="model-file-error">
          {error}
        </small>
      ) : (
        <small class="help" id="model-file-help" data-testid="model-file-status">
          {fromFile
            ? `${fromFile.model.name} read from ${fromFile.fileName}${fromFile.weightFormat ? ` (${fromFile.weightFormat})` : ''}: now in both model lists. A link names it by id; whoever opens the link picks the file too.`
            : 'Read on this page; nothing is uploaded.'}
        </small>
      )}
    </div>
  );
}

function StaleNote({ shown }: { shown: boolean }) {
  if (!shown) return null;
  return (
    <p class="stale-note" role="status" data-testid="stale-note">
      Showing the last result that computed; correct the marked field to update it.
    </p>
  );
}

function InferenceCalculator({
  estimator,
  fromFile,
}: {
  estimator: Estimator;
  fromFile: ModelFromFile | undefined;
}) {
  const [values, setValues] = useFlagValues('infer', inferenceFields, defaultInferenceValues);
  const view = useMemo(() => computeInferenceView(estimator, values), [estimator, values]);
  const shown = useLastValid(view);
  const errors = view.ok ? [] : view.errors;
  const catalog = estimator.catalog;
  // A model just read from a file becomes the model in use; a GGUF also names its weight format, which
  // the CLI uses when --weights is not given.
  useEffect(() => {
    if (!fromFile) return;
    const next: FlagValues = { ...values, model: fromFile.model.id };
    if (fromFile.weightFormat && !values.weights) next.weights = fromFile.weightFormat;
    setValues(next);
  }, [fromFile]);
  return (
    <section aria-labelledby="infer-h" data-testid="infer">
      <h2 id="infer-h">Inference: memory, latency, throughput, $ per million tokens</h2>
      <FlagForm
        fields={inferenceFields}
        values={values}
        errors={errors}
        onChange={(flag, v) => setValues({ ...values, [flag]: v })}
        choicesFor={{
          model: modelChoices(catalog, fromFile),
          hardware: hardwareChoices(catalog),
          host: hostChoices(catalog),
          'engine-release': releaseChoices(catalog),
        }}
        prefix="infer"
        moreSummary="offload, parallelism, price, utilization, efficiency"
        command="estimate infer"
        label="Inference calculator"
      />
      <SavedItems
        collection="scenarios"
        label="inference scenario"
        testId="infer-saved"
        content={() => ({ calculator: 'inference', form: values })}
        accepts={isInferenceScenario}
        onLoad={(content) => isInferenceScenario(content) && setValues(valuesFromScenario(content))}
      />
      <StaleNote shown={!view.ok && shown !== undefined} />
      {shown && <InferenceResult view={shown} stale={!view.ok} />}
    </section>
  );
}

function InferenceResult({ view, stale }: { view: Extract<InferenceView, { ok: true }>; stale: boolean }) {
  const e = view.estimate;
  return (
    <div
      data-testid="infer-result"
      class={stale ? 'stale' : undefined}
      aria-busy={stale ? 'true' : undefined}
    >
      <p>
        {e.model} on {e.count} × {e.hardware} ({e.engine} engine
        {e.engineRelease.version ? ` ${e.engineRelease.version}` : ''}, weights {e.weights}, KV {e.kv},
        offload {e.offload}):{' '}
        {e.fits ? <span class="badge ok">fits</span> : <span class="badge bad">does not fit</span>} batch{' '}
        {e.batch.value}, {e.bound}-bound
      </p>
      <div class="stats">
        <FigureStat label="Output tokens/s (all users)" figure={e.throughput.outputTokensPerSecond} />
        <FigureStat label="Tokens/s per user" figure={e.throughput.perUserTokensPerSecond} />
        <FigureStat label="Time to first token" figure={e.ttftSeconds} />
        <FigureStat label="Time per output token" figure={e.tpotSeconds} />
        <FigureStat label="$ per million output tokens" figure={e.usdPerMillionOutputTokens} />
        <FigureStat label="$ per million input tokens" figure={e.usdPerMillionInputTokens} />
        <FigureStat label="Batch" figure={e.batch} />
        <FigureStat label="Compute efficiency" figure={e.efficiency.compute} />
        <FigureStat label="Memory-bandwidth efficiency" figure={e.efficiency.memory} />
      </div>
      <h3>Memory per device</h3>
      <MemoryBar memory={e.memory} />
      <Warnings warnings={e.warnings} fields={inferenceFields} />
      <h3>Serving curve (continuous batching)</h3>
      <ServingCurveChart curve={e.curve} />
      <h3>Throughput and latency vs batch</h3>
      <BatchCharts sweep={view.sweep} />
      <h3>The same request on other hardware</h3>
      <HardwareTable rows={view.hardware} current={e.hardware} count={e.count} />
    </div>
  );
}

function Warnings({ warnings, fields }: { warnings: string[]; fields: typeof inferenceFields }) {
  if (!warnings.length) return null;
  return (
    <ul class="warnings" data-testid="warnings">
      {warnings.map((w) => (
        <li key={w}>{inPageWords(w, fields)}</li>
      ))}
    </ul>
  );
}

function BatchCharts({ sweep }: { sweep: BatchPoint[] }) {
  if (!sweep.length) return <p class="muted">Not even batch 1 fits on this replica.</p>;
  const key = JSON.stringify(sweep);
  return (
    <div class="charts">
      <PlotChart
        testId="chart-throughput"
        deps={[key]}
        caption={`Aggregate output tokens/s for batch ${sweep[0]?.batch} to ${sweep.at(-1)?.batch} (log scales): ${sweep.map((p) => `${p.batch}: ${humanNumber(p.outputTokensPerSecond)}`).join(', ')}`}
        build={(Plot, width) =>
          Plot.plot({
            width,
            height: 240,
            marginLeft: 56,
            x: { type: 'log', base: 2, label: 'batch (concurrent sequences)' },
            y: { type: 'log', label: 'output tokens/s (all users)', grid: true, tickFormat: humanNumber },
            marks: [
              Plot.line(sweep, { x: 'batch', y: 'outputTokensPerSecond', stroke: '#0b5cad' }),
              Plot.dot(sweep, { x: 'batch', y: 'outputTokensPerSecond', fill: '#0b5cad', tip: true }),
            ],
          })
        }
      />
      <PlotChart
        testId="chart-latency"
        deps={[key]}
        caption={`Time per output token in ms by batch: ${sweep.map((p) => `${p.batch}: ${humanNumber(p.tpotMs)}`).join(', ')}`}
        build={(Plot, width) =>
          Plot.plot({
            width,
            height: 240,
            marginLeft: 56,
            x: { type: 'log', base: 2, label: 'batch (concurrent sequences)' },
            y: { label: 'time per output token (ms)', grid: true, zero: true, tickFormat: humanNumber },
            marks: [
              Plot.line(sweep, { x: 'batch', y: 'tpotMs', stroke: '#bf8700' }),
              Plot.dot(sweep, { x: 'batch', y: 'tpotMs', fill: '#bf8700', tip: true }),
            ],
          })
        }
      />
    </div>
  );
}

const hardwareColumns = [
  'hardware',
  'name',
  'fits',
  'outputTokensPerSecond',
  'ttftMs',
  'tpotMs',
  'usdPerMillionOutput',
] as const;

function HardwareTable({ rows, current, count }: { rows: HardwareRow[]; current: string; count: number }) {
  const fitting = rows.filter((r) => r.fits);
  const notFitting = rows.filter((r) => !r.fits);
  return (
    <>
      <div class="table-wrap">
        <table data-testid="hardware-table" class="cards-on-phone">
          <caption class="muted">
            {count} device(s) per replica, same model, formats and batch; sorted by $ per million output
            tokens.
          </caption>
          <thead>
            <tr>
              <th scope="col">Hardware</th>
              <th scope="col" class="num">
                Output tok/s
              </th>
              <th scope="col" class="num">
                TTFT ms
              </th>
              <th scope="col" class="num">
                ms/token
              </th>
              <th scope="col" class="num">
                $/M output
              </th>
            </tr>
          </thead>
          <tbody>
            {fitting.map((r) => (
              <tr key={r.hardware} aria-current={r.hardware === current ? 'true' : undefined}>
                <th scope="row">{r.hardware === current ? <strong>{r.name}</strong> : r.name}</th>
                <td class="num" data-label="tok/s">
                  {humanNumber(r.outputTokensPerSecond)}
                </td>
                <td class="num" data-label="TTFT ms">
                  {humanNumber(r.ttftMs)}
                </td>
                <td class="num" data-label="ms/token">
                  {humanNumber(r.tpotMs)}
                </td>
                <td class="num" data-label="$/M out">
                  {r.hasPrice ? formatUsd(r.usdPerMillionOutput) : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {notFitting.length > 0 && (
        <details class="nofit-list" data-testid="hardware-nofit">
          <summary>Does not fit on {notFitting.length} other device(s)</summary>
          <p>{notFitting.map((r) => r.name).join(', ')}.</p>
        </details>
      )}
      <TableExport
        name="hardware"
        table={() => ({
          columns: hardwareColumns,
          rows: rows.map((r) => ({
            ...r,
            outputTokensPerSecond: r.fits ? r.outputTokensPerSecond : null,
            ttftMs: r.fits ? r.ttftMs : null,
            tpotMs: r.fits ? r.tpotMs : null,
            usdPerMillionOutput: r.fits && r.hasPrice ? r.usdPerMillionOutput : null,
          })),
        })}
      />
    </>
  );
}

function TrainingCalculator({
  estimator,
  fromFile,
}: {
  estimator: Estimator;
  fromFile: ModelFromFile | undefined;
}) {
  const [values, setValues] = useFlagValues('train', trainingFields, defaultTrainingValues);
  const view = useMemo(() => computeTrainingView(estimator, values), [estimator, values]);
  const shown = useLastValid(view);
  const errors = view.ok ? [] : view.errors;
  const catalog = estimator.catalog;
  useEffect(() => {
    if (fromFile) setValues({ ...values, model: fromFile.model.id });
  }, [fromFile]);
  return (
    <section aria-labelledby="train-h" data-testid="train">
      <h2 id="train-h">Training: FLOPs, GPU-hours, MFU, cost, energy</h2>
      <FlagForm
        fields={trainingFields}
        values={values}
        errors={errors}
        onChange={(flag, v) => setValues({ ...values, [flag]: v })}
        choicesFor={{ model: modelChoices(catalog, fromFile), hardware: hardwareChoices(catalog) }}
        prefix="train"
        moreSummary="sequence, parallelism, ZeRO, micro-batch, PUE, grid"
        command="estimate train"
        label="Training calculator"
      />
      <StaleNote shown={!view.ok && shown !== undefined} />
      {shown && (
        <div data-testid="train-result" class={view.ok ? undefined : 'stale'}>
          <div class="stats">
            <FigureStat label="Compute cost (rental basis, this run)" figure={shown.estimate.costUsd} />
            <FigureStat label="GPU-hours" figure={shown.estimate.gpuHours} />
            <FigureStat label={`MFU (${shown.estimate.dtype} peak)`} figure={shown.estimate.mfu} />
            {Object.entries(shown.estimate.mfuByDtype)
              .filter(([dtype]) => dtype !== shown.estimate.dtype)
              .map(([dtype, f]) => (
                <FigureStat key={dtype} label={`MFU against the ${dtype} peak`} figure={f} />
              ))}
            <FigureStat label="Training FLOPs (6·N·D)" figure={shown.estimate.flops} />
            <FigureStat label="FLOPs with attention scores" figure={shown.estimate.flopsWithAttention} />
            <FigureStat label="Wall-clock days" figure={shown.estimate.wallClockDays} />
            <FigureStat label="GPUs" figure={shown.estimate.count} />
            <FigureStat label="Energy" figure={shown.estimate.energyMWh} />
            <FigureStat label="Emissions" figure={shown.estimate.emissionsTonnesCo2} />
            <FigureStat label="Memory per GPU" figure={shown.estimate.memoryPerGpuBytes} />
            <FigureStat label="Fewest GPUs that fit" figure={shown.estimate.minGpusToFit} />
          </div>
          <Warnings warnings={shown.estimate.warnings} fields={trainingFields} />
        </div>
      )}
    </section>
  );
}
