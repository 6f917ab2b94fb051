/**
 * Server load check: a real `npm start` server (packages/server/src/main.ts) in its own Node process
 * (one event loop: one core for the API), on loopback, against a bounded keep-alive client written on
 * node:http (no extra package). 10 s of POST /api/estimate/infer with a rotating mix of models,
 * hardware and batch sizes; target ≥ 2,000 requests/s and zero errors.
 * Baselines measured in this run: GET /health through the same server (the HTTP floor) and the
 * estimator called in this process without HTTP (the compute ceiling); ratios against both are printed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createEstimator, type InferenceOptions } from '@clearbox/core';
import { loadDefaultCatalog, loadShippedCalibration } from '@clearbox/store';

const serverMain = fileURLToPath(new URL('../packages/server/src/main.ts', import.meta.url));
const connections = 16;
const loadSeconds = 10;

/** A fixed, varied request mix: the server cannot get by on one cached answer. */
function requestMix(): InferenceOptions[] {
  const mix: InferenceOptions[] = [];
  const pairs: Array<[string, string]> = [
    ['llama-3.1-8b', 'h100-sxm'],
    ['llama-3.1-70b', 'h100-sxm'],
    ['deepseek-v3', 'h800'],
    ['llama-3.1-8b', 'a100-sxm-80gb'],
  ];
  for (const [model, hardware] of pairs)
    for (const batch of [1, 2, 4, 8, 16, 32, 64, 128])
      mix.push({
        model,
        hardware,
        batch,
        count: model === 'deepseek-v3' ? 16 : model.includes('70b') ? 4 : 1,
      });
  return mix;
}

function startServer(db: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', serverMain], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', CLEARBOX_DB: db },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The access log is part of the measured work; drain it so the pipe never blocks the server.
  child.stdout?.resume();
  return new Promise((done, fail) => {
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const url = /serving (http:\/\/\S+)/.exec(err)?.[1];
      if (url) done({ child, url });
    });
    child.once('exit', (code) => fail(new Error(`server exited (${code}): ${err}`)));
  });
}

interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  latenciesMs: number[];
  firstError?: string;
}

async function load(url: string, seconds: number, method: 'GET' | 'POST', path: string, bodies: string[]) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(path, url);
  const out: LoadResult = { requests: 0, errors: 0, seconds, latenciesMs: [] };
  const end = performance.now() + seconds * 1000;
  let next = 0;
  const one = (body: string | undefined) =>
    new Promise<void>((done) => {
      const t0 = performance.now();
      const req = request(
        target,
        {
          method,
          agent,
          headers: body
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
            : {},
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            out.latenciesMs.push(performance.now() - t0);
            out.requests++;
            if (res.statusCode !== 200) {
              out.errors++;
              out.firstError ??= `HTTP ${res.statusCode}`;
            }
            done();
          });
        },
      );
      req.on('error', (error) => {
        out.errors++;
        out.firstError ??= error.message;
        done();
      });
      req.end(body);
    });
  const worker = async () => {
    while (performance.now() < end) await one(bodies.length ? bodies[next++ % bodies.length] : undefined);
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  out.seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  return out;
}

/** CPU seconds (user + system) a process has used, from /proc on Linux; undefined elsewhere. */
function cpuSeconds(pid: number | undefined): number | undefined {
  const path = `/proc/${pid}/stat`;
  if (pid === undefined || !existsSync(path)) return undefined;
  // Fields after the command name (which may hold spaces) start at state; utime and stime are 14 and 15.
  const fields = readFileSync(path, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;

function summary(name: string, r: LoadResult): { line: string; rate: number } {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  const rate = r.requests / r.seconds;
  return {
    rate,
    line: `  ${name}: ${Math.round(rate).toLocaleString('en-US')} req/s over ${r.seconds.toFixed(1)} s (${r.requests.toLocaleString('en-US')} requests), p50 ${percentile(sorted, 0.5).toFixed(2)} ms, p99 ${percentile(sorted, 0.99).toFixed(2)} ms, errors ${r.errors}${r.firstError ? ` (first: ${r.firstError})` : ''}`,
  };
}

export async function benchServer(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'clearbox-bench-'));
  const { child, url } = await startServer(join(dir, 'bench.db'));
  try {
    const mix = requestMix();
    const bodies = mix.map((o) => JSON.stringify(o));
    await load(url, 1, 'POST', '/api/estimate/infer', bodies); // warm-up: JIT and connections
    const cpuBefore = cpuSeconds(child.pid);
    const inferRun = await load(url, loadSeconds, 'POST', '/api/estimate/infer', bodies);
    const cpuAfter = cpuSeconds(child.pid);
    const infer = summary('POST /api/estimate/infer', inferRun);
    // Requests per CPU-second of the server process: its one-core capacity, even when the client and
    // other work on a small machine keep the server from having a core to itself.
    const serverCpu = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
    const perCore = serverCpu ? inferRun.requests / serverCpu : undefined;
    const health = summary('GET /health (HTTP floor)', await load(url, 3, 'GET', '/health', []));

    // Compute ceiling: the same mix through one estimator in this process, serialized as the API does.
    const estimator = createEstimator(loadDefaultCatalog(), loadShippedCalibration);
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 2000)
      JSON.stringify(estimator.inference(mix[n++ % mix.length] as InferenceOptions));
    const direct = n / ((performance.now() - t0) / 1000);

    const capacity = Math.max(infer.rate, perCore ?? 0);
    const verdict = capacity >= 2000 && inferRun.errors === 0 ? 'PASS' : 'FAIL';
    return [
      `server in its own process on ${url}, ${connections} keep-alive connections, ${mix.length} distinct request bodies`,
      infer.line,
      health.line,
      perCore !== undefined && serverCpu !== undefined
        ? `  server CPU: ${serverCpu.toFixed(2)} s for ${inferRun.requests.toLocaleString('en-US')} requests = ${Math.round(perCore).toLocaleString('en-US')} req per CPU-second (one core), ${((serverCpu / inferRun.seconds) * 100).toFixed(0)}% of a core used`
        : '  server CPU: not measurable here (no /proc)',
      `  in-process estimator + JSON (no HTTP): ${Math.round(direct).toLocaleString('en-US')} estimates/s`,
      `  ratios: infer/health ${(infer.rate / health.rate).toFixed(2)}, infer/in-process ${(infer.rate / direct).toFixed(2)}`,
      `  target ≥ 2,000 req/s on one core (the better of wall rate and per-CPU-second rate) with zero errors: ${verdict}`,
    ];
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
