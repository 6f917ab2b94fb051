import {
  ClearboxError,
  type CorporaSpec,
  defaultCorporaSpec,
  defaultOverlapOptions,
  generateCorpora,
  InputError,
  investigateOverlap,
  type OverlapOptions,
  type OverlapResult,
  parseCorpus,
  syntheticTeacherNames,
  type TextFile,
} from '@clearbox/core';

/** The corpora as the page holds them: JSONL text per role, named like the files the CLI would read. */
export interface OverlapInputs {
  teacher: TextFile;
  suspect: TextFile;
  baselines: TextFile[];
  reference?: TextFile;
}

/** The small synthetic set the page offers: fast enough to test as you type (a few hundred ms). */
export const pageCorporaSpec: CorporaSpec = {
  ...defaultCorporaSpec,
  prompts: 200,
  baselines: 2,
  referenceTexts: 50,
};

/** Core's seeded generator written out as JSONL, as `clearbox investigate synth corpora` writes its files. */
export function syntheticInputs(seed: number): {
  inputs: OverlapInputs;
  teacherNames: string[];
  watermarkKey?: number;
} {
  const synth = generateCorpora({ ...pageCorporaSpec, seed });
  const file = (label: string): TextFile => ({
    path: `${label}.jsonl`,
    text: `${(synth.corpora[label] ?? []).map((r) => JSON.stringify(r)).join('\n')}\n`,
  });
  const baselines = Object.keys(synth.corpora)
    .filter((l) => l.startsWith('baseline-'))
    .map(file);
  const inputs: OverlapInputs = { teacher: file('teacher'), suspect: file('suspect'), baselines };
  if (synth.corpora.reference) inputs.reference = file('reference');
  return {
    inputs,
    teacherNames: [...syntheticTeacherNames],
    ...(synth.spec.watermark ? { watermarkKey: synth.spec.watermark.key } : {}),
  };
}

/**
 * The caveat `clearbox investigate overlap` prints under its table (packages/store builds it there; the
 * browser cannot load store, so it is written again here and e2e/investigate.test.ts checks both agree).
 */
export function overlapStatement(result: OverlapResult, baselines: number, alpha: number): string {
  const significant = result.tests.filter((t) => t.pHolm !== null && t.pHolm <= alpha);
  return `${result.tests.length} test(s) run on ${result.prompts.common} prompts; ${significant.length} pre-registered test(s) show more overlap with the teacher than the ${baselines} baseline model(s) at family-wise level ${alpha} (Holm). Overlap beyond the baselines is evidence about the suspect's outputs, not by itself a finding of how they were obtained.`;
}

/** The page's settings, as the CLI's flags. */
export interface OverlapSettings {
  teacherNames: string[];
  watermarkKey?: number;
  spanWords: number;
  alpha: number;
}

export function overlapOptionsOf(s: OverlapSettings): OverlapOptions {
  return {
    ...defaultOverlapOptions,
    spanWords: s.spanWords,
    teacherNames: s.teacherNames,
    alpha: s.alpha,
    ...(s.watermarkKey === undefined
      ? {}
      : { watermark: { key: s.watermarkKey >>> 0, gamma: 0.25, contextWidth: 1 } }),
  };
}

export type OverlapView =
  | { kind: 'empty' }
  | { kind: 'error'; where: string | undefined; message: string }
  | { kind: 'report'; result: OverlapResult; statement: string };

/** The same computation as `clearbox investigate overlap`: no verdict without a baseline. */
export function computeOverlapView(inputs: OverlapInputs, settings: OverlapSettings): OverlapView {
  if (inputs.teacher.text.trim() === '' && inputs.suspect.text.trim() === '') return { kind: 'empty' };
  try {
    const baselines = inputs.baselines.filter((b) => b.text.trim() !== '');
    if (baselines.length === 0)
      throw new InputError(
        'no baseline corpus: give at least one baseline (two or more recommended); Clearbox gives no verdict without a baseline',
        'baselines',
      );
    if (!(settings.spanWords >= 2)) throw new InputError('expected at least 2 words', 'span words');
    if (!(settings.alpha > 0 && settings.alpha < 1)) throw new InputError('expected 0 < alpha < 1', 'alpha');
    const options = overlapOptionsOf(settings);
    const result = investigateOverlap(
      {
        teacher: parseCorpus(inputs.teacher, 'teacher'),
        suspect: parseCorpus(inputs.suspect, 'suspect'),
        baselines: baselines.map((b, i) => parseCorpus(b, `baseline-${i + 1}`)),
        ...(inputs.reference && inputs.reference.text.trim() !== ''
          ? { reference: parseCorpus(inputs.reference, 'reference') }
          : {}),
      },
      options,
    );
    return { kind: 'report', result, statement: overlapStatement(result, baselines.length, options.alpha) };
  } catch (error) {
    if (!(error instanceof ClearboxError)) throw error;
    return {
      kind: 'error',
      where: error.where,
      message: error.where ? error.message.replace(`${error.where}: `, '') : error.message,
    };
  }
}
