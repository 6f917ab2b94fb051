import { formatNumber } from '../figure/explain.ts';
import { type Figure, figure } from '../figure/figure.ts';
import type { ApiPlan, MonthlyTokens } from './api-cost.ts';
import type { SelfHostPlan } from './self-host-plan.ts';

/** The monthly volume above which a self-hosting plan costs less than an API, at this workload's mix. */
export interface BreakEven {
  selfHost: string;
  api: string;
  /** null when the API is cheaper at every volume (a full replica costs more per token than the API). */
  tokensPerMonth: Figure | null;
  note: string;
}

/**
 * The API's cost grows linearly with volume (USD per token at this input/cached/output mix); a
 * self-hosting plan costs one replica's month until that replica is full, then a step per replica.
 * So the first crossing is one replica's monthly cost / the API's USD per token, provided that volume
 * fits in one replica; past it self-hosting stays cheaper at every full replica.
 */
export function breakEven(plan: SelfHostPlan, api: ApiPlan, tokens: MonthlyTokens): BreakEven {
  const apiUsdPerToken = tokens.total.value > 0 ? api.monthlyUsd.value / tokens.total.value : 0;
  const replicaUsd = plan.replicaMonthlyUsd.value;
  const capacity = plan.replicaTokensPerMonth.value;
  if (!(apiUsdPerToken > 0)) {
    return {
      selfHost: plan.id,
      api: api.id,
      tokensPerMonth: null,
      note: 'the API costs nothing at this mix',
    };
  }
  const volume = replicaUsd / apiUsdPerToken;
  if (volume > capacity) {
    const selfPerM = (replicaUsd / capacity) * 1e6;
    return {
      selfHost: plan.id,
      api: api.id,
      tokensPerMonth: null,
      note: `the API is cheaper at every volume: a full replica costs ${selfPerM.toFixed(3)} USD/Mtok, the API ${(apiUsdPerToken * 1e6).toFixed(3)} USD/Mtok`,
    };
  }
  return {
    selfHost: plan.id,
    api: api.id,
    tokensPerMonth: figure({
      name: 'breakEvenTokensPerMonth',
      value: volume,
      unit: 'tokens/month',
      formula: 'one replica per month / API USD per token at this workload mix (≤ one replica capacity)',
      inputs: [plan.replicaMonthlyUsd, api.usdPerMillionTokens, plan.replicaTokensPerMonth],
    }),
    note: `self-hosting is cheaper above ${formatNumber(volume / 1e6)} M tokens/month`,
  };
}
