import { InputError } from '../errors/clearbox-error.ts';
import { type Figure, figure, named } from '../figure/figure.ts';
import type { Source } from '../figure/source.ts';
import { clopperPearson } from './binomial.ts';
import type { Corpus } from './corpus.ts';
import { fisherExactGreater } from './fisher-exact.ts';
import { holm } from './multiple-testing.ts';
import {
  containment,
  ngramKeys,
  normaliseWords,
  setHas,
  toSortedSet,
  unionSets,
  wordHash,
  wordIds,
} from './ngram-hash.ts';
import { normalUpperQuantile, normalUpperTail } from './special-functions.ts';
import { scoreWatermark, watermarkPower } from './watermark.ts';

export type OverlapTestId = 'O1' | 'O2' | 'O3' | 'O4' | 'O5';

export interface OverlapOptions {
  /** O1: minimum shared span in words (L). */
  spanWords: number;
  /** O2: n-gram sizes whose containment ratios are averaged. */
  containmentSizes: number[];
  /** O3: phrase length in words and the minimum number of split-A teacher answers a phrase must appear in. */
  phraseWords: number;
  phraseMinPrompts: number;
  /** Seed of the prompt split for O3 (mining on split A, counting on split B). */
  seed: number;
  /** O4: names that identify the teacher in self-reports, e.g. ["ChatGPT", "OpenAI"]; empty skips O4. */
  teacherNames: string[];
  /** O5: the teacher's green-list key; absent skips O5. */
  watermark?: { key: number; gamma: number; contextWidth: number };
  /** Level for intervals and power. */
  alpha: number;
}

export const defaultOverlapOptions: OverlapOptions = {
  spanWords: 12,
  containmentSizes: [8, 9, 10, 11, 12, 13],
  phraseWords: 6,
  phraseMinPrompts: 3,
  seed: 1,
  teacherNames: [],
  alpha: 0.05,
};

export interface OverlapTest {
  id: OverlapTestId;
  name: string;
  /** The test statistic (its meaning is in `statisticName`). */
  statistic: number;
  statisticName: string;
  p: number;
  /** Holm-adjusted p across the pre-registered tests; null for corroboration-only tests. */
  pHolm: number | null;
  effect: number;
  effectName: string;
  interval: [number, number];
  /** Sample size the test ran on (prompts or scored tuples). */
  n: number;
  power: { value: number; alpha: number; assumedEffect: number; note: string } | null;
  preregistered: boolean;
  corroborationOnly: boolean;
  details: Record<string, number | string | boolean>;
  examples: Array<{ promptId: string; text: string }>;
  figures: Figure[];
}

export interface OverlapResult {
  prompts: {
    teacher: number;
    suspect: number;
    baselines: number[];
    common: number;
    splitA: number;
    splitB: number;
  };
  tests: OverlapTest[];
  /** The legitimate explanations each test rules out or leaves open. */
  explanationsChecked: string[];
}

const sources: Record<OverlapTestId, Source[]> = {
  O1: [
    {
      title: 'Lee et al., Deduplicating training data makes language models better',
      url: 'https://arxiv.org/abs/2107.06499',
      date: '2021-07',
      note: 'long verbatim spans occur naturally; exclude spans found in baselines and public text',
    },
  ],
  O2: [
    {
      title: 'Clearbox forensics reference, section 3 (O2)',
      date: '2026-01',
      note: 'containment of suspect n-grams, rank among baselines',
    },
  ],
  O3: [
    {
      title: 'Clearbox forensics reference, section 3 (O3)',
      date: '2026-01',
      note: 'mine on split A, count on disjoint split B',
    },
  ],
  O4: [
    {
      title: 'Lee et al., Distillation quantification (identity consistency)',
      url: 'https://arxiv.org/abs/2501.12619',
      date: '2025-01',
    },
  ],
  O5: [
    {
      title: 'Sander et al., Watermarking makes language models radioactive',
      url: 'https://arxiv.org/abs/2402.14904',
      date: '2024-02',
    },
    {
      title: 'Kirchenbauer et al., A watermark for large language models',
      url: 'https://arxiv.org/abs/2301.10226',
      date: '2023-01',
    },
  ],
};

interface Prepared {
  ids: Map<string, Uint32Array>;
}

function prepare(corpus: Corpus, promptIds: readonly string[]): Prepared {
  const ids = new Map<string, Uint32Array>();
  for (const id of promptIds) ids.set(id, wordIds(corpus.records.get(id)?.text ?? ''));
  return { ids };
}

function setsOf(p: Prepared, promptIds: readonly string[], n: number): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const id of promptIds) out.set(id, toSortedSet(ngramKeys(p.ids.get(id) as Uint32Array, n)));
  return out;
}

/** Any key of `s` that is also in `t` and not in `exclude`; returns how many. */
function novelShared(s: Float64Array, t: Float64Array, exclude: Float64Array): number {
  let i = 0;
  let j = 0;
  let count = 0;
  while (i < s.length && j < t.length) {
    const x = s[i] as number;
    const y = t[j] as number;
    if (x === y) {
      if (!setHas(exclude, x)) count++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return count;
}

/** Longest run of consecutive suspect positions whose L-gram is novel-shared: span = run + L - 1 words. */
function longestNovelSpan(
  ids: Uint32Array,
  t: Float64Array,
  exclude: Float64Array,
  n: number,
): { start: number; words: number } {
  const keys = ngramKeys(ids, n);
  let best = { start: 0, words: 0 };
  let run = 0;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as number;
    if (setHas(t, k) && !setHas(exclude, k)) {
      run++;
      const words = run + n - 1;
      if (words > best.words) best = { start: i - run + 1, words };
    } else run = 0;
  }
  return best;
}

function twoProportionPower(n1: number, n0: number, p0: number, delta: number, zAlpha: number): number {
  const p1 = Math.min(1, p0 + delta);
  const pooled = (n1 * p1 + n0 * p0) / (n1 + n0);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
  if (se === 0) return 1;
  return normalUpperTail(zAlpha - (p1 - p0) / se);
}

function rateTest(
  id: OverlapTestId,
  name: string,
  suspectHits: number,
  n: number,
  baselineHits: number,
  baselineN: number,
  alpha: number,
  assumedDelta: number,
): Omit<OverlapTest, 'details' | 'examples' | 'preregistered' | 'corroborationOnly'> {
  const { p, oddsRatio } = fisherExactGreater(
    suspectHits,
    n - suspectHits,
    baselineHits,
    baselineN - baselineHits,
  );
  const suspectRate = n === 0 ? 0 : suspectHits / n;
  const baselineRate = baselineN === 0 ? 0 : baselineHits / baselineN;
  const [sLow, sHigh] = clopperPearson(suspectHits, n, alpha);
  const [bLow, bHigh] = clopperPearson(baselineHits, baselineN, alpha);
  const zAlpha = normalUpperQuantile(alpha);
  const p0 = Math.max(baselineRate, 0.5 / Math.max(1, baselineN));
  const effect = suspectRate - baselineRate;
  const interval: [number, number] = [sLow - bHigh, sHigh - bLow];
  const inputs = [
    named('suspect hits', suspectHits),
    named('suspect prompts', n),
    named('baseline hits (pooled)', baselineHits),
    named('baseline answers (pooled)', baselineN),
  ];
  return {
    id,
    name,
    statistic: oddsRatio,
    statisticName: 'odds ratio, suspect vs pooled baselines',
    p,
    pHolm: null,
    effect,
    effectName: 'suspect hit rate minus pooled baseline hit rate',
    interval,
    n,
    power: {
      value: twoProportionPower(n, baselineN, p0, assumedDelta, zAlpha),
      alpha,
      assumedEffect: assumedDelta,
      note: `power of a one-sided two-proportion test at this sample size to see the suspect's rate exceed the baselines' by ${assumedDelta}`,
    },
    figures: [
      figure({
        name: `${id}.p`,
        value: p,
        unit: '',
        formula: 'one-sided Fisher exact: P(X >= a), X hypergeometric with the 2x2 margins fixed',
        inputs,
        sources: sources[id],
      }),
      figure({
        name: `${id}.effect`,
        value: effect,
        unit: 'rate difference',
        formula:
          'h/N - H/(kN); interval: [CP_low(suspect) - CP_high(baselines), CP_high(suspect) - CP_low(baselines)] (Clopper-Pearson, conservative)',
        inputs,
        low: interval[0],
        high: interval[1],
        sources: sources[id],
      }),
    ],
  };
}

/** Deterministic split of prompt ids into A (mining) and B (testing) from the seed. */
function splitOf(promptId: string, seed: number): 'A' | 'B' {
  return (wordHash(`${seed}:${promptId}`) & 1) === 0 ? 'A' : 'B';
}

const identityVerbs =
  "(?:i am|i'm|i’m|my name is|developed by|created by|trained by|made by|built by|a model from|an ai from)";

/**
 * Runs the output tests O1-O5 on the prompts every corpus answered. Refuses without at least one
 * baseline: a copy ratio means nothing without knowing how much unrelated models overlap.
 */
export function investigateOverlap(
  corpora: { teacher: Corpus; suspect: Corpus; baselines: Corpus[]; reference?: Corpus },
  options: OverlapOptions = defaultOverlapOptions,
): OverlapResult {
  const { teacher, suspect, baselines, reference } = corpora;
  if (baselines.length === 0) {
    throw new InputError(
      'no baseline corpus: give at least one --baseline (two or more recommended); Clearbox gives no verdict without a baseline',
      '--baseline',
    );
  }
  const common = [...teacher.records.keys()]
    .filter((id) => suspect.records.has(id) && baselines.every((b) => b.records.has(id)))
    .sort();
  if (common.length === 0) {
    throw new InputError(
      `no promptId is answered by the teacher, the suspect and every baseline (teacher ${teacher.records.size}, suspect ${suspect.records.size} prompts)`,
      suspect.path,
    );
  }
  const k = baselines.length;
  const N = common.length;
  const T = prepare(teacher, common);
  const S = prepare(suspect, common);
  const B = baselines.map((b) => prepare(b, common));
  const referenceIds = reference ? [...reference.records.values()].map((r) => wordIds(r.text)) : [];
  const alpha = options.alpha;
  const tests: OverlapTest[] = [];

  // O1: verbatim spans of >= L words shared with the teacher, in no baseline answer and no reference text.
  {
    const L = options.spanWords;
    const tSets = setsOf(T, common, L);
    const sSets = setsOf(S, common, L);
    const bSets = B.map((b) => setsOf(b, common, L));
    const referenceSet = unionSets(referenceIds.map((ids) => toSortedSet(ngramKeys(ids, L))));
    const baselineUnion = bSets.map((m) => unionSets([...m.values()]));
    const excludeForSuspect = unionSets([...baselineUnion, referenceSet]);
    let suspectHits = 0;
    const examples: Array<{ promptId: string; text: string }> = [];
    let longest = 0;
    for (const id of common) {
      if (novelShared(sSets.get(id) as Float64Array, tSets.get(id) as Float64Array, excludeForSuspect) > 0) {
        suspectHits++;
        const ids = S.ids.get(id) as Uint32Array;
        const span = longestNovelSpan(ids, tSets.get(id) as Float64Array, excludeForSuspect, L);
        longest = Math.max(longest, span.words);
        if (examples.length < 5) {
          const words = normaliseWords(suspect.records.get(id)?.text ?? '');
          examples.push({ promptId: id, text: words.slice(span.start, span.start + span.words).join(' ') });
        }
      }
    }
    // Each baseline is scored like the suspect against the others (leave-one-out): it is excluded
    // against k-1 corpora where the suspect is excluded against k, which favours baseline hits and so
    // makes the comparison conservative.
    let baselineHits = 0;
    bSets.forEach((bs, b) => {
      const exclude = unionSets([...baselineUnion.filter((_, j) => j !== b), referenceSet]);
      for (const id of common) {
        if (novelShared(bs.get(id) as Float64Array, tSets.get(id) as Float64Array, exclude) > 0)
          baselineHits++;
      }
    });
    const base = rateTest(
      'O1',
      `verbatim spans of at least ${L} words`,
      suspectHits,
      N,
      baselineHits,
      k * N,
      alpha,
      0.02,
    );
    tests.push({
      ...base,
      preregistered: true,
      corroborationOnly: false,
      details: {
        spanWords: L,
        suspectHits,
        baselineHits,
        baselines: k,
        longestSpanWords: longest,
        referenceTexts: referenceIds.length,
      },
      examples,
    });
  }

  // O2: containment of suspect n-grams in the teacher's answer, ranked against the baselines per prompt.
  {
    const sizes = options.containmentSizes;
    const score = (p: Prepared, id: string, tSetsByN: Map<string, Float64Array>[]) => {
      let sum = 0;
      sizes.forEach((n, j) => {
        sum += containment(
          toSortedSet(ngramKeys(p.ids.get(id) as Uint32Array, n)),
          tSetsByN[j]?.get(id) as Float64Array,
        );
      });
      return sum / sizes.length;
    };
    const tByN = sizes.map((n) => setsOf(T, common, n));
    let rankSum = 0;
    let mean = 0;
    let variance = 0;
    let suspectMean = 0;
    let baselineMean = 0;
    const diffs: number[] = [];
    for (const id of common) {
      const s = score(S, id, tByN);
      const bs = B.map((b) => score(b, id, tByN));
      const all = [s, ...bs];
      // Midrank of each value (ties averaged); under exchangeability the suspect's rank is a uniform draw
      // from these midranks, which gives the exact mean and variance conditional on the ties.
      const ranks = all.map((v) => {
        let below = 0;
        let equal = 0;
        for (const w of all) {
          if (w < v) below++;
          else if (w === v) equal++;
        }
        return below + (equal + 1) / 2;
      });
      const mu = ranks.reduce((a, r) => a + r, 0) / ranks.length;
      const v = ranks.reduce((a, r) => a + (r - mu) ** 2, 0) / ranks.length;
      rankSum += ranks[0] as number;
      mean += mu;
      variance += v;
      suspectMean += s;
      const bMean = bs.reduce((a, x) => a + x, 0) / k;
      baselineMean += bMean;
      diffs.push(s - bMean);
    }
    const z = variance === 0 ? 0 : (rankSum - mean) / Math.sqrt(variance);
    const p = variance === 0 ? 1 : normalUpperTail(z);
    const effect = (suspectMean - baselineMean) / N;
    const sd = Math.sqrt(diffs.reduce((a, d) => a + (d - effect) ** 2, 0) / Math.max(1, N - 1));
    const half = (normalUpperQuantile(alpha / 2) * sd) / Math.sqrt(N);
    const interval: [number, number] = [effect - half, effect + half];
    const inputs = [
      named('rank sum of suspect', rankSum),
      named('expected rank sum', mean),
      named('variance', variance),
      named('prompts', N),
    ];
    tests.push({
      id: 'O2',
      name: `containment of suspect ${sizes[0]}-${sizes[sizes.length - 1]}-grams in teacher answers`,
      statistic: z,
      statisticName:
        'z of the suspect rank sum among {suspect, baselines} (midranks, exact conditional variance)',
      p,
      pHolm: null,
      effect,
      effectName: 'mean containment of the suspect minus mean containment of the baselines',
      interval,
      n: N,
      power: null,
      preregistered: true,
      corroborationOnly: false,
      details: {
        suspectMeanContainment: suspectMean / N,
        baselineMeanContainment: baselineMean / N,
        baselines: k,
        rankSum,
        expectedRankSum: mean,
      },
      examples: [],
      figures: [
        figure({
          name: 'O2.p',
          value: p,
          unit: '',
          formula: 'p = 1 - Phi((R - E[R]) / sqrt(Var R)), R = sum over prompts of the suspect midrank',
          inputs,
          sources: sources.O2,
        }),
        figure({
          name: 'O2.effect',
          value: effect,
          unit: 'containment',
          formula: 'mean_i (C(S_i,T_i) - mean_b C(B_bi,T_i)); interval: mean +- z sd / sqrt(N)',
          inputs,
          low: interval[0],
          high: interval[1],
          sources: sources.O2,
        }),
      ],
    });
  }

  // O3: signature phrases mined on split A (frequent in the teacher, absent in baselines and reference), counted on B.
  const splitA = common.filter((id) => splitOf(id, options.seed) === 'A');
  const splitB = common.filter((id) => splitOf(id, options.seed) === 'B');
  {
    const n = options.phraseWords;
    const promptCount = new Map<number, number>();
    for (const id of splitA) {
      for (const key of toSortedSet(ngramKeys(T.ids.get(id) as Uint32Array, n)))
        promptCount.set(key, (promptCount.get(key) ?? 0) + 1);
    }
    const excluded = unionSets([
      ...B.flatMap((b) => splitA.map((id) => toSortedSet(ngramKeys(b.ids.get(id) as Uint32Array, n)))),
      ...referenceIds.map((ids) => toSortedSet(ngramKeys(ids, n))),
    ]);
    const phrases = toSortedSet(
      Float64Array.from(
        [...promptCount]
          .filter(([key, c]) => c >= options.phraseMinPrompts && !setHas(excluded, key))
          .map(([key]) => key),
      ),
    );
    const hits = (p: Prepared, id: string) => {
      for (const key of ngramKeys(p.ids.get(id) as Uint32Array, n)) if (setHas(phrases, key)) return true;
      return false;
    };
    const suspectHits = splitB.filter((id) => hits(S, id)).length;
    const baselineHits = B.reduce((a, b) => a + splitB.filter((id) => hits(b, id)).length, 0);
    const teacherHits = splitB.filter((id) => hits(T, id)).length;
    const base = rateTest(
      'O3',
      `teacher signature ${n}-word phrases (mined on split A, counted on split B)`,
      suspectHits,
      splitB.length,
      baselineHits,
      k * splitB.length,
      alpha,
      0.05,
    );
    tests.push({
      ...base,
      preregistered: true,
      corroborationOnly: false,
      details: {
        phrases: phrases.length,
        phraseWords: n,
        minPrompts: options.phraseMinPrompts,
        splitA: splitA.length,
        splitB: splitB.length,
        suspectHits,
        baselineHits,
        teacherHitRateOnB: splitB.length ? teacherHits / splitB.length : 0,
      },
      examples: [],
    });
  }

  // O4: identity self-reports naming the teacher; corroboration only (web text is full of them).
  if (options.teacherNames.length > 0) {
    const names = options.teacherNames.map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
    const pattern = new RegExp(`\\b${identityVerbs}\\s+(?:[\\p{L}-]+\\s+){0,3}?(?:${names})\\b`, 'iu');
    const hit = (c: Corpus, id: string) => pattern.test(c.records.get(id)?.text ?? '');
    const suspectHits = common.filter((id) => hit(suspect, id)).length;
    const baselineHits = baselines.reduce((a, b) => a + common.filter((id) => hit(b, id)).length, 0);
    const base = rateTest(
      'O4',
      `identity self-reports naming ${options.teacherNames.join(' / ')}`,
      suspectHits,
      N,
      baselineHits,
      k * N,
      alpha,
      0.02,
    );
    tests.push({
      ...base,
      preregistered: false,
      corroborationOnly: true,
      details: { names: options.teacherNames.join(', '), suspectHits, baselineHits, pattern: pattern.source },
      examples: common
        .filter((id) => hit(suspect, id))
        .slice(0, 3)
        .map((id) => ({ promptId: id, text: (suspect.records.get(id)?.text ?? '').slice(0, 200) })),
    });
  }

  // O5: green-list radioactivity on unique (context, word) tuples, prompt windows excluded.
  if (options.watermark) {
    const wm = options.watermark;
    const texts = common.map((id) => {
      const prompt = suspect.records.get(id)?.prompt ?? teacher.records.get(id)?.prompt;
      return prompt === undefined
        ? { ids: S.ids.get(id) as Uint32Array }
        : { ids: S.ids.get(id) as Uint32Array, promptIds: wordIds(prompt) };
    });
    const score = scoreWatermark(texts, { ...wm, dedup: true });
    const baselineScores = B.map((b) =>
      scoreWatermark(
        common.map((id) => ({ ids: b.ids.get(id) as Uint32Array })),
        { ...wm, dedup: true },
      ),
    );
    const rate = score.scored ? score.green / score.scored : 0;
    const [low, high] = clopperPearson(score.green, score.scored, alpha);
    const inputs = [
      named('scored unique tuples n', score.scored),
      named('green g', score.green),
      named('gamma', wm.gamma),
    ];
    tests.push({
      id: 'O5',
      name: 'green-list watermark radioactivity (unique tuples)',
      statistic: score.z,
      statisticName: 'z = (g - gamma n) / sqrt(n gamma (1 - gamma))',
      p: score.p,
      pHolm: null,
      effect: rate - wm.gamma,
      effectName: 'green rate minus gamma',
      interval: [low - wm.gamma, high - wm.gamma],
      n: score.scored,
      power: {
        value: watermarkPower(score.scored, wm.gamma, 0.01, normalUpperQuantile(alpha)),
        alpha,
        assumedEffect: 0.01,
        note: 'power of the one-sided z test at this number of scored tuples to see a green-rate lift of 0.01',
      },
      preregistered: true,
      corroborationOnly: false,
      details: {
        scored: score.scored,
        green: score.green,
        gamma: wm.gamma,
        contextWidth: wm.contextWidth,
        skippedRepeats: score.skippedRepeats,
        skippedPrompt: score.skippedPrompt,
        baselineMaxGreenRateLift: Math.max(
          ...baselineScores.map((b) => (b.scored ? b.green / b.scored : 0) - wm.gamma),
        ),
        baselineMinP: Math.min(...baselineScores.map((b) => b.p)),
      },
      examples: [],
      figures: [
        figure({
          name: 'O5.p',
          value: score.p,
          unit: '',
          formula: 'p = P(Bin(n, gamma) >= g) = I_gamma(g, n - g + 1)',
          inputs,
          sources: sources.O5,
        }),
        figure({
          name: 'O5.effect',
          value: rate - wm.gamma,
          unit: 'green rate',
          formula: 'g/n - gamma; interval Clopper-Pearson',
          inputs,
          low: low - wm.gamma,
          high: high - wm.gamma,
          sources: sources.O5,
        }),
      ],
    });
  }

  const family = tests.filter((t) => t.preregistered);
  const adjusted = holm(family.map((t) => t.p));
  family.forEach((t, i) => {
    t.pHolm = adjusted[i] as number;
  });

  return {
    prompts: {
      teacher: teacher.records.size,
      suspect: suspect.records.size,
      baselines: baselines.map((b) => b.records.size),
      common: N,
      splitA: splitA.length,
      splitB: splitB.length,
    },
    tests,
    explanationsChecked: [
      'Shared facts and common phrasing: O1 spans and O3 phrases that any baseline model also produces are excluded, and baselines are scored the same way.',
      reference
        ? 'Public text: spans and phrases found in the public reference corpus are excluded.'
        : 'Public text: no public reference corpus was given, so spans common in public text are excluded only if a baseline also produced them.',
      'Double dipping: signature phrases are mined on split A and counted only on the disjoint split B.',
      'Web contamination: identity self-reports (O4) are corroboration only and are not part of the Holm family.',
      options.watermark
        ? 'Repeated text: watermark tuples are scored once each and windows that occur in the prompt are skipped.'
        : 'Watermark: no key was given, so radioactivity (O5) was not tested.',
      `Multiple testing: Holm across the ${family.length} pre-registered tests.`,
    ],
  };
}
