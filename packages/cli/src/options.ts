import { InputError } from '@clearbox/core';

const suffixes: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9, g: 1e9, t: 1e12 };

/** Parses 2788000, 2.788e6, 2.788M or 14.8T; the error names the flag. */
export function parseNumber(flag: string, text: string): number {
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*([kmbgt])?\s*$/i.exec(text);
  if (!m?.[1])
    throw new InputError(`expected a number (e.g. 2788000, 2.788e6 or 2.788M), got "${text}"`, flag);
  return Number(m[1]) * (m[2] ? (suffixes[m[2].toLowerCase()] ?? 1) : 1);
}

export function parseInteger(flag: string, text: string): number {
  const value = parseNumber(flag, text);
  if (!Number.isInteger(value)) throw new InputError(`expected a whole number, got "${text}"`, flag);
  return value;
}

export function parseChoice<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  const hit = choices.find((c) => c === text.toLowerCase());
  if (!hit) throw new InputError(`expected one of ${choices.join(', ')}, got "${text}"`, flag);
  return hit;
}
