import { appendFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AccountStats, defaultLogOptions, defaultTrafficSpec } from '@clearbox/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { investigateLogFiles, type LogsReport, logAccountStats, writeSynthTraffic } from '../src/index.ts';
import { type ChdbHttpServer, startChdbHttpServer } from './chdb-http.ts';
import { compareStats } from './compare-stats.ts';

// `--clickhouse-url` end to end: @clickhouse/client speaks HTTP to a local endpoint that runs every
// statement in the ClickHouse engine (chdb, see chdb-http.ts). The files are uploaded through the
// client's insert, the tables live in a private database, and the answers must equal DuckDB's.

const tmp = mkdtempSync(join(tmpdir(), 'clearbox-ch-url-'));
let server: ChdbHttpServer;

beforeAll(async () => {
  server = await startChdbHttpServer();
});
afterAll(async () => {
  await server?.close();
});

const flagsOf = (report: LogsReport) =>
  report.flagged.map((f) => `${f.account ?? f.cluster}:${[...f.accounts].sort().join(',')}`).sort();

describe.each(['jsonl', 'csv'] as const)('ClickHouse over HTTP (--clickhouse-url) on %s files', (format) => {
  const stats: { duckdb?: AccountStats[]; url?: AccountStats[] } = {};
  const reports: { duckdb?: LogsReport; url?: LogsReport } = {};
  beforeAll(async () => {
    const f = await writeSynthTraffic(
      join(tmp, format),
      { ...defaultTrafficSpec, referenceAccounts: 300, seed: 29, scale: 0.08 },
      format,
    );
    if (format === 'csv') {
      const header = readFileSync(f.traffic, 'utf8').split('\n')[0] as string;
      const fields = header.split(',').length;
      appendFileSync(f.traffic, `${Array.from({ length: fields - 1 }, () => '1').join(',')}\n`);
    } else appendFileSync(f.traffic, 'not json at all\n');
    const request = { files: [f.traffic], referenceFiles: [f.reference], referenceAccounts: [], map: {} };
    const url = { ...request, engine: 'clickhouse' as const, clickhouseUrl: server.url };
    stats.duckdb = await logAccountStats({ ...request, rareShare: defaultLogOptions.rareShare });
    stats.url = await logAccountStats({ ...url, rareShare: defaultLogOptions.rareShare });
    const options = { ...defaultLogOptions, q: 0.05 };
    reports.duckdb = await investigateLogFiles({ ...request, options }, new Date(0));
    reports.url = await investigateLogFiles({ ...url, options }, new Date(0));
  }, 300_000);

  it('runs the statements in the ClickHouse engine behind the URL, files uploaded by the client', () => {
    if (format === 'csv')
      expect(readdirSync(server.userFiles).some((f) => /^clearbox_\w+_csv_errors_0\.csv$/.test(f))).toBe(
        true,
      );
    expect(server.statements.some((s) => /^INSERT INTO upload_0\b[\s\S]*FROM INFILE/.test(s))).toBe(true);
    expect(server.statements.some((s) => s.startsWith('CREATE TABLE account_aggregates'))).toBe(true);
    expect((reports.url as LogsReport).engine).toBe('clickhouse');
  });

  it('gives every account the statistics DuckDB gives', () => {
    const duck = stats.duckdb as AccountStats[];
    expect(duck.length).toBeGreaterThan(50);
    expect(compareStats(duck, stats.url as AccountStats[])).toEqual([]);
  });

  it('flags the same units and counts the same rows, malformed ones by reason and line', () => {
    const duck = reports.duckdb as LogsReport;
    const url = reports.url as LogsReport;
    expect(flagsOf(duck).length).toBeGreaterThan(0);
    expect(flagsOf(url)).toEqual(flagsOf(duck));
    expect(url.rows).toEqual(duck.rows);
    expect(url.malformedRows.byReason).toEqual(duck.malformedRows.byReason);
    expect(url.malformedRows.count).toBeGreaterThan(0);
    expect(url.malformedRows.sample.map((r) => r.line)).toEqual(duck.malformedRows.sample.map((r) => r.line));
    expect(url.flagged.map((f) => f.sampleRows)).toEqual(duck.flagged.map((f) => f.sampleRows));
  });
});

describe('ClickHouse over HTTP: what the server keeps and refuses', () => {
  it('drops its private database when done, and refuses Parquet in one line', async () => {
    const { createClient } = await import('@clickhouse/client');
    const client = createClient({ url: server.url });
    const databases = async () =>
      (
        (await (await client.query({ query: 'SHOW DATABASES', format: 'JSONEachRow' })).json()) as Array<{
          name: string;
        }>
      ).map((r) => r.name);
    expect((await databases()).filter((d) => d.startsWith('clearbox_'))).toEqual([]);
    const parquet = join(tmp, 'logs.parquet');
    writeFileSync(parquet, 'PAR1 not really parquet');
    await expect(
      investigateLogFiles(
        {
          files: [parquet],
          referenceFiles: [],
          referenceAccounts: ['a1'],
          map: {},
          options: defaultLogOptions,
          engine: 'clickhouse',
          clickhouseUrl: server.url,
        },
        new Date(0),
      ),
    ).rejects.toThrow(
      /logs\.parquet: cannot read the logs \(a ClickHouse server reads Parquet where it lies/,
    );
    expect((await databases()).filter((d) => d.startsWith('clearbox_'))).toEqual([]);
    await client.close();
  }, 60_000);
});

describe('--clickhouse-table: logs already in a ClickHouse table, read where they are', () => {
  it('gives the statistics and flags DuckDB gives on the same rows from files', async () => {
    const f = await writeSynthTraffic(
      join(tmp, 'table'),
      { ...defaultTrafficSpec, referenceAccounts: 300, seed: 29, scale: 0.08 },
      'parquet',
    );
    const { createClient } = await import('@clickhouse/client');
    const client = createClient({ url: server.url });
    await client.command({ query: 'CREATE DATABASE IF NOT EXISTS provider_logs' });
    // The provider's table: both files' rows in one MergeTree table; the reference is a list of accounts.
    await client.command({
      query: `CREATE TABLE provider_logs.requests ENGINE = MergeTree ORDER BY tuple() AS
SELECT * FROM file('${f.traffic}', 'Parquet') UNION ALL SELECT * FROM file('${f.reference}', 'Parquet')`,
    });
    const referenceAccounts = (
      (await (
        await client.query({
          query: `SELECT DISTINCT account FROM file('${f.reference}', 'Parquet') ORDER BY account`,
          format: 'JSONEachRow',
        })
      ).json()) as Array<{ account: string }>
    ).map((r) => r.account);
    await client.close();
    expect(referenceAccounts.length).toBeGreaterThan(10);
    const options = { ...defaultLogOptions, q: 0.05 };
    const fromFiles = { files: [f.traffic, f.reference], referenceFiles: [], referenceAccounts, map: {} };
    const fromTable = {
      files: [],
      referenceFiles: [],
      referenceAccounts,
      map: {},
      clickhouseUrl: server.url,
      clickhouseTable: 'provider_logs.requests',
    };
    const rare = { rareShare: defaultLogOptions.rareShare };
    expect(
      compareStats(
        await logAccountStats({ ...fromFiles, ...rare }),
        await logAccountStats({ ...fromTable, ...rare }),
      ),
    ).toEqual([]);
    const duck = await investigateLogFiles({ ...fromFiles, options }, new Date(0));
    const table = await investigateLogFiles({ ...fromTable, options }, new Date(0));
    expect(table.engine).toBe('clickhouse');
    expect(table.inputs).toEqual([
      {
        path: 'clickhouse table `provider_logs`.`requests`',
        role: 'traffic',
        sha256: '',
        bytes: 0,
        timestamps: 'iso-8601',
      },
    ]);
    expect(flagsOf(duck).length).toBeGreaterThan(0);
    expect(flagsOf(table)).toEqual(flagsOf(duck));
    expect(table.rows).toEqual(duck.rows);
    expect(server.statements.some((s) => s.startsWith('DESCRIBE TABLE `provider_logs`.`requests`'))).toBe(
      true,
    );
    // A table that is not there: one line naming it.
    await expect(
      investigateLogFiles({ ...fromTable, clickhouseTable: 'provider_logs.nope', options }, new Date(0)),
    ).rejects.toThrow(/^clickhouse table `provider_logs`\.`nope`: cannot read the logs \(.*nope/);
  }, 300_000);
});
