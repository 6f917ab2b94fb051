import { type Feature, num } from './feature.ts';

// Phrases that elicit a reasoning trace. Every phrase contains one of five keywords, so the phrase checks
// run only on rows with a keyword (the keyword test is the cheap common case).
const keywords = ['step', 'reason', 'think', 'work', 'chain'];
const phrases = [
  'step by step',
  'step-by-step',
  'show your reasoning',
  'show your work',
  'explain your reasoning',
  'think carefully',
  'think through',
  'chain of thought',
  'chain-of-thought',
  'reasoning trace',
  "let's think",
];
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
const anyOf = (test: (needle: string) => string, list: string[]) => list.map(test).join(' OR ');

/** Requests that ask for step-by-step reasoning, or set reasoning effort high (L4). */
export const reasoning: Feature = {
  id: 'reasoning',
  sql: {
    duckdb: {
      rowColumns: [
        `(CASE WHEN ${anyOf((k) => `contains(lowered, ${literal(k)})`, keywords)} THEN ${anyOf((p) => `contains(lowered, ${literal(p)})`, phrases)} ELSE false END OR lower(coalesce(reasoning_effort, '')) = 'high') AS reasoning`,
      ],
      aggregates: () => ['count_if(reasoning) AS reasoning_requests'],
      outputs: ['CAST(reasoning_requests AS DOUBLE)'],
    },
    clickhouse: {
      rowColumns: [
        `(if(${anyOf((k) => `position(lowered, ${literal(k)}) > 0`, keywords)}, ${anyOf((p) => `position(lowered, ${literal(p)}) > 0`, phrases)}, false) OR lowerUTF8(coalesce(reasoning_effort, '')) = 'high') AS reasoning`,
      ],
      aggregates: () => ['countIf(reasoning) AS reasoning_requests'],
      outputs: ['toFloat64(reasoning_requests)'],
    },
  },
  readOutputs(stats, [n]) {
    stats.reasoningRequests = num(n);
  },
};
