/**
 * CLI start (issue 15): `clearbox --version` within 3× a bare `node -e 0`, both spawned the same way and
 * interleaved so that machine load hits both alike; medians of repeated runs. Also shown: a real command
 * (`estimate infer`, which loads core and the catalog) against the same baseline, and the TypeScript
 * path through tsx that every start took before the bundle.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const START_BUDGET_RATIO = 3;
const RUNS = 15;
const bin = fileURLToPath(new URL('../packages/cli/bin/clearbox.js', import.meta.url));

function wallMs(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { env, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`bench: node ${args.join(' ')} exited ${result.status}`);
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

export function benchCli(): string[] {
  const fromSource = { ...process.env, CLEARBOX_FROM_SOURCE: '1' };
  const estimate = [bin, 'estimate', 'infer', '--model', 'llama-3.1-8b', '--hardware', 'h100'];
  wallMs([bin, '--version']); // builds the bundle if the sources changed since the last one
  const samples = { node: [] as number[], version: [] as number[], estimate: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    samples.node.push(wallMs(['-e', '0']));
    samples.version.push(wallMs([bin, '--version']));
    samples.estimate.push(wallMs(estimate));
  }
  const tsx = median([0, 1, 2].map(() => wallMs([bin, '--version'], fromSource)));
  const node = median(samples.node);
  const version = median(samples.version);
  const ratio = version / node;
  const verdict = ratio <= START_BUDGET_RATIO ? 'PASS' : 'FAIL';
  return [
    `node -e 0: ${node.toFixed(0)} ms (median of ${RUNS}, the baseline)`,
    `clearbox --version: ${version.toFixed(0)} ms = ${ratio.toFixed(2)}× node (target ≤ ${START_BUDGET_RATIO}×) ${verdict}`,
    `clearbox estimate infer (llama-3.1-8b on h100): ${median(samples.estimate).toFixed(0)} ms = ${(median(samples.estimate) / node).toFixed(2)}× node`,
    `clearbox --version through tsx (CLEARBOX_FROM_SOURCE=1, the path before the bundle): ${tsx.toFixed(0)} ms = ${(tsx / node).toFixed(2)}× node`,
  ];
}
