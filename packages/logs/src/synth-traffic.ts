import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateTraffic, type LogRow, type TrafficSpec } from '@clearbox/core';
import { writeFileAtomic } from '@clearbox/store';
import { DuckSession, sqlString } from './duckdb/session.ts';

export type SynthFormat = 'jsonl' | 'csv' | 'parquet';

const jsonl = (rows: readonly object[]) =>
  rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const text = typeof v === 'object' ? String(Object.keys(v as object).length) : String(v);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const columns: Array<keyof LogRow> = [
  'ts',
  'account',
  'prompt',
  'inputTokens',
  'outputTokens',
  'ip',
  'userAgent',
  'maxTokens',
  'logprobs',
  'logitBias',
  'reasoningEffort',
];

function csv(rows: readonly LogRow[]): string {
  return `${columns.join(',')}\n${rows.map((r) => columns.map((c) => csvCell(r[c])).join(',')).join('\n')}\n`;
}

/**
 * Defects every real log has, so the malformed-row accounting is exercised: an unparseable timestamp,
 * a row without an account, and (JSONL) a truncated line.
 */
function withDefects(rows: LogRow[]): { rows: LogRow[]; brokenLine: boolean } {
  const out = [...rows];
  const first = out[0];
  if (first) {
    out.splice(1, 0, { ...first, ts: '31/02/2025 25:61' });
    const { account: _drop, ...noAccount } = first;
    out.splice(2, 0, noAccount as LogRow);
  }
  return { rows: out, brokenLine: true };
}

export interface SynthTrafficFiles {
  traffic: string;
  reference: string;
  truth: string;
  rows: number;
  malformedInjected: number;
}

/** Writes `traffic.<fmt>`, `reference.<fmt>` and `truth.json` (account -> kind) under dir. */
export async function writeSynthTraffic(
  dir: string,
  spec: TrafficSpec,
  format: SynthFormat,
): Promise<SynthTrafficFiles> {
  mkdirSync(dir, { recursive: true });
  const synth = generateTraffic(spec);
  const { rows } = withDefects(synth.traffic);
  const traffic = join(dir, `traffic.${format}`);
  const reference = join(dir, `reference.${format}`);
  let malformedInjected = 2;
  if (format === 'jsonl') {
    const lines = jsonl(rows);
    writeFileAtomic(traffic, `${lines}{"ts": "2025-03-02T00:00:00Z", "account": "trunc\n`);
    malformedInjected++;
    writeFileAtomic(reference, jsonl(synth.reference));
  } else if (format === 'csv') {
    writeFileAtomic(traffic, csv(rows));
    writeFileAtomic(reference, csv(synth.reference));
  } else {
    // Parquet through DuckDB itself: write JSONL beside, convert with COPY, keep only the Parquet.
    const session = await DuckSession.open();
    try {
      for (const [target, list] of [
        [traffic, rows],
        [reference, synth.reference],
      ] as const) {
        const temp = `${target}.tmp.jsonl`;
        writeFileAtomic(
          temp,
          jsonl(list.map((r) => ({ ...r, logitBias: r.logitBias ? Object.keys(r.logitBias).length : null }))),
        );
        await session.run(
          `COPY (SELECT * FROM read_json_auto(${sqlString(temp)}, format = 'newline_delimited', columns = {ts: 'VARCHAR', account: 'VARCHAR', prompt: 'VARCHAR', inputTokens: 'BIGINT', outputTokens: 'BIGINT', ip: 'VARCHAR', userAgent: 'VARCHAR', maxTokens: 'BIGINT', logprobs: 'BOOLEAN', logitBias: 'BIGINT', reasoningEffort: 'VARCHAR'})) TO ${sqlString(target)} (FORMAT parquet)`,
        );
        rmSync(temp, { force: true });
      }
    } finally {
      await session.close();
    }
  }
  const truth = join(dir, 'truth.json');
  writeFileAtomic(truth, `${JSON.stringify({ spec: synth.spec, accounts: synth.truth }, null, 2)}\n`);
  return { traffic, reference, truth, rows: rows.length + synth.reference.length, malformedInjected };
}
