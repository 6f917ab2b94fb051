import { createHash } from 'node:crypto';
import { TEMPLATE_BAND_ROWS, TEMPLATE_BANDS } from '@clearbox/core';
import { type Feature, jsonList, num } from './feature.ts';

// Template keys that survive light paraphrase (word order, a few synonyms, changed numbers): MinHash over
// a normalised word set, banded for locality-sensitive hashing (Broder 1997; Leskovec, Rajaraman &
// Ullman, Mining of Massive Datasets, ch. 3).
// - The text: the first TEMPLATE_WINDOW characters of the prompt in lower case with ASCII digits removed
//   (per row, so "Problem 7" and "Problem 1234" are one text); counted per account in the one aggregate
//   pass. The signatures below run on distinct texts only (the keys per (account, text) pair).
// - The word set: runs of a-z of 3 letters or more, minus a short stop list, without the window's final
//   run (the window may cut it). Order does not matter.
// - The signature: for each of TEMPLATE_BANDS x TEMPLATE_BAND_ROWS seeds (a_i, b_i), the minimum over
//   the words of (a_i h(w) + b_i) mod (2^31 - 1), with h(w) the first 32 bits of the word's MD5: integer
//   arithmetic below 2^62, so DuckDB and ClickHouse compute the same bits.
// - The keys: one per band, the first 16 hex digits of the MD5 of "band:min,min" (or of "band:text:" and
//   the text when it has fewer than 2 words, so short or non-Latin prompts keep an exact-text key, or
//   when the band's minima come from one word). Two
//   prompts share a band's key when their signatures agree on that band: for word sets of Jaccard
//   similarity J, with probability 1 - (1 - J^r)^b over b bands of r rows (a threshold near
//   (1/b)^(1/r) = 0.25 for 16 x 2). Each key is a template cluster: the prompts in one LSH bucket.
// An account keeps the keys it used twice or more; a reference account also those used once that another
// account uses (rarity counts reference users). Every request counts once in each band. Keys that no other
// account uses (tested or reference) link no one and weigh 1 in templating: they come back as one sum per
// account (privateTemplateUses), not listed (an account of 8 private templates listed 128 keys, and on
// 50,000 such accounts the lists were most of the time in Node and a third of the template statements').

/** Characters of the prompt that the template key reads (a stated prior: the instruction part of a templated prompt). */
export const TEMPLATE_WINDOW = 128;
/** Function words that carry no template identity (a short English stop list). */
export const TEMPLATE_STOP_WORDS = [
  'the',
  'and',
  'for',
  'with',
  'you',
  'your',
  'this',
  'that',
  'are',
  'from',
  'can',
  'please',
  'its',
  'our',
  'then',
  'each',
  'into',
  'any',
  'all',
  'not',
  'but',
  'has',
  'have',
  'was',
  'will',
  'what',
  'how',
] as const;

const PRIME = 2147483647;
/**
 * The MinHash seeds (a_i in [1, p-1], b_i in [0, p-1]), fixed for every engine: the first 32 bits of the
 * MD5 of "clearbox-minhash-a-i" and "...-b-i". (Consecutive outputs of one Lehmer generator made b_i a
 * fixed multiple of a_i and the a_i a geometric sequence, and one word won a third of the minima.)
 */
export const MINHASH_SEEDS: ReadonlyArray<readonly [number, number]> = Array.from(
  { length: TEMPLATE_BANDS * TEMPLATE_BAND_ROWS },
  (_, i) => {
    const bits = (s: string) => createHash('md5').update(s).digest().readUInt32BE(0);
    return [
      1 + (bits(`clearbox-minhash-a-${i}`) % (PRIME - 1)),
      bits(`clearbox-minhash-b-${i}`) % PRIME,
    ] as const;
  },
);

const stopList = `[${TEMPLATE_STOP_WORDS.map((w) => `'${w}'`).join(', ')}]`;

const modInverse = (a: number): number => {
  let result = 1n;
  let base = BigInt(a);
  let e = BigInt(PRIME - 2);
  const p = BigInt(PRIME);
  for (; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * base) % p;
    base = (base * base) % p;
  }
  return Number(result);
};

/** Each seed's hashed value of a word with hash h, as columns v0, v1, ... (the signature takes their minima). */
function valuesSql(): string {
  return MINHASH_SEEDS.map(([a, b], i) => `(${a} * h + ${b}) % ${PRIME} AS v${i}`).join(', ');
}

/** The signature: one minimum per seed (aggregates over the words of a text), as a list `m` (1-based in both dialects). */
const minsSql = (): string => MINHASH_SEEDS.map((_, i) => `min(v${i})`).join(', ');

/**
 * One key per band, as the unsigned 64-bit number of its 16 hex digits (compact in the joins; written
 * back as the same 16 digits at the end). The word behind each minimum is recovered by inverting its
 * seed's map; a band whose minima all come from one word keys on the exact text instead, so two prompts
 * never meet through a single shared word (short unrelated prompts sharing "explain" did).
 */
function bandsSql(dialect: 'duckdb' | 'clickhouse'): string {
  const keys: string[] = [];
  for (let band = 0; band < TEMPLATE_BANDS; band++) {
    const rows = Array.from({ length: TEMPLATE_BAND_ROWS }, (_, r) => band * TEMPLATE_BAND_ROWS + r);
    const word = (i: number) => {
      const [a, b] = MINHASH_SEEDS[i] as readonly [number, number];
      return `((m[${i + 1}] - ${b} + ${PRIME}) % ${PRIME}) * ${modInverse(a)} % ${PRIME}`;
    };
    const distinct = rows.flatMap((i, x) => rows.slice(x + 1).map((j) => `${word(i)} <> ${word(j)}`));
    const condition = ['coalesce(words, 0) >= 2', ...distinct].join(' AND ');
    keys.push(
      dialect === 'duckdb'
        ? `CAST('0x' || left(md5('${band}:' || CASE WHEN ${condition} THEN ${rows.map((i) => `CAST(m[${i + 1}] AS VARCHAR)`).join(" || ',' || ")} ELSE 'text:' || text END), 16) AS UBIGINT)`
        : `reinterpretAsUInt64(reverse(substring(MD5(concat('${band}:', if(${condition}, concat(${rows.map((i) => `toString(m[${i + 1}])`).join(", ',', ")}), concat('text:', text)))), 1, 8)))`,
    );
  }
  return keys.join(',\n    ');
}

/**
 * DuckDB's band keys while counting: the exact identity of each key as one 128-bit integer, band << 62 |
 * first minimum << 31 | second minimum (minima are below 2^31 - 1), or band << 62 | (2^31 - 1) << 31 | tid
 * for a key on the exact text. Equal integers are equal MD5 inputs, so the counts are those of the MD5
 * keys; the MD5 name is computed only for keys another account also uses (keyNameSql).
 */
function bandTuplesSql(): string {
  const keys: string[] = [];
  for (let band = 0; band < TEMPLATE_BANDS; band++) {
    const rows = Array.from({ length: TEMPLATE_BAND_ROWS }, (_, r) => band * TEMPLATE_BAND_ROWS + r);
    if (rows.length !== 2) throw new Error('bandTuplesSql packs two minima per band');
    const word = (i: number) => {
      const [a, b] = MINHASH_SEEDS[i] as readonly [number, number];
      return `((m[${i + 1}] - ${b} + ${PRIME}) % ${PRIME}) * ${modInverse(a)} % ${PRIME}`;
    };
    const [i, j] = rows as [number, number];
    // A text of fewer than 2 words has no signature (NULL: the text key) or one word behind both minima.
    const condition = `${word(i)} <> ${word(j)}`;
    keys.push(
      `(CAST(${band} AS HUGEINT) << 62) + CASE WHEN ${condition} THEN (CAST(m[${i + 1}] AS HUGEINT) << 31) + m[${j + 1}] ELSE (CAST(${PRIME} AS HUGEINT) << 31) + tid END`,
    );
  }
  return keys.join(',\n    ');
}

/** The 16 hex digits of a packed key (bandTuplesSql): the MD5 of "band:min,min" or "band:text:" and the text. */
const keyNameSql = `left(md5(CAST(band AS VARCHAR) || ':' || CASE WHEN first = ${PRIME} THEN 'text:' || text ELSE CAST(first AS VARCHAR) || ',' || CAST(second AS VARCHAR) END), 16)`;

// The pipeline runs as statements of its own over small tables, each read once: the distinct texts get
// an integer id, the signatures are computed once per distinct text (DuckDB's band keys per account and
// text, where they are summed), and the per-account counts join on integers. (One statement joining on the texts themselves ran out of DuckDB's 3 GB on 2 million rows of
// 8 private templates per account, and ClickHouse, which inlines a CTE at every use, took 228 s.)

/** Per-account template keys (L2 templating, shared-pool clusters). */
export const templates: Feature = {
  id: 'templates',
  sql: {
    duckdb: {
      // The window split at digit runs and joined again: a fifth less CPU than regexp_replace of the runs
      // (1.71 against 1.97 CPU s per 2M bench rows, window included), which was 0.7 CPU s less than
      // translate(); the same text.
      rowColumns: [
        `array_to_string(regexp_split_to_array(left(lowered, ${TEMPLATE_WINDOW}), '[0-9]+'), '') AS template_text`,
      ],
      aggregates: () => ['histogram(template_text) AS template_texts'],
      prepare: () => [
        `CREATE TEMP TABLE template_text_ids AS SELECT text, row_number() OVER () AS tid FROM (
  SELECT DISTINCT unnest(map_keys(template_texts)) AS text FROM account_aggregates)`,
        // One row per word of each text; the signature is an aggregate, so each minimum is computed once
        // per text (a list of minima over a list of hashes in a subquery was inlined at every use, 64 times
        // per text). Runs of 3+ letters are extracted directly; the stop list and the 32 hashed values are
        // applied once per distinct word, in a table of their own, which the words join (stop words drop
        // out there), and the signature is their minima. A word repeated in a text changes no minimum, so
        // the words are not made distinct per text (that DISTINCT over strings and the stop-list test per
        // word were a third of this step).
        `CREATE TEMP TABLE template_words AS
SELECT tid, unnest(regexp_extract_all(regexp_replace(text, '[a-z]+$', ''), '[a-z]{3,}')) AS w FROM template_text_ids`,
        `CREATE TEMP TABLE template_word_values AS SELECT w, ${valuesSql()}
FROM (SELECT w, CAST(('0x' || left(md5(w), 8)) AS BIGINT) % ${PRIME} AS h FROM (SELECT DISTINCT w FROM template_words)
  WHERE NOT list_contains(${stopList}, w))`,
        `CREATE TEMP TABLE template_signatures AS SELECT tid, [${minsSql()}] AS m
FROM template_words JOIN template_word_values USING (w) GROUP BY tid`,
        // The keys are computed where the per-account counts are summed, per (account, text) pair, not
        // stored per text and joined back: a pair is a text's row in the join either way, and the 16 keys
        // per text were 6.4 million rows written and probed on the bench's 400,000 texts (0.5 of 3.5 CPU
        // s of the two statements).
        `CREATE TEMP TABLE template_account_ids AS SELECT is_reference, account, row_number() OVER () AS aid FROM account_aggregates`,
        `CREATE TEMP TABLE account_templates AS WITH account_texts AS (
  SELECT aid, unnest(map_keys(template_texts)) AS text, unnest(map_values(template_texts)) AS n
  FROM account_aggregates JOIN template_account_ids USING (is_reference, account))
SELECT aid, template, sum(n) AS c FROM (
  SELECT aid, n, unnest([
    ${bandTuplesSql()}]) AS template
  FROM account_texts JOIN template_text_ids USING (text) LEFT JOIN template_signatures USING (tid))
GROUP BY ALL`,
        // Per key: how many accounts use it and, for a key of one account, which account and how often.
        `CREATE TEMP TABLE template_df AS SELECT template, count(*) AS df, min(aid) AS aid, min(c) AS c
FROM account_templates GROUP BY template`,
        `CREATE TEMP TABLE template_names AS SELECT template, ${keyNameSql} AS name FROM (
  SELECT template, CAST(template >> 62 AS BIGINT) AS band, CAST((template >> 31) & ${PRIME} AS BIGINT) AS first,
    CAST(template & ${PRIME} AS BIGINT) AS second FROM template_df WHERE df >= 2)
LEFT JOIN template_text_ids ON tid = CASE WHEN first = ${PRIME} THEN second END`,
      ],
      // Lists in any order (readQuery sorts them): list(... ORDER BY ...) keeps a sort state per account and
      // ran out of memory with 50,000 accounts; string_agg costs 40% less than list() and its text form.
      // Keys of one account are summed from the per-key table; only the shared keys (a small table) are
      // joined back to the per-account counts.
      query:
        () => `WITH private AS (SELECT aid, sum(c) AS uses FROM template_df WHERE df = 1 AND c >= 2 GROUP BY aid),
shared AS (SELECT aid, string_agg(name, '","') AS names, string_agg(CAST(c AS VARCHAR), ',') AS counts
  FROM account_templates JOIN template_names USING (template) JOIN template_account_ids USING (aid)
  WHERE c >= 2 OR is_reference GROUP BY aid)
SELECT is_reference, account, CASE WHEN names IS NULL THEN '[]' ELSE '["' || names || '"]' END,
  '[' || coalesce(counts, '') || ']', CAST(coalesce(uses, 0) AS DOUBLE)
FROM template_account_ids LEFT JOIN private USING (aid) LEFT JOIN shared USING (aid)`,
    },
    clickhouse: {
      rowColumns: [`replaceRegexpAll(leftUTF8(lowered, ${TEMPLATE_WINDOW}), '[0-9]+', '') AS template_text`],
      // Text counts in the one aggregate pass (a GROUP BY of its own re-read every row).
      aggregates: () => ['sumMap([template_text], [toUInt64(1)]) AS template_texts'],
      prepare: () => [
        `CREATE TABLE template_text_ids ENGINE = Memory AS SELECT text, rowNumberInAllBlocks() AS tid FROM (
  SELECT DISTINCT arrayJoin(template_texts.1) AS text FROM account_aggregates)`,
        `CREATE TABLE template_words ENGINE = Memory AS SELECT tid, arrayJoin(arrayDistinct(arrayFilter(
  w -> length(w) >= 3 AND NOT has(${stopList}, w), extractAll(replaceRegexpOne(text, '[a-z]+$', ''), '[a-z]+')))) AS w
FROM template_text_ids`,
        `CREATE TABLE template_word_values ENGINE = Memory AS SELECT w, ${valuesSql()} FROM (
  SELECT w, toInt64(reinterpretAsUInt32(reverse(unhex(substring(lower(hex(MD5(w))), 1, 8))))) % ${PRIME} AS h
  FROM (SELECT DISTINCT w FROM template_words))`,
        `CREATE TABLE template_signatures ENGINE = Memory AS SELECT tid, count() AS words, [${minsSql()}] AS m
FROM template_words AS tw INNER JOIN template_word_values AS wv USING (w) GROUP BY tid`,
        `CREATE TABLE template_keys ENGINE = Memory AS SELECT tid, template
FROM template_text_ids AS t LEFT JOIN template_signatures AS s USING (tid) ARRAY JOIN [
    ${bandsSql('clickhouse')}] AS template`,
        `CREATE TABLE account_templates ENGINE = Memory AS
SELECT is_reference, account, template, sum(n) AS c FROM (
  SELECT is_reference, account, text, n FROM account_aggregates ARRAY JOIN template_texts.1 AS text, template_texts.2 AS n) AS a
INNER JOIN template_text_ids AS t USING (text) INNER JOIN template_keys AS k USING (tid)
GROUP BY is_reference, account, template`,
      ],
      query:
        () => `SELECT is_reference, account, toJSONString(groupArrayIf(leftPad(lower(hex(template)), 16, '0'), df >= 2)),
  toString(groupArrayIf(toInt64(c), df >= 2)), toFloat64(sumIf(c, df = 1))
FROM account_templates INNER JOIN (SELECT template, count() AS df FROM account_templates GROUP BY template) AS d USING (template)
WHERE c >= 2 OR (is_reference AND df >= 2) GROUP BY is_reference, account`,
    },
  },
  readQuery(stats, [keys, counts, privateUses]) {
    stats.privateTemplateUses = num(privateUses);
    const k = jsonList<string>(keys);
    const c = jsonList<number>(counts);
    // Sorted by key, whatever order the engine listed them in (the same order for every engine).
    stats.templates = k
      .map((key, i): [string, number] => [String(key), Number(c[i])])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  },
};
