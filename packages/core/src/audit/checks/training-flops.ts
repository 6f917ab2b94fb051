import { findModel } from '../../catalog/catalog.ts';
import { countParameters } from '../../estimate/parameters.ts';
import { deviceSource } from '../../estimate/peak.ts';
import { trainingAttentionFlops, trainingFlops } from '../../estimate/training.ts';
import { type Figure, figure, given, named } from '../../figure/figure.ts';
import type { CheckOf } from '../claim-schema.ts';
import { describeClaimed, matchClaimed } from '../claimed.ts';
import type { AuditContext } from '../context.ts';
import type { CheckOutcome } from '../verdict.ts';
import { claimedFigure, num } from './common.ts';

/** Sequence length for the attention term when the model discloses none (the estimator's default). */
const DEFAULT_SEQUENCE = 4096;

/**
 * Training compute stated as FLOPs for a model and a token count, with no hardware: the count from the
 * architecture (6 · N_active · D), with attention scores, and on total parameters (a dense reading).
 * No hardware, no hours: nothing here says whether the run was fast or cheap.
 */
export function checkTrainingFlops(ctx: AuditContext, check: CheckOf<'training-flops'>): CheckOutcome {
  const model = findModel(ctx.catalog, check.model);
  const p = countParameters(model.architecture);
  const src = [deviceSource(model.source)];
  const tokens = given('D', check.tokens, 'tokens', [], 'as claimed');
  const nActive = given('N_active', p.activeMatmul, 'params', src, 'computed from the architecture');
  const nTotal = given('N_total', p.total, 'params', src, 'computed from the architecture');
  const seq = model.training?.sequenceLength ?? DEFAULT_SEQUENCE;
  const counted = figure({
    name: 'trainingFlops',
    value: trainingFlops(p.activeMatmul, check.tokens),
    unit: 'FLOP',
    formula: '6 · N_active · D (attention scores excluded, the usual convention)',
    inputs: [nActive, tokens],
  });
  const attention = trainingAttentionFlops(model, check.tokens, seq);
  const withAttention = figure({
    name: 'trainingFlopsWithAttention',
    value: counted.value + attention,
    unit: 'FLOP',
    formula: '6 · N_active · D + 3 · L · h · (d_qk + d_v) · s · D',
    inputs: [counted, named('attentionFlops', attention, 'FLOP'), named('s', seq)],
  });
  const dense = figure({
    name: 'trainingFlopsOnTotalParameters',
    value: trainingFlops(p.total, check.tokens),
    unit: 'FLOP',
    formula: '6 · N_total · D (every parameter, as if the model were dense)',
    inputs: [nTotal, tokens],
  });
  const claimed = claimedFigure('claimedFlops', check.claimed, 'FLOP', check.tolerance);
  const said = describeClaimed(check.claimed, check.tolerance);
  const figures: Figure[] = [counted, withAttention, claimed];
  const moe = p.total > p.activeMatmul * 1.5;
  if (moe) figures.splice(2, 0, dense);
  const head = `${model.name} on ${num(check.tokens)} tokens: 6 × ${num(p.activeMatmul)} active parameters × ${num(check.tokens)} = ${num(counted.value)} FLOPs (${num(withAttention.value)} with attention scores at a ${num(seq)}-token context).`;
  const holdsAt = (f: Figure) => matchClaimed(check.claimed, f.value, check.tolerance).holds;
  const assumptions = [
    'One epoch over the stated tokens; FLOPs from the published architecture, not copied from a report.',
  ];
  if (holdsAt(counted) || holdsAt(withAttention))
    return {
      verdict: 'holds',
      explanation: `${head} That matches the claimed ${said}${holdsAt(counted) ? '' : ' when attention scores are counted'}.`,
      figures,
      assumptions,
      compared: holdsAt(counted) ? counted : withAttention,
    };
  if (moe && holdsAt(dense))
    return {
      verdict: 'holds-on-basis',
      explanation: `${head} The claimed ${said} matches only counting all ${num(p.total)} parameters (${num(dense.value)}), as if the mixture of experts were dense: each token passes through ${num(p.activeMatmul)}.`,
      figures,
      assumptions: [...assumptions, 'Whether the claim counts active or total parameters.'],
      compared: dense,
    };
  const off = claimed.value / counted.value;
  return {
    verdict: 'false',
    explanation: `${head} The claimed ${said} is ${num(off)}× that count${off > 3 || off < 1 / 3 ? ': more than the attention term or a token-count rounding can explain' : ''}.`,
    figures,
    assumptions,
    compared: counted,
  };
}
