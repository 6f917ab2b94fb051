/**
 * Calendar arithmetic on the format's dates (YYYY-MM or YYYY-MM-DD), in UTC days. Pure: no clock.
 * A month-only date means its first day as a start and its last day as an end.
 */
export function dayNumber(date: string, asEnd = false): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number | undefined];
  if (d !== undefined) return Date.UTC(y, m - 1, d) / 86_400_000;
  return asEnd ? Date.UTC(y, m, 0) / 86_400_000 : Date.UTC(y, m - 1, 1) / 86_400_000;
}

/** Days covered by a period, both ends included. */
export function periodDays(start: string, end: string): number {
  return dayNumber(end, true) - dayNumber(start) + 1;
}

export const DAYS_PER_YEAR = 365.25;

/** Years from `from` to `to` (negative when `to` is earlier). */
export function yearsBetween(from: string, to: string): number {
  return (dayNumber(to) - dayNumber(from)) / DAYS_PER_YEAR;
}
