import { findDevice, findModel } from '../../catalog/catalog.ts';
import type { TrainingOptions } from '../../estimate/training.ts';
import type { CheckOf } from '../claim-schema.ts';
import { describeClaimed, matchClaimed } from '../claimed.ts';
import type { AuditContext } from '../context.ts';
import type { CheckOutcome } from '../verdict.ts';
import { claimedFigure, num, pct } from './common.ts';
import { assessImpliedMfu } from './implied-mfu.ts';

/** Is the compute a claim implies (FLOPs from model and tokens, over GPU-hours) physically plausible? */
export function checkTrainingCompute(ctx: AuditContext, check: CheckOf<'training-compute'>): CheckOutcome {
  const model = findModel(ctx.catalog, check.model);
  const device = findDevice(ctx.catalog, check.hardware);
  const options: TrainingOptions = { model: model.id, hardware: device.id, tokens: check.tokens };
  if (check.gpuHours !== undefined) options.gpuHours = check.gpuHours;
  else {
    if (check.days !== undefined) options.days = check.days;
    if (check.count !== undefined) options.count = check.count;
  }
  if (check.dtype !== undefined) options.dtype = check.dtype;
  const estimate = ctx.estimator.training(options);
  const mfu = assessImpliedMfu(ctx, estimate);
  const hours =
    check.gpuHours !== undefined
      ? `${num(check.gpuHours)} GPU-hours`
      : `${num(check.count ?? 0)} GPUs × ${num(check.days ?? 0)} days = ${num(estimate.gpuHours.value)} GPU-hours`;
  const base = `${model.name} on ${num(check.tokens)} tokens is ${num(estimate.flops.value)} FLOPs (6 × active parameters × tokens); on ${device.name} in ${hours}.`;
  const figures = [
    estimate.flops,
    estimate.gpuHours,
    estimate.mfu,
    ...mfu.byDtype,
    mfu.band.ceiling,
    mfu.band.floor,
  ];
  const assumptions = [
    'FLOPs = 6 · N_active · D, attention scores excluded (the MFU convention); dense peaks, never sparse ones.',
  ];
  if (mfu.reading !== 'plausible')
    return { verdict: 'implausible', explanation: `${base} ${mfu.sentence}`, figures, assumptions };
  if (check.claimed === undefined)
    return {
      verdict: 'holds',
      explanation: `${base} ${mfu.sentence} The compute is consistent with the hardware and the hours.`,
      figures,
      assumptions,
    };
  const claimed = claimedFigure('claimedMfu', check.claimed, 'fraction', check.tolerance);
  figures.push(claimed);
  const dtype = estimate.dtype;
  const match = matchClaimed(check.claimed, estimate.mfu.value, check.tolerance);
  const others = mfu.byDtype.filter(
    (f) => f.name !== `mfu(${dtype})` && matchClaimed(check.claimed as never, f.value, check.tolerance).holds,
  );
  const said = describeClaimed(check.claimed, check.tolerance, 100, '%');
  if (match.holds)
    return {
      verdict: 'holds',
      explanation: `${base} The implied MFU against the ${dtype} dense peak is ${pct(estimate.mfu.value)}, matching the claimed ${said}. ${mfu.sentence}`,
      figures,
      assumptions: [...assumptions, `MFU is measured against the ${dtype} dense peak.`],
    };
  if (others.length > 0)
    return {
      verdict: 'holds-on-basis',
      explanation: `${base} The claimed MFU ${said} matches ${others.map((f) => `${pct(f.value)} against the ${f.name.slice(4, -1)} peak`).join(' and ')}, not ${pct(estimate.mfu.value)} against the ${dtype} peak.`,
      figures,
      assumptions: [...assumptions, 'Which dense peak the MFU is quoted against.'],
    };
  return {
    verdict: 'false',
    explanation: `${base} The implied MFU is ${mfu.range}, not the claimed ${said}. ${mfu.sentence}`,
    figures,
    assumptions,
  };
}
