import { findDevice, findModel } from '../../catalog/catalog.ts';
import { figure, given } from '../../figure/figure.ts';
import type { CheckOf } from '../claim-schema.ts';
import { claimedValue, describeClaimed, matchClaimed } from '../claimed.ts';
import type { AuditContext } from '../context.ts';
import type { CheckOutcome } from '../verdict.ts';
import { claimedFigure, num } from './common.ts';
import { assessImpliedMfu } from './implied-mfu.ts';

/** Arithmetic of a cost figure is exact: a point claim holds within 2% (rounding), not the usual 10%. */
const COST_TOLERANCE = 0.02;

/** GPU-hours × price against the claimed cost, and the implied MFU of those GPU-hours. */
export function checkTrainingCost(ctx: AuditContext, check: CheckOf<'training-cost'>): CheckOutcome {
  const model = findModel(ctx.catalog, check.model);
  const device = findDevice(ctx.catalog, check.hardware);
  const tolerance = check.tolerance ?? COST_TOLERANCE;
  const gpuHours = given('gpuHours', check.gpuHours, 'GPU-h', [], 'as claimed');
  const price = given('usdPerGpuHour', check.usdPerGpuHour, 'USD/GPU-h', [], 'as claimed');
  const cost = figure({
    name: 'costUsd',
    value: check.gpuHours * check.usdPerGpuHour,
    unit: 'USD',
    formula: 'GPU-hours × USD per GPU-hour (rental basis: this run only)',
    inputs: [gpuHours, price],
  });
  const claimed = claimedFigure('claimedUsd', check.claimedUsd, 'USD', tolerance);
  const arithmetic = matchClaimed(check.claimedUsd, cost.value, tolerance);
  const figures = [cost, claimed];
  const assumptions: string[] = [];
  const tokens = check.tokens ?? model.training?.tokens;
  let mfuSentence = `No training token count is known for ${model.id}, so the implied MFU is not checked.`;
  let reading: ReturnType<typeof assessImpliedMfu>['reading'] | undefined;
  if (tokens !== undefined) {
    const estimate = ctx.estimator.training({
      model: model.id,
      hardware: device.id,
      tokens,
      gpuHours: check.gpuHours,
      usdPerGpuHour: check.usdPerGpuHour,
    });
    const mfu = assessImpliedMfu(ctx, estimate);
    reading = mfu.reading;
    mfuSentence = `Training on ${num(tokens)} tokens takes ${num(estimate.flops.value)} FLOPs (6 × active parameters × tokens). ${mfu.sentence}`;
    figures.push(estimate.flops, ...mfu.byDtype, mfu.band.ceiling, mfu.band.floor);
    if (check.tokens === undefined)
      assumptions.push(`Tokens: the model's disclosed ${num(tokens)} training tokens.`);
  }
  const rental = device.prices?.rentalUsdPerHour;
  if (rental && (check.usdPerGpuHour < rental.low || check.usdPerGpuHour > rental.high))
    assumptions.push(
      `The claimed $${num(check.usdPerGpuHour)}/GPU-hour is outside the catalog's rental range for ${device.name} ($${num(rental.low)}–$${num(rental.high)}).`,
    );
  const said = `$${num(claimedValue(check.claimedUsd))}`;
  const arithmeticSentence = `${num(check.gpuHours)} GPU-hours × $${num(check.usdPerGpuHour)}/h = $${num(cost.value)}${arithmetic.holds ? `, as claimed (${describeClaimed(check.claimedUsd, tolerance, 1, ' USD')})` : `, not the claimed ${describeClaimed(check.claimedUsd, tolerance, 1, ' USD')} (off by a factor ${num(arithmetic.factor)})`}.`;
  if (reading === 'impossible' || reading === 'too-high' || reading === 'too-low')
    return {
      verdict: 'implausible',
      explanation: `${arithmeticSentence} ${mfuSentence}`,
      figures,
      assumptions: [
        ...assumptions,
        'Dense peaks of the catalog; FLOPs = 6 · N_active · D without attention scores.',
      ],
    };
  if (!arithmetic.holds)
    return { verdict: 'false', explanation: `${arithmeticSentence} ${mfuSentence}`, figures, assumptions };
  if (check.basis !== undefined)
    return {
      verdict: 'holds',
      explanation: `${arithmeticSentence} The claim names its basis (${check.basis}). ${mfuSentence}`,
      figures,
      assumptions,
    };
  return {
    verdict: 'holds-on-basis',
    explanation: `${arithmeticSentence} ${mfuSentence} The ${said} holds only as the rental price of these GPU-hours: it leaves out buying or owning the cluster, research and ablation runs, data, staff and energy, which the claim does not say.`,
    figures,
    assumptions: [
      ...assumptions,
      'Basis: final run at a rental price. On a development or ownership basis the cost is far higher (see clearbox disclose).',
      `A rental price of $${num(check.usdPerGpuHour)}/GPU-hour paid only for the hours the run used.`,
    ],
  };
}
