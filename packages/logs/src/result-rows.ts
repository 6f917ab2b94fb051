import type { DefectCount, MalformedRow, RequestSample } from './engine.ts';

/**
 * Each engine writes its own SQL for the report's row lists (one per dialect); the rows come back in
 * the same column order from both, so one decoder per list keeps the two engines' answers identical.
 */

type Row = readonly unknown[];

/** A number cell as either driver returns it (number, bigint or numeric text). */
export const num = (x: unknown): number => (typeof x === 'number' ? x : Number(x));

const text = (x: unknown): string | null => (x === null ? null : String(x));
const count = (x: unknown): number | null => (x === null ? null : num(x));

/** [source, duplicates] → duplicates per file, files without any left out. */
export function toDuplicateCounts(rows: readonly Row[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const [source, n] of rows) if (num(n) > 0) out.set(num(source), num(n));
  return out;
}

/** [source, reason, rows, first line] */
export function toDefectCounts(rows: readonly Row[]): DefectCount[] {
  return rows.map(([source, reason, n, firstLine]) => ({
    source: num(source),
    reason: String(reason),
    rows: num(n),
    firstLine: num(firstLine),
  }));
}

/** [source, line, reason, text] */
export function toMalformedRows(rows: readonly Row[]): MalformedRow[] {
  return rows.map(([source, line, reason, raw]) => ({
    source: num(source),
    line: num(line),
    reason: String(reason),
    text: text(raw),
  }));
}

/** [account, source, line, ts_ms, prompt, input_tokens, output_tokens, max_tokens, ip] */
export function toRequestSamples(rows: readonly Row[]): RequestSample[] {
  return rows.map((r) => ({
    account: String(r[0]),
    source: num(r[1]),
    line: num(r[2]),
    tsMs: count(r[3]),
    prompt: text(r[4]),
    inputTokens: count(r[5]),
    outputTokens: count(r[6]),
    maxTokens: count(r[7]),
    ip: text(r[8]),
  }));
}
