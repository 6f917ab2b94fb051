import { TOPIC_BUCKETS } from '@clearbox/core';
import { type Feature, fillHistogram } from './feature.ts';

/** One row in this many gets a topic (L3); the choice depends on fields, not text (same in every format). */
export const TOPIC_SAMPLE = 4;

// The sample: a Lehmer step (x * 48271 mod 2^31 - 1) over the timestamp and token counts, in integers
// that stay below 2^47, so both dialects compute the same rows.
const mix = (absTs: string) =>
  `((${absTs} + 1000003 * input_tokens + output_tokens) % 2147483647 * 48271 % 2147483647 % ${TOPIC_SAMPLE} = 0)`;
// The topic word: the first run of 8+ letters after the 48-character template prefix. Its bucket is the
// first 32 bits of its MD5 modulo the bucket count, taken on distinct (account, word) pairs only.
const pattern = "'[a-z]{8,}'";

/** Requests per topic bucket on a sample of rows (L3 topic coverage). */
export const topics: Feature = {
  id: 'topics',
  sql: {
    duckdb: {
      rowColumns: [
        `CASE WHEN ${mix('abs(ts_ms)')} THEN regexp_extract(substr(lowered, 49), ${pattern}) END AS topic_word`,
      ],
      aggregates: () => ['histogram(topic_word) AS topic_words'],
      query:
        () => `SELECT is_reference, account, CAST(list(bucket) AS VARCHAR), CAST(list(n) AS VARCHAR) FROM (
  SELECT is_reference, account, CAST(CAST('0x' || left(md5(w), 8) AS BIGINT) % ${TOPIC_BUCKETS} AS BIGINT) AS bucket, sum(n) AS n
  FROM (SELECT is_reference, account, unnest(map_keys(topic_words)) AS w, unnest(map_values(topic_words)) AS n FROM account_aggregates)
  GROUP BY ALL)
GROUP BY ALL`,
    },
    clickhouse: {
      rowColumns: [
        `if(${mix('toInt64(abs(ts_ms))')}, extract(substringUTF8(lowered, 49), ${pattern}), NULL) AS topic_word`,
      ],
      query: () => `SELECT is_reference, account, toString(groupArray(bucket)), toString(groupArray(n)) FROM (
  SELECT is_reference, account, toInt64(reinterpretAsUInt32(reverse(unhex(substring(lower(hex(MD5(w))), 1, 8)))) % ${TOPIC_BUCKETS}) AS bucket, sum(n) AS n
  FROM (SELECT is_reference, account, topic_word AS w, count() AS n FROM request_rows
        WHERE defect IS NULL AND topic_word IS NOT NULL GROUP BY is_reference, account, w)
  GROUP BY is_reference, account, bucket)
GROUP BY is_reference, account`,
    },
  },
  readQuery(stats, [keys, counts]) {
    if (stats.topics.length !== TOPIC_BUCKETS) stats.topics = new Array<number>(TOPIC_BUCKETS).fill(0);
    fillHistogram(stats.topics, keys, counts);
  },
};
