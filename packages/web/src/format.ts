import type { Figure } from '@clearbox/core';

const superscripts: Record<string, string> = {
  '-': '⁻',
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
};

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Three significant digits, trailing zeros dropped: 2.788 → "2.79", 614 → "614", 0.5 → "0.5". */
function threeDigits(value: number, digits = 3): string {
  const abs = Math.abs(value);
  if (abs >= 1000) return grouped.format(value);
  return String(Number(value.toPrecision(digits)));
}

/**
 * A number as people read it: 2.79M, 614, 1.21, 0.0123, 3.32 × 10²⁴. Never engineering notation
 * ("2.788e6"); thousands to trillions get a suffix, larger and tiny values a power of ten.
 */
export function humanNumber(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? '—' : value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e15 || abs < 1e-4) {
    const [mantissa, exponent] = value.toExponential(2).split('e') as [string, string];
    const power = String(Number(exponent))
      .split('')
      .map((c) => superscripts[c] ?? c)
      .join('');
    return `${Number(mantissa)} × 10${power}`;
  }
  if (abs >= 1e12) return `${threeDigits(value / 1e12)}T`;
  if (abs >= 1e9) return `${threeDigits(value / 1e9)}B`;
  if (abs >= 1e6) return `${threeDigits(value / 1e6)}M`;
  if (abs >= 1e4) return `${threeDigits(value / 1e3)}k`;
  if (abs >= 1000) return grouped.format(value);
  return threeDigits(value);
}

/** Money keeps four significant digits ($5.576M, $1.208): the figures people quote are that precise. */
export function formatUsd(value: number): string {
  if (!Number.isFinite(value)) return humanNumber(value);
  const abs = Math.abs(value);
  const sign = value < 0 ? '−' : '';
  if (abs >= 1e12) return `${sign}$${threeDigits(abs / 1e12, 4)}T`;
  if (abs >= 1e9) return `${sign}$${threeDigits(abs / 1e9, 4)}B`;
  if (abs >= 1e6) return `${sign}$${threeDigits(abs / 1e6, 4)}M`;
  if (abs >= 1e4) return `${sign}$${threeDigits(abs / 1e3, 4)}k`;
  return `${sign}$${threeDigits(abs, abs >= 1 ? 4 : 3)}`;
}

/** "$5.576M" or "$4.29M [$3.1M–$9.37M]": a range that reads the same at both ends is left out. */
export function usdWithRange(value: number, low?: number, high?: number): string {
  const shown = formatUsd(value);
  if (low === undefined || high === undefined) return shown;
  const l = formatUsd(low);
  const h = formatUsd(high);
  return l === h ? shown : `${shown} [${l}–${h}]`;
}

/** "$3.1M–$9.37M", or "—" when there is no range or both ends read the same. */
export function usdRange(low?: number, high?: number): string {
  if (low === undefined || high === undefined) return '—';
  const l = formatUsd(low);
  const h = formatUsd(high);
  return l === h ? '—' : `${l}–${h}`;
}

/**
 * A value and its range in one unit's words. A range whose ends read the same as the value (or each
 * other) says nothing, so it is left out rather than shown as "[5.58M–5.58M]".
 */
function scaled(f: Figure, map: (v: number) => string, suffix = ''): string {
  const shown = map(f.value);
  if (f.low === undefined || f.high === undefined) return `${shown}${suffix}`;
  const low = map(f.low);
  const high = map(f.high);
  if (low === high) return `${shown}${suffix}`;
  return `${shown}${suffix} [${low}–${high}]`;
}

/** Units whose values are a count of something: shown with the count's own word after the number. */
function withUnit(f: Figure): string {
  // A non-breaking hyphen: "GPU-h" never wraps after "GPU-".
  return scaled(f, humanNumber, f.unit ? ` ${f.unit.replace(/-/g, '\u2011')}` : '');
}

/**
 * How the app shows a Figure's value: the units people read (GB, ms, %, $M) rather than the base
 * units engines compute in. The derivation tree keeps base units, as core's `explain` does.
 */
export function humanFigure(f: Figure): string {
  switch (f.unit) {
    case 'B':
      return f.value >= 1e12
        ? scaled(f, (v) => `${threeDigits(v / 1e12)} TB`)
        : scaled(f, (v) => `${threeDigits(v / 1e9)} GB`);
    case 's':
      if (f.value < 1) return scaled(f, (v) => `${threeDigits(v * 1000)} ms`);
      if (f.value >= 3600 * 48) return scaled(f, (v) => `${threeDigits(v / 86400)} days`);
      if (f.value >= 3600) return scaled(f, (v) => `${threeDigits(v / 3600)} h`);
      return scaled(f, (v) => `${threeDigits(v)} s`);
    case 'fraction':
      return scaled(f, (v) => `${Number((v * 100).toPrecision(3))}%`);
    case 'USD':
      return scaled(f, formatUsd);
    case 'USD/Mtok':
      // Cards say "per million tokens" in their label; the value is money.
      return scaled(f, formatUsd);
    default:
      if (f.unit.startsWith('USD/')) return scaled(f, formatUsd, ` per ${f.unit.slice(4)}`);
      return withUnit(f);
  }
}

/** Parses a number typed by a person: accepts 1e6, 1,000 and 2.5M-style suffixes (k, M, B, G, T). */
export function parseHumanNumber(text: string): number | undefined {
  const t = text.trim().replace(/,/g, '').replace(/_/g, '');
  if (t === '') return undefined;
  const m = /^([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*([kmbgt]?)$/i.exec(t);
  if (!m?.[1]) return Number.NaN;
  const scale = { '': 1, k: 1e3, m: 1e6, b: 1e9, g: 1e9, t: 1e12 }[(m[2] ?? '').toLowerCase()] ?? 1;
  return Number(m[1]) * scale;
}
