import { type Feature, jsonList } from './feature.ts';

// A template is the first 48 characters of the prompt in lower case; on distinct prefixes only, each run
// of digits becomes one '#' and the key is the first 16 hex digits of the MD5 of the first 40 masked
// characters, so "Question 7: ..." and "Question 1234: ..." are one template. An account keeps the
// templates it used twice or more, or that another account also used.

/** Per-account templates (L3 templating, shared-template clusters). */
export const templates: Feature = {
  id: 'templates',
  sql: {
    duckdb: {
      rowColumns: ['left(lowered, 48) AS template_prefix'],
      aggregates: () => ['histogram(template_prefix) AS template_prefixes'],
      query: () => `WITH account_templates AS (
  SELECT is_reference, account, left(md5(left(regexp_replace(prefix, '[0-9]+', '#', 'g'), 40)), 16) AS template, sum(n) AS c
  FROM (SELECT is_reference, account, unnest(map_keys(template_prefixes)) AS prefix, unnest(map_values(template_prefixes)) AS n FROM account_aggregates)
  GROUP BY ALL),
df AS (SELECT template, count(*) AS df FROM account_templates GROUP BY template)
SELECT is_reference, account, CAST(to_json(list(template ORDER BY template)) AS VARCHAR), CAST(list(c ORDER BY template) AS VARCHAR)
FROM account_templates JOIN df USING (template) WHERE c >= 2 OR df >= 2 GROUP BY is_reference, account`,
    },
    clickhouse: {
      rowColumns: ['leftUTF8(lowered, 48) AS template_prefix'],
      // Prefix counts in the one aggregate pass (a GROUP BY of its own re-read every row).
      aggregates: () => ['sumMap([template_prefix], [toUInt64(1)]) AS template_prefixes'],
      query: () => `WITH account_templates AS (
  SELECT is_reference, account, substring(lower(hex(MD5(leftUTF8(replaceRegexpAll(prefix, '[0-9]+', '#'), 40)))), 1, 16) AS template, sum(n) AS c
  FROM (SELECT is_reference, account, prefix, n FROM account_aggregates ARRAY JOIN template_prefixes.1 AS prefix, template_prefixes.2 AS n)
  GROUP BY is_reference, account, template),
df AS (SELECT template, count() AS df FROM account_templates GROUP BY template)
SELECT is_reference, account, toJSONString(arraySort(groupArray(template))), toString(arrayMap(x -> x.2, arraySort(groupArray((template, toInt64(c))))))
FROM account_templates INNER JOIN df USING (template) WHERE c >= 2 OR df >= 2 GROUP BY is_reference, account`,
    },
  },
  readQuery(stats, [keys, counts]) {
    const k = jsonList<string>(keys);
    const c = jsonList<number>(counts);
    stats.templates = k.map((key, i) => [String(key), Number(c[i])]);
  },
};
