import { type Feature, num } from './feature.ts';

/** Requests whose max_tokens is at or above the large threshold (L5). */
export const largeRequests: Feature = {
  id: 'largeRequests',
  sql: {
    duckdb: {
      aggregates: (p) => [`count_if(max_tokens >= ${Math.floor(p.largeMaxTokens)}) AS large_requests`],
      outputs: ['CAST(large_requests AS DOUBLE)'],
    },
    clickhouse: {
      aggregates: (p) => [`countIf(max_tokens >= ${Math.floor(p.largeMaxTokens)}) AS large_requests`],
      outputs: ['toFloat64(large_requests)'],
    },
  },
  readOutputs(stats, [n]) {
    stats.largeMaxTokensRequests = num(n);
  },
};
