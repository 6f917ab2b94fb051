import { createRng, cumulativeOf, type Rng, zipfWeights } from '../random/distributions.ts';
import type { CorpusRecord } from './corpus.ts';
import { wordIds } from './ngram-hash.ts';
import { pronounceableWord } from './pronounceable.ts';
import { isGreen } from './watermark.ts';

/**
 * Synthetic answer corpora with a known amount of copying, so the overlap tests are measured, not
 * assumed (after the simulation in the forensics reference, section 4.2). Words come from a Zipf(1.1)
 * vocabulary; each model up-weights its own 200 words and has 30 signature phrases (6-10 words) used in
 * 30% of segments; every prompt has 5 shared facts (8 words) each model restates with 15% word dropout,
 * which is the benign overlap a copy test must not mistake for copying. The suspect is an independent
 * model plus: a memorised 20-word span of the teacher's answer on a fraction of prompts, the teacher's
 * signature phrases in a fraction of segments, the teacher's watermark bias on a fraction of words,
 * and self-reports naming the teacher.
 */
export interface CorporaSpec {
  seed: number;
  prompts: number;
  baselines: number;
  vocabulary: number;
  memorisationRate: number;
  phraseInheritanceRate: number;
  /** Share of the suspect's free words sampled with the teacher's green-list bias. */
  watermarkInheritance: number;
  identityRate: number;
  /** When set, the teacher's free words carry a green-list watermark (logit bias delta). */
  watermark?: { key: number; gamma: number; delta: number; contextWidth: number };
  /** Texts in the public reference corpus (0 for none). */
  referenceTexts: number;
}

export const defaultCorporaSpec: CorporaSpec = {
  seed: 1,
  prompts: 400,
  baselines: 3,
  vocabulary: 5000,
  memorisationRate: 0.05,
  phraseInheritanceRate: 0.05,
  watermarkInheritance: 0.1,
  identityRate: 0.05,
  watermark: { key: 42, gamma: 0.25, delta: 2, contextWidth: 1 },
  referenceTexts: 200,
};

export const syntheticTeacherNames = ['Orbis', 'Orbis Labs'];

export interface SynthCorpora {
  spec: CorporaSpec;
  /** Corpus label -> records, e.g. teacher, suspect, baseline-1 ... and reference (when asked for). */
  corpora: Record<string, CorpusRecord[]>;
  /** Prompt ids whose suspect answer contains a memorised teacher span. */
  memorisedPrompts: string[];
}

const syllables = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ru',
  'sa',
  'ti',
  'vo',
  'ze',
  'pa',
  'du',
  'fe',
  'go',
  'hi',
  'ju',
  'be',
];

function wordOf(i: number): string {
  return pronounceableWord(i, syllables);
}

interface ModelStyle {
  cumulative: Float64Array;
  phrases: number[][];
}

function makeStyle(rng: Rng, base: Float64Array, vocabulary: number): ModelStyle {
  // The 200 preferred words (outside the 50 most common) share 30% of the style's probability mass.
  const weights = Float64Array.from(base);
  let total = 0;
  for (const w of base) total += w;
  for (let j = 0; j < 200; j++) {
    const w = 50 + rng.int(vocabulary - 50);
    weights[w] = (weights[w] as number) + (0.3 * total) / 0.7 / 200;
  }
  const baseCum = cumulativeOf(base);
  const phrases = Array.from({ length: 30 }, () =>
    Array.from({ length: 6 + rng.int(5) }, () => 200 + rng.weighted(baseCum.subarray(200))),
  );
  return { cumulative: cumulativeOf(weights), phrases };
}

export function generateCorpora(spec: CorporaSpec = defaultCorporaSpec): SynthCorpora {
  const rng = createRng(spec.seed);
  const V = spec.vocabulary;
  const words = Array.from({ length: V }, (_, i) => wordOf(i));
  const wordIdOf = Uint32Array.from(words.map((w) => wordIds(w)[0] as number));
  const base = zipfWeights(V, 1.1);
  const baseCum = cumulativeOf(base);
  const teacher = makeStyle(rng, base, V);
  const suspectStyle = makeStyle(rng, base, V);
  const baselineStyles = Array.from({ length: spec.baselines }, () => makeStyle(rng, base, V));
  const promptIds = Array.from({ length: spec.prompts }, (_, i) => `p${String(i + 1).padStart(5, '0')}`);
  const facts = promptIds.map(() =>
    Array.from({ length: 5 }, () => Array.from({ length: 8 }, () => rng.weighted(baseCum))),
  );
  const wm = spec.watermark;
  const contextIds = new Uint32Array(2);

  // Free words: from the style's distribution; with the watermark, tilted towards green words by
  // rejection (accept a red proposal with probability e^-delta), which samples exactly from the tilt.
  const freeWord = (style: ModelStyle, out: number[], watermarked: boolean): number => {
    for (;;) {
      const w = rng.weighted(style.cumulative);
      let previous = out.length - 1;
      if (previous >= 0 && (out[previous] as number) < 0) previous--;
      if (!watermarked || !wm || previous < 0) return w;
      contextIds[0] = wordIdOf[out[previous] as number] as number;
      contextIds[1] = wordIdOf[w] as number;
      if (isGreen(wm.key, contextIds, 1, 1, wm.gamma) || rng.next() < Math.exp(-wm.delta)) return w;
    }
  };

  const answer = (
    style: ModelStyle,
    p: number,
    opts: { watermarkShare: number; inheritPhrases: number; memorise?: number[]; identity: boolean },
  ): string => {
    const out: number[] = [];
    const segments = 6;
    for (let s = 0; s < segments; s++) {
      const length = 10 + rng.int(8);
      for (let j = 0; j < length; j++) out.push(freeWord(style, out, rng.next() < opts.watermarkShare));
      if (rng.next() < 0.3) out.push(...rng.pick(style.phrases));
      if (opts.inheritPhrases > 0 && rng.next() < opts.inheritPhrases) out.push(...rng.pick(teacher.phrases));
      if (s < 5) for (const w of facts[p]?.[s] ?? []) if (rng.next() >= 0.15) out.push(w);
      if (s === 2 && opts.memorise) out.push(...opts.memorise);
      out.push(-1);
    }
    const text = out
      .map((w) => (w < 0 ? '.' : words[w]))
      .join(' ')
      .replace(/ \./g, '.');
    return opts.identity
      ? `I am ${syntheticTeacherNames[0]}, developed by ${syntheticTeacherNames[1]}. ${text}`
      : text;
  };

  const corpora: Record<string, CorpusRecord[]> = { teacher: [], suspect: [] };
  const memorisedPrompts: string[] = [];
  for (let i = 1; i <= spec.baselines; i++) corpora[`baseline-${i}`] = [];
  promptIds.forEach((promptId, p) => {
    const prompt = `Question ${promptId}: ${facts[p]?.[0]?.map((w) => words[w]).join(' ')}?`;
    const teacherText = answer(teacher, p, {
      watermarkShare: wm ? 1 : 0,
      inheritPhrases: 0,
      identity: rng.next() < 0.2,
    });
    corpora.teacher?.push({ promptId, text: teacherText, prompt });
    let memorise: number[] | undefined;
    if (rng.next() < spec.memorisationRate) {
      const teacherWords = teacherText.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
      const start = rng.int(Math.max(1, teacherWords.length - 20));
      memorise = teacherWords
        .slice(start, start + 20)
        .map((w) => words.indexOf(w))
        .filter((x) => x >= 0);
      memorisedPrompts.push(promptId);
    }
    const suspectOptions = {
      watermarkShare: spec.watermarkInheritance,
      inheritPhrases: spec.phraseInheritanceRate,
      identity: rng.next() < spec.identityRate,
      ...(memorise ? { memorise } : {}),
    };
    corpora.suspect?.push({ promptId, text: answer(suspectStyle, p, suspectOptions), prompt });
    baselineStyles.forEach((style, b) => {
      corpora[`baseline-${b + 1}`]?.push({
        promptId,
        text: answer(style, p, { watermarkShare: 0, inheritPhrases: 0, identity: rng.next() < 0.002 }),
        prompt,
      });
    });
  });
  if (spec.referenceTexts > 0) {
    const publicStyle = makeStyle(rng, base, V);
    corpora.reference = Array.from({ length: spec.referenceTexts }, (_, i) => ({
      promptId: `r${i + 1}`,
      text: answer(publicStyle, rng.int(spec.prompts), {
        watermarkShare: 0,
        inheritPhrases: 0,
        identity: false,
      }),
    }));
  }
  return { spec, corpora, memorisedPrompts };
}
