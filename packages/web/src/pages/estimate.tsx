import type { Estimator } from '@clearbox/core';
import { formatNumber } from '@clearbox/core';
import { useMemo, useState } from 'preact/hooks';
import { defaultEstimator } from '../catalog-data.ts';
import { type Choice, type FieldError, NumberField, SelectField } from '../components/fields.tsx';
import { FigureStat } from '../components/figure-view.tsx';
import { MemoryBar } from '../components/memory-bar.tsx';
import { PlotChart } from '../components/plot-chart.tsx';
import { SavedItems } from '../components/saved-items.tsx';
import {
  type BatchPoint,
  computeInferenceView,
  defaultInferenceForm,
  engineChoices,
  formFromScenario,
  type HardwareRow,
  type InferenceForm,
  isInferenceScenario,
  kvChoices,
  weightChoices,
} from '../estimate/inference-view.ts';
import {
  computeTrainingView,
  deepseekV3TrainingForm,
  dtypeChoices,
  type TrainingForm,
  type TrainingMode,
} from '../estimate/training-view.ts';
import { formatUsd } from '../format.ts';

const plain = (values: readonly string[]): Choice[] => values.map((v) => ({ value: v, label: v }));

function modelChoices(estimator: Estimator): Choice[] {
  return estimator.catalog.models.map((m) => ({ value: m.id, label: m.name }));
}

function hardwareChoices(estimator: Estimator): Choice[] {
  return estimator.catalog.devices.map((d) => ({
    value: d.id,
    label: `${d.name} (${d.memory.capacityGB} GB)`,
  }));
}

function errorFor(errors: FieldError[], field: string): FieldError | undefined {
  return errors.find((e) => e.field === field);
}

function FormErrors({ errors, fields }: { errors: FieldError[]; fields: string[] }) {
  const loose = errors.filter((e) => !fields.includes(e.field));
  if (!loose.length) return null;
  return (
    <div class="form-error" role="alert" data-testid="form-error">
      {loose.map((e) => (
        <div key={e.message}>{e.message}</div>
      ))}
    </div>
  );
}

export function EstimatePage() {
  const estimator = defaultEstimator();
  return (
    <>
      <h1>Estimate</h1>
      <p class="lede">
        What a model needs to serve and to train, on any device in the catalog. Results recompute as you type;
        open any number to see its formula, inputs and sources.
      </p>
      <InferenceCalculator estimator={estimator} />
      <TrainingCalculator estimator={estimator} />
    </>
  );
}

const inferenceFields = [
  'model',
  'hardware',
  'count',
  'weights',
  'kv',
  'engine',
  'batch',
  'input',
  'output',
  'usdPerHour',
];

function InferenceCalculator({ estimator }: { estimator: Estimator }) {
  const [form, setForm] = useState<InferenceForm>(defaultInferenceForm);
  const view = useMemo(() => computeInferenceView(estimator, form), [estimator, form]);
  const set = (patch: Partial<InferenceForm>) => setForm((f) => ({ ...f, ...patch }));
  const errors = view.ok ? [] : view.errors;
  return (
    <section aria-labelledby="infer-h" data-testid="infer">
      <h2 id="infer-h">Inference: memory, latency, throughput, $ per million tokens</h2>
      <form class="form" onSubmit={(e) => e.preventDefault()} aria-label="Inference calculator">
        <SelectField
          name="infer-model"
          label="Model"
          value={form.model}
          choices={modelChoices(estimator)}
          onChange={(model) => set({ model })}
        />
        <SelectField
          name="infer-hardware"
          label="Hardware"
          value={form.hardware}
          choices={hardwareChoices(estimator)}
          onChange={(hardware) => set({ hardware })}
        />
        <NumberField
          name="infer-count"
          label="Devices per replica"
          value={form.count}
          error={errorFor(errors, 'count')}
          onInput={(count) => set({ count })}
        />
        <SelectField
          name="infer-weights"
          label="Weight format"
          value={form.weights}
          choices={plain(weightChoices)}
          onChange={(w) => set({ weights: w as InferenceForm['weights'] })}
        />
        <SelectField
          name="infer-kv"
          label="KV-cache format"
          value={form.kv}
          choices={plain(kvChoices)}
          onChange={(kv) => set({ kv: kv as InferenceForm['kv'] })}
        />
        <SelectField
          name="infer-engine"
          label="Engine class"
          value={form.engine}
          choices={plain(engineChoices)}
          onChange={(engine) => set({ engine: engine as InferenceForm['engine'] })}
        />
        <NumberField
          name="infer-batch"
          label="Batch (concurrent sequences)"
          help="a number, or max"
          value={form.batch}
          error={errorFor(errors, 'batch')}
          onInput={(batch) => set({ batch })}
        />
        <NumberField
          name="infer-input"
          label="Prompt tokens"
          value={form.input}
          error={errorFor(errors, 'input')}
          onInput={(input) => set({ input })}
        />
        <NumberField
          name="infer-output"
          label="Output tokens"
          value={form.output}
          error={errorFor(errors, 'output')}
          onInput={(output) => set({ output })}
        />
        <NumberField
          name="infer-usd"
          label="USD per device-hour"
          help="blank: catalog rental midpoint"
          value={form.usdPerHour}
          error={errorFor(errors, 'usdPerHour')}
          onInput={(usdPerHour) => set({ usdPerHour })}
        />
      </form>
      <FormErrors errors={errors} fields={inferenceFields} />
      <SavedItems
        collection="scenarios"
        label="inference scenario"
        testId="infer-saved"
        content={() => ({ calculator: 'inference', form })}
        accepts={isInferenceScenario}
        onLoad={(content) => isInferenceScenario(content) && setForm(formFromScenario(content))}
      />
      {view.ok && <InferenceResult view={view} />}
    </section>
  );
}

function InferenceResult({ view }: { view: Extract<ReturnType<typeof computeInferenceView>, { ok: true }> }) {
  const e = view.estimate;
  return (
    <div data-testid="infer-result">
      <p>
        {e.model} on {e.count} × {e.hardware}:{' '}
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
      </div>
      <h3>Memory per device</h3>
      <MemoryBar memory={e.memory} />
      {e.warnings.length > 0 && (
        <ul class="warnings">
          {e.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      <h3>Throughput and latency vs batch</h3>
      <BatchCharts sweep={view.sweep} />
      <h3>The same request on other hardware</h3>
      <HardwareTable rows={view.hardware} current={e.hardware} count={e.count} />
    </div>
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
        caption={`Aggregate output tokens/s for batch ${sweep[0]?.batch} to ${sweep.at(-1)?.batch} (log scale): ${sweep.map((p) => `${p.batch}: ${formatNumber(p.outputTokensPerSecond)}`).join(', ')}`}
        build={(Plot, width) =>
          Plot.plot({
            width,
            height: 240,
            x: { type: 'log', base: 2, label: 'batch (concurrent sequences)' },
            y: { label: 'output tokens/s (all users)', grid: true },
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
        caption={`Time per output token in ms by batch: ${sweep.map((p) => `${p.batch}: ${formatNumber(p.tpotMs)}`).join(', ')}`}
        build={(Plot, width) =>
          Plot.plot({
            width,
            height: 240,
            x: { type: 'log', base: 2, label: 'batch (concurrent sequences)' },
            y: { label: 'time per output token (ms)', grid: true, zero: true },
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

function HardwareTable({ rows, current, count }: { rows: HardwareRow[]; current: string; count: number }) {
  return (
    <div class="table-wrap">
      <table data-testid="hardware-table">
        <caption class="muted">
          {count} device(s) per replica, same model, formats and batch; sorted by $ per million output tokens
          among devices that fit.
        </caption>
        <thead>
          <tr>
            <th scope="col">Hardware</th>
            <th scope="col">Fits</th>
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
          {rows.map((r) => (
            <tr
              key={r.hardware}
              class={r.fits ? undefined : 'nofit'}
              aria-current={r.hardware === current ? 'true' : undefined}
            >
              <th scope="row">{r.hardware === current ? <strong>{r.name}</strong> : r.name}</th>
              <td>{r.fits ? 'yes' : 'no'}</td>
              <td class="num">{r.fits ? formatNumber(r.outputTokensPerSecond) : '—'}</td>
              <td class="num">{r.fits ? formatNumber(r.ttftMs) : '—'}</td>
              <td class="num">{r.fits ? formatNumber(r.tpotMs) : '—'}</td>
              <td class="num">{r.fits && r.hasPrice ? formatUsd(r.usdPerMillionOutput) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const modeChoices: Choice[] = [
  { value: 'gpu-hours', label: 'GPU-hours (implies MFU)' },
  { value: 'mfu', label: 'MFU (gives GPU-hours)' },
  { value: 'days', label: 'wall-clock days' },
];
const amountLabel: Record<TrainingMode, string> = {
  'gpu-hours': 'GPU-hours',
  mfu: 'MFU (0–1)',
  days: 'Days',
};
const trainingFields = ['model', 'hardware', 'dtype', 'tokens', 'count', 'mode', 'amount', 'usdPerGpuHour'];

function TrainingCalculator({ estimator }: { estimator: Estimator }) {
  const [form, setForm] = useState<TrainingForm>(deepseekV3TrainingForm);
  const view = useMemo(() => computeTrainingView(estimator, form), [estimator, form]);
  const set = (patch: Partial<TrainingForm>) => setForm((f) => ({ ...f, ...patch }));
  const errors = view.ok ? [] : view.errors;
  return (
    <section aria-labelledby="train-h" data-testid="train">
      <h2 id="train-h">Training: FLOPs, GPU-hours, MFU, cost, energy</h2>
      <form class="form" onSubmit={(e) => e.preventDefault()} aria-label="Training calculator">
        <SelectField
          name="train-model"
          label="Model"
          value={form.model}
          choices={modelChoices(estimator)}
          onChange={(model) => set({ model })}
        />
        <SelectField
          name="train-hardware"
          label="Hardware"
          value={form.hardware}
          choices={hardwareChoices(estimator)}
          onChange={(hardware) => set({ hardware })}
        />
        <SelectField
          name="train-dtype"
          label="Training precision"
          value={form.dtype}
          choices={plain(dtypeChoices)}
          onChange={(d) => set({ dtype: d as TrainingForm['dtype'] })}
        />
        <NumberField
          name="train-tokens"
          label="Training tokens"
          help="blank: the model's disclosed tokens"
          value={form.tokens}
          error={errorFor(errors, 'tokens')}
          onInput={(tokens) => set({ tokens })}
        />
        <NumberField
          name="train-count"
          label="GPUs"
          value={form.count}
          error={errorFor(errors, 'count')}
          onInput={(count) => set({ count })}
        />
        <SelectField
          name="train-mode"
          label="Pin the run by"
          value={form.mode}
          choices={modeChoices}
          onChange={(m) =>
            set({ mode: m as TrainingMode, amount: m === 'mfu' ? '0.4' : m === 'days' ? '60' : '2788000' })
          }
        />
        <NumberField
          name="train-amount"
          label={amountLabel[form.mode]}
          value={form.amount}
          error={errorFor(errors, 'amount')}
          onInput={(amount) => set({ amount })}
        />
        <NumberField
          name="train-usd"
          label="USD per GPU-hour"
          help="blank: catalog rental midpoint"
          value={form.usdPerGpuHour}
          error={errorFor(errors, 'usdPerGpuHour')}
          onInput={(usdPerGpuHour) => set({ usdPerGpuHour })}
        />
      </form>
      <FormErrors errors={errors} fields={trainingFields} />
      {view.ok && (
        <div data-testid="train-result">
          <div class="stats">
            <FigureStat label="Compute cost (rental basis, this run)" figure={view.estimate.costUsd} />
            <FigureStat label="GPU-hours" figure={view.estimate.gpuHours} />
            <FigureStat label={`MFU (${view.estimate.dtype} peak)`} figure={view.estimate.mfu} />
            <FigureStat label="Training FLOPs (6·N·D)" figure={view.estimate.flops} />
            <FigureStat label="Wall-clock days" figure={view.estimate.wallClockDays} />
            <FigureStat label="Energy" figure={view.estimate.energyMWh} />
            <FigureStat label="Emissions" figure={view.estimate.emissionsTonnesCo2} />
            <FigureStat label="Memory per GPU" figure={view.estimate.memoryPerGpuBytes} />
          </div>
          {view.estimate.warnings.length > 0 && (
            <ul class="warnings">
              {view.estimate.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
