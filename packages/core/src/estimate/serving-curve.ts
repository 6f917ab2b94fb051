import { EMPTY_PHASE, type PhaseTimes } from './inference-kernel.ts';

/**
 * Serving at a concurrency, as continuous-batching engines (vLLM, SGLang, TensorRT-LLM) do it: a closed
 * loop of `c` users, each sending its next request when the last one finishes; every scheduler step
 * decodes one token for each running sequence and fills the rest of a token budget with prefill chunks.
 * Pure numbers; `serving-figures.ts` explains them. Formulas: docs/methodology.md "Serving curve".
 */

/** The step functions of one replica: the same kernel that prices a single batch. */
export interface StepTimes {
  /** One decode step of `sequences` sequences at the workload's average context. */
  decode(sequences: number): PhaseTimes;
  /** The same step written into `out` (no allocation); when absent, `decode` stands in. */
  decodeInto?(sequences: number, out: PhaseTimes): PhaseTimes;
  /** One forward pass over `tokens` prompt tokens (attention at the prompt's average context). */
  prefill(tokens: number): PhaseTimes;
  /**
   * One step that decodes `decoders` sequences and carries `tokens` prompt tokens, priced operator by
   * operator (each operator's compute adds, its weights are read once); when absent, the aggregate
   * roofline below stands in.
   */
  mixed?(decoders: number, tokens: number, eager?: boolean): number;
}

/** Scheduler limits of the engine and the memory bound of the replica. */
export interface ServingLimits {
  /** Most sequences the scheduler runs at once (vLLM max_num_seqs, TensorRT-LLM max_batch_size). */
  maxSequences: number;
  /** Token budget of one step (vLLM max_num_batched_tokens, SGLang chunked_prefill_size). */
  maxBatchedTokens: number;
  /** Largest batch whose weights, KV cache and activations fit the replica's memory. */
  memorySequences: number;
}

/** Speculative decoding with one draft token per step (DeepSeek-V3's single MTP module). */
export interface SpeculativeDecoding {
  /** Probability that the drafted token is accepted. */
  acceptance: number;
  /** Draft tokens per step (1 for DeepSeek-V3's released MTP module). */
  draftTokens: number;
  /** Cost of drafting one token as a share of the main model's step (one extra layer of L). */
  draftCostFraction: number;
}

export interface ServingWorkload {
  inputTokens: number;
  outputTokens: number;
  devices: number;
  speculative?: SpeculativeDecoding;
}

/** Which limit set the running batch at a concurrency. */
export type ServingCap = 'concurrency' | 'engine-sequences' | 'engine-tokens' | 'memory' | 'prefill-budget';

export interface ServingPointNumbers {
  concurrency: number;
  /** Sequences in the running set (decoding or being prefilled). */
  runningSequences: number;
  cap: ServingCap;
  /** Prompt tokens one step can take beside the decoding sequences. */
  prefillChunkTokens: number;
  /** Steps one prompt needs to be prefilled. */
  prefillStepsPerPrompt: number;
  /** Prompt tokens a prefill-carrying step holds (one prompt's chunk, or several merged). */
  prefillTokensPerStep: number;
  /** Share of steps that carry prefill tokens. */
  prefillStepShare: number;
  /** Sequences decoding during a step that carries prefill. */
  decodersInPrefillStep: number;
  decodeStepSeconds: number;
  mixedStepSeconds: number;
  meanStepSeconds: number;
  /** Output tokens one decoding sequence gains per step (1 + acceptance with MTP). */
  tokensPerStep: number;
  /** Share of a decoding sequence's steps that also carry someone's prefill. */
  interferenceShare: number;
  tpotSeconds: number;
  perUserTokensPerSecond: number;
  outputTokensPerSecond: number;
  outputTokensPerSecondPerDevice: number;
  requestsPerSecond: number;
  /** Utilisation of the prefill budget: prompt tokens wanted per step / chunk. */
  prefillUtilisation: number;
  slotWaitSeconds: number;
  stepAlignSeconds: number;
  prefillQueueSeconds: number;
  prefillSeconds: number;
  ttftSeconds: number;
  /** Bound of the decode step at the running batch (compute, memory, communication, offload). */
  decodeBound: 'compute' | 'memory' | 'communication' | 'offload';
}

function boundName(p: PhaseTimes): ServingPointNumbers['decodeBound'] {
  const onDevice = Math.max(p.compute, p.memory);
  if (p.offload > onDevice && p.offload > p.communication) return 'offload';
  if (p.communication > onDevice) return 'communication';
  return p.compute >= p.memory ? 'compute' : 'memory';
}

/** Time of a phase that its compute, memory and collectives do not explain (launch floors, offload). */
function residual(p: PhaseTimes): number {
  return Math.max(0, p.total - Math.max(p.compute, p.memory) - p.communication);
}

/**
 * One step that decodes `decoders` sequences and carries `tokens` prompt (or draft-verify) tokens. The
 * weights are read once for both: the extra tokens cost nothing while the decode step waits on memory
 * and their compute once it does not (roofline); the collectives carry all the step's tokens; fixed
 * per-step costs are paid once.
 */
export function mixedStepSeconds(
  steps: StepTimes,
  decoders: number,
  tokens: number,
  promptTokens = tokens,
): number {
  if (tokens <= 0) return steps.decode(decoders).total;
  if (decoders <= 0) return steps.prefill(tokens).total;
  // Only prompt tokens make a step eager (launched from the host); draft tokens verified by decoding
  // sequences keep the step in the engine's decode graphs.
  if (steps.mixed) return steps.mixed(decoders, tokens, promptTokens > 0);
  const p = steps.prefill(tokens);
  const d = steps.decode(decoders);
  const communication = steps.prefill(decoders + tokens).communication;
  const onDevice = Math.max(d.compute + p.compute, Math.max(d.memory, p.memory));
  return onDevice + communication + Math.max(residual(d), residual(p));
}

/** Step time with the decoders' draft tokens verified in the same pass and the draft module's cost. */
function stepSeconds(
  steps: StepTimes,
  spec: SpeculativeDecoding | undefined,
  decoders: number,
  prefillTokens: number,
): number {
  if (!spec) return mixedStepSeconds(steps, decoders, prefillTokens);
  const verify = decoders * spec.draftTokens;
  const main = mixedStepSeconds(steps, decoders, prefillTokens + verify, prefillTokens);
  // Drafting runs the MTP module once per draft token, for the decoding sequences only.
  const draft = decoders > 0 ? spec.draftTokens * spec.draftCostFraction * steps.decode(decoders).total : 0;
  return main + draft;
}

/** Tokens a decoding sequence gains per step: 1 + a for one draft token; 1 + a + … + a^d in general. */
export function tokensPerStep(spec: SpeculativeDecoding | undefined): number {
  if (!spec) return 1;
  let sum = 1;
  let accepted = 1;
  for (let i = 0; i < spec.draftTokens; i++) {
    accepted *= spec.acceptance;
    sum += accepted;
  }
  return sum;
}

/**
 * The running set at concurrency c: at most c, the engine's sequence limit, its token budget (each
 * decoding sequence spends 1 + draft tokens of it) and memory; then shrunk until the prompts it
 * finishes per step fit the prefill budget left beside the decoders (otherwise new requests queue).
 */
function runningSet(
  c: number,
  limits: ServingLimits,
  w: ServingWorkload,
  budgetPerSequence: number,
  decodeStepsPerRequest: number,
): { sequences: number; cap: ServingCap } {
  const byTokens = Math.max(1, Math.floor((limits.maxBatchedTokens - 1) / budgetPerSequence));
  // The smallest cap binds; on a tie the earlier one in this order is named.
  let sequences = c;
  let cap: ServingCap = 'concurrency';
  if (limits.maxSequences < sequences) {
    sequences = limits.maxSequences;
    cap = 'engine-sequences';
  }
  if (byTokens < sequences) {
    sequences = byTokens;
    cap = 'engine-tokens';
  }
  const memory = Math.max(1, limits.memorySequences);
  if (memory < sequences) {
    sequences = memory;
    cap = 'memory';
  }
  if (w.inputTokens <= 0) return { sequences, cap };
  // Prompt tokens wanted per step grow with the set; the budget left for them shrinks. Find the
  // largest whole set whose demand fits (demand/chunk is increasing in S, so bisection is exact).
  if (promptDemandFits(sequences, limits, w, budgetPerSequence, decodeStepsPerRequest))
    return { sequences, cap };
  let lo = 1;
  let hi = sequences;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (promptDemandFits(mid, limits, w, budgetPerSequence, decodeStepsPerRequest)) lo = mid;
    else hi = mid;
  }
  return { sequences: lo, cap: 'prefill-budget' };
}

/** Whether a running set of `s` finishes its prompts within the prefill budget left beside its decoders. */
function promptDemandFits(
  s: number,
  limits: ServingLimits,
  w: ServingWorkload,
  budgetPerSequence: number,
  decodeStepsPerRequest: number,
): boolean {
  const chunk = limits.maxBatchedTokens - budgetPerSequence * s;
  if (chunk < 1) return false;
  const promptSteps = Math.ceil(w.inputTokens / chunk);
  const demand = (s * w.inputTokens) / (decodeStepsPerRequest + promptSteps);
  return demand <= chunk;
}

/** One point of the serving curve: steady state of `concurrency` users in a closed loop. */
export function servingPoint(
  steps: StepTimes,
  limits: ServingLimits,
  w: ServingWorkload,
  concurrency: number,
): ServingPointNumbers {
  return servingPointInto(steps, limits, w, concurrency, emptyServingPoint());
}

/** A point to fill, its fields in `servingPoint`'s order (JSON output keeps it). */
export function emptyServingPoint(): ServingPointNumbers {
  return {
    concurrency: 0,
    runningSequences: 0,
    cap: 'concurrency',
    prefillChunkTokens: 0,
    prefillStepsPerPrompt: 0,
    prefillTokensPerStep: 0,
    prefillStepShare: 0,
    decodersInPrefillStep: 0,
    decodeStepSeconds: 0,
    mixedStepSeconds: 0,
    meanStepSeconds: 0,
    tokensPerStep: 0,
    interferenceShare: 0,
    tpotSeconds: 0,
    perUserTokensPerSecond: 0,
    outputTokensPerSecond: 0,
    outputTokensPerSecondPerDevice: 0,
    requestsPerSecond: 0,
    prefillUtilisation: 0,
    slotWaitSeconds: 0,
    stepAlignSeconds: 0,
    prefillQueueSeconds: 0,
    prefillSeconds: 0,
    ttftSeconds: 0,
    decodeBound: 'compute',
  };
}

/** The decode step's phases while a point reads its total and bound (read at once, never kept). */
const decodeScratch: PhaseTimes = { ...EMPTY_PHASE };

/**
 * `servingPoint` written into `out` and returned: a search that reads hundreds of thousands of points
 * reuses one object instead of allocating each.
 */
export function servingPointInto(
  steps: StepTimes,
  limits: ServingLimits,
  w: ServingWorkload,
  concurrency: number,
  out: ServingPointNumbers,
): ServingPointNumbers {
  const spec = w.speculative;
  const I = w.inputTokens;
  const O = Math.max(1, w.outputTokens);
  const g = tokensPerStep(spec);
  const budgetPerSequence = 1 + (spec?.draftTokens ?? 0);
  const decodeSteps = O / g;
  const { sequences: S, cap } = runningSet(concurrency, limits, w, budgetPerSequence, decodeSteps);

  // Prefill chunks beside S decoders; a prompt longer than the chunk takes several steps.
  const chunk = Math.max(1, limits.maxBatchedTokens - budgetPerSequence * S);
  const promptSteps = I > 0 ? Math.ceil(I / chunk) : 0;
  const piece = I > 0 ? I / promptSteps : 0;
  // Little's law per slot: a slot spends promptSteps steps prefilling and O/g steps decoding.
  const meanDecoders = (S * decodeSteps) / (decodeSteps + promptSteps);
  const demand = I > 0 ? (meanDecoders * I) / decodeSteps : 0;
  // Prompts that arrive together merge into one step up to the chunk; sparse ones take a step each.
  const prefillTokens = I > 0 ? Math.min(chunk, Math.max(piece, demand)) : 0;
  const share = I > 0 ? Math.min(1, demand / prefillTokens) : 0;
  const decodersInPrefill = I > 0 ? Math.max(0, S - prefillTokens / piece) : S;

  const decodeAtS = steps.decodeInto ? steps.decodeInto(S, decodeScratch) : steps.decode(S);
  const decodeBound = boundName(decodeAtS);
  const decodeTotal = decodeAtS.total;
  const tDecode = spec ? stepSeconds(steps, spec, S, 0) : decodeTotal;
  const tMixed = I > 0 ? stepSeconds(steps, spec, decodersInPrefill, prefillTokens) : tDecode;
  const tMean = (1 - share) * tDecode + share * tMixed;
  const decodersPerStep = (1 - share) * S + share * decodersInPrefill;
  const outputTps = tMean > 0 ? (g * decodersPerStep) / tMean : 0;
  // A decoding sequence sees the prefill steps in which it is one of the decoders.
  const seen = decodersPerStep > 0 ? (share * decodersInPrefill) / decodersPerStep : 0;
  const tpot = ((1 - seen) * tDecode + seen * tMixed) / g;
  const requestsPerSecond = outputTps / O;

  // TTFT: wait for a free slot (closed loop: the c − S users behind wait for completions), wait for the
  // step in flight to end (residual life of the step mix), queue behind colliding prompts (M/D/1 on the
  // prefill budget, capped by the S − 1 prompts that can be ahead), then the prompt's own steps.
  const slotWait = requestsPerSecond > 0 ? (concurrency - S) / requestsPerSecond : 0;
  const align = S > 1 && tMean > 0 ? ((1 - share) * tDecode ** 2 + share * tMixed ** 2) / (2 * tMean) : 0;
  const service = I > 0 ? (I / chunk) * tMixed : 0;
  const utilisation = I > 0 ? requestsPerSecond * service : 0;
  const mdOne =
    utilisation < 1 ? (utilisation * service) / (2 * (1 - utilisation)) : Number.POSITIVE_INFINITY;
  const queue = Math.min(mdOne, Math.max(0, S - 1) * service);
  const prefill = promptSteps * tMixed;
  const ttft = slotWait + align + queue + prefill;

  out.concurrency = concurrency;
  out.runningSequences = S;
  out.cap = cap;
  out.prefillChunkTokens = chunk;
  out.prefillStepsPerPrompt = promptSteps;
  out.prefillTokensPerStep = prefillTokens;
  out.prefillStepShare = share;
  out.decodersInPrefillStep = decodersInPrefill;
  out.decodeStepSeconds = tDecode;
  out.mixedStepSeconds = tMixed;
  out.meanStepSeconds = tMean;
  out.tokensPerStep = g;
  out.interferenceShare = seen;
  out.tpotSeconds = tpot;
  out.perUserTokensPerSecond = tpot > 0 ? 1 / tpot : 0;
  out.outputTokensPerSecond = outputTps;
  out.outputTokensPerSecondPerDevice = outputTps / w.devices;
  out.requestsPerSecond = requestsPerSecond;
  out.prefillUtilisation = utilisation;
  out.slotWaitSeconds = slotWait;
  out.stepAlignSeconds = align;
  out.prefillQueueSeconds = queue;
  out.prefillSeconds = prefill;
  out.ttftSeconds = ttft;
  out.decodeBound = decodeBound;
  return out;
}

/** The serving curve at each concurrency, in the order given. */
export function servingCurve(
  steps: StepTimes,
  limits: ServingLimits,
  w: ServingWorkload,
  concurrencies: readonly number[],
): ServingPointNumbers[] {
  return concurrencies.map((c) => servingPoint(steps, limits, w, c));
}

/** A burst of requests sent at once and timed until the last one ends (its makespan). */
export interface BurstNumbers {
  requests: number;
  /** The steady state the burst runs in while requests wait: the serving point at concurrency = requests. */
  steady: ServingPointNumbers;
  /** Prompt tokens per second with every step carrying a full chunk beside the steady decoders. */
  promptTokensPerSecond: number;
  /** When the last slot frees: (requests − running set) completions at the steady rate, then its prefill. */
  slotBoundSeconds: number;
  /** When the prompt stream has passed: every prompt token at the full-chunk prompt rate. */
  promptBoundSeconds: number;
  /** Sequences still decoding when the last prompt is in (those prefilled within the last O/g steps). */
  drainSequences: number;
  /** Decode-only steps that finish them (the last prompt needs all its output tokens). */
  drainSteps: number;
  /** Steps over which the drain set's prompts went in: the drain's batch falls over these, holds before. */
  spreadSteps: number;
  drainSeconds: number;
  makespanSeconds: number;
  outputTokensPerSecond: number;
  outputTokensPerSecondPerDevice: number;
}

/** Batch fractions of the drain's midpoint rule: the batch falls linearly from the drain set to zero. */
const DRAIN_NODES = [7 / 8, 5 / 8, 3 / 8, 1 / 8];

/**
 * Every request sent at once and the run timed to the last completion (`vllm bench serve --num-prompts N`
 * at its default infinite request rate). The last prompt is in once both its slot is free (N − S
 * completions at the steady rate of concurrency N, then its own prefill steps) and the prompt stream has
 * passed (N · I tokens at the prompt rate of steps that carry a full chunk beside the steady decoders);
 * the run then drains: the sequences prefilled within the last O/g steps decode without prefill for O/g
 * steps; their batch falls linearly to zero over the steps across which their prompts went in (all O/g when
 * completions paced the slots; fewer when one wave or a fast prompt stream put them in nearly together, the
 * batch holding until then).
 * Makespan = max(slot bound, prompt bound) + drain; throughput = N · O / makespan.
 */
export function burstServing(
  steps: StepTimes,
  limits: ServingLimits,
  w: ServingWorkload,
  requests: number,
): BurstNumbers {
  const steady = servingPoint(steps, limits, w, requests);
  const I = w.inputTokens;
  const O = Math.max(1, w.outputTokens);
  const decodeSteps = O / steady.tokensPerStep;
  const S = steady.runningSequences;
  const chunk = steady.prefillChunkTokens;
  const fullChunkStep =
    I > 0 ? stepSeconds(steps, w.speculative, steady.decodersInPrefillStep, chunk) : steady.decodeStepSeconds;
  const promptTokensPerSecond = I > 0 && fullChunkStep > 0 ? chunk / fullChunkStep : 0;
  const completionsPerSecond = steady.outputTokensPerSecond / O;
  const slotBoundSeconds =
    (completionsPerSecond > 0 ? Math.max(0, requests - S) / completionsPerSecond : 0) + steady.prefillSeconds;
  const promptBoundSeconds = promptTokensPerSecond > 0 ? (requests * I) / promptTokensPerSecond : 0;
  const promptsPerStep = I > 0 ? chunk / I : Number.POSITIVE_INFINITY;
  const drainSequences = Math.min(S, requests, promptsPerStep * decodeSteps);
  const drainSteps = Math.ceil(decodeSteps);
  // Steps over which the drain set's prompts went in: completions pace them when slots bind (ages spread over
  // the whole output); otherwise the prompt rate does, and one wave (N ≤ S) or a fast prompt stream leaves them
  // nearly in step, so the batch holds for the rest of the output before it falls.
  const slotsBind = requests > S && slotBoundSeconds >= promptBoundSeconds;
  const spreadSteps = slotsBind ? drainSteps : Math.min(drainSteps, drainSequences / promptsPerStep);
  let falling = 0;
  for (const f of DRAIN_NODES) {
    const batch = Math.max(1, Math.round(drainSequences * f));
    falling += stepSeconds(steps, w.speculative, batch, 0) / DRAIN_NODES.length;
  }
  const held = stepSeconds(steps, w.speculative, Math.max(1, Math.round(drainSequences)), 0);
  const drainSeconds = (drainSteps - spreadSteps) * held + spreadSteps * falling;
  const makespanSeconds = Math.max(slotBoundSeconds, promptBoundSeconds) + drainSeconds;
  const outputTokensPerSecond = makespanSeconds > 0 ? (requests * O) / makespanSeconds : 0;
  return {
    requests,
    steady,
    promptTokensPerSecond,
    slotBoundSeconds,
    promptBoundSeconds,
    drainSequences,
    drainSteps,
    spreadSteps,
    drainSeconds,
    makespanSeconds,
    outputTokensPerSecond,
    outputTokensPerSecondPerDevice: outputTokensPerSecond / w.devices,
  };
}
