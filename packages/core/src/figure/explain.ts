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

/** Two figures with the same name, value, unit and formula are the same derivation, however built. */
function derivationKey(f: Figure): string {
  return `${f.name}|${f.value}|${f.unit}|${f.formula}`;
}

/**
 * Expands a Figure into its derivation tree, one line per node, indented by depth. A derivation reached
 * twice is expanded once and referenced afterwards ("see above"), so shared inputs don't blow the tree
 * up; pass the same `seen` to several calls to extend that across trees printed one after another.
 */
export function explain(root: Figure, maxDepth = 8, seen: Set<string> = new Set()): string {
  const lines: string[] = [];
  const walk = (node: Figure | NamedValue, depth: number): void => {
    const pad = '  '.repeat(depth);
    if (!isFigure(node)) {
      lines.push(`${pad}- ${formatNamed(node)}`);
      return;
    }
    const head = `${pad}${depth === 0 ? '' : '- '}${node.name} = ${formatFigure(node)}`;
    const key = derivationKey(node);
    if (seen.has(key) && node.formula !== 'given') {
      lines.push(`${head}  (see above)`);
      return;
    }
    seen.add(key);
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
