import type { TextFile } from '../catalog/parse.ts';
import { InputError } from '../errors/clearbox-error.ts';

/** One model's answers: JSONL lines `{ "promptId": ..., "text": ..., "prompt"?: ... }`. */
export interface CorpusRecord {
  promptId: string;
  text: string;
  /** The prompt text, when known: watermark windows that occur in the prompt are not scored. */
  prompt?: string;
}

export interface Corpus {
  /** Where it came from (file path) and the label used in reports. */
  path: string;
  label: string;
  records: Map<string, CorpusRecord>;
}

/**
 * Parses a corpus file. Every bad line is reported (file:line and what was expected), not just the
 * first; a repeated promptId is an error because which answer counts would be ambiguous.
 */
export function parseCorpus(file: TextFile, label: string): Corpus {
  const records = new Map<string, CorpusRecord>();
  const issues: string[] = [];
  const lines = file.text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${file.path}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      issues.push(`${where}: not valid JSON`);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      issues.push(`${where}: expected an object {"promptId": ..., "text": ...}`);
      return;
    }
    const v = value as Record<string, unknown>;
    const id = v.promptId;
    if (typeof id !== 'string' && typeof id !== 'number') {
      issues.push(`${where} promptId: expected a string or number`);
      return;
    }
    if (typeof v.text !== 'string') {
      issues.push(`${where} text: expected a string`);
      return;
    }
    const promptId = String(id);
    if (records.has(promptId)) {
      issues.push(`${where} promptId: "${promptId}" appears twice`);
      return;
    }
    const record: CorpusRecord = { promptId, text: v.text };
    if (typeof v.prompt === 'string') record.prompt = v.prompt;
    records.set(promptId, record);
  });
  if (issues.length > 0) {
    const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
    throw new InputError(`${issues.length} bad line(s): ${issues.slice(0, 5).join('; ')}${more}`, file.path);
  }
  if (records.size === 0)
    throw new InputError('empty corpus: expected JSONL lines {"promptId", "text"}', file.path);
  return { path: file.path, label, records };
}
