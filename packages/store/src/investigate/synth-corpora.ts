import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type CorporaSpec, type CorpusRecord, generateCorpora } from '@clearbox/core';
import { writeFileAtomic } from '../atomic-write.ts';

const jsonl = (rows: readonly object[]) =>
  rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');

export interface SynthCorporaFiles {
  files: Record<string, string>;
  truth: string;
}

/** Writes one JSONL corpus per model (teacher, suspect, baseline-N, reference) and truth.json. */
export function writeSynthCorpora(dir: string, spec: CorporaSpec): SynthCorporaFiles {
  mkdirSync(dir, { recursive: true });
  const synth = generateCorpora(spec);
  const files: Record<string, string> = {};
  for (const [label, records] of Object.entries(synth.corpora) as Array<[string, CorpusRecord[]]>) {
    const path = join(dir, `${label}.jsonl`);
    writeFileAtomic(path, jsonl(records));
    files[label] = path;
  }
  const truth = join(dir, 'truth.json');
  writeFileAtomic(
    truth,
    `${JSON.stringify({ spec: synth.spec, memorisedPrompts: synth.memorisedPrompts }, null, 2)}\n`,
  );
  return { files, truth };
}
