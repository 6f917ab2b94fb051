import { describe, expect, it } from 'vitest';
import { wordIds } from './ngram-hash.ts';
import { defaultCorporaSpec, generateCorpora } from './synth-corpora.ts';
import { scoreWatermark } from './watermark.ts';

describe('O5 radioactivity: deduplication matters', () => {
  // Clean (never watermarked) text with the repetition real answers have: restated facts and
  // signature phrases. Under any key it must look unwatermarked.
  const synth = generateCorpora({
    ...defaultCorporaSpec,
    seed: 21,
    prompts: 150,
    baselines: 1,
    referenceTexts: 0,
  });
  const clean = (synth.corpora['baseline-1'] ?? []).map((r) => ({ ids: wordIds(r.text) }));
  const keys = Array.from({ length: 200 }, (_, i) => 1000 + i * 7919);
  const falsePositiveRate = (dedup: boolean, alpha: number) =>
    keys.filter((key) => scoreWatermark(clean, { key, gamma: 0.25, contextWidth: 1, dedup }).p <= alpha)
      .length / keys.length;

  it('scoring unique (context, word) tuples keeps the false positive rate near alpha on clean text', () => {
    expect(falsePositiveRate(true, 0.05)).toBeLessThan(0.1);
    expect(falsePositiveRate(true, 0.01)).toBeLessThan(0.035);
  });

  it('scoring every tuple inflates it several-fold (repeated tuples are not independent draws)', () => {
    const withDedup = falsePositiveRate(true, 0.01);
    const without = falsePositiveRate(false, 0.01);
    expect(without).toBeGreaterThan(0.05);
    expect(without).toBeGreaterThan(3 * withDedup);
  });

  it("detects the teacher's own watermarked answers and skips prompt windows", () => {
    const teacher = (synth.corpora.teacher ?? []).map((r) => ({
      ids: wordIds(r.text),
      promptIds: wordIds(r.prompt ?? ''),
    }));
    const score = scoreWatermark(teacher, { key: 42, gamma: 0.25, contextWidth: 1 });
    expect(score.p).toBeLessThan(1e-20);
    expect(score.skippedPrompt).toBeGreaterThan(0);
    expect(scoreWatermark(teacher, { key: 43, gamma: 0.25, contextWidth: 1 }).p).toBeGreaterThan(1e-3);
  });
});
