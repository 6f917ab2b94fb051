import { formatNumber } from '../figure/explain.ts';

export function pct(x: number): string {
  const p = x * 100;
  return `${Math.abs(p) >= 10 ? p.toFixed(1) : p.toPrecision(2)}%`;
}

/** Numbers for sentences: 5.576M, 14.8T, 0.79 (figures keep the exact values). */
export function num(x: number): string {
  const abs = Math.abs(x);
  for (const [scale, suffix] of [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
  ] as const) {
    if (abs >= scale && abs < scale * 1000) return `${Number((x / scale).toPrecision(4))}${suffix}`;
  }
  if (abs >= 1e15) return formatNumber(x);
  if (abs >= 1000) return Math.round(x).toLocaleString('en-US');
  return formatNumber(x);
}
