import { type Figure, formatFigure, formatNumber } from '@clearbox/core';

/**
 * How the app shows a Figure's value: the units people read (GB, ms, %, $M) rather than the base
 * units engines compute in. The derivation tree keeps base units, as core's `explain` does.
 */
export function formatUsd(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `$${formatNumber(value / 1e9)}B`;
  if (abs >= 1e6) return `$${formatNumber(value / 1e6)}M`;
  if (abs >= 1e3) return `$${formatNumber(value / 1e3)}k`;
  return `$${formatNumber(value)}`;
}

function scaled(f: Figure, map: (v: number) => string): string {
  const range = f.low !== undefined && f.high !== undefined ? ` [${map(f.low)}–${map(f.high)}]` : '';
  return `${map(f.value)}${range}`;
}

export function humanFigure(f: Figure): string {
  switch (f.unit) {
    case 'B':
      return scaled(f, (v) => `${formatNumber(v / 1e9)} GB`);
    case 's':
      return f.value < 1 ? scaled(f, (v) => `${formatNumber(v * 1000)} ms`) : formatFigure(f);
    case 'fraction':
      return scaled(f, (v) => `${(v * 100).toFixed(1)}%`);
    case 'USD':
      return scaled(f, formatUsd);
    default:
      return formatFigure(f);
  }
}

/** Parses a number typed by a person: accepts 1e6, 1,000 and 2.5M-style suffixes (k, M, B, T). */
export function parseHumanNumber(text: string): number | undefined {
  const t = text.trim().replace(/,/g, '').replace(/_/g, '');
  if (t === '') return undefined;
  const m = /^([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*([kmbt]?)$/i.exec(t);
  if (!m?.[1]) return Number.NaN;
  const scale = { '': 1, k: 1e3, m: 1e6, b: 1e9, t: 1e12 }[(m[2] ?? '').toLowerCase()] ?? 1;
  return Number(m[1]) * scale;
}
