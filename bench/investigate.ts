/**
 * Investigate benchmark, on generated data:
 * - Logs: N rows (default 10 million, CLEARBOX_BENCH_LOG_ROWS overrides) of Parquet written by DuckDB
 *   itself from range() into a temp folder, once, then through every detector (loading with defect
 *   checks, per-account aggregates, templates, IP/UA links, calibration, clusters, BH) with each log
 *   engine in turn: DuckDB, then embedded ClickHouse (chdb). Baselines measured in the same run on the
 *   same file: DuckDB's bare count(*) (answered from Parquet metadata) and a scan that reads every column
 *   once. Targets: DuckDB >= 1,000,000 rows/s and within 10x of the full-column scan; chdb within 2x of
 *   DuckDB with the same flags; peak resident memory (the engine included) < 4 GiB.
 * - Overlap: word hashing + 8-gram keys + sorted-set build + containment against a teacher set, in MB/s
 *   of text on one core, against a bare character scan of the same text; target >= 50 MB/s.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  binomialUpperTail,
  containment,
  defaultCorporaSpec,
  defaultLogOptions,
  generateCorpora,
  ngramKeys,
  toSortedSet,
  wordIds,
} from '@clearbox/core';
import { DuckSession, type EngineName, investigateLogFiles, type StatementTiming } from '@clearbox/logs';

const fmt = (x: number) => Number(x.toPrecision(3)).toLocaleString('en-US');
const verdict = (ok: boolean) => (ok ? 'ok' : 'FAIL');

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const out = await f();
  return [out, (performance.now() - t) / 1000];
}

/** CPU seconds of this process (every engine thread included) while f runs: less distorted by other jobs' load than wall time. */
async function cpuSeconds<T>(f: () => Promise<T>): Promise<[T, number]> {
  const before = process.cpuUsage();
  const out = await f();
  const used = process.cpuUsage(before);
  return [out, (used.user + used.system) / 1e6];
}

/** One engine through every detector on the file, with its statement breakdown and peak RSS. */
async function runEngine(engine: EngineName, file: string, rows: number) {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  let sqlSeconds: StatementTiming[] = [];
  const [[report, seconds], cpu] = await cpuSeconds(() =>
    timed(() =>
      investigateLogFiles(
        {
          files: [file],
          referenceFiles: [],
          referenceAccounts: Array.from({ length: 20_000 }, (_, i) => `acct-${i}`),
          map: {},
          options: { ...defaultLogOptions, clusterNullDraws: 1000 },
          engine,
        },
        new Date(0),
        (s) => {
          sqlSeconds = s;
        },
      ),
    ),
  );
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  // Statements may overlap: the engine's busy time is the union of the statement intervals.
  let sqlTotal = 0;
  let busyUntil = Number.NEGATIVE_INFINITY;
  for (const { start, end } of [...sqlSeconds].sort((a, b) => a.start - b.start)) {
    sqlTotal += Math.max(0, end - Math.max(start, busyUntil)) / 1000;
    busyUntil = Math.max(busyUntil, end);
  }
  const slowest = [...sqlSeconds].sort((a, b) => b.seconds - a.seconds).slice(0, 3);
  const rate = rows / seconds;
  const name = engine === 'duckdb' ? 'DuckDB' : 'ClickHouse (chdb)';
  return {
    seconds,
    cpu,
    rate,
    peakRss,
    flags: report.flagged.map((f) => f.account ?? f.cluster).sort(),
    lines: [
      `  ${name}, all detectors: ${fmt(seconds)} s (${fmt(cpu)} CPU s) = ${fmt(rate)} rows/s; ${fmt(report.tested.accounts)} accounts + ${fmt(report.tested.clusters)} clusters tested, ${report.flagged.length} flagged`,
      `    of which ${name} busy ${fmt(sqlTotal)} s (slowest: ${slowest.map((s) => `${fmt(s.seconds)} s "${s.sql.trim().slice(0, 40).replace(/\s+/g, ' ')}…"`).join('; ')}), TypeScript alone ${fmt(seconds - sqlTotal)} s`,
    ],
  };
}

async function benchLogs(rows: number): Promise<string[]> {
  const loadStart = loadavg();
  const dir = mkdtempSync(join(tmpdir(), 'clearbox-bench-investigate-'));
  const file = join(dir, 'logs.parquet');
  const accounts = 50_000;
  try {
    const session = await DuckSession.open();
    // 50,000 accounts; each draws from 8 private templates; the first 20,000 are the reference. A template
    // is 4 words of letters drawn from 10,000 by its id: the template key removes digits, so templates told
    // apart only by numbers (as before 2026-12-05) were one text for every account, and the template
    // pipeline had a single distinct text to key.
    const word = (j: number) =>
      `'w' || translate(CAST(hash(((i % ${accounts}) * 8 + hash(i) % 8) * 4 + ${j}) % 10000 AS VARCHAR), '0123456789', 'abcdefghij')`;
    const [, writeSeconds] = await timed(() =>
      session.run(`COPY (
  SELECT CAST(1740787200000 + i * 120 + (hash(i) % 60000) AS BIGINT) AS ts,
    'acct-' || (i % ${accounts}) AS account,
    'Template ' || ${word(0)} || ' ' || ${word(1)} || ' ' || ${word(2)} || ' ' || ${word(3)} || ' please answer the following question carefully: ' ||
      'topicword' || (hash(i * 7) % 500) || 'extended ' || (i % 997) AS prompt,
    CAST(50 + hash(i) % 400 AS BIGINT) AS inputTokens,
    CAST(100 + hash(i * 3) % 900 AS BIGINT) AS outputTokens,
    '10.' || (i % ${accounts}) % 250 || '.' || (i % ${accounts}) // 250 % 250 || '.1' AS ip,
    CASE WHEN i % 3 = 0 THEN 'openai-python/1.40.0' ELSE 'python-requests/2.31.0' END AS userAgent,
    CAST(CASE WHEN i % 50 = 0 THEN 8192 ELSE 1024 END AS BIGINT) AS maxTokens,
    i % 1000 = 0 AS logprobs,
    CAST(0 AS BIGINT) AS logitBias
  FROM range(${rows}) t(i)
) TO '${file}' (FORMAT parquet)`),
    );
    const [, countSeconds] = await timed(() => session.rows(`SELECT count(*) FROM read_parquet('${file}')`));
    const [[, scanSeconds], scanCpu] = await cpuSeconds(() =>
      timed(() =>
        session.rows(
          `SELECT count(account), sum(length(prompt)), sum(ts), sum(inputTokens), sum(outputTokens), count(ip), count(userAgent), sum(maxTokens), count_if(logprobs), sum(logitBias) FROM read_parquet('${file}')`,
        ),
      ),
    );
    await session.close();
    const duck = await runEngine('duckdb', file, rows);
    const click = await runEngine('clickhouse', file, rows);
    const ratio = duck.seconds / scanSeconds;
    const chRatio = click.seconds / duck.seconds;
    // The targets are wall-time ratios; under other jobs' load the ratio of CPU seconds of the process
    // (every engine thread included) is the steadier figure, printed beside them.
    const cpuRatio = duck.cpu / scanCpu;
    const sameFlags = JSON.stringify(duck.flags) === JSON.stringify(click.flags);
    return [
      `logs: ${fmt(rows)} Parquet rows, ${fmt(accounts)} accounts (written by DuckDB in ${fmt(writeSeconds)} s)`,
      `  bare count(*): ${fmt(countSeconds)} s (Parquet metadata: ${fmt(rows / countSeconds)} rows/s)`,
      `  full-column scan (DuckDB): ${fmt(scanSeconds)} s (${fmt(scanCpu)} CPU s; ${fmt(rows / scanSeconds)} rows/s)`,
      `  load average at the start: ${loadStart.map((x) => x.toFixed(1)).join(', ')}`,
      ...duck.lines,
      `  DuckDB detectors / full-column scan: ${fmt(ratio)}x (target <= 10x) ${verdict(ratio <= 10)} (CPU seconds: ${fmt(cpuRatio)}x); rows/s (target >= 1,000,000): ${verdict(duck.rate >= 1e6)}`,
      ...click.lines,
      `  ClickHouse (chdb) / DuckDB time: ${fmt(chRatio)}x (target <= 2x) ${verdict(chRatio <= 2)} (CPU seconds: ${fmt(click.cpu / duck.cpu)}x); same flags: ${sameFlags ? 'yes' : 'no'} ${verdict(sameFlags)}`,
      `  peak resident memory: DuckDB run ${fmt(duck.peakRss / 2 ** 30)} GiB, chdb run ${fmt(click.peakRss / 2 ** 30)} GiB (target < 4 GiB) ${verdict(Math.max(duck.peakRss, click.peakRss) < 4 * 2 ** 30)}`,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function benchOverlap(): string[] {
  const synth = generateCorpora({
    ...defaultCorporaSpec,
    prompts: 2000,
    baselines: 1,
    referenceTexts: 0,
    seed: 9,
  });
  const teacherTexts = (synth.corpora.teacher ?? []).map((r) => r.text);
  const suspectTexts = (synth.corpora.suspect ?? []).map((r) => r.text);
  const bytes = suspectTexts.reduce((a, t) => a + t.length, 0);
  const teacherSets = teacherTexts.map((t) => toSortedSet(ngramKeys(wordIds(t), 8)));
  let best = Number.POSITIVE_INFINITY;
  let baseline = Number.POSITIVE_INFINITY;
  let sink = 0;
  for (let rep = 0; rep < 5; rep++) {
    let t = performance.now();
    for (const text of suspectTexts) {
      let spaces = 0;
      for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 32) spaces++;
      sink += spaces;
    }
    baseline = Math.min(baseline, (performance.now() - t) / 1000);
    t = performance.now();
    suspectTexts.forEach((text, i) => {
      sink += containment(toSortedSet(ngramKeys(wordIds(text), 8)), teacherSets[i] as Float64Array);
    });
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  const mbps = bytes / 1e6 / best;
  return [
    `overlap: ${fmt(bytes / 1e6)} MB of suspect text in ${suspectTexts.length} answers (checksum ${fmt(sink)})`,
    `  bare character scan: ${fmt(bytes / 1e6 / baseline)} MB/s`,
    `  word hashing + 8-gram keys + sorted set + containment: ${fmt(mbps)} MB/s on one core (${fmt(best / baseline)}x the bare scan; target >= 50 MB/s) ${verdict(mbps >= 50)}`,
  ];
}

/** One run of `npm run eval:investigate --json`, as far as the summary reads it. */
interface EvalRun {
  scenario: string;
  referenceAccounts: number;
  seed: number;
  volume?: number;
  byQ: Record<
    string,
    {
      flagged: number;
      falseFlags: number;
      detected: Record<string, boolean>;
      /** False flags by the kinds of their accounts (`batch` = an honest batch pipeline). */
      falseKinds?: Record<string, number>;
    }
  >;
}

/**
 * The committed generalisation results (docs/investigate-eval-*.jsonl, written by
 * `npm run eval:investigate -- --json FILE`), summarised without re-running anything: per scenario and
 * reference size, recall per campaign, mean false-discovery proportion and the share of runs with any
 * false flag at each q. Where several files hold the same scenario and reference size, the newest file
 * (by the date in its name) is read for it. Targets (issue 12, 1,000-account reference): mean FDP <= q,
 * and on benign-only traffic a false flag in at most q of runs; recall is printed, not judged here (the
 * campaign sizes are the eval's, not in the results).
 */
export function summariseEval(folder = fileURLToPath(new URL('../docs/', import.meta.url))): string[] {
  const files = readdirSync(folder)
    .filter((f) => /^investigate-eval-.*\.jsonl$/.test(f))
    .sort();
  if (files.length === 0) return ['eval: no committed results (docs/investigate-eval-*.jsonl)'];
  const groups = new Map<string, { file: string; runs: EvalRun[] }>();
  for (const file of files) {
    const runs = readFileSync(join(folder, file), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as EvalRun);
    const fresh = new Map<string, EvalRun[]>();
    for (const r of runs) {
      const key = `${r.scenario}\u0000${r.referenceAccounts}`;
      fresh.set(key, [...(fresh.get(key) ?? []), r]);
    }
    // Files sort by date: a later file's runs replace an earlier file's for the same group.
    for (const [key, list] of fresh) groups.set(key, { file, runs: list });
  }
  const lines = [
    `eval (committed results, not re-run): ${files.join(', ')}; per scenario and reference size at q 0.01 | 0.05: recall per campaign (runs detected), mean FDP, runs with any false flag`,
  ];
  const keys = [...groups.keys()].sort((a, b) => {
    const [sa, ra] = a.split('\u0000');
    const [sb, rb] = b.split('\u0000');
    return Number(ra) - Number(rb) || String(sa).localeCompare(String(sb));
  });
  for (const key of keys) {
    const { file, runs } = groups.get(key) as { file: string; runs: EvalRun[] };
    const [scenario, reference] = key.split('\u0000');
    const benignOnly = /-benign$/.test(String(scenario));
    const perQ = Object.keys(runs[0]?.byQ ?? {})
      .sort((a, b) => Number(a) - Number(b))
      .map((q) => {
        const cells = runs.map((r) => r.byQ[q]).filter((c) => c !== undefined);
        const campaigns = Object.keys(cells[0]?.detected ?? {});
        const recall = campaigns.length
          ? campaigns
              .map((c) => `${c} ${cells.filter((x) => x.detected[c]).length}/${cells.length}`)
              .join(', ')
          : 'no campaigns';
        const fdp =
          cells.reduce((sum, x) => sum + (x.flagged ? x.falseFlags / x.flagged : 0), 0) / cells.length;
        const anyFalse = cells.filter((x) => x.falseFlags > 0).length / cells.length;
        // The eval's second reading: batch pipelines (not exchangeable with the benign reference) as true.
        const batch = (x: (typeof cells)[number]) =>
          Object.entries(x.falseKinds ?? {})
            .filter(([kind]) => kind.split('/').includes('batch'))
            .reduce((sum, [, n]) => sum + n, 0);
        const hasBatch = cells.some((x) => batch(x) > 0);
        const fdpNoBatch =
          cells.reduce((sum, x) => sum + (x.flagged ? (x.falseFlags - batch(x)) / x.flagged : 0), 0) /
          cells.length;
        const anyNoBatch = cells.filter((x) => x.falseFlags - batch(x) > 0).length / cells.length;
        const noBatch = (text: string) => (hasBatch ? ` (${text} without batch pipelines)` : '');
        // The issue's detection targets are stated for the 1,000-account reference.
        const judged = Number(reference) === 1000;
        const fdpVerdict = judged && campaigns.length ? ` ${verdict(fdp <= Number(q))}` : '';
        const anyVerdict = judged && benignOnly ? ` ${verdict(anyFalse <= Number(q))}` : '';
        const fdpText = campaigns.length
          ? `; FDP ${fdp.toFixed(3)}${fdpVerdict}${noBatch(fdpNoBatch.toFixed(3))}`
          : '';
        // A calibrated test flags something under the complete null in q of runs exactly (BH's FDR is its
        // FWER there), so over n runs the count is Binomial(n, q) at best: the chance of at least the
        // observed count says whether a share above q is evidence of miscalibration or the luck of n runs.
        const k = Math.round(anyFalse * cells.length);
        const kNoBatch = Math.round(anyNoBatch * cells.length);
        const chance = (x: number) => binomialUpperTail(x, cells.length, Number(q)).toPrecision(2);
        const binomial = benignOnly
          ? `; ${k}/${cells.length} runs, P(>= ${k} | rate q) ${chance(k)}${hasBatch ? `, without batch pipelines ${kNoBatch}/${cells.length}, P ${chance(kNoBatch)}` : ''}`
          : '';
        return `${recall}${fdpText}; any false ${(100 * anyFalse).toFixed(0)}%${anyVerdict}${noBatch(`${(100 * anyNoBatch).toFixed(0)}%`)}${binomial}`;
      });
    const volume = runs[0]?.volume;
    lines.push(
      `  ${scenario}, ${fmt(Number(reference))} reference, ${runs.length} run${runs.length === 1 ? '' : 's'}${volume !== undefined ? `, volume ${volume}` : ''}${files.length > 1 ? ` (${file})` : ''}: ${perQ.join(' | ')}`,
    );
  }
  return lines;
}

export async function benchInvestigate(): Promise<string[]> {
  const rows = Number(process.env.CLEARBOX_BENCH_LOG_ROWS ?? 10_000_000);
  return [...benchOverlap(), ...(await benchLogs(rows)), ...summariseEval()];
}
