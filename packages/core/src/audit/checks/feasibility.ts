import { findDevice, findModel } from '../../catalog/catalog.ts';
import { type InferenceEstimate, type InferenceOptions, parseOffload } from '../../estimate/inference.ts';
import type { CheckOf } from '../claim-schema.ts';
import type { AuditContext } from '../context.ts';
import type { CheckOutcome } from '../verdict.ts';
import { num } from './common.ts';

/** With `offload: auto` (the default), a model that does not fit is retried streaming its weights from NVMe, as AirLLM does. */
const AUTO_STREAM = 'stream:nvme';

/**
 * Below one token per second nobody would say a model "runs" for use (a 300-word answer takes over
 * six minutes): a claim that does not itself say the weights are streamed is then misleading.
 */
export const USABLE_TOKENS_PER_SECOND = 1;

function speed(e: InferenceEstimate): string {
  const tps = e.throughput.perUserTokensPerSecond.value;
  return tps >= 1 ? `${num(tps)} tokens/s` : `${num(1 / tps)} s per token`;
}

function memoryLine(e: InferenceEstimate): string {
  return `${num(e.memory.totalBytes.value / 1e9)} GB needed per device against ${num(e.memory.capacityBytes.value / 1e9)} GB usable (weights ${num(e.memory.weightsBytes.value / 1e9)} GB)`;
}

/** Does the model fit on the hardware (with the stated offload), and how fast would one user be served? */
export function checkFeasibility(ctx: AuditContext, check: CheckOf<'feasibility'>): CheckOutcome {
  const model = findModel(ctx.catalog, check.model);
  const device = findDevice(ctx.catalog, check.hardware);
  const base: InferenceOptions = { model: model.id, hardware: device.id, batch: 1 };
  if (check.count !== undefined) base.count = check.count;
  if (check.weights !== undefined) base.weights = check.weights;
  if (check.engine !== undefined) base.engine = check.engine;
  if (check.input !== undefined) base.inputTokens = check.input;
  if (check.output !== undefined) base.outputTokens = check.output;
  const requested = check.offload ?? 'auto';
  const first = ctx.estimator.inference({
    ...base,
    offload: parseOffload(requested === 'auto' ? 'none' : requested),
  });
  const where = `${model.name} (${first.weights} weights) on ${first.count === 1 ? 'one' : num(first.count)} ${device.name}`;
  const figures = [
    first.memory.totalBytes,
    first.memory.capacityBytes,
    first.throughput.perUserTokensPerSecond,
  ];
  const min = check.minTokensPerSecond;
  const fast = (e: InferenceEstimate) =>
    min === undefined || e.throughput.perUserTokensPerSecond.value >= min;
  const minText = min === undefined ? '' : ` (the claim needs at least ${num(min)} tokens/s)`;
  const assumptions = [`Decode at batch 1 with the ${first.engine} engine's calibrated efficiencies.`];
  if (first.fits) {
    const how =
      requested === 'auto' || requested === 'none'
        ? 'with every weight resident'
        : `with offload ${first.offload}`;
    if (!fast(first))
      return {
        verdict: 'false',
        explanation: `${where} fits ${how}: ${memoryLine(first)}. It would generate ${speed(first)} for one user${minText}, too slow for the claim.`,
        figures,
        assumptions,
      };
    const slow = first.throughput.perUserTokensPerSecond.value < USABLE_TOKENS_PER_SECOND;
    return {
      verdict: 'holds',
      explanation: `${where} fits ${how}: ${memoryLine(first)}; about ${speed(first)} for one user${minText}.`,
      figures,
      assumptions,
      compared: first.throughput.perUserTokensPerSecond,
      ...(slow
        ? {
            qualifiers: [
              {
                id: 'speed-stated' as const,
                text: `runs at ${speed(first)}, as the method the claim names (${first.offload}) implies`,
              },
            ],
          }
        : {}),
    };
  }
  if (requested !== 'auto')
    return {
      verdict: 'false',
      explanation: `${where} does not fit${requested === 'none' ? '' : ` even with offload ${first.offload}`}: ${memoryLine(first)}.`,
      figures,
      assumptions: [
        ...assumptions,
        'A smaller weight format, more devices or streaming the weights from storage would change the verdict.',
      ],
    };
  const streamed = ctx.estimator.inference({ ...base, offload: parseOffload(AUTO_STREAM) });
  figures.push(streamed.memory.totalBytes, streamed.throughput.perUserTokensPerSecond, streamed.tpotSeconds);
  const residentLine = `${where} does not fit with its weights resident: ${memoryLine(first)}.`;
  if (!streamed.fits)
    return {
      verdict: 'false',
      explanation: `${residentLine} Even streaming every layer from NVMe it does not fit: ${memoryLine(streamed)}.`,
      figures,
      assumptions: [...assumptions, 'A smaller weight format or more devices would change the verdict.'],
    };
  const streamAssumption = `Streaming assumes an NVMe drive at the catalog's bandwidth, limited by the device's host link, and the estimator's uncalibrated streaming efficiency.`;
  if (!fast(streamed))
    return {
      verdict: 'false',
      explanation: `${residentLine} It can only run by streaming every layer's weights from NVMe for each token, at about ${speed(streamed)}${minText}.`,
      figures,
      assumptions: [...assumptions, streamAssumption],
    };
  const tps = streamed.throughput.perUserTokensPerSecond.value;
  if (tps < USABLE_TOKENS_PER_SECOND)
    return {
      verdict: 'misleading',
      explanation: `${residentLine} It runs only by streaming every layer's weights from storage for each token, at about ${speed(streamed)} (${num(tps)} tokens/s): it executes, but "runs" promises a usable speed and this is far below one token per second.`,
      figures,
      assumptions: [
        ...assumptions,
        streamAssumption,
        `Usable means at least ${USABLE_TOKENS_PER_SECOND} token/s for one user; a claim that names streaming (offload: stream:...) is read as such.`,
      ],
      qualifiers: [
        { id: 'speed-stated', text: `${num(tps)} tokens/s (${speed(streamed)}) by streaming from storage` },
      ],
      compared: streamed.throughput.perUserTokensPerSecond,
    };
  return {
    verdict: 'holds-on-basis',
    explanation: `${residentLine} It runs only by streaming every layer's weights from storage for each token (as AirLLM does), at about ${speed(streamed)}.`,
    figures,
    assumptions: [
      ...assumptions,
      streamAssumption,
      'If "runs" means with its weights resident in device memory, the claim is false.',
    ],
    compared: streamed.throughput.perUserTokensPerSecond,
  };
}
