import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferIo } from '../src/io.ts';
import { main } from '../src/main.ts';

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const tmp = mkdtempSync(join(tmpdir(), 'clearbox-cli-investigate-'));
const withoutTime = (json: string) => json.replace(/"generatedAt": "[^"]*"/, '"generatedAt": "-"');

describe('clearbox investigate overlap', () => {
  const dir = join(tmp, 'corpora');
  it('synth corpora then overlap: tests[] with id, statistic, p, effect, interval; exit 1 on significant overlap', async () => {
    const synth = await run(
      'investigate',
      'synth',
      'corpora',
      '--out',
      dir,
      '--seed',
      '3',
      '--prompts',
      '200',
    );
    expect(synth.code).toBe(0);
    const args = [
      'investigate',
      'overlap',
      '--teacher',
      join(dir, 'teacher.jsonl'),
      '--suspect',
      join(dir, 'suspect.jsonl'),
      '--baseline',
      join(dir, 'baseline-1.jsonl'),
      '--baseline',
      join(dir, 'baseline-2.jsonl'),
      '--baseline',
      join(dir, 'baseline-3.jsonl'),
      '--reference',
      join(dir, 'reference.jsonl'),
      '--teacher-name',
      'Orbis',
      '--watermark-key',
      '42',
    ];
    const r = await run(...args, '--json', '--out', join(tmp, 'overlap.html'));
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    expect(json.tests.map((t: { id: string }) => t.id)).toEqual(['O1', 'O2', 'O3', 'O4', 'O5']);
    for (const t of json.tests) {
      for (const key of ['statistic', 'p', 'effect']) expect(typeof t[key], `${t.id}.${key}`).toBe('number');
      expect(t.interval).toHaveLength(2);
    }
    expect(json.inputs).toHaveLength(6);
    expect(json.inputs[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    const html = readFileSync(join(tmp, 'overlap.html'), 'utf8');
    expect(html).toContain('All tests run (5)');
    expect(html).not.toContain('<script');
    // Same inputs, byte-identical JSON apart from the timestamp.
    const again = await run(...args, '--json');
    expect(withoutTime(again.out)).toBe(withoutTime(r.out));
    const table = await run(...args);
    expect(table.out).toMatch(/O1 verbatim spans of at least 12 words/);
  });

  it('refuses a corpus without baselines (exit 2, one line)', async () => {
    const r = await run(
      'investigate',
      'overlap',
      '--teacher',
      join(dir, 'teacher.jsonl'),
      '--suspect',
      join(dir, 'suspect.jsonl'),
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^clearbox: error: --baseline: no baseline corpus.*no verdict without a baseline\n$/,
    );
  });

  it('names the bad line of a corpus', async () => {
    const bad = join(tmp, 'bad.jsonl');
    writeFileSync(bad, '{"promptId": "p1", "text": "ok"}\n{"promptId": "p2"}\n');
    const r = await run('investigate', 'overlap', '--teacher', bad, '--suspect', bad, '--baseline', bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.jsonl:2 text: expected a string/);
    expect(r.err.split('\n').length).toBe(2);
  });
});

describe('clearbox investigate logs', () => {
  const dir = join(tmp, 'traffic');
  it('synth traffic then logs: flagged[] with account|cluster, accounts, p, q, features; calibration; malformedRows', async () => {
    const synth = await run('investigate', 'synth', 'traffic', '--out', dir, '--seed', '5', '--scale', '0.3');
    expect(synth.code).toBe(0);
    const args = [
      'investigate',
      'logs',
      join(dir, 'traffic.jsonl'),
      '--reference',
      join(dir, 'reference.jsonl'),
      '--q',
      '0.05',
    ];
    const r = await run(...args, '--json', '--out', join(tmp, 'logs.html'));
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    expect(json.flagged.length).toBeGreaterThan(0);
    for (const f of json.flagged) {
      expect(typeof (f.account ?? f.cluster)).toBe('string');
      expect(Array.isArray(f.accounts)).toBe(true);
      expect(f.pTail).toBeLessThanOrEqual(f.q);
      expect(f.p).toBeGreaterThan(0);
      expect(f.q).toBeLessThanOrEqual(0.05);
      expect(Object.keys(f.features)).toContain('gapRegularity');
    }
    expect(json.calibration.referenceAccounts).toBe(3000);
    expect(json.malformedRows.count).toBe(3);
    expect(json.sql.length).toBeGreaterThan(5);
    // Every flag says which features drive it; every run says what it could have flagged.
    for (const f of json.flagged) expect(f.drivers.length).toBeGreaterThan(0);
    expect(json.calibration.power.text).toMatch(
      /^Power at q = 0\.05 over [\d,]+ tests against 3,000 reference accounts/,
    );
    expect(json.calibration.power.profiles.map((p: { profile: string }) => p.profile)).toEqual([
      'machine-paced',
      'human-paced',
    ]);
    const html = readFileSync(join(tmp, 'logs.html'), 'utf8');
    expect(html).toContain('unlike benign traffic at FDR q = 0.05');
    expect(html).toContain('Power: what this run could and could not have flagged');
    expect(html).toContain('Driven by: ');
    const text = await run(...args);
    expect(text.out).toContain('driven by (share of score)');
    expect(text.out).toContain(json.calibration.power.text);
    expect(html).not.toContain('<script');
    const again = await run(...args, '--json');
    expect(withoutTime(again.out)).toBe(withoutTime(r.out));
  }, 180_000);

  it('--engine clickhouse (embedded chdb) prints the same flags and rows as DuckDB; a bad engine is one line', async () => {
    const args = [
      'investigate',
      'logs',
      join(dir, 'traffic.jsonl'),
      '--reference',
      join(dir, 'reference.jsonl'),
      '--q',
      '0.05',
      '--json',
    ];
    const duck = JSON.parse((await run(...args)).out);
    const r = await run(...args, '--engine', 'clickhouse');
    expect(r.code).toBe(1);
    const click = JSON.parse(r.out);
    expect(click.engine).toBe('clickhouse');
    const units = (report: { flagged: Array<{ account?: string; cluster?: string; accounts: string[] }> }) =>
      report.flagged.map((f) => `${f.account ?? f.cluster}:${f.accounts.join(',')}`).sort();
    expect(units(click)).toEqual(units(duck));
    expect(click.rows).toEqual(duck.rows);
    expect(click.malformedRows.byReason).toEqual(duck.malformedRows.byReason);
    const bad = await run(...args, '--engine', 'sqlite');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--engine: expected duckdb or clickhouse, got "sqlite"/);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    const url = await run(...args, '--clickhouse-url', 'localhost:8123');
    expect(url.code).toBe(2);
    expect(url.err).toMatch(/--clickhouse-url: expected an http\(s\) URL/);
    // A table or table function is parsed before anything runs: SQL beyond a name or a call is refused.
    const table = await run(
      'investigate',
      'logs',
      '--reference-accounts',
      'a',
      '--clickhouse-table',
      'logs; DROP TABLE t',
    );
    expect(table.code).toBe(2);
    expect(table.err.trim().split('\n')).toEqual([
      expect.stringMatching(/--clickhouse-table: expected a table as name or database\.name/),
    ]);
    const source = await run(
      'investigate',
      'logs',
      '--reference-accounts',
      'a',
      '--clickhouse-source',
      "s3('x') UNION ALL SELECT 1",
    );
    expect(source.code).toBe(2);
    expect(source.err).toMatch(/--clickhouse-source: /);
    const none = await run('investigate', 'logs', '--reference-accounts', 'a');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/give at least one log file \(or --clickhouse-table/);
  }, 180_000);

  it('bad input: missing columns name the closest ones; unparseable timestamps; empty file (exit 2, one line)', async () => {
    const renamed = join(tmp, 'renamed.csv');
    writeFileSync(
      renamed,
      'created_at,user_id,prompt,inputTokens,outputTokens\n2025-03-01T00:00:00Z,a,hi,1,2\n',
    );
    let r = await run('investigate', 'logs', renamed, '--reference', join(dir, 'reference.jsonl'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /missing required column\(s\) "ts" \(closest columns found: .*created_at.*\); "account" \(closest columns found: .*\)/,
    );
    expect(r.err.split('\n').length).toBe(2);
    const badTs = join(tmp, 'bad-ts.jsonl');
    writeFileSync(badTs, '{"ts":"yesterday","account":"a","prompt":"x","inputTokens":1,"outputTokens":1}\n');
    r = await run('investigate', 'logs', badTs, '--reference', join(dir, 'reference.jsonl'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad-ts\.jsonl: unparseable timestamps in 1 of 1 rows/);
    const empty = join(tmp, 'empty.parquet');
    writeFileSync(empty, '');
    r = await run('investigate', 'logs', empty, '--reference', join(dir, 'reference.jsonl'));
    expect(r.err).toMatch(/empty\.parquet: empty file/);
    r = await run('investigate', 'logs', join(dir, 'traffic.jsonl'));
    expect(r.err).toMatch(/no benign reference/);
    r = await run(
      'investigate',
      'logs',
      join(dir, 'traffic.jsonl'),
      '--reference',
      join(dir, 'reference.jsonl'),
      '--q',
      '2',
    );
    expect(r.err).toMatch(/--q: expected a number between 0 and 1/);
  });
});
