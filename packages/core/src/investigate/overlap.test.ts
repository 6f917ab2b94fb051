import { describe, expect, it } from 'vitest';
import type { Corpus, CorpusRecord } from './corpus.ts';
import { parseCorpus } from './corpus.ts';
import { defaultOverlapOptions, investigateOverlap } from './overlap.ts';
import { defaultCorporaSpec, generateCorpora, syntheticTeacherNames } from './synth-corpora.ts';

const toCorpus = (label: string, records: CorpusRecord[]): Corpus => ({
  path: `${label}.jsonl`,
  label,
  records: new Map(records.map((r) => [r.promptId, r])),
});

function run(spec: Partial<typeof defaultCorporaSpec>, key = 42) {
  const synth = generateCorpora({ ...defaultCorporaSpec, prompts: 300, referenceTexts: 50, ...spec });
  const c = synth.corpora;
  const baselines = Object.keys(c)
    .filter((k) => k.startsWith('baseline-'))
    .map((k) => toCorpus(k, c[k] ?? []));
  return investigateOverlap(
    {
      teacher: toCorpus('teacher', c.teacher ?? []),
      suspect: toCorpus('suspect', c.suspect ?? []),
      baselines,
      reference: toCorpus('reference', c.reference ?? []),
    },
    {
      ...defaultOverlapOptions,
      teacherNames: syntheticTeacherNames,
      watermark: { key, gamma: 0.25, contextWidth: 1 },
    },
  );
}

const byId = (r: ReturnType<typeof run>, id: string) => r.tests.find((t) => t.id === id);

describe('overlap tests on synthetic corpora', () => {
  it('detect memorisation, phrase inheritance and radioactivity at the generated rates', () => {
    const r = run({
      seed: 5,
      memorisationRate: 0.05,
      phraseInheritanceRate: 0.15,
      watermarkInheritance: 0.2,
    });
    expect(r.prompts.common).toBe(300);
    expect(byId(r, 'O1')?.p).toBeLessThan(1e-4);
    expect(byId(r, 'O1')?.effect).toBeGreaterThan(0.02);
    expect(byId(r, 'O3')?.p).toBeLessThan(1e-4);
    expect(byId(r, 'O5')?.p).toBeLessThan(1e-4);
    expect(byId(r, 'O4')?.corroborationOnly).toBe(true);
    expect(byId(r, 'O4')?.pHolm).toBeNull();
    for (const t of r.tests.filter((x) => x.preregistered)) expect(t.pHolm).toBeGreaterThanOrEqual(t.p);
  });

  it('stay quiet on an independent suspect (null: no copying of any kind)', () => {
    const r = run({
      seed: 6,
      memorisationRate: 0,
      phraseInheritanceRate: 0,
      watermarkInheritance: 0,
      identityRate: 0,
    });
    for (const t of r.tests) expect(t.p, t.id).toBeGreaterThan(0.01);
    expect(byId(r, 'O1')?.details.suspectHits).toBe(0);
  });

  it('refuse to give a verdict without a baseline', () => {
    const synth = generateCorpora({ ...defaultCorporaSpec, prompts: 10, referenceTexts: 0 });
    expect(() =>
      investigateOverlap({
        teacher: toCorpus('teacher', synth.corpora.teacher ?? []),
        suspect: toCorpus('suspect', synth.corpora.suspect ?? []),
        baselines: [],
      }),
    ).toThrow(/no verdict without a baseline/);
  });

  it('parses corpora line by line and names every bad line', () => {
    const ok = parseCorpus(
      { path: 'x.jsonl', text: '{"promptId":1,"text":"a b"}\n\n{"promptId":"2","text":"c"}\n' },
      'x',
    );
    expect(ok.records.size).toBe(2);
    expect(() => parseCorpus({ path: 'x.jsonl', text: '{"promptId":1}\nnot json\n' }, 'x')).toThrow(
      /x\.jsonl:1 text: expected a string; x\.jsonl:2: not valid JSON/,
    );
    expect(() => parseCorpus({ path: 'e.jsonl', text: '\n' }, 'e')).toThrow(/empty corpus/);
  });
});
