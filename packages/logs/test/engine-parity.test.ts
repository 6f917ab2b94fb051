import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AccountStats, defaultLogOptions, defaultTrafficSpec } from '@clearbox/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type EngineName,
  investigateLogFiles,
  type LogsReport,
  logAccountStats,
  type SynthFormat,
  writeSynthTraffic,
} from '../src/index.ts';
import { compareStats } from './compare-stats.ts';

// Both engines on the same files: every per-account statistic equal (numbers within a relative 1e-9,
// lists exactly) and the same flags. The traffic is the labelled synthetic mix with malformed rows, and
// for CSV also rows of the wrong shape.

const tmp = mkdtempSync(join(tmpdir(), 'clearbox-parity-'));
async function files(format: SynthFormat) {
  const written = await writeSynthTraffic(
    join(tmp, format),
    { ...defaultTrafficSpec, referenceAccounts: 600, seed: 13, scale: 0.15 },
    format,
  );
  if (format === 'csv') {
    // Rows of the wrong shape: one field short, one field too many.
    const header = readFileSync(written.traffic, 'utf8').split('\n')[0] as string;
    const fields = header.split(',').length;
    appendFileSync(written.traffic, `${Array.from({ length: fields - 1 }, () => '1').join(',')}\n`);
    appendFileSync(written.traffic, `${Array.from({ length: fields + 1 }, () => '2').join(',')}\n`);
  }
  return written;
}

const flagsOf = (report: LogsReport) =>
  report.flagged.map((f) => `${f.account ?? f.cluster}:${[...f.accounts].sort().join(',')}`).sort();

describe.each(['jsonl', 'csv'] as const)('DuckDB and ClickHouse (chdb) on the same %s files', (format) => {
  const reports: Partial<Record<EngineName, LogsReport>> = {};
  const stats: Partial<Record<EngineName, AccountStats[]>> = {};
  beforeAll(async () => {
    const f = await files(format);
    for (const engine of ['duckdb', 'clickhouse'] as const) {
      const request = {
        files: [f.traffic],
        referenceFiles: [f.reference],
        referenceAccounts: [],
        map: {},
        engine,
      };
      stats[engine] = await logAccountStats({ ...request, rareShare: defaultLogOptions.rareShare });
      reports[engine] = await investigateLogFiles(
        { ...request, options: { ...defaultLogOptions, q: 0.05 } },
        new Date(0),
      );
    }
  }, 240_000);

  it('gives every account the same statistics', () => {
    const duck = stats.duckdb as AccountStats[];
    expect(duck.length).toBeGreaterThan(150);
    expect(duck.some((s) => s.templates.length > 0 && s.ips.length > 0)).toBe(true);
    expect(compareStats(duck, stats.clickhouse as AccountStats[])).toEqual([]);
  });

  it('flags the same accounts and clusters, and counts the same rows', () => {
    const duck = reports.duckdb as LogsReport;
    const click = reports.clickhouse as LogsReport;
    expect(click.engine).toBe('clickhouse');
    expect(flagsOf(duck).length).toBeGreaterThan(0);
    expect(flagsOf(click)).toEqual(flagsOf(duck));
    expect(click.rows).toEqual(duck.rows);
    expect(click.malformedRows.byReason).toEqual(duck.malformedRows.byReason);
    expect(click.inputs.map((i) => i.timestamps)).toEqual(duck.inputs.map((i) => i.timestamps));
    if (format === 'csv')
      expect(duck.malformedRows.byReason).toMatchObject({
        'CSV row with too few fields': 1,
        'CSV row with too many fields': 1,
      });
  });
});

describe.each(['duckdb', 'clickhouse'] as const)('bad input, %s engine', (engine) => {
  const dir = mkdtempSync(join(tmp, `bad-${engine}-`));
  const reference = join(dir, 'reference.jsonl');
  const rows = (n: number, ts: (i: number) => number | string, account = (i: number) => `a${i % 5}`) =>
    Array.from({ length: n }, (_, i) =>
      JSON.stringify({
        ts: ts(i),
        account: account(i),
        prompt: `Question ${i}: what is ${i} squared?`,
        inputTokens: 10,
        outputTokens: 20,
      }),
    ).join('\n');
  beforeAll(() => {
    writeFileSync(
      reference,
      `${rows(
        200,
        (i) => 1_740_787_200_000 + i * 61_000,
        (i) => `r${i % 20}`,
      )}\n`,
    );
  });
  const run = (path: string) =>
    investigateLogFiles(
      {
        files: [path],
        referenceFiles: [reference],
        referenceAccounts: [],
        map: {},
        engine,
        options: defaultLogOptions,
      },
      new Date(0),
    );

  it('reads epoch seconds as seconds, says so, and refuses a file mixing seconds and milliseconds', async () => {
    const seconds = join(dir, 'seconds.jsonl');
    writeFileSync(seconds, `${rows(100, (i) => 1_740_787_200 + i * 60)}\n`);
    const report = await run(seconds);
    expect(report.inputs[0]?.timestamps).toBe('epoch-s');
    expect(report.inputs[1]?.timestamps).toBe('epoch-ms');
    expect(
      report.flagged.flatMap((f) => f.sampleRows).every((r) => (r.ts ?? '').startsWith('2025-03-01')),
    ).toBe(true);
    expect(report.rows.valid).toBe(300);
    const mixed = join(dir, 'mixed.jsonl');
    writeFileSync(mixed, `${rows(10, (i) => (i < 5 ? 1_740_787_200 + i : 1_740_787_200_000 + i))}\n`);
    await expect(run(mixed)).rejects.toThrow(
      /mixed\.jsonl: timestamps in "ts" mix epoch seconds \(5 rows below 1e11, first at line 1\) and epoch milliseconds \(5 rows, first at line 6\)/,
    );
  }, 60_000);

  it('counts exact duplicate rows by file', async () => {
    const twice = join(dir, 'twice.jsonl');
    const text = rows(50, (i) => 1_740_787_200_000 + i * 1000);
    writeFileSync(twice, `${text}\n${text.split('\n').slice(0, 7).join('\n')}\n`);
    const report = await run(twice);
    expect(report.duplicateRows).toEqual({ count: 7, byFile: [{ file: twice, rows: 7 }] });
    const once = join(dir, 'once.jsonl');
    writeFileSync(once, `${text}\n`);
    expect((await run(once)).duplicateRows.count).toBe(0);
  }, 60_000);

  it('counts malformed CSV rows by reason instead of failing (5% of rows of the wrong shape)', async () => {
    const csv = join(dir, 'bad.csv');
    const lines = ['ts,account,prompt,inputTokens,outputTokens'];
    for (let i = 0; i < 400; i++) {
      const row = `${1_740_787_200_000 + i * 1000},a${i % 7},"Question ${i}, please",${i % 50},${i % 70}`;
      const short = `${1_740_787_200_000 + i * 1000},a${i % 7},"Question ${i} please"`;
      lines.push(i % 40 === 3 ? `${row},extra` : i % 40 === 23 ? short : row);
    }
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const report = await run(csv);
    expect(report.malformedRows.byReason).toEqual({
      'CSV row with too many fields': 10,
      'CSV row with too few fields': 10,
    });
    expect(report.rows.total).toBe(600);
    expect(report.rows.valid).toBe(580);
    expect(report.malformedRows.sample[0]?.line).toBe(5);
  }, 60_000);
});
