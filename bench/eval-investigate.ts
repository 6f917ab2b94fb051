/**
 * `npm run eval:investigate`: the generalisation harness of issue 12 (point 4). For each scenario (two
 * independently written traffic generators, adversarial variants of the prose one, benign-only traffic of
 * both), each reference size and each seed, it writes the traffic as JSONL to a temporary folder, runs the
 * real pipeline (DuckDB in the store, then core, as `clearbox investigate logs` does) and scores the
 * flags against the generator's truth:
 * - recall per campaign: the share of seeds in which at least one of the campaign's accounts, or a
 *   cluster containing one, is flagged;
 * - FDP: flagged units (accounts or clusters) with no campaign account / flagged units (0 when none);
 * - any false flag: the share of runs in which any benign unit is flagged.
 * The pipeline runs once per seed at the largest q; BH-adjusted q values give the flags at each smaller q
 * (a unit is flagged at level q exactly when its adjusted q is at most q).
 *
 * Flags: --seeds N (default 10), --reference 1000[,10000] (default 1000), --volume X (prose generator
 * request counts, default 1), --scenarios a,b (default all), --json FILE (per-run results appended as
 * JSONL as they finish), --summarise FILE,FILE (print the table of earlier --json files; no runs).
 * Not part of `npm test` (minutes, not seconds).
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  attackerKinds,
  defaultLogOptions,
  defaultTrafficSpec,
  generateProseTraffic,
  generateTraffic,
  type ProseTrafficOptions,
} from '@clearbox/core';
import { investigateLogFiles } from '@clearbox/logs';

const QS = [0.01, 0.05] as const;

interface Truth {
  traffic: object[];
  reference: object[];
  /** Campaign id -> its accounts. */
  campaigns: Map<string, Set<string>>;
}

interface Scenario {
  id: string;
  describe: string;
  build: (seed: number, referenceAccounts: number, volume: number) => Truth;
}

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
      };
    },
  };
}

/** The project's first generator (synth-traffic.ts); benignOnly drops its attacker accounts' rows. */
function original(id: string, describe: string, benignOnly: boolean): Scenario {
  return {
    id,
    describe,
    build: (seed, referenceAccounts) => {
      const t = generateTraffic({ ...defaultTrafficSpec, seed, referenceAccounts });
      const campaigns = new Map<string, Set<string>>();
      for (const [account, kind] of Object.entries(t.truth)) {
        if (!attackerKinds.includes(kind)) continue;
        const set = campaigns.get(kind) ?? new Set<string>();
        set.add(account);
        campaigns.set(kind, set);
      }
      if (!benignOnly) return { traffic: t.traffic, reference: t.reference, campaigns };
      const attackers = new Set([...campaigns.values()].flatMap((s) => [...s]));
      return {
        traffic: t.traffic.filter((r) => !attackers.has(r.account)),
        reference: t.reference,
        campaigns: new Map(),
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
  prose('prose-benign', 'prose generator, benign only (batch pipeline kept)', { benignOnly: true }),
  original('original', "the project's own generator (synth-traffic.ts), default campaigns", false),
  original('original-benign', "the project's own generator, attacker accounts removed", true),
];

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}

interface RunResult {
  scenario: string;
  referenceAccounts: number;
  seed: number;
  rows: number;
  seconds: number;
  byQ: Record<
    string,
    { flagged: number; falseFlags: number; detected: Record<string, boolean>; falseUnits?: string[] }
  >;
}

async function runOnce(s: Scenario, seed: number, referenceAccounts: number, volume: number) {
  const t0 = performance.now();
  const truth = s.build(seed, referenceAccounts, volume);
  const dir = mkdtempSync(join(tmpdir(), 'clearbox-eval-'));
  try {
    const traffic = join(dir, 'traffic.jsonl');
    const reference = join(dir, 'reference.jsonl');
    const jsonl = (rows: object[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
    writeFileSync(traffic, jsonl(truth.traffic));
    writeFileSync(reference, jsonl(truth.reference));
    const report = await investigateLogFiles(
      {
        files: [traffic],
        referenceFiles: [reference],
        referenceAccounts: [],
        map: {},
        options: { ...defaultLogOptions, q: Math.max(...QS), seed },
      },
      new Date(),
    );
    const campaignOf = new Map<string, string>();
    for (const [id, accounts] of truth.campaigns) for (const a of accounts) campaignOf.set(a, id);
    const byQ: RunResult['byQ'] = {};
    for (const q of QS) {
      const flagged = report.flagged.filter((f) => f.q <= q);
      const detected: Record<string, boolean> = {};
      for (const id of truth.campaigns.keys()) detected[id] = false;
      let falseFlags = 0;
      // The benign units flagged (account or cluster id), to see which look-alikes fail.
      const falseUnits: string[] = [];
      for (const f of flagged) {
        const hit = f.accounts.map((a) => campaignOf.get(a)).filter((c): c is string => c !== undefined);
        if (hit.length === 0) {
          falseFlags++;
          falseUnits.push(f.account ?? `cluster ${f.cluster} (${f.accounts.join(' ')})`);
        }
        for (const c of hit) detected[c] = true;
      }
      byQ[String(q)] = { flagged: flagged.length, falseFlags, detected, falseUnits };
    }
    return {
      scenario: s.id,
      referenceAccounts,
      seed,
      rows: truth.traffic.length + truth.reference.length,
      seconds: (performance.now() - t0) / 1000,
      byQ,
    } satisfies RunResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;

function printTable(results: RunResult[], note: string): void {
  const seeds = new Set(results.map((r) => r.seed)).size;
  console.log(`\nGeneralisation (${seeds} seeds; ${note})\n`);
  console.log(
    '| scenario | reference | q | runs | recall per campaign (runs detected) | mean FDP | runs with a false flag | mean flagged units |',
  );
  console.log('| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |');
  const references = [...new Set(results.map((r) => r.referenceAccounts))].sort((a, b) => a - b);
  for (const referenceAccounts of references) {
    for (const s of scenarios) {
      const runs = results.filter((r) => r.scenario === s.id && r.referenceAccounts === referenceAccounts);
      if (runs.length === 0) continue;
      for (const q of QS) {
        const cells = runs.map((r) => r.byQ[String(q)] as RunResult['byQ'][string]);
        const campaigns = Object.keys(cells[0]?.detected ?? {});
        const recall = campaigns.length
          ? campaigns
              .map((c) => `${c} ${cells.filter((x) => x.detected[c]).length}/${cells.length}`)
              .join(', ')
          : '(no campaigns)';
        const fdp =
          cells.reduce((sum, x) => sum + (x.flagged ? x.falseFlags / x.flagged : 0), 0) / cells.length;
        const anyFalse = cells.filter((x) => x.falseFlags > 0).length / cells.length;
        const mean = cells.reduce((sum, x) => sum + x.flagged, 0) / cells.length;
        console.log(
          `| ${s.id} | ${referenceAccounts} | ${q} | ${runs.length} | ${recall} | ${fdp.toFixed(3)} | ${pct(anyFalse)} | ${mean.toFixed(1)} |`,
        );
      }
    }
  }
  console.log('\nScenarios:');
  for (const s of scenarios) console.log(`- ${s.id}: ${s.describe}`);
}

async function main(): Promise<void> {
  const summarise = flag('summarise', '');
  if (summarise) {
    const results = summarise
      .split(',')
      .flatMap((file) => readFileSync(file, 'utf8').split('\n').filter(Boolean))
      .map((line) => JSON.parse(line) as RunResult);
    printTable(results, `from ${summarise}`);
    return;
  }
  const seeds = Number(flag('seeds', '10'));
  const references = flag('reference', '1000').split(',').map(Number);
  const volume = Number(flag('volume', '1'));
  const chosen = flag('scenarios', scenarios.map((s) => s.id).join(',')).split(',');
  const out = flag('json', '');
  const results: RunResult[] = [];
  const started = performance.now();
  for (const referenceAccounts of references) {
    for (const s of scenarios.filter((x) => chosen.includes(x.id))) {
      for (let seed = 1; seed <= seeds; seed++) {
        const r = await runOnce(s, seed, referenceAccounts, volume);
        results.push(r);
        if (out) appendFileSync(out, `${JSON.stringify({ ...r, volume })}\n`);
        process.stderr.write(
          `${s.id} ref=${referenceAccounts} seed=${seed}: ${r.rows} rows, ${r.seconds.toFixed(1)} s, flagged@0.05 ${r.byQ['0.05']?.flagged}\n`,
        );
      }
    }
  }
  printTable(results, `volume ${volume}; ${((performance.now() - started) / 60000).toFixed(1)} min`);
}

await main();
