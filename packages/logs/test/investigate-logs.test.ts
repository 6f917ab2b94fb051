import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AccountKind, defaultLogOptions, defaultTrafficSpec } from '@clearbox/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { investigateLogFiles, type LogsReport, writeSynthTraffic } from '../src/index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'clearbox-investigate-'));
const epoch = new Date(0);
const run = (
  files: string[],
  referenceFiles: string[],
  extra: Partial<Parameters<typeof investigateLogFiles>[0]> = {},
) =>
  investigateLogFiles(
    {
      files,
      referenceFiles,
      referenceAccounts: [],
      map: {},
      options: { ...defaultLogOptions, q: 0.05 },
      ...extra,
    },
    epoch,
  );

const benignKinds: AccountKind[] = ['benign', 'framework', 'nat'];

// Generous hook and test limits: each case runs the whole pipeline (16 MinHash keys per request, the
// cluster nulls), a few seconds of CPU on an idle machine and minutes on a shared, loaded one.
describe('investigate logs on labelled synthetic traffic', () => {
  let report: LogsReport;
  let truth: Record<string, AccountKind>;
  let trafficLines = 0;
  beforeAll(async () => {
    const files = await writeSynthTraffic(
      join(tmp, 'mix'),
      { ...defaultTrafficSpec, referenceAccounts: 4000, seed: 7, scale: 0.5 },
      'jsonl',
    );
    truth = JSON.parse(readFileSync(files.truth, 'utf8')).accounts;
    trafficLines = readFileSync(files.traffic, 'utf8').split('\n').length - 1;
    report = await run([files.traffic], [files.reference]);
  }, 300_000);

  it('catches every naive, sweeping and hydra account (hydras through their cluster) with FDP <= q on benign accounts', () => {
    const covered = new Set(report.flagged.flatMap((f) => f.accounts));
    // Hydra accounts that share fewer than 3 rare templates with any other member stay unlinked.
    for (const [kind, minimum] of [
      ['naive', 1],
      ['sweep', 1],
      ['hydra', 0.8],
    ] as const) {
      const accounts = Object.keys(truth).filter((a) => truth[a] === kind);
      expect(accounts.length, kind).toBeGreaterThan(0);
      const rate = accounts.filter((a) => covered.has(a)).length / accounts.length;
      expect(rate, `detection rate of ${kind}`).toBeGreaterThanOrEqual(minimum);
    }
    // False discoveries: flagged units made mostly of benign accounts (benign, framework users, NAT).
    const falseUnits = report.flagged.filter(
      (f) =>
        f.accounts.filter((a) => benignKinds.includes(truth[a] as AccountKind)).length >
        f.accounts.length / 2,
    );
    expect(falseUnits.length / report.flagged.length).toBeLessThanOrEqual(0.1);
    // Hydra accounts look benign one by one: the evidence is the cluster, not the accounts.
    const hydraAccountsFlagged = report.flagged.filter(
      (f) => f.account && truth[f.account] === 'hydra',
    ).length;
    const hydraClustersFlagged = report.flagged.filter(
      (f) => f.cluster && f.accounts.every((a) => truth[a] === 'hydra'),
    );
    expect(hydraClustersFlagged.length).toBe(2);
    expect(hydraAccountsFlagged).toBeLessThan(5);
  });

  it('flags the honest batch pipelines too: unlike benign traffic is not a terms violation', () => {
    const batch = Object.keys(truth).filter((a) => truth[a] === 'batch');
    expect(report.flagged.some((f) => f.accounts.some((a) => batch.includes(a)))).toBe(true);
    expect(report.statement).toMatch(/unlike benign traffic at FDR q = 0.05/);
    expect(report.statement).toMatch(/not a finding that anyone violated the terms/);
  });

  it('does not flag accounts behind one NAT address or using popular framework templates', () => {
    const nat = report.clusters.filter((c) => c.accounts.every((a) => truth[a] === 'nat'));
    expect(nat.length).toBe(3);
    const flaggedIds = new Set(report.flagged.map((f) => f.cluster ?? f.account));
    for (const c of nat) expect(flaggedIds.has(c.cluster)).toBe(false);
    const framework = report.flagged.filter((f) => f.account && truth[f.account] === 'framework');
    expect(framework.length).toBe(0);
  });

  it('explains every flag with feature values, reference quantiles and sample rows', () => {
    const f = report.flagged.find((x) => x.account === 'sweep-1');
    expect(f?.features.logitBiasSweep?.value).toBe(2000 * 20);
    expect(f?.features.logitBiasSweep?.referenceQuantiles.p99).toBe(0);
    expect(f?.sampleRows.length).toBeGreaterThan(0);
    expect(f?.sampleRows[0]?.prompt).toMatch(/^Repeat the word/);
  });

  it('counts and samples malformed rows instead of dropping them', () => {
    expect(report.malformedRows.count).toBe(3);
    expect(report.malformedRows.byReason).toEqual({
      'missing account': 1,
      'not valid JSON': 1,
      'unparseable timestamp': 1,
    });
    expect(report.malformedRows.sample.map((s) => s.line)).toEqual([2, 3, trafficLines]);
    // The report prints the SQL behind the gaps: timestamps ordered per account, gaps as the ordered
    // list against itself shifted by one.
    expect(report.engine).toBe('duckdb');
    expect(report.sql.some((s) => s.includes('list_sort(list(ts_ms))'))).toBe(true);
    expect(report.sql.some((s) => s.includes('x - ts_list[i]'))).toBe(true);
  });
});

describe('the default synthetic traffic at the default q', () => {
  it('flags every naive campaign and the sweeper at q = 0.01 and both hydra clusters at 0.05, with few benign accounts and no NAT group', async () => {
    const files = await writeSynthTraffic(
      join(tmp, 'default'),
      { ...defaultTrafficSpec, seed: 5 },
      'parquet',
    );
    const labels: Record<string, AccountKind> = JSON.parse(readFileSync(files.truth, 'utf8')).accounts;
    const r = await run([files.traffic], [files.reference], { options: { ...defaultLogOptions } });
    expect(r.parameters.q).toBe(0.01);
    const covered = new Set(r.flagged.filter((f) => f.account).flatMap((f) => f.accounts));
    // The sweeper and the naive accounts of 400 requests or more are flagged themselves. The 10 x 100
    // naive campaign (naive3-*) is flagged as a cluster: with links weighted by pool traffic
    // (coordination.ts) its accounts are linked on this seed, and members of 100 requests do not pass
    // BH within the flagged cluster.
    const inFlaggedCluster = new Set(r.flagged.filter((f) => f.cluster).flatMap((f) => f.accounts));
    for (const kind of ['naive', 'sweep'] as const) {
      const accounts = Object.keys(labels).filter((a) => labels[a] === kind);
      expect(
        accounts.filter((a) => !a.startsWith('naive3-') && !covered.has(a)),
        kind,
      ).toEqual([]);
      expect(
        accounts.filter((a) => !covered.has(a) && !inFlaggedCluster.has(a)),
        kind,
      ).toEqual([]);
    }
    // BH bounds the expected share of false discoveries, not their number: at most one in ten here.
    const benignFlags = r.flagged.filter(
      (f) => f.account && benignKinds.includes(labels[f.account] as AccountKind),
    );
    expect(benignFlags.length / r.flagged.length).toBeLessThanOrEqual(0.1);
    // Both hydras form clusters of their own; the NAT groups (benign accounts behind one address) are
    // not flagged. With MinHash template keys and hierarchical testing the two hydra clusters reach
    // q 0.023 and 0.041 on this seed (flagged at q = 0.05, not at 0.01): random reference groups now
    // share a few LSH buckets by chance, which lowers the pool's contrast with the cluster null.
    const clusterKinds = (f: { accounts: string[] }) =>
      [...new Set(f.accounts.map((a) => labels[a]))].join('/');
    const hydras = r.clusters.filter((c) => clusterKinds(c) === 'hydra');
    // Links need a tenth of each account's pool traffic on the shared keys (coordination.ts): on this
    // seed one hydra account of ordinary volume falls short of that with every other member and stays
    // outside its cluster of 29.
    expect(hydras.map((c) => c.accounts.length)).toEqual([30, 29]);
    expect(hydras.filter((c) => c.q <= 0.05).length).toBe(2);
    expect(r.flagged.filter((f) => f.cluster && clusterKinds(f) === 'nat')).toEqual([]);
  }, 300_000);
});

describe('null calibration', () => {
  it('gives uniform p-values to benign accounts and flags nothing on benign-only traffic', async () => {
    const spec = {
      ...defaultTrafficSpec,
      seed: 11,
      referenceAccounts: 1000,
      benignAccounts: 400,
      naiveCampaigns: [],
      hydras: [],
      batchPipelines: 0,
      natGroups: [],
      sweepers: 0,
    };
    const files = await writeSynthTraffic(join(tmp, 'null'), spec, 'jsonl');
    const report = await run([files.traffic], [files.reference]);
    expect(report.tested.accounts).toBe(400);
    expect(report.flagged.length).toBe(0);
    // Uniform p-values: each decile holds ~40 of 400 (binomial sd ~6); the lowest decile is what BH sees.
    const bins = report.calibration.pValueHistogram;
    expect(bins.reduce((a, b) => a + b, 0)).toBe(400);
    expect(bins[0]).toBeGreaterThan(22);
    expect(bins[0]).toBeLessThan(58);
    expect(Math.max(...bins)).toBeLessThan(70);
  }, 300_000);
});

describe('formats, mapping and bad input', () => {
  let jsonl: LogsReport;
  let dir: string;
  beforeAll(async () => {
    dir = join(tmp, 'formats');
    const small = { ...defaultTrafficSpec, referenceAccounts: 4000, seed: 3, scale: 0.1 };
    const a = await writeSynthTraffic(dir, small, 'jsonl');
    jsonl = await run([a.traffic], [a.reference]);
    await writeSynthTraffic(dir, small, 'parquet');
    await writeSynthTraffic(dir, small, 'csv');
  }, 300_000);

  it('reads Parquet and CSV to the same statistics as JSONL', async () => {
    for (const ext of ['parquet', 'csv']) {
      const r = await run([join(dir, `traffic.${ext}`)], [join(dir, `reference.${ext}`)]);
      expect(r.tested, ext).toEqual(jsonl.tested);
      expect(
        r.clusters.map((c) => [c.cluster, c.p]),
        ext,
      ).toEqual(jsonl.clusters.map((c) => [c.cluster, c.p]));
      expect(r.flagged.map((f) => [f.account ?? f.cluster, f.p])).toEqual(
        jsonl.flagged.map((f) => [f.account ?? f.cluster, f.p]),
      );
    }
  }, 300_000);

  it('maps other column names with --map, and names the closest columns when one is missing', async () => {
    const path = join(dir, 'renamed.jsonl');
    const rows = readFileSync(join(dir, 'traffic.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{') && l.endsWith('}'))
      .slice(0, 400)
      .map((l) => {
        const { account, ts, ...rest } = JSON.parse(l);
        return JSON.stringify({ user_id: account, created_at: ts, ...rest });
      });
    writeFileSync(path, `${rows.join('\n')}\n`);
    await expect(run([path], [join(dir, 'reference.jsonl')])).rejects.toThrow(
      /renamed\.jsonl: missing required column\(s\) "ts" \(closest columns found: .*\); "account" \(closest columns found: .*\); map other names with --map ts=<column>/,
    );
    const mapped = await run([path], [join(dir, 'reference.jsonl')], {
      map: { account: 'user_id', ts: 'created_at' },
    }).catch((e: Error) => e);
    // The reference file has the canonical names, so mapping applies to both: the reference now lacks user_id.
    expect(String(mapped)).toMatch(/reference\.jsonl: missing required column\(s\) "created_at"/);
    const ok = await run([path], [], {
      map: { account: 'user_id', ts: 'created_at' },
      referenceAccounts: Array.from({ length: 40 }, (_, i) => `acct-${String(i + 1).padStart(5, '0')}`),
    }).catch((e: Error) => e);
    expect(String(ok)).toMatch(/at least 20 are needed|reference/);
  });

  it('refuses empty files, unparseable timestamps and a missing reference with clear errors', async () => {
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    await expect(run([empty], [join(dir, 'reference.jsonl')])).rejects.toThrow(/empty\.jsonl: empty file/);
    // Lines that are all refused are no "empty file": the reasons are counted, the first lines named.
    const invalid = join(dir, 'invalid.jsonl');
    writeFileSync(invalid, `${Array.from({ length: 100 }, () => '{not json').join('\n')}\n[1]\n`);
    await expect(run([invalid], [join(dir, 'reference.jsonl')])).rejects.toThrow(
      /invalid\.jsonl: no request rows: all 101 non-blank lines were refused: 100 not valid JSON \(lines 1, 2, 3, …\); 1 valid JSON but not an object \(line 101\)/,
    );
    const objects = join(dir, 'objects.jsonl');
    writeFileSync(objects, '{}\n{}\n');
    await expect(run([objects], [join(dir, 'reference.jsonl')])).rejects.toThrow(
      /objects\.jsonl: no request rows: all 2 lines are empty JSON objects/,
    );
    const badTs = join(dir, 'bad-ts.csv');
    writeFileSync(
      badTs,
      'ts,account,prompt,inputTokens,outputTokens\n03/01/2025 10:00,a,hi,1,2\n03/01/2025 11:00,b,hi,1,2\n',
    );
    await expect(run([badTs], [join(dir, 'reference.csv')])).rejects.toThrow(
      /bad-ts\.csv: unparseable timestamps in 2 of 2 rows \(first at line 2\): expected ISO 8601/,
    );
    await expect(run([badTs], [])).rejects.toThrow(/no benign reference/);
  });
});
