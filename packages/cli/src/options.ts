import {
  calendarDateProblem,
  checkOptions,
  echo,
  InputError,
  notFiniteMessage,
  seedNumber,
} from '@clearbox/core';

const suffixes: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9, g: 1e9, t: 1e12 };

/** Parses 2788000, 2.788e6, 2.788M or 14.8T; the error names the flag. */
export function parseNumber(flag: string, text: string): number {
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*([kmbgt])?\s*$/i.exec(text);
  if (!m?.[1])
    throw new InputError(`expected a number (e.g. 2788000, 2.788e6 or 2.788M), got ${echo(text)}`, flag);
  const value = Number(m[1]) * (m[2] ? (suffixes[m[2].toLowerCase()] ?? 1) : 1);
  if (!Number.isFinite(value)) throw new InputError(notFiniteMessage(value), flag);
  return value;
}

export function parseInteger(flag: string, text: string): number {
  const value = parseNumber(flag, text);
  if (!Number.isInteger(value)) throw new InputError(`expected a whole number, got ${echo(text)}`, flag);
  return value;
}

/** A whole number of at least `min`: counts, sizes and thresholds where less means nothing. */
export function parseCount(flag: string, text: string, min = 1): number {
  const value = parseInteger(flag, text);
  if (value < min) throw new InputError(`must be at least ${min}, got ${echo(text)}`, flag);
  return value;
}

const byteUnits: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/** A size in bytes: 33554432, 64MB, 1.5GB (binary units, as memory limits are written). */
export function parseByteSize(flag: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = byteUnits[m?.[2]?.toLowerCase() ?? 'x'];
  if (!m?.[1] || unit === undefined)
    throw new InputError(`expected a size such as 64MB, 2GB or a number of bytes, got ${echo(text)}`, flag);
  if (unit === 1 && !Number.isInteger(Number(m[1])))
    throw new InputError(`expected a whole number of bytes, got ${echo(text)}`, flag);
  const bytes = Math.round(Number(m[1]) * unit);
  if (!(bytes >= 1 && Number.isSafeInteger(bytes)))
    throw new InputError(`expected a size of at least 1 byte, got ${echo(text)}`, flag);
  return bytes;
}

/** A calendar date, YYYY-MM-DD (or YYYY-MM where `month` allows): 2025-02-30 is refused, not rolled over. */
export function parseDate(flag: string, text: string, { month = false } = {}): string {
  const shape = month ? 'expected a date as YYYY-MM or YYYY-MM-DD' : 'expected a date as YYYY-MM-DD';
  if (!(month ? /^\d{4}-\d{2}(-\d{2})?$/ : /^\d{4}-\d{2}-\d{2}$/).test(text))
    throw new InputError(`${shape}, got ${echo(text)}`, flag);
  const problem = calendarDateProblem(text);
  if (problem !== undefined) throw new InputError(`${problem}, got ${echo(text)}`, flag);
  return text;
}

/** A seed: a whole number from 0 to 4294967295 (the generators take 32 bits), as core's seedNumber. */
export function parseSeed(flag: string, text: string): number {
  return checkOptions(seedNumber(), parseNumber(flag, text), { '': flag });
}

export function parseChoice<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  const hit = choices.find((c) => c === text.toLowerCase());
  if (!hit) throw new InputError(`expected one of ${choices.join(', ')}, got ${echo(text)}`, flag);
  return hit;
}
