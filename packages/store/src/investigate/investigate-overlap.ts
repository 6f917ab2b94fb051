import {
  type Corpus,
  InputError,
  investigateOverlap,
  type OverlapOptions,
  type OverlapResult,
  parseCorpus,
} from '@clearbox/core';
import { readTextFile } from '../catalog-files.ts';
import { clearboxVersion, fileDigest } from './provenance.ts';

export interface OverlapRequest {
  teacher: string;
  suspect: string;
  baselines: string[];
  reference?: string;
  options: OverlapOptions;
}

export interface OverlapReport extends OverlapResult {
  kind: 'clearbox.investigate.overlap';
  clearboxVersion: string;
  generatedAt: string;
  inputs: Array<{ path: string; role: string; sha256: string; bytes: number }>;
  parameters: OverlapOptions;
  statement: string;
}

/** `clearbox investigate overlap`: read and hash the corpora, run O1-O5 in core, add provenance. */
export function investigateOverlapFiles(request: OverlapRequest, now: Date): OverlapReport {
  if (request.baselines.length === 0) {
    throw new InputError(
      'no baseline corpus: give at least one --baseline (two or more recommended); Clearbox gives no verdict without a baseline',
      '--baseline',
    );
  }
  const roles: Array<[string, string]> = [
    ['teacher', request.teacher],
    ['suspect', request.suspect],
    ...request.baselines.map((b, i): [string, string] => [`baseline-${i + 1}`, b]),
    ...(request.reference ? [['reference', request.reference] as [string, string]] : []),
  ];
  const inputs = roles.map(([role, path]) => ({ role, ...fileDigest(path) }));
  const load = (path: string, label: string): Corpus => parseCorpus(readTextFile(path), label);
  const result = investigateOverlap(
    {
      teacher: load(request.teacher, 'teacher'),
      suspect: load(request.suspect, 'suspect'),
      baselines: request.baselines.map((b, i) => load(b, `baseline-${i + 1}`)),
      ...(request.reference ? { reference: load(request.reference, 'reference') } : {}),
    },
    request.options,
  );
  const significant = result.tests.filter((t) => t.pHolm !== null && t.pHolm <= request.options.alpha);
  return {
    kind: 'clearbox.investigate.overlap',
    clearboxVersion: clearboxVersion(),
    generatedAt: now.toISOString(),
    inputs,
    parameters: request.options,
    statement: `${result.tests.length} test(s) run on ${result.prompts.common} prompts; ${significant.length} pre-registered test(s) show more overlap with the teacher than the ${request.baselines.length} baseline model(s) at family-wise level ${request.options.alpha} (Holm). Overlap beyond the baselines is evidence about the suspect's outputs, not by itself a finding of how they were obtained.`,
    ...result,
  };
}
