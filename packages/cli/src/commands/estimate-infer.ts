import {
  checkOptions,
  createEstimator,
  type Engine,
  engineSchema,
  explain,
  formatNumber,
  type InferenceEstimate,
  type InferenceOptions,
  inferenceOptionFlags,
  inferenceOptionsSchema,
  type KvFormat,
  kvFormatSchema,
  parseConcurrencyList,
  parseOffload,
  type WeightFormat,
  weightFormatSchema,
} from '@clearbox/core';
import { loadShippedCalibration } from '@clearbox/store';
import type { Command } from 'commander';
import { cliFitCache } from '../fit-cache.ts';
import type { Io } from '../io.ts';
import { parseChoice, parseInteger, parseNumber } from '../options.ts';
import { explainAll, humanFigure } from '../render/figures.ts';
import { renderTable } from '../render/table.ts';
import { catalogWithUserInputs } from '../user-inputs.ts';

const weightChoices = weightFormatSchema.options;
const kvChoices = kvFormatSchema.options;
const engineChoices = engineSchema.options;

interface Flags {
  model: string;
  hardware: string;
  count?: string;
  weights?: string;
  kv?: string;
  batch?: string;
  input?: string;
  output?: string;
  engine?: string;
  offload?: string;
  host?: string;
  tp?: string;
  ep?: string;
  attentionDp?: string;
  usdPerHour?: string;
  utilization?: string;
  effCompute?: string;
  effMemory?: string;
  concurrency?: string;
  mtp?: string;
  engineRelease?: string;
  eager?: boolean;
  json?: boolean;
  explain?: boolean;
  cache?: boolean;
}

export function inferenceOptions(
  flags: Flags,
  model: string,
  hardware: string,
  weightFromFile?: WeightFormat,
): InferenceOptions {
  const o: InferenceOptions = { model, hardware };
  if (flags.count !== undefined) o.count = parseInteger('--count', flags.count);
  const weights = flags.weights ?? weightFromFile;
  if (weights !== undefined) o.weights = parseChoice<WeightFormat>('--weights', weights, weightChoices);
  if (flags.kv !== undefined) o.kv = parseChoice<KvFormat>('--kv', flags.kv, kvChoices);
  if (flags.batch !== undefined)
    o.batch = flags.batch === 'max' ? 'max' : parseInteger('--batch', flags.batch);
  if (flags.input !== undefined) o.inputTokens = parseInteger('--input', flags.input);
  if (flags.output !== undefined) o.outputTokens = parseInteger('--output', flags.output);
  if (flags.engine !== undefined) o.engine = parseChoice<Engine>('--engine', flags.engine, engineChoices);
  if (flags.offload !== undefined) o.offload = parseOffload(flags.offload);
  if (flags.host !== undefined) o.host = flags.host;
  if (flags.tp !== undefined) o.tensorParallel = parseInteger('--tp', flags.tp);
  if (flags.ep !== undefined) o.expertParallel = parseInteger('--ep', flags.ep);
  if (flags.attentionDp !== undefined)
    o.attentionDataParallel = parseInteger('--attention-dp', flags.attentionDp);
  if (flags.usdPerHour !== undefined) o.usdPerHour = parseNumber('--usd-per-hour', flags.usdPerHour);
  if (flags.utilization !== undefined) o.utilization = parseNumber('--utilization', flags.utilization);
  if (flags.effCompute !== undefined) o.efficiencyCompute = parseNumber('--eff-compute', flags.effCompute);
  if (flags.effMemory !== undefined) o.efficiencyMemory = parseNumber('--eff-memory', flags.effMemory);
  if (flags.concurrency !== undefined) o.concurrency = parseConcurrencyList(flags.concurrency);
  if (flags.mtp !== undefined) o.mtpAcceptance = parseNumber('--mtp', flags.mtp);
  if (flags.engineRelease !== undefined) o.engineRelease = flags.engineRelease;
  if (flags.eager) o.eager = true;
  checkOptions(inferenceOptionsSchema, o, inferenceOptionFlags);
  return o;
}

/** The serving curve as a table: one row per concurrency. */
export function renderCurve(e: InferenceEstimate): string {
  const ms = (s: number) => formatNumber(s * 1000);
  const rows = [
    ['concurrency', 'running', 'cap', 'tok/s/user', 'out tok/s/device', 'TTFT ms', 'TPOT ms', 'decode bound'],
    ...e.curve.map((p) => [
      String(p.concurrency),
      String(p.runningSequences),
      p.cap,
      formatNumber(p.perUserTokensPerSecond),
      formatNumber(p.outputTokensPerSecondPerDevice),
      ms(p.ttftSeconds),
      ms(p.tpotSeconds),
      p.decodeBound,
    ]),
  ];
  const spec = e.serving.speculative;
  const title = `serving curve (continuous batching, ${e.serving.limits.maxBatchedTokens.value}-token step budget${spec ? `, MTP acceptance ${spec.acceptance.value}: ${formatNumber(spec.tokensPerStep.value)} tokens per step` : ''}):`;
  return `${title}\n${renderTable(rows, ['right', 'right', 'left', 'right', 'right', 'right', 'right', 'left'])}\n`;
}

/** `--explain` for the curve: each point's TPOT and TTFT derivation, with the bound of its decode step. */
export function explainCurve(e: InferenceEstimate): string {
  return e.serving.points
    .map((p) => {
      const tree = [p.tpotSeconds, p.ttftSeconds, p.outputTokensPerSecondPerDevice]
        .map((f) => explain(f).replace(/^/gm, '  '))
        .join('\n');
      return `curve at concurrency ${p.concurrency}:\n${tree}`;
    })
    .join('\n\n');
}

/** The step as operators (for --explain): time, compute/memory/fixed parts and what bounds each. */
export function renderOperators(e: InferenceEstimate): string {
  const ms = (x: number) => (x * 1e3).toFixed(3);
  const table = (title: string, ops: InferenceEstimate['operators']['decode'], bounding: string) =>
    [
      `${title}: bounded by ${bounding}`,
      ...ops.map(
        (o) =>
          `  ${o.operator.padEnd(22)} ${ms(o.seconds).padStart(9)} ms  (compute ${ms(o.computeSeconds)}, memory ${ms(o.memorySeconds)}, fixed ${ms(o.fixedSeconds)}, comm ${ms(o.communicationSeconds)}; ${o.bound})`,
      ),
    ].join('\n');
  const perPoint = e.operators.curve.map(
    (p) =>
      `  concurrency ${String(p.concurrency).padStart(4)} (batch ${String(p.runningSequences).padStart(4)}): decode ${ms(p.decodeStepSeconds)} ms, ${p.decodeBounding}${p.mixed.length > 0 ? `; with prefill ${ms(p.mixedStepSeconds)} ms, ${p.mixedBounding}` : ''}`,
  );
  const f = e.operators.fixedCosts;
  const moeMla = f.moeMlaOperators
    ? [
        `MoE/MLA operators (MLA projections and attention, router, routed and shared experts, expert collectives): fixed costs × ${Number(f.moeMlaFixedCostScale.toPrecision(3))} on top of the class's (fitted; with this release's age)`,
      ]
    : [];
  const attention = e.operators.prefillAttention;
  return [
    table('decode step by operator', e.operators.decode, e.operators.decodeBounding),
    table('prefill of one request by operator', e.operators.prefill, e.operators.prefillBounding),
    `prefill attention (QKᵀ and PV over the prompt): ${Number(attention.efficiency.toPrecision(3))} of the attention peak (${attention.origin === 'fitted' ? "fitted on the class's long-prompt measurements" : "the class's literature prior; no long-prompt measurements fitted it"})`,
    ...moeMla,
    ...(perPoint.length > 0
      ? [
          'bounding operator per curve point (decode step at the running batch; step also carrying prefill chunks):',
          ...perPoint,
        ]
      : []),
  ].join('\n');
}

/** The engine release the step was modelled for (for --explain): each kernel path it runs and its prior. */
export function renderRelease(e: InferenceEstimate): string {
  const r = e.engineRelease;
  if (r.version === undefined)
    return `engine release: none known for ${r.engineClass} (data/engines/releases.yaml); every operator at its reference path`;
  const head = `engine release: ${r.engineClass} ${r.version}${r.reference ? ' (the newest the data knows: the release the fitted constants describe)' : ` (constants fitted for the reference release ${r.referenceVersion}; this release's kernel paths scale their operators)`}`;
  const lines = r.paths.map((p) =>
    p.operator === 'all-reduce'
      ? `  ${p.operator.padEnd(9)} ${p.id}: ${p.name}; ${p.collectiveSeconds === undefined ? `no latency measured on ${e.hardware}: the class's fitted cost` : `${(p.collectiveSeconds * 1e6).toPrecision(3)} µs per collective (measured)`} [${p.source}]`
      : `  ${p.operator.padEnd(9)} ${p.id}: ${p.name}; × ${p.applied.compute} compute, × ${p.applied.memory} memory${p.applied.compute !== p.prior.compute || p.applied.memory !== p.prior.memory ? ` (prior × ${p.prior.compute} / × ${p.prior.memory} not measured on ${e.hardware})` : ''} [${p.source}]`,
  );
  if (r.maxBatchedTokens !== undefined)
    lines.push(
      `  prompts chunked by default into ${r.maxBatchedTokens}-token steps (this release, above its context threshold)`,
    );
  const named = new Set(r.paths.map((p) => p.operator));
  const rest = (['attention', 'experts', 'blocks'] as const).filter((o) => !named.has(o));
  if (rest.length > 0) lines.push(`  ${rest.join(', ')}: the reference path (× 1)`);
  return [head, ...lines].join('\n');
}

export function renderInference(e: InferenceEstimate): string {
  const m = e.memory;
  const lines = [
    `${e.model} on ${e.count} × ${e.hardware} (${e.engine} engine, weights ${e.weights}, KV ${e.kv}, offload ${e.offload})`,
    `fits: ${e.fits ? 'yes' : 'NO'}   batch: ${e.batch.value}   bound: ${e.bound}`,
    `memory per device: weights ${humanFigure(m.weightsBytes)} + KV ${humanFigure(m.kvCacheBytes)} + activations ${humanFigure(m.activationBytes)} + overhead ${humanFigure(m.overheadBytes)} = ${humanFigure(m.totalBytes)} of ${humanFigure(m.capacityBytes)}`,
    `latency: TTFT ${humanFigure(e.ttftSeconds)}   time per output token ${humanFigure(e.tpotSeconds)}`,
    `throughput: ${humanFigure(e.throughput.outputTokensPerSecond)} output (aggregate), ${humanFigure(e.throughput.perUserTokensPerSecond)} per user, prefill ${humanFigure(e.throughput.prefillTokensPerSecond)}`,
    `cost: ${humanFigure(e.usdPerMillionOutputTokens)} output, ${humanFigure(e.usdPerMillionInputTokens)} input`,
    `efficiency: compute ${e.efficiency.compute.value}, memory ${e.efficiency.memory.value} (${e.efficiency.memory.note ?? ''})`,
  ];
  for (const w of e.warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n\n${renderCurve(e)}`;
}

export function registerEstimateInfer(parent: Command, io: Io): void {
  parent
    .command('infer')
    .description('inference memory fit, latency, throughput and $ per million tokens')
    .requiredOption('--model <id|path>', 'catalog model id, or a config.json / .gguf / model YAML file')
    .requiredOption('--hardware <id|path>', 'catalog hardware id, or a device YAML file')
    .option('--count <n>', 'devices in one replica (default 1)')
    .option(
      '--weights <format>',
      `weight format: ${weightChoices.join('|')} (default: the checkpoint's own format, e.g. fp8_block (block-scaled FP8) for DeepSeek-V3/R1, mxfp4 for gpt-oss; else bf16)`,
    )
    .option('--kv <format>', `KV-cache format: ${kvChoices.join('|')} (default bf16; fp16 for llamacpp)`)
    .option('--batch <n|max>', 'concurrent sequences, or max = the largest that fits (default 1)')
    .option('--input <tokens>', 'prompt tokens per request (default 1024)')
    .option('--output <tokens>', 'generated tokens per request (default 256)')
    .option('--engine <class>', `engine class: ${engineChoices.join('|')} (default tuned)`)
    .option('--offload <mode>', 'none | cpu:LAYERS | stream:host | stream:nvme | stream:ssd | stream:hdd')
    .option('--host <id>', 'host CPU for --offload cpu:N (default ddr5-desktop)')
    .option('--tp <n>', 'tensor-parallel degree (default count / ep)')
    .option('--ep <n>', 'expert-parallel degree for MoE models (default 1)')
    .option(
      '--attention-dp <n>',
      'attention data-parallel degree for MoE models: groups of count/n devices each run attention and the dense layers on their own sequences (n = count: TensorRT-LLM enable_attention_dp, SGLang --enable-dp-attention; default ep)',
    )
    .option('--usd-per-hour <usd>', 'price of one device-hour (default: catalog rental midpoint)')
    .option('--utilization <u>', 'share of paid hours doing work, 0-1 (default 1)')
    .option('--eff-compute <x>', 'override the calibrated compute efficiency (fraction of dense peak)')
    .option('--eff-memory <x>', 'override the calibrated memory-bandwidth efficiency')
    .option(
      '--concurrency <list>',
      'concurrent users for the serving curve, e.g. 1,4,16,64 (default 1,4,16,64,256)',
    )
    .option(
      '--mtp <acceptance>',
      'multi-token prediction as speculative decoding, draft acceptance 0-1 (default off)',
    )
    .option(
      '--engine-release <version>',
      "the engine's release as run, e.g. 0.4.3.post2: its kernel paths (data/engines/releases.yaml) set the step; default: the newest release the data knows for the engine class",
    )
    .option(
      '--eager',
      'the engine runs without graph capture (vLLM --enforce-eager): every decode step pays the host launch time per layer instead of graph-captured launches',
    )
    .option('--json', 'print JSON (every number a Figure with .value; curve[] in plain numbers)')
    .option('--explain', 'print the derivation tree of every figure')
    .option(
      '--no-cache',
      'fit the calibration afresh, neither reading nor writing the fit cache (~/.cache/clearbox/fits; env CLEARBOX_NO_CACHE=1)',
    )
    .action((flags: Flags) => {
      const inputs = catalogWithUserInputs(flags.model, flags.hardware);
      const estimator = createEstimator(
        inputs.catalog,
        loadShippedCalibration,
        undefined,
        cliFitCache(io, { enabled: flags.cache !== false }),
      );
      const result = estimator.inference(
        inferenceOptions(
          flags,
          inputs.model ?? flags.model,
          inputs.hardware ?? flags.hardware,
          inputs.weightFormat,
        ),
      );
      if (flags.json) io.out(`${JSON.stringify(result, null, 2)}\n`);
      else io.out(renderInference(result));
      if (flags.explain)
        io.out(
          `\n${explainAll(result)}\n\n${explainCurve(result)}\n\n${renderOperators(result)}\n\n${renderRelease(result)}\n`,
        );
    });
}
