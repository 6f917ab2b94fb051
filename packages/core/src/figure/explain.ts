import { type Figure, isFigure, type NamedValue } from './figure.ts';

// Built once: toLocaleString builds a formatter on every call, which shows in reports with many figures.
const integerFormat = new Intl.NumberFormat('en-US');
const fourDigitFormat = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });

/** Formats a number for people: 4 significant digits, exponents for large and small values. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-3) return value.toExponential(3).replace('e+', 'e');
  if (Number.isInteger(value)) return integerFormat.format(value);
  return fourDigitFormat.format(Number(value.toPrecision(4)));
}

export function formatFigure(f: Figure): string {
  const range =
    f.low !== undefined || f.high !== undefined
      ? ` [${f.low === undefined ? '?' : formatNumber(f.low)}–${f.high === undefined ? '?' : formatNumber(f.high)}]`
      : '';
  return `${formatNumber(f.value)} ${f.unit}${range}`.trim();
}

function formatNamed(v: NamedValue): string {
  const value = typeof v.value === 'number' ? formatNumber(v.value) : String(v.value);
  return `${v.name} = ${value}${v.unit ? ` ${v.unit}` : ''}`;
}

/**
 * Expands a Figure into its derivation tree, one line per node, indented by depth. Figures reached
 * twice are expanded once and referenced afterwards, so shared inputs don't blow the tree up.
 */
export function explain(root: Figure, maxDepth = 8): string {
  const lines: string[] = [];
  const seen = new Set<Figure>();
  const walk = (node: Figure | NamedValue, depth: number): void => {
    const pad = '  '.repeat(depth);
    if (!isFigure(node)) {
      lines.push(`${pad}- ${formatNamed(node)}`);
      return;
    }
    const head = `${pad}${depth === 0 ? '' : '- '}${node.name} = ${formatFigure(node)}`;
    if (seen.has(node) && node.formula !== 'given') {
      lines.push(`${head}  (see above)`);
      return;
    }
    seen.add(node);
    lines.push(node.formula === 'given' ? `${head}  (given)` : `${head}  ← ${node.formula}`);
    if (node.note) lines.push(`${pad}    note: ${node.note}`);
    for (const s of node.sources) {
      lines.push(`${pad}    source: ${s.title}${s.url ? ` <${s.url}>` : ''} (${s.date})`);
    }
    if (depth >= maxDepth) return;
    for (const input of node.inputs) walk(input, depth + 1);
  };
  walk(root, 0);
  return lines.join('\n');
}
