import type { Source } from './source.ts';

/** A plain named input of a formula that is not itself derived (a flag, a catalog field). */
export interface NamedValue {
  name: string;
  value: number | string | boolean;
  unit?: string;
  sources?: Source[];
}

/**
 * Every number an engine returns: its value and unit, an optional range, the formula that made it,
 * the inputs it came from (other Figures or named values) and the sources behind it.
 */
export interface Figure {
  /** Short machine name, e.g. `trainingFlops`. */
  name: string;
  value: number;
  unit: string;
  low?: number;
  high?: number;
  /** The formula in words and symbols, e.g. "FLOPs = 6 · N_active · D". */
  formula: string;
  inputs: Array<Figure | NamedValue>;
  sources: Source[];
  note?: string;
}

export interface FigureSpec {
  name: string;
  value: number;
  unit: string;
  formula: string;
  inputs?: Array<Figure | NamedValue>;
  sources?: Source[];
  low?: number;
  high?: number;
  note?: string;
}

export function figure(spec: FigureSpec): Figure {
  const out: Figure = {
    name: spec.name,
    value: spec.value,
    unit: spec.unit,
    formula: spec.formula,
    inputs: spec.inputs ?? [],
    sources: spec.sources ?? [],
  };
  if (spec.low !== undefined) out.low = spec.low;
  if (spec.high !== undefined) out.high = spec.high;
  if (spec.note !== undefined) out.note = spec.note;
  return out;
}

/** A leaf: a value given by the user or read from the catalog, with no further derivation. */
export function given(
  name: string,
  value: number,
  unit: string,
  sources: Source[] = [],
  note?: string,
): Figure {
  return figure({
    name,
    value,
    unit,
    formula: 'given',
    sources,
    ...(note === undefined ? {} : { note }),
  });
}

/**
 * A catalog range (a price with its low and high) as a leaf Figure: the midpoint is the value, the range
 * its low and high, the range's source its source.
 */
export function rangeMidpoint(
  name: string,
  range: { low: number; high: number; source: { title: string; url?: string | undefined; date: string } },
  unit: string,
  note: string,
): Figure {
  const source: Source = { title: range.source.title, date: range.source.date };
  if (range.source.url !== undefined) source.url = range.source.url;
  return figure({
    name,
    value: (range.low + range.high) / 2,
    unit,
    formula: 'given',
    sources: [source],
    low: range.low,
    high: range.high,
    note,
  });
}

export function named(name: string, value: number | string | boolean, unit?: string): NamedValue {
  return unit === undefined ? { name, value } : { name, value, unit };
}

export function isFigure(x: Figure | NamedValue): x is Figure {
  return 'formula' in x;
}
