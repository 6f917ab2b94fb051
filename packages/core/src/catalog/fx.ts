import { InputError } from '../errors/clearbox-error.ts';
import { type Figure, figure, given } from '../figure/figure.ts';
import type { Source } from '../figure/source.ts';
import type { Currency, FxRate } from './price-schema.ts';

/**
 * The rate converting `from` into `to` on a date: the latest catalog rate on or before the date
 * (the earliest one when the date precedes them all, with a note), inverted when only the reverse
 * pair is listed. Returns a Figure so the conversion shows in every derivation.
 */
export function fxRate(rates: readonly FxRate[], from: Currency, to: Currency, date: string): Figure {
  if (from === to) return given(`fx(${from}→${to})`, 1, `${to}/${from}`);
  const candidates = rates
    .filter((r) => (r.base === from && r.quote === to) || (r.base === to && r.quote === from))
    .sort((a, b) => a.date.localeCompare(b.date));
  if (candidates.length === 0)
    throw new InputError(`no exchange rate between ${from} and ${to} in the catalog`, 'currency');
  const onOrBefore = candidates.filter((r) => r.date <= date);
  const chosen = onOrBefore.at(-1) ?? candidates[0];
  if (!chosen) throw new InputError(`no exchange rate between ${from} and ${to}`, 'currency');
  const direct = chosen.base === from;
  const value = direct ? chosen.rate : 1 / chosen.rate;
  const source: Source = { title: chosen.source.title, date: chosen.source.date };
  if (chosen.source.url !== undefined) source.url = chosen.source.url;
  const note =
    onOrBefore.length === 0
      ? `no rate on or before ${date}: the earliest listed (${chosen.date}) is used`
      : `rate of ${chosen.date}`;
  return figure({
    name: `fx(${from}→${to})`,
    value,
    unit: `${to}/${from}`,
    formula: direct ? `1 ${from} = rate ${to}` : `1 / (1 ${to} in ${from})`,
    inputs: [
      given(`${chosen.base}/${chosen.quote}`, chosen.rate, `${chosen.quote}/${chosen.base}`, [source]),
    ],
    sources: [source],
    note,
  });
}
