import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultLogOptions, defaultTrafficSpec } from '@clearbox/core';
import { describe, expect, it } from 'vitest';
import { clickhouseTable, clickhouseTableFunction } from '../src/clickhouse/table-source.ts';
import { investigateLogFiles, logAccountStats, writeSynthTraffic } from '../src/index.ts';
import { compareStats } from './compare-stats.ts';

describe('ClickHouse sources are parsed, never spliced as given', () => {
  it('takes table names and quotes them', () => {
    expect(clickhouseTable('logs')).toBe('`logs`');
    expect(clickhouseTable(' provider_logs.requests ')).toBe('`provider_logs`.`requests`');
    expect(clickhouseTable('`my db`.`requests 2026`')).toBe('`my db`.`requests 2026`');
  });

  it.each([
    'logs; DROP TABLE users',
    'logs FORMAT TSV',
    '(SELECT 1)',
    'a.b.c',
    '`a`b`',
    'logs -- comment',
    '',
  ])('refuses the table %j in one line', (text) => {
    expect(() => clickhouseTable(text)).toThrow(
      /^--clickhouse-table: expected a table as name or database\.name/,
    );
  });

  it('takes allowed table functions with string, name and number arguments, written back from tokens', () => {
    expect(
      clickhouseTableFunction("s3Cluster('logs', 's3://bucket/logs/dt=2026-12-03/*.parquet', 'Parquet')"),
    ).toBe("s3Cluster('logs', 's3://bucket/logs/dt=2026-12-03/*.parquet', 'Parquet')");
    expect(clickhouseTableFunction("remote('host:9000', logs, requests, 'user', 'it\\'s')")).toBe(
      "remote('host:9000', logs, requests, 'user', 'it\\'s')",
    );
    expect(clickhouseTableFunction("S3CLUSTER(c,'x')")).toBe("s3Cluster(c, 'x')");
  });

  it.each([
    "s3('a') UNION ALL SELECT * FROM system.users",
    "s3(concat('a', 'b'))",
    "s3('a' || 'b')",
    "s3('a'); DROP TABLE t",
    "s3('a') SETTINGS max_threads = 1",
    "s3('a' -- x\n)",
    "executable('rm -rf /', 'TSV', 'x String')",
    'numbers(10)',
    "s3('unterminated)",
    'logs',
  ])('refuses the table function %j in one line', (text) => {
    expect(() => clickhouseTableFunction(text)).toThrow(
      /^--clickhouse-source: (expected a table function call|a table function's arguments)/,
    );
  });
});

describe('--clickhouse-source in embedded ClickHouse', () => {
  it("reads file('…', 'Parquet') where it lies and gives DuckDB's statistics and flags", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearbox-ch-source-'));
    const f = await writeSynthTraffic(
      dir,
      { ...defaultTrafficSpec, referenceAccounts: 300, seed: 29, scale: 0.08 },
      'parquet',
    );
    const request = { files: [], referenceFiles: [f.reference], referenceAccounts: [], map: {} };
    const source = { ...request, clickhouseSource: `file('${f.traffic}', 'Parquet')` };
    const fromFile = { ...request, files: [f.traffic] };
    const rare = { rareShare: defaultLogOptions.rareShare };
    expect(
      compareStats(
        await logAccountStats({ ...fromFile, ...rare }),
        await logAccountStats({ ...source, ...rare }),
      ),
    ).toEqual([]);
    const options = { ...defaultLogOptions, q: 0.05 };
    const duck = await investigateLogFiles({ ...fromFile, options }, new Date(0));
    const click = await investigateLogFiles({ ...source, options }, new Date(0));
    expect(click.engine).toBe('clickhouse');
    expect(click.inputs[0]?.path).toBe(`clickhouse file('${f.traffic}', 'Parquet')`);
    const flags = (r: typeof duck) => r.flagged.map((u) => u.account ?? u.cluster).sort();
    expect(flags(duck).length).toBeGreaterThan(0);
    expect(flags(click)).toEqual(flags(duck));
    expect(click.rows).toEqual(duck.rows);
  }, 300_000);
});
