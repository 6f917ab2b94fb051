import { type Figure, figure, given } from '../../figure/figure.ts';
import type { Source } from '../../figure/source.ts';
import { type Claimed, claimedValue, describeClaimed } from '../claimed.ts';

export { num, pct } from '../format.ts';

/** The claimed value as a Figure (a range keeps low/high), so it sits beside the computed one. */
export function claimedFigure(name: string, claimed: Claimed, unit: string, tolerance?: number): Figure {
  const f = given(
    name,
    claimedValue(claimed),
    unit,
    [],
    `as claimed: ${describeClaimed(claimed, tolerance)}`,
  );
  if (Array.isArray(claimed)) {
    f.low = claimed[0];
    f.high = claimed[1];
  }
  return f;
}

export function ratioFigure(
  name: string,
  a: Figure,
  b: Figure,
  unit = 'ratio',
  sources: Source[] = [],
): Figure {
  return figure({
    name,
    value: a.value / b.value,
    unit,
    formula: `${a.name} / ${b.name}`,
    inputs: [a, b],
    sources,
  });
}
