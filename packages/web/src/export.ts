/**
 * Tables leave the page as CSV (for spreadsheets) and JSON (for programs), with the raw values the
 * engine computed, not the rounded text on screen.
 */
export type Cell = string | number | boolean | null | undefined;

export interface TableData {
  /** Column keys in order; each row holds a value per key. */
  columns: readonly string[];
  rows: readonly Record<string, Cell>[];
}

function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  // RFC 4180 quoting; a leading = + - @ is prefixed so a spreadsheet does not run it as a formula.
  const safe = /^[=+\-@]/.test(text) && typeof value !== 'number' ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(table: TableData): string {
  const lines = [table.columns.map(csvCell).join(',')];
  for (const row of table.rows) lines.push(table.columns.map((c) => csvCell(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function toJson(table: TableData): string {
  const rows = table.rows.map((row) => Object.fromEntries(table.columns.map((c) => [c, row[c] ?? null])));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

/** Hands the browser a file to save; nothing is sent anywhere. */
export function download(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
