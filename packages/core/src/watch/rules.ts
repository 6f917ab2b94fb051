import { type Figure, figure, given } from '../figure/figure.ts';
import type { Point, Rule } from './signal-schema.ts';

export type RuleKind = 'below' | 'above' | 'crosses' | 'change';

export interface Firing {
  date: string;
  value: number;
  /** What made it fire, in words, e.g. "0.605 < 0.65 for 1 period". */
  detail: string;
  /** The number compared with the threshold (the value, or its change over N periods), with its derivation. */
  evidence: Figure;
}

export function ruleKind(rule: Rule): RuleKind {
  if ('below' in rule) return 'below';
  if ('above' in rule) return 'above';
  if ('crosses' in rule) return 'crosses';
  return 'change';
}

export function describeRule(rule: Rule): string {
  const n = rule.for ?? 1;
  const span = n > 1 ? ` for ${n} consecutive periods` : '';
  if ('below' in rule) return `below ${rule.below}${span}`;
  if ('above' in rule) return `above ${rule.above}${span}`;
  if ('crosses' in rule)
    return `crosses ${rule.crosses}${rule.direction && rule.direction !== 'either' ? ` going ${rule.direction}` : ''}${span}`;
  const c = rule.change;
  const what = c.relative ? 'relative change' : 'change';
  const bounds = [
    c.below !== undefined ? `below ${c.below}` : '',
    c.above !== undefined ? `above ${c.above}` : '',
  ]
    .filter(Boolean)
    .join(' or ');
  return `${what} over ${c.periods} period${c.periods > 1 ? 's' : ''} ${bounds}${span}`;
}

/** Whether the condition holds at index i (before the `for` window), and the number it compared. */
function conditionAt(
  rule: Rule,
  points: readonly Point[],
  i: number,
  unit: string,
): { holds: boolean; evidence: Figure } | undefined {
  const p = points[i];
  if (!p) return undefined;
  const value = given(
    `value(${p.date})`,
    p.value,
    unit,
    p.source ? [p.source as Figure['sources'][number]] : [],
  );
  if ('below' in rule) return { holds: p.value < rule.below, evidence: value };
  if ('above' in rule) return { holds: p.value > rule.above, evidence: value };
  if ('crosses' in rule) {
    const prev = points[i - 1];
    if (!prev) return undefined;
    const up = prev.value < rule.crosses && p.value >= rule.crosses;
    const down = prev.value > rule.crosses && p.value <= rule.crosses;
    const dir = rule.direction ?? 'either';
    return { holds: dir === 'up' ? up : dir === 'down' ? down : up || down, evidence: value };
  }
  const c = rule.change;
  const earlier = points[i - c.periods];
  if (!earlier) return undefined;
  const before = given(`value(${earlier.date})`, earlier.value, unit);
  const change = figure({
    name: `change(${earlier.date}→${p.date})`,
    value: c.relative ? p.value / earlier.value - 1 : p.value - earlier.value,
    unit: c.relative ? 'fraction' : unit,
    formula: c.relative ? 'value / value N periods earlier − 1' : 'value − value N periods earlier',
    inputs: [value, before],
  });
  const holds =
    (c.below !== undefined && change.value < c.below) || (c.above !== undefined && change.value > c.above);
  return { holds, evidence: change };
}

/** Every period at which the rule fires: its condition held for `for` consecutive periods ending there. */
export function evaluateRule(rule: Rule, points: readonly Point[], unit: string): Firing[] {
  const need = rule.for ?? 1;
  const firings: Firing[] = [];
  let run = 0;
  for (let i = 0; i < points.length; i++) {
    const at = conditionAt(rule, points, i, unit);
    run = at?.holds ? run + 1 : 0;
    const p = points[i];
    if (at && p && run >= need)
      firings.push({
        date: p.date,
        value: p.value,
        detail: `${describeRule(rule)}: ${at.evidence.name} = ${Number(at.evidence.value.toPrecision(4))}${need > 1 ? ` (${run} periods in a row)` : ''}`,
        evidence: at.evidence,
      });
  }
  return firings;
}
