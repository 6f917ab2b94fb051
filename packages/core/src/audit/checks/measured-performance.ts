import type { InferencePoint, WeightFormat } from '../../catalog/calibration-schema.ts';
import { findDevice, findModel } from '../../catalog/catalog.ts';
import type { Device } from '../../catalog/schema.ts';
import type { InferenceEstimate, InferenceOptions } from '../../estimate/inference.ts';
import { deviceSource } from '../../estimate/peak.ts';
import { type Figure, figure, given } from '../../figure/figure.ts';
import type { CheckOf } from '../claim-schema.ts';
import { describeClaimed, matchClaimed, sensitivityLine } from '../claimed.ts';
import type { AuditContext } from '../context.ts';
import type { CheckOutcome } from '../verdict.ts';
import { claimedFigure, num, pct } from './common.ts';
import { smallestFittingCount } from './throughput.ts';

/**
 * A measured ratio below the estimator's by more than this factor is outside what software maturity
 * explains (the same margin as the MFU floor: three times worse than the estimate).
 */
export const MEASURED_FLOOR_DIVISOR = 3;

type Per = 'device' | 'user';

/** Output tokens/s per device (aggregate at the largest batch) or for one user, from a published point. */
function measuredPerDevice(p: InferencePoint, per: Per): number | undefined {
  if (per === 'user') return p.metric === 'decodeTokensPerSecond' ? p.measured : undefined;
  if (p.metric !== 'outputTokensPerSecond') return undefined;
  return p.measured / (p.count * (p.replicas ?? 1));
}

function publishedPair(ctx: AuditContext, check: CheckOf<'measured-performance'>, per: Per) {
  const points = ctx.estimator.calibration.inference.filter(
    (p) => p.model === check.model && measuredPerDevice(p, per) !== undefined,
  );
  // A claim that names its formats (GB200 at FP4 against H200 at FP8) is matched by measurements in them.
  const weightsA = check.weights;
  const weightsB = check.versusWeights ?? check.weights;
  for (const pa of points.filter(
    (p) => p.hardware === check.a && (weightsA === undefined || p.weights === weightsA),
  )) {
    const pb = points.find(
      (p) =>
        p.hardware === check.b &&
        (weightsB === undefined || p.weights === weightsB) &&
        p.inputTokens === pa.inputTokens &&
        p.outputTokens === pa.outputTokens &&
        p.metric === pa.metric,
    );
    if (pb) return { pa, pb };
  }
  return undefined;
}

function pointFigure(p: InferencePoint, per: Per): Figure {
  return given(
    `measured(${p.id})`,
    measuredPerDevice(p, per) as number,
    per === 'user' ? 'tokens/s' : 'tokens/s/device',
    [deviceSource(p.source)],
    `${p.measured} ${p.metric} over ${p.count * (p.replicas ?? 1)} device(s)`,
  );
}

interface Side {
  device: Device;
  count: number;
  estimate: InferenceEstimate;
  ceiling: InferenceEstimate;
}

/**
 * Both devices at the same count and batch: the larger of the two smallest counts that hold the model
 * and, per device, the smaller of the two largest batches that fit there. Per-device throughput at
 * different counts and batches would compare memory capacities, not performance.
 */
function sides(
  ctx: AuditContext,
  a: InferenceOptions,
  b: InferenceOptions,
  per: Per,
  given: { count?: number | undefined; batch?: number | undefined },
): { a: Side; b: Side } | string {
  const da = findDevice(ctx.catalog, a.hardware);
  const db = findDevice(ctx.catalog, b.hardware);
  const ca = given.count ?? smallestFittingCount(ctx, a);
  const cb = given.count ?? smallestFittingCount(ctx, b);
  if (ca === undefined || cb === undefined)
    return `no count of ${(ca === undefined ? da : db).name} holds the model in the estimator`;
  const count = Math.max(ca, cb);
  let batch = given.batch ?? 1;
  if (per === 'device' && given.batch === undefined) {
    const ba = ctx.estimator.inference({ ...a, count, batch: 'max' }).batch.value;
    const bb = ctx.estimator.inference({ ...b, count, batch: 'max' }).batch.value;
    batch = Math.max(1, Math.min(ba, bb));
  }
  const run = (o: InferenceOptions, device: Device): Side => {
    const at: InferenceOptions = { ...o, count, batch };
    return {
      device,
      count,
      estimate: ctx.estimator.inference(at),
      ceiling: ctx.estimator.inference({ ...at, efficiencyCompute: 1, efficiencyMemory: 1 }),
    };
  };
  return { a: run(a, da), b: run(b, db) };
}

function perDevice(e: InferenceEstimate, per: Per, name: string): Figure {
  const t = per === 'user' ? e.throughput.perUserTokensPerSecond : e.throughput.outputTokensPerSecond;
  return per === 'user'
    ? figure({ ...t, name })
    : figure({
        name,
        value: t.value / e.count,
        unit: 'tokens/s/device',
        formula: `aggregate output tokens/s at batch ${e.batch.value} / ${e.count} devices`,
        inputs: [t],
      });
}

/** The spec ratios a reader might reach for, shown as context: never the basis of this verdict. */
function specContext(a: Device, b: Device, dtype: 'bf16' | 'fp8'): string {
  const pa = a.compute.denseTflops[dtype];
  const pb = b.compute.denseTflops[dtype];
  const compute = pa !== undefined && pb !== undefined ? `${num(pa / pb)}× on the dense ${dtype} peak` : '';
  const bw = `${num(a.memory.bandwidthGBs / b.memory.bandwidthGBs)}× on memory bandwidth`;
  return [compute, bw].filter(Boolean).join(', ');
}

/**
 * A measured-performance claim ("a performs at x of b on workload W"): against published measurements
 * of both devices on the same workload when the catalog has them, else against the estimator at that
 * workload (calibrated efficiencies, and the roofline ceiling). Never against peak ratios alone.
 */
export function checkMeasuredPerformance(
  ctx: AuditContext,
  check: CheckOf<'measured-performance'>,
): CheckOutcome {
  const model = findModel(ctx.catalog, check.model);
  const a = findDevice(ctx.catalog, check.a);
  const b = findDevice(ctx.catalog, check.b);
  const per: Per = check.per ?? 'device';
  const claimed = claimedFigure('claimedRatio', check.claimed, 'ratio', check.tolerance);
  const said = describeClaimed(check.claimed, check.tolerance);
  const perText = per === 'user' ? 'per-user speed' : 'output tokens/s per device at the largest batch';
  const holdsAt = (x: number) => matchClaimed(check.claimed, x, check.tolerance).holds;
  const published = publishedPair(ctx, check, per);
  if (published) {
    const fa = pointFigure(published.pa, per);
    const fb = pointFigure(published.pb, per);
    const ratio = figure({
      name: 'measuredRatio',
      value: fa.value / fb.value,
      unit: 'ratio',
      formula: `${fa.name} / ${fb.name}`,
      inputs: [fa, fb],
    });
    const ok = holdsAt(ratio.value);
    return {
      verdict: ok ? 'plausible' : 'implausible',
      explanation: `Published measurements of ${model.name} on both devices (${published.pa.id}, ${published.pb.id}) give ${a.name} at ${num(ratio.value)}× ${b.name} in ${perText}; the claimed ${said} ${ok ? 'agrees' : 'does not agree'} with them.`,
      figures: [ratio, claimed],
      assumptions: ['The two measurements ran comparable software and workload shapes.'],
      compared: ratio,
    };
  }
  const base: InferenceOptions = { model: model.id, hardware: a.id };
  if (check.weights !== undefined) base.weights = check.weights;
  if (check.engine !== undefined) base.engine = check.engine;
  if (check.input !== undefined) base.inputTokens = check.input;
  if (check.output !== undefined) base.outputTokens = check.output;
  const vs: InferenceOptions = { ...base, hardware: b.id };
  const vsWeights = check.versusWeights ?? check.weights;
  if (vsWeights !== undefined) vs.weights = vsWeights;
  const both = sides(ctx, base, vs, per, { count: check.count, batch: check.batch });
  if (typeof both !== 'string' && (!both.a.estimate.fits || !both.b.estimate.fits))
    return {
      verdict: 'unverifiable',
      explanation: `${model.name} does not fit ${num(both.a.count)} ${(both.a.estimate.fits ? b : a).name} at batch ${num(both.a.estimate.batch.value)}: the stated workload cannot be placed on both devices alike.`,
      figures: [claimed],
      assumptions: ['A count and batch that fit both devices would make the comparison like for like.'],
    };
  if (typeof both === 'string')
    return {
      verdict: 'unverifiable',
      explanation: `No published measurement of ${model.name} on both ${a.name} and ${b.name} is in the catalog, and the estimator cannot place the workload: ${both}.`,
      figures: [claimed],
      assumptions: ['A published measurement of the same workload on both devices would decide it.'],
      qualifiers: [
        { id: 'estimator-limit', text: 'the estimator cannot model this workload on this hardware' },
      ],
    };
  const { a: sa, b: sb } = both;
  const ea = perDevice(sa.estimate, per, `estimate(${a.id})`);
  const eb = perDevice(sb.estimate, per, `estimate(${b.id})`);
  const ca = perDevice(sa.ceiling, per, `ceiling(${a.id})`);
  const estimateRatio = figure({
    name: 'estimatedRatio',
    value: ea.value / eb.value,
    unit: 'ratio',
    formula: `${ea.name} / ${eb.name} (calibrated efficiencies on both, same model and workload)`,
    inputs: [ea, eb],
  });
  // The most a can reach against b: a at its roofline, b at what is measured on its class.
  const upper = figure({
    name: 'plausibleRatioCeiling',
    value: ca.value / eb.value,
    unit: 'ratio',
    formula: `${ca.name} / ${eb.name}`,
    inputs: [ca, eb],
  });
  const lower = figure({
    name: 'plausibleRatioFloor',
    value: estimateRatio.value / MEASURED_FLOOR_DIVISOR,
    unit: 'ratio',
    formula: `estimatedRatio / ${MEASURED_FLOOR_DIVISOR}`,
    inputs: [estimateRatio],
  });
  const [lo, hi] = [lower.value, upper.value];
  const claimedMid = claimed.value;
  const inBand = claimedMid >= lo && claimedMid <= hi * (1 + 1e-9);
  const where = `${model.name} (${sa.estimate.weights} on ${a.name}, ${sb.estimate.weights} on ${b.name}; ${num(sa.count)} devices each, batch ${num(sa.estimate.batch.value)})`;
  const relative = claimedMid / estimateRatio.value;
  // Per-tensor and block-scaled FP8 run on the same FP8 tensor cores.
  const onFp8 = (w: WeightFormat) => w === 'fp8' || w === 'fp8_block';
  const dtype = onFp8(sa.estimate.weights) && onFp8(sb.estimate.weights) ? 'fp8' : 'bf16';
  const context = specContext(a, b, dtype);
  const head = `Serving ${where}, the estimator puts ${a.name} at ${num(estimateRatio.value)}× ${b.name} in ${perText} (at most ${num(upper.value)}× with ${a.name} at its roofline). The claimed ${said} is ${pct(relative)} of that estimate.`;
  const figures = [estimateRatio, upper, lower, claimed];
  const assumptions = [
    'Roofline estimate with efficiencies calibrated on published measurements of each hardware class; a younger software stack can fall well short of it.',
    `Spec ratios for context only (${context}): a measured result is not checked against them.`,
  ];
  const sensitivity = [
    `plausible for a measured ratio from ${num(lo)}× (a third of the estimate) to ${num(hi)}× (${a.name} at its roofline)`,
  ];
  const line = sensitivityLine(check.claimed, estimateRatio.value, check.tolerance);
  if (line) sensitivity.push(`against the estimate itself: ${line}`);
  if (inBand)
    return {
      verdict: 'plausible',
      explanation: `${head} A measured result there is plausible: ${holdsAt(estimateRatio.value) ? 'it matches the estimate' : claimedMid < estimateRatio.value ? 'below the estimate, as a less mature software stack would give' : 'above the calibrated estimate, within the roofline'}.`,
      figures,
      assumptions,
      compared: estimateRatio,
      sensitivity,
    };
  return {
    verdict: 'implausible',
    explanation: `${head} ${claimedMid > hi ? `That is above what ${a.name}'s compute and memory bandwidth allow against ${b.name}'s measured efficiency.` : `That is less than a third of the estimate: far below what software maturity explains.`}`,
    figures,
    assumptions,
    compared: estimateRatio,
    sensitivity,
  };
}
