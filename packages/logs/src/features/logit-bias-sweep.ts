import { type Feature, num } from './feature.ts';

/** The largest sum of biased token ids over requests of one prompt with max_tokens <= 1 and logprobs on. */
export const logitBiasSweep: Feature = {
  id: 'logitBiasSweep',
  sql: {
    duckdb: {
      query: () => `SELECT is_reference, account, CAST(max(biased) AS DOUBLE) FROM (
  SELECT is_reference, account, prompt, sum(logit_bias_count) AS biased FROM request_rows
  WHERE defect IS NULL AND max_tokens <= 1 AND logprobs AND logit_bias_count > 0 GROUP BY ALL) GROUP BY ALL`,
    },
    clickhouse: {
      query: () => `SELECT is_reference, account, toFloat64(max(biased)) FROM (
  SELECT is_reference, account, prompt, sum(logit_bias_count) AS biased FROM request_rows
  WHERE defect IS NULL AND max_tokens <= 1 AND logprobs AND logit_bias_count > 0 GROUP BY is_reference, account, prompt)
GROUP BY is_reference, account`,
    },
  },
  readQuery(stats, [biased]) {
    stats.logitBiasSweep = num(biased);
  },
};
