import { findModel } from '../../catalog/catalog.ts';
import { countParameters } from '../../estimate/parameters.ts';
import { deviceSource } from '../../estimate/peak.ts';
import { given } from '../../figure/figure.ts';
import type { CheckOf } from '../claim-schema.ts';
import { describeClaimed, matchClaimed } from '../claimed.ts';
import type { AuditContext } from '../context.ts';
import type { CheckOutcome } from '../verdict.ts';
import { claimedFigure, num, pct, ratioFigure } from './common.ts';

/**
 * Active / total parameters computed from the architecture, under both conventions in use: DeepSeek's
 * "activated" count excludes the input embedding table (37B of 671B for V3), Meta's and Qwen's include it.
 */
export function checkActivationRatio(ctx: AuditContext, check: CheckOf<'activation-ratio'>): CheckOutcome {
  const model = findModel(ctx.catalog, check.model);
  const p = countParameters(model.architecture);
  const src = [deviceSource(model.source)];
  const total = given('N_total', p.total, 'params', src, 'computed from the architecture');
  const activeMatmul = given(
    'N_active (embedding lookup excluded)',
    p.activeMatmul,
    'params',
    src,
    'computed from the architecture',
  );
  const active = given(
    'N_active (embedding included)',
    p.active,
    'params',
    src,
    'computed from the architecture',
  );
  const ratioMatmul = ratioFigure('activationRatio', activeMatmul, total);
  const ratioWithEmbedding = ratioFigure('activationRatioWithEmbedding', active, total);
  const claimed = claimedFigure('claimedRatio', check.claimed, 'ratio', check.tolerance);
  const onMatmul = matchClaimed(check.claimed, ratioMatmul.value, check.tolerance).holds;
  const onEmbedding = matchClaimed(check.claimed, ratioWithEmbedding.value, check.tolerance).holds;
  const said = describeClaimed(check.claimed, check.tolerance, 100, '%');
  const counts = `${model.name} has ${num(p.total / 1e9)}B parameters of which ${num(p.activeMatmul / 1e9)}B are activated per token (${num(p.active / 1e9)}B counting the input embedding table)`;
  const figures = [ratioMatmul, ratioWithEmbedding, claimed];
  if (onMatmul && onEmbedding)
    return {
      verdict: 'holds',
      explanation: `${counts}: ${pct(ratioMatmul.value)}–${pct(ratioWithEmbedding.value)} of the parameters, which matches the claimed ${said}.`,
      figures,
      assumptions: [
        'Parameter counts are computed from the published configuration, not copied from a model card.',
      ],
    };
  if (onMatmul || onEmbedding)
    return {
      verdict: 'holds-on-basis',
      explanation: `${counts}. The claimed ${said} matches ${onMatmul ? `the count without the embedding lookup (${pct(ratioMatmul.value)})` : `the count with the embedding table (${pct(ratioWithEmbedding.value)})`} but not the other convention (${onMatmul ? pct(ratioWithEmbedding.value) : pct(ratioMatmul.value)}).`,
      figures,
      assumptions: [
        'Which parameters count as "activated" (the input embedding row is looked up, not multiplied).',
      ],
    };
  const hint =
    p.activeMatmul / 1e9 >= claimed.value * 100 * 0.9 && p.activeMatmul / 1e9 <= claimed.value * 100 * 1.1
      ? ` The claimed figure reads like the active parameter count in billions (${num(p.activeMatmul / 1e9)}B) mistaken for a percentage.`
      : '';
  return {
    verdict: 'false',
    explanation: `${counts}: only ${pct(ratioMatmul.value)} (${pct(ratioWithEmbedding.value)} with the embedding table) of the parameters are active per token, not the claimed ${said}.${hint}`,
    figures,
    assumptions: [
      'Routing activates the configured number of experts per token for every token (no dynamic expert counts).',
    ],
  };
}
