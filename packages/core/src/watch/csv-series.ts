import type { TextFile } from '../catalog/parse.ts';
import { InputError } from '../errors/clearbox-error.ts';
import { isCalendarDate } from '../input/dates.ts';
import type { Point } from './signal-schema.ts';

/** Reads a `date,value` CSV (header required, `#` comments allowed); every bad row is listed with its line. */
export function parseSeriesCsv(file: TextFile): Point[] {
  const lines = file.text.split(/\r?\n/);
  const problems: string[] = [];
  const points: Point[] = [];
  let header = false;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cells = line.split(',').map((c) => c.trim());
    if (!header) {
      header = true;
      if (cells[0]?.toLowerCase() !== 'date' || cells[1]?.toLowerCase() !== 'value')
        problems.push(`${file.path}:${i + 1}: expected the header "date,value", got "${line}"`);
      return;
    }
    const [date, value] = cells;
    if (cells.length < 2 || !date || !isCalendarDate(date))
      problems.push(
        `${file.path}:${i + 1}: expected a date as YYYY-MM or YYYY-MM-DD in the first column, got "${date ?? ''}"`,
      );
    else if (value === undefined || value === '' || !Number.isFinite(Number(value)))
      problems.push(`${file.path}:${i + 1}: expected a number in the value column, got "${value ?? ''}"`);
    else points.push({ date, value: Number(value) });
  });
  if (!header) problems.push(`${file.path}: empty series (expected a "date,value" header and rows)`);
  if (problems.length > 0) {
    const [first, ...rest] = problems;
    throw new InputError(`${first}${rest.map((p) => `\n  ${p}`).join('')}`);
  }
  return points;
}
