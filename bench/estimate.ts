/**
 * Estimate benchmark: the speed and memory targets of the Estimate engine, measured reproducibly.
 * - Inference grid: ≥ 1,000,000 configurations (model × hardware × count × precision × batch) through the
 *   roofline kernel; target ≥ 1,000,000 configurations per second on one core. The same grid slice also
 *   runs through the Figure-building path (`estimateInference`) in this process as the baseline, and
 *   the ratio between the two is printed, so the result reads the same on a slower or faster machine.
 * - Catalog: reading and validating every shipped catalog file; target < 50 ms and < 50 MB of heap.
 * The grid is fixed and the order deterministic; each timing is the best of several runs.
 */
import { performance } from 'node:perf_hooks';
import {
  buildCalibration,
  buildCatalog,
  createEstimator,
  InputError,
  type KernelResult,
  type KvFormat,
  resolveInference,
  runInferenceKernel,
  sectionOf,
  type WeightFormat,
} from '@clearbox/core';
import { defaultDataDir, loadShippedCalibration, readTextFiles } from '@clearbox/store';

type Resolved = ReturnType<typeof resolveInference>;

export function benchEstimate(): string[] {
  const gc = (globalThis as { gc?: () => void }).gc;
  // The catalog's files: the calibration measurements are read apart, when a fit first needs them.
  const readCatalogFiles = () =>
    readTextFiles(defaultDataDir).filter((f) => sectionOf(f.path) !== 'calibration');
  const catalogFiles = readCatalogFiles();
  const catalog = buildCatalog(catalogFiles);
  const estimator = createEstimator(catalog, loadShippedCalibration);

  const counts = [1, 2, 4, 8];
  const precisions: Array<[WeightFormat, KvFormat]> = [
    ['bf16', 'bf16'],
    ['fp8', 'fp8'],
    ['int4', 'fp16'],
    ['q4_0', 'fp16'],
  ];
  const batches = Array.from({ length: 100 }, (_, i) => 1 + i * 8);

  const prepared: Resolved[] = [];
  for (const model of catalog.models) {
    for (const device of catalog.devices) {
      for (const count of counts) {
        for (const [weights, kv] of precisions) {
          const engine = weights === 'q4_0' ? 'llamacpp' : 'tuned';
          try {
            prepared.push(
              resolveInference(catalog, estimator.efficiencies, {
                model: model.id,
                hardware: device.id,
                count,
                weights,
                kv,
                engine,
                inputTokens: 1024,
                outputTokens: 256,
              }),
            );
          } catch (error) {
            // A format the device publishes no peak for (Ascend 950 lists FP8/FP4 only) is no configuration.
            if (!(error instanceof InputError)) throw error;
          }
        }
      }
    }
  }
  const gridSize = prepared.length * batches.length;

  function runGrid(): { configs: number; checksum: number; fitting: number } {
    let checksum = 0;
    let fitting = 0;
    let configs = 0;
    for (const r of prepared) {
      const work = { ...r.work };
      for (const batch of batches) {
        work.batch = batch;
        const k: KernelResult = runInferenceKernel(r.km, r.hw, r.off, work);
        checksum += k.outputTokensPerSecond;
        if (k.fits) fitting++;
        configs++;
      }
    }
    return { configs, checksum, fitting };
  }

  // Wall and CPU time of the best run: on a shared machine the wall clock also counts time the process
  // waited for a core, so the CPU time (user + system) is the figure "on one core" means.
  function best<T>(runs: number, fn: () => T): { seconds: number; cpuSeconds: number; result: T } {
    let seconds = Number.POSITIVE_INFINITY;
    let cpuSeconds = Number.POSITIVE_INFINITY;
    let result = fn();
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      result = fn();
      const c = process.cpuUsage(c0);
      seconds = Math.min(seconds, (performance.now() - t0) / 1000);
      cpuSeconds = Math.min(cpuSeconds, (c.user + c.system) / 1e6);
    }
    return { seconds, cpuSeconds, result };
  }

  const grid = best(3, runGrid);
  const kernelRate = grid.result.configs / grid.seconds;
  const kernelCpuRate = grid.result.configs / grid.cpuSeconds;

  // Baseline: the same configurations through the explained (Figure-building) path, on a fixed slice.
  const slice = prepared.filter((_, i) => i % 97 === 0);
  const baseline = best(2, () => {
    let n = 0;
    for (const r of slice) {
      for (const batch of batches.slice(0, 10)) {
        estimator.inference({
          model: r.model.id,
          hardware: r.device.id,
          count: r.count,
          weights: r.weights,
          kv: r.kv,
          engine: r.engine,
          inputTokens: 1024,
          outputTokens: 256,
          batch,
        });
        n++;
      }
    }
    return n;
  });
  const baselineRate = baseline.result / baseline.seconds;

  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const load = best(5, () => buildCatalog(readCatalogFiles()));
  const keep = buildCatalog(readCatalogFiles());
  gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  const catalogMs = load.seconds * 1000;
  const catalogMb = Math.max(0, heapAfter - heapBefore) / 1e6;
  const calibrationDir = `${defaultDataDir}/calibration`;
  const calibration = best(5, () => buildCalibration(readTextFiles(calibrationDir)));

  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const lines = [
    `inference grid: ${grid.result.configs.toLocaleString('en-US')} configurations (${catalog.models.length} models × ${catalog.devices.length} devices × ${counts.length} counts × ${precisions.length} precisions × ${batches.length} batches), ${grid.result.fitting.toLocaleString('en-US')} fit`,
    `  kernel:   ${Math.round(kernelCpuRate).toLocaleString('en-US')} configurations per CPU-second (best of 3: ${grid.cpuSeconds.toFixed(3)} s CPU), ${Math.round(kernelRate).toLocaleString('en-US')}/s wall (${grid.seconds.toFixed(3)} s)   target ≥ 1,000,000/s on one core: ${verdict(kernelCpuRate >= 1e6)}`,
    `  baseline: ${Math.round(baselineRate).toLocaleString('en-US')} configurations/s through estimateInference (Figures)   ratio kernel/baseline: ${(kernelRate / baselineRate).toFixed(1)}×`,
    `catalog load: ${catalogMs.toFixed(1)} ms, ${catalogMb.toFixed(1)} MB heap (${catalogFiles.length} files, ${keep.devices.length} devices, ${keep.models.length} models)   targets < 50 ms: ${verdict(catalogMs < 50)}, < 50 MB: ${verdict(catalogMb < 50)}${gc ? '' : ' (run with --expose-gc for an exact heap figure)'}`,
    `  calibration measurements, read only when a fit or check first needs them: ${(calibration.seconds * 1000).toFixed(1)} ms (${readTextFiles(calibrationDir).length} files, ${calibration.result.inference.length} inference and ${calibration.result.training.length} training points)`,
    `checksum ${grid.result.checksum.toExponential(6)} (same input, same output)`,
  ];
  if (gridSize < 1_000_000) lines.push('FAIL: the grid has fewer than 1,000,000 configurations');
  return lines;
}
