import { explain, type Figure, formatFigure, formatNumber } from '@clearbox/core';

export function isFigureLike(x: unknown): x is Figure {
  return typeof x === 'object' && x !== null && 'value' in x && 'formula' in x && 'unit' in x;
}

/** Human units for the common ones: bytes as GB, seconds as ms when small. */
export function humanFigure(f: Figure): string {
  if (f.unit === 'B') return `${formatNumber(f.value / 1e9)} GB`;
  if (f.unit === 's' && f.value < 1) return `${formatNumber(f.value * 1000)} ms`;
  if (f.unit === 'fraction') {
    const range =
      f.low !== undefined && f.high !== undefined
        ? ` [${(f.low * 100).toFixed(1)}–${(f.high * 100).toFixed(1)}%]`
        : '';
    return `${(f.value * 100).toFixed(1)}%${range}`;
  }
  return formatFigure(f);
}

/** Collects the top-level figures of a result (one level of nesting), in order, with their paths. */
export function topFigures(result: object, prefix = ''): Array<[string, Figure]> {
  const out: Array<[string, Figure]> = [];
  for (const [key, value] of Object.entries(result)) {
    if (isFigureLike(value)) out.push([`${prefix}${key}`, value]);
    else if (typeof value === 'object' && value !== null && !Array.isArray(value) && prefix === '') {
      out.push(...topFigures(value, `${key}.`));
    }
  }
  return out;
}

/** `--explain`: the derivation tree of every top-level figure, each shared subtree expanded once. */
export function explainAll(result: object): string {
  const seen = new Set<string>();
  return topFigures(result)
    .map(([path, f]) => `${path}:\n${explain(f, 8, seen).replace(/^/gm, '  ')}`)
    .join('\n\n');
}
