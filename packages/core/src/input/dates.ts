import { z } from 'zod';

/** YYYY-MM or YYYY-MM-DD, the way every Clearbox document writes a date. */
const DATE_SHAPE = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/;
/** The same shape with months 01-12 and days 01-31, as the published JSON Schema states it. */
const DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** True for a real calendar month or day: 2025-02-28 and 2024-02-29 yes; 2025-13-45 and 2025-02-30 no. */
export function isCalendarDate(text: string): boolean {
  const m = DATE_SHAPE.exec(text);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  if (month < 1 || month > 12) return false;
  if (m[3] === undefined) return true;
  const day = Number(m[3]);
  return day >= 1 && day <= daysIn(year, month);
}

/** Why a date is refused, or undefined when it is a real YYYY-MM or YYYY-MM-DD date. */
export function calendarDateProblem(text: string): string | undefined {
  if (!DATE_SHAPE.test(text)) return 'expected a date as YYYY-MM or YYYY-MM-DD';
  return isCalendarDate(text) ? undefined : 'is not a calendar date (month 01-12, day within the month)';
}

function dateMessage(input: unknown): string {
  const text = String(input);
  const problem = calendarDateProblem(text) ?? 'expected a date as YYYY-MM or YYYY-MM-DD';
  return `${problem}, got ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}`;
}

/**
 * The one date schema of every document and request: the shape (kept as a pattern, so the published
 * JSON Schema states it) and the calendar (2025-02-30 has the shape and is still no date).
 */
export const calendarDateSchema = z
  .string()
  .regex(DATE_PATTERN, { error: (issue) => dateMessage(issue.input) })
  .refine(isCalendarDate, { error: (issue) => dateMessage(issue.input) });
