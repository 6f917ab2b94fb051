import { InputError } from '@clearbox/core';
import { writeFileAtomic } from '@clearbox/store';

/** Writes a report to --out: HTML for .html/.htm, JSON for .json; anything else is a usage error. */
export function writeReport(path: string, report: object, html: () => string): void {
  const lower = path.toLowerCase();
  if (lower.endsWith('.html') || lower.endsWith('.htm')) writeFileAtomic(path, html());
  else if (lower.endsWith('.json')) writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`);
  else throw new InputError('expected a path ending in .html or .json', '--out');
}

export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
