import { createHash } from 'node:crypto';
import {
  InputError,
  investigateOverlap,
  type OverlapOptions,
  type OverlapResult,
  parseCorpus,
  type TextFile,
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

/** One corpus as given to `investigateOverlapTexts`: its text, and its role in the report. */
export interface OverlapTexts {
  teacher: TextFile;
  suspect: TextFile;
  baselines: TextFile[];
  reference?: TextFile;
  options: OverlapOptions;
}

function requireBaseline(count: number): void {
  if (count === 0) {
    throw new InputError(
      'no baseline corpus: give at least one --baseline (two or more recommended); Clearbox gives no verdict without a baseline',
      '--baseline',
    );
  }
}

/** `clearbox investigate overlap`: read and hash the corpora, run O1-O5 in core, add provenance. */
export function investigateOverlapFiles(request: OverlapRequest, now: Date): OverlapReport {
  requireBaseline(request.baselines.length);
  const paths = [
    request.teacher,
    request.suspect,
    ...request.baselines,
    ...(request.reference ? [request.reference] : []),
  ];
  const inputs = paths.map((path) => fileDigest(path));
  const [teacher, suspect, ...rest] = paths.map((path) => readTextFile(path)) as [
    TextFile,
    TextFile,
    ...TextFile[],
  ];
  return overlapReport(
    {
      teacher,
      suspect,
      baselines: rest.slice(0, request.baselines.length),
      ...(request.reference ? { reference: rest[request.baselines.length] as TextFile } : {}),
      options: request.options,
    },
    inputs,
    now,
  );
}

/**
 * The same report from corpora already in memory (the HTTP API): each input is hashed from its text,
 * so the provenance matches what `investigateOverlapFiles` records for the same bytes.
 */
export function investigateOverlapTexts(request: OverlapTexts, now: Date): OverlapReport {
  requireBaseline(request.baselines.length);
  const files = [
    request.teacher,
    request.suspect,
    ...request.baselines,
    ...(request.reference ? [request.reference] : []),
  ];
  const inputs = files.map((f) => ({
    path: f.path,
    sha256: createHash('sha256').update(f.text, 'utf8').digest('hex'),
    bytes: Buffer.byteLength(f.text, 'utf8'),
  }));
  return overlapReport(request, inputs, now);
}

function overlapReport(
  request: OverlapTexts,
  digests: Array<{ path: string; sha256: string; bytes: number }>,
  now: Date,
): OverlapReport {
  const roles = ['teacher', 'suspect', ...request.baselines.map((_, i) => `baseline-${i + 1}`), 'reference'];
  const inputs = digests.map((d, i) => ({
    path: d.path,
    role: roles[i] as string,
    sha256: d.sha256,
    bytes: d.bytes,
  }));
  const result = investigateOverlap(
    {
      teacher: parseCorpus(request.teacher, 'teacher'),
      suspect: parseCorpus(request.suspect, 'suspect'),
      baselines: request.baselines.map((b, i) => parseCorpus(b, `baseline-${i + 1}`)),
      ...(request.reference ? { reference: parseCorpus(request.reference, 'reference') } : {}),
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
