import { type Feature, num } from './feature.ts';

/** Requests and tokens per account (L1 requests per day, L2 output tokens per day). */
export const volume: Feature = {
  id: 'volume',
  sql: {
    duckdb: {
      aggregates: () => [
        'count(*) AS requests',
        'sum(input_tokens) AS input_token_sum',
        'sum(output_tokens) AS output_token_sum',
      ],
      outputs: [
        'CAST(requests AS DOUBLE)',
        'CAST(input_token_sum AS DOUBLE)',
        'CAST(output_token_sum AS DOUBLE)',
      ],
    },
    clickhouse: {
      aggregates: () => [
        'count() AS requests',
        'sum(input_tokens) AS input_token_sum',
        'sum(output_tokens) AS output_token_sum',
      ],
      outputs: ['toFloat64(requests)', 'toFloat64(input_token_sum)', 'toFloat64(output_token_sum)'],
    },
  },
  readOutputs(stats, [requests, input, output]) {
    stats.requests = num(requests);
    stats.inputTokens = num(input);
    stats.outputTokens = num(output);
  },
};
