/**
 * `npm run eval:investigate`: the generalisation harness of issue 12 (point 4). For each scenario (two
 * independently written traffic generators, adversarial variants of the prose one, benign-only traffic of
 * both), each reference size and each seed, it writes the traffic as JSONL to a temporary folder, runs the
 * real pipeline (the log engine's per-account statistics, then core's investigation, as
 * `clearbox investigate logs` does) and scores the flags against the generator's truth:
 * - recall per campaign: the share of seeds in which at least one of the campaign's accounts, or a
 *   cluster containing one, is flagged;
 * - FDP: flagged units (accounts or clusters) with no campaign account / flagged units (0 when none);
 * - any false flag: the share of runs in which any benign unit is flagged, also without the honest batch
 *   pipelines (whose kind is named in `falseKinds`);
 * - calibration: per run, Kolmogorov-Smirnov of the tested accounts drawn from the reference's own
 *   distribution (kind benign, framework or nat) against the uniform, on the conformal p and on the tail
 *   p that BH uses, at the effective size n h / (n + h) of a two-sample test against the h held-out
 *   reference accounts (ks-test.ts); two-sided and one-sided (more small p than uniform). Calibrated
 *   p-values fail it in about 5% of runs at 0.05;
 * - the run's power statement: whether a 4-account x 500-request campaign would have been flagged.
 * The pipeline runs once per seed at the smallest q; BH-adjusted q values give the flags at each larger q
 * (a unit is flagged at level q exactly when its adjusted q is at most q).
 *
 * Flags: --seeds N (default 10), --first-seed N (1), --reference 1000[,10000] (default 1000), --volume X
 * (prose generator request counts, default 1), --scenarios a,b (default all), --json FILE (per-run
 * results appended as JSONL as they finish), --memory-limit SIZE (the log engine's, e.g. 8GB: 100,000
 * reference accounts need more than the default 3GB), --summarise FILE,FILE (print the table of earlier --json
 * files; no runs). Not part of `npm test` (minutes, not seconds).
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  attackerKinds,
  benjaminiHochberg,
  defaultLogOptions,
  defaultTrafficSpec,
  generateProseTraffic,
  generateTraffic,
  investigateLogs,
  type KsUniformResult,
  ksUniform,
  type LogInvestigation,
  type ProseTrafficOptions,
  type TrafficSpec,
} from '@clearbox/core';
import { logAccountStats } from '@clearbox/logs';

const QS = [0.01, 0.05] as const;

interface Truth {
  traffic: object[];
  reference: object[];
  /** Campaign id -> its accounts. */
  campaigns: Map<string, Set<string>>;
  /** Every tested account's kind (benign, batch, nat, framework, or a campaign kind). */
  kinds: Map<string, string>;
}

interface Scenario {
  id: string;
  describe: string;
  build: (seed: number, referenceAccounts: number, volume: number) => Truth;
}

/** Kinds drawn from the reference's own distribution: their p-values must be uniform. */
const nullKinds = new Set(['benign', 'framework', 'nat']);

function prose(id: string, describe: string, variant: Partial<ProseTrafficOptions>): Scenario {
  return {
    id,
    describe,
    build: (seed, referenceAccounts, volume) => {
      const t = generateProseTraffic({ ...variant, seed, referenceAccounts, volume });
      return {
        traffic: t.traffic,
        reference: t.reference,
        campaigns: new Map(t.campaigns.map((c) => [c.id, new Set(c.accounts)])),
        kinds: new Map(Object.entries(t.labels).map(([a, l]) => [a, l.kind])),
      };
    },
  };
}

/**
 * The project's first generator (synth-traffic.ts); benignOnly drops its attacker accounts' rows; `spec`
 * changes its campaigns (each attacker kind is still scored as one campaign).
 */
function original(
  id: string,
  describe: string,
  benignOnly: boolean,
  spec: Partial<TrafficSpec> = {},
): Scenario {
  return {
    id,
    describe,
    build: (seed, referenceAccounts) => {
      const t = generateTraffic({ ...defaultTrafficSpec, ...spec, seed, referenceAccounts });
      const campaigns = new Map<string, Set<string>>();
      for (const [account, kind] of Object.entries(t.truth)) {
        if (!attackerKinds.includes(kind)) continue;
        const set = campaigns.get(kind) ?? new Set<string>();
        set.add(account);
        campaigns.set(kind, set);
      }
      const kinds = new Map<string, string>(Object.entries(t.truth));
      if (!benignOnly) return { traffic: t.traffic, reference: t.reference, campaigns, kinds };
      const attackers = new Set([...campaigns.values()].flatMap((s) => [...s]));
      return {
        traffic: t.traffic.filter((r) => !attackers.has(r.account)),
        reference: t.reference,
        campaigns: new Map(),
        kinds,
      };
    },
  };
}

const scenarios: Scenario[] = [
  prose('prose', 'prose generator: 3 naive accounts, 80-account pool behind 5 proxies', {}),
  prose('prose-jitter', 'campaign timing jittered into office hours', { jitter: true }),
  prose('prose-paraphrase', 'campaign templates paraphrased per request', { paraphrase: true }),
  prose('prose-split', 'naive over 24 accounts, pool over 240 accounts and 40 proxies', { split: true }),
  prose('prose-mixed', 'pool requests sent from 80 otherwise benign accounts', { mixed: true }),
  prose('prose-all', 'jitter + paraphrase + split together', { jitter: true, paraphrase: true, split: true }),
  prose('prose-4x500', "the target's smallest campaigns: naive and pool each 4 accounts x 500 requests", {
    naiveShape: [4, 500],
    poolShape: [4, 500],
  }),
  prose('prose-4x500-all', '4 x 500 campaigns, jittered and paraphrased', {
    naiveShape: [4, 500],
    poolShape: [4, 500],
    jitter: true,
    paraphrase: true,
  }),
  prose('prose-benign', 'prose generator, benign only (batch pipeline kept)', { benignOnly: true }),
  original('original', "the project's own generator (synth-traffic.ts), default campaigns", false),
  original('original-benign', "the project's own generator, attacker accounts removed", true),
  original(
    'original-4x500',
    "the project's own generator with the target's smallest campaigns: naive and hydra each 4 accounts x 500 requests, no sweeper",
    false,
    { naiveCampaigns: [[4, 500]], hydras: [4], hydraRequests: 500, sweepers: 0 },
  ),
];

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}

interface QResult {
  flagged: number;
  falseFlags: number;
  detected: Record<string, boolean>;
  falseUnits?: string[];
  /** Kind of each false unit (a cluster: its members' kinds joined by '/'). */
  falseKinds?: Record<string, number>;
  /** The run's power statement at this q: whether 4 accounts x 500 requests would have been flagged. */
  powerFourByFiveHundred?: { machinePaced: boolean; humanPaced: boolean };
}

interface RunResult {
  scenario: string;
  referenceAccounts: number;
  seed: number;
  rows: number;
  seconds: number;
  volume?: number;
  /** How the flags of byQ were chosen: 'hierarchical' (clusters first, then members); absent: flat BH. */
  testing?: string;
  byQ: Record<string, QResult>;
  /** The same run's p-values under flat BH over all accounts and clusters (hierarchical runs only). */
  byQFlat?: Record<string, QResult>;
  /** KS against the uniform of the tested accounts of the reference's own kinds: conformal p, tail p. */
  ks?: { conformal: KsUniformResult; tail: KsUniformResult } | undefined;
  power?: string;
  /**
   * Where the smallest p-values of the tested accounts of the reference's own kinds come from: how many
   * lie beyond every held-out score (conformal p at its floor 1/(h+1), where only the tail fit can go
   * lower), their smallest conformal and tail p, the account tail fit, and the false flags that flat BH
   * on the conformal p alone would make (is a false flag the extrapolation's doing, or would the
   * conservative p have made it too?).
   */
  nullTail?: {
    accounts: number;
    holdout: number;
    beyondHoldout: number;
    minP: number;
    minPTail: number;
    /** Of those accounts, how many have p (conformal, tail) at or below each level: expected accounts x level. */
    atOrBelow: Record<string, { conformal: number; tail: number }>;
    accountTail: LogInvestigation['calibration']['accountTail'];
    conformalFalseFlags: Record<string, number>;
  };
}

async function runOnce(
  s: Scenario,
  seed: number,
  referenceAccounts: number,
  volume: number,
  memoryLimit: string | undefined,
) {
  const t0 = performance.now();
  const truth = s.build(seed, referenceAccounts, volume);
  const dir = mkdtempSync(join(tmpdir(), 'clearbox-eval-'));
  try {
    const traffic = join(dir, 'traffic.jsonl');
    const reference = join(dir, 'reference.jsonl');
    const jsonl = (rows: object[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
    writeFileSync(traffic, jsonl(truth.traffic));
    writeFileSync(reference, jsonl(truth.reference));
    const stats = await logAccountStats({
      files: [traffic],
      referenceFiles: [reference],
      referenceAccounts: [],
      map: {},
      rareShare: defaultLogOptions.rareShare,
      ...(memoryLimit ? { memoryLimit } : {}),
    });
    const campaignOf = new Map<string, string>();
    for (const [id, accounts] of truth.campaigns) for (const a of accounts) campaignOf.set(a, id);
    const byQ: RunResult['byQ'] = {};
    // One investigation at the smallest q: the p-values and BH-adjusted q do not depend on q (a unit is
    // flagged at level q exactly when its adjusted q is at most q); the power statement is for that q.
    const report = investigateLogs(stats, { ...defaultLogOptions, q: QS[0], seed });
    const units = [
      ...report.accountPValues.map((u) => ({
        account: u.account,
        cluster: undefined,
        accounts: [u.account],
        q: u.q,
        pTail: u.pTail,
      })),
      ...report.clusters.map((c) => ({
        account: undefined,
        cluster: c.cluster,
        accounts: c.accounts,
        q: c.q,
        pTail: c.pTail,
      })),
    ];
    // The same p-values under flat BH over every account and cluster (the method before hierarchical
    // testing), to compare the two on the same runs.
    const flat = benjaminiHochberg(
      units.map((u) => u.pTail),
      1,
    ).adjusted;
    const byQFlat: RunResult['byQ'] = {};
    for (const q of QS) {
      const flagged = units.filter((_, i) => (flat[i] as number) <= q);
      const detected: Record<string, boolean> = {};
      for (const id of truth.campaigns.keys()) detected[id] = false;
      let falseFlags = 0;
      const falseKinds: Record<string, number> = {};
      for (const f of flagged) {
        const hit = f.accounts.map((a) => campaignOf.get(a)).filter((c): c is string => c !== undefined);
        if (hit.length === 0) {
          falseFlags++;
          const kind = [...new Set(f.accounts.map((a) => truth.kinds.get(a) ?? '?'))].sort().join('/');
          falseKinds[kind] = (falseKinds[kind] ?? 0) + 1;
        }
        for (const c of hit) detected[c] = true;
      }
      byQFlat[String(q)] = { flagged: flagged.length, falseFlags, detected, falseKinds };
    }
    for (const q of QS) {
      const flagged = units.filter((u) => u.q <= q);
      const detected: Record<string, boolean> = {};
      for (const id of truth.campaigns.keys()) detected[id] = false;
      let falseFlags = 0;
      const falseUnits: string[] = [];
      const falseKinds: Record<string, number> = {};
      for (const f of flagged) {
        const hit = f.accounts.map((a) => campaignOf.get(a)).filter((c): c is string => c !== undefined);
        if (hit.length === 0) {
          falseFlags++;
          falseUnits.push(f.account ?? `cluster ${f.cluster} (${f.accounts.join(' ')})`);
          const kind = [...new Set(f.accounts.map((a) => truth.kinds.get(a) ?? '?'))].sort().join('/');
          falseKinds[kind] = (falseKinds[kind] ?? 0) + 1;
        }
        for (const c of hit) detected[c] = true;
      }
      byQ[String(q)] = { flagged: flagged.length, falseFlags, detected, falseUnits, falseKinds };
    }
    const profile = (id: string) =>
      report.calibration.power.profiles.find((p) => p.profile === id)?.fourByFiveHundred ?? false;
    (byQ[String(QS[0])] as QResult).powerFourByFiveHundred = {
      machinePaced: profile('machine-paced'),
      humanPaced: profile('human-paced'),
    };
    const nulls = report.accountPValues.filter((u) => nullKinds.has(truth.kinds.get(u.account) ?? ''));
    const h = report.calibration.holdoutHalf;
    const ks: RunResult['ks'] = {
      conformal: ksUniform(
        nulls.map((u) => u.p),
        h,
      ),
      tail: ksUniform(
        nulls.map((u) => u.pTail),
        h,
      ),
    };
    const power = report.calibration.power.text;
    const conformalAdjusted = benjaminiHochberg(
      [...report.accountPValues.map((u) => u.p), ...report.clusters.map((c) => c.p)],
      1,
    ).adjusted;
    const conformalFalseFlags: Record<string, number> = {};
    for (const q of QS)
      conformalFalseFlags[String(q)] = units.filter(
        (u, i) => (conformalAdjusted[i] as number) <= q && !u.accounts.some((a) => campaignOf.has(a)),
      ).length;
    const nullTail: RunResult['nullTail'] = {
      accounts: nulls.length,
      holdout: h,
      beyondHoldout: nulls.filter((u) => u.p <= 1 / (h + 1)).length,
      minP: Math.min(...nulls.map((u) => u.p)),
      minPTail: Math.min(...nulls.map((u) => u.pTail)),
      atOrBelow: Object.fromEntries(
        [1e-4, 1e-3, 1e-2].map((t) => [
          String(t),
          { conformal: nulls.filter((u) => u.p <= t).length, tail: nulls.filter((u) => u.pTail <= t).length },
        ]),
      ),
      accountTail: report.calibration.accountTail,
      conformalFalseFlags,
    };
    return {
      scenario: s.id,
      referenceAccounts,
      seed,
      rows: truth.traffic.length + truth.reference.length,
      seconds: (performance.now() - t0) / 1000,
      volume,
      testing: 'hierarchical',
      byQ,
      byQFlat,
      ks,
      power,
      nullTail,
    } satisfies RunResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const fmtP = (p: number) => (p >= 0.001 ? p.toFixed(3) : p.toExponential(0));

function printTable(results: RunResult[], note: string, which: 'byQ' | 'byQFlat' = 'byQ'): void {
  const seeds = new Set(results.map((r) => r.seed)).size;
  console.log(`\nGeneralisation (${seeds} seeds; ${note})\n`);
  console.log(
    '| scenario | reference | q | runs | recall per campaign (runs detected) | mean FDP (batch pipelines as true discoveries) | runs with a false flag | same, batch pipelines not counted | mean flagged units | KS rejects at 0.05, conformal p (two-sided / more small p; min one-sided p) | same, tail p | power statement: 4 x 500 flagged (machine / human-paced) | s per run |',
  );
  console.log('| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const references = [...new Set(results.map((r) => r.referenceAccounts))].sort((a, b) => a - b);
  for (const referenceAccounts of references) {
    for (const s of scenarios) {
      const runs = results.filter((r) => r.scenario === s.id && r.referenceAccounts === referenceAccounts);
      if (runs.length === 0) continue;
      const ksRuns = (key: 'conformal' | 'tail') => {
        const tested = runs.filter((r) => r.ks);
        if (tested.length === 0) return '–';
        const two = tested.filter((r) => (r.ks?.[key].p ?? 1) < 0.05).length;
        const one = tested.filter((r) => (r.ks?.[key].pPlus ?? 1) < 0.05).length;
        const least = Math.min(...tested.map((r) => r.ks?.[key].pPlus ?? 1));
        return `${two} / ${one} of ${tested.length} (min ${fmtP(least)})`;
      };
      const seconds = runs.reduce((sum, r) => sum + r.seconds, 0) / runs.length;
      for (const q of QS) {
        const cells = runs.map((r) => r[which]?.[String(q)] as QResult);
        const campaigns = Object.keys(cells[0]?.detected ?? {});
        const recall = campaigns.length
          ? campaigns
              .map((c) => `${c} ${cells.filter((x) => x.detected[c]).length}/${cells.length}`)
              .join(', ')
          : '(no campaigns)';
        const fdp =
          cells.reduce((sum, x) => sum + (x.flagged ? x.falseFlags / x.flagged : 0), 0) / cells.length;
        const anyFalse = cells.filter((x) => x.falseFlags > 0).length / cells.length;
        // Batch pipelines as true discoveries: they are not exchangeable with the benign reference, which is
        // the null each unit is tested against (whether they are extraction is another question).
        const batchUnits = (x: QResult) =>
          Object.entries(x.falseKinds ?? {})
            .filter(([kind]) => kind.split('/').includes('batch'))
            .reduce((sum, [, n]) => sum + n, 0);
        const fdpNoBatch =
          cells.reduce((sum, x) => {
            return sum + (x.flagged > 0 ? (x.falseFlags - batchUnits(x)) / x.flagged : 0);
          }, 0) / cells.length;
        const nonBatch = (x: QResult) =>
          Object.entries(x.falseKinds ?? {}).some(([kind, n]) => n > 0 && !kind.split('/').includes('batch'));
        const anyFalseNoBatch = cells.every((x) => x.falseKinds)
          ? pct(cells.filter(nonBatch).length / cells.length)
          : '–';
        const mean = cells.reduce((sum, x) => sum + x.flagged, 0) / cells.length;
        const powered = cells.every((x) => x.powerFourByFiveHundred)
          ? `${cells.filter((x) => x.powerFourByFiveHundred?.machinePaced).length} / ${cells.filter((x) => x.powerFourByFiveHundred?.humanPaced).length} of ${cells.length}`
          : '–';
        console.log(
          `| ${s.id} | ${referenceAccounts} | ${q} | ${runs.length} | ${recall} | ${fdp.toFixed(3)} (${fdpNoBatch.toFixed(3)}) | ${pct(anyFalse)} | ${anyFalseNoBatch} | ${mean.toFixed(1)} | ${q === QS[0] ? ksRuns('conformal') : '″'} | ${q === QS[0] ? ksRuns('tail') : '″'} | ${powered} | ${seconds.toFixed(1)} |`,
        );
      }
    }
  }
  if (which === 'byQFlat') return;
  console.log('\nScenarios:');
  for (const s of scenarios) console.log(`- ${s.id}: ${s.describe}`);
}

/** Both tables: the flags as run, then (for hierarchical runs) flat BH on the same p-values. */
function printTables(results: RunResult[], note: string): void {
  const methods = [...new Set(results.map((r) => r.testing ?? 'flat BH'))].join(', ');
  printTable(results, `${note}; flags by ${methods}`);
  const withFlat = results.filter((r) => r.byQFlat);
  if (withFlat.length > 0)
    printTable(
      withFlat,
      `${note}; the same runs' p-values under flat BH over every account and cluster`,
      'byQFlat',
    );
}

async function main(): Promise<void> {
  const summarise = flag('summarise', '');
  if (summarise) {
    const results = summarise
      .split(',')
      .flatMap((file) => readFileSync(file, 'utf8').split('\n').filter(Boolean))
      .map((line) => JSON.parse(line) as RunResult);
    printTables(results, `from ${summarise}`);
    return;
  }
  const seeds = Number(flag('seeds', '10'));
  const firstSeed = Number(flag('first-seed', '1'));
  const references = flag('reference', '1000').split(',').map(Number);
  const volume = Number(flag('volume', '1'));
  const chosen = flag('scenarios', scenarios.map((s) => s.id).join(',')).split(',');
  const unknown = chosen.filter((id) => !scenarios.some((s) => s.id === id));
  if (unknown.length) {
    console.error(
      `--scenarios: unknown ${unknown.join(', ')} (known: ${scenarios.map((s) => s.id).join(', ')})`,
    );
    process.exit(2);
  }
  const out = flag('json', '');
  const memoryLimit = flag('memory-limit', '') || undefined;
  const results: RunResult[] = [];
  const started = performance.now();
  for (const referenceAccounts of references) {
    for (const s of scenarios.filter((x) => chosen.includes(x.id))) {
      for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
        const r = await runOnce(s, seed, referenceAccounts, volume, memoryLimit);
        results.push(r);
        if (out) appendFileSync(out, `${JSON.stringify(r)}\n`);
        process.stderr.write(
          `${s.id} ref=${referenceAccounts} seed=${seed}: ${r.rows} rows, ${r.seconds.toFixed(1)} s, flagged@0.01 ${r.byQ['0.01']?.flagged} (false ${r.byQ['0.01']?.falseFlags}: ${JSON.stringify(r.byQ['0.01']?.falseKinds)})\n`,
        );
      }
    }
  }
  printTables(results, `volume ${volume}; ${((performance.now() - started) / 60000).toFixed(1)} min`);
}

await main();
