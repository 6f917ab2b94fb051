import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCalibration, buildCatalog, type TextFile } from '../src/index.ts';

const dataDir = new URL('../data', import.meta.url).pathname;

/** The YAML files of one catalog section; paths keep the section folder so `buildCatalog` and `buildCalibration` pick the schema. */
function sectionFiles(section: 'calibration' | 'hardware' | 'models'): TextFile[] {
  const dir = join(dataDir, section);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml') || name.endsWith('.yml'))
    .sort()
    .map((name) => {
      const path = join(dir, name);
      return { path, text: readFileSync(path, 'utf8') };
    });
}

const calibrationFiles = sectionFiles('calibration');
const { inference: inferencePoints, training: trainingPoints } = buildCalibration(calibrationFiles);

// Hardware ids grouped by vendor, for the coverage check on the llama.cpp set.
const nvidiaGpus = new Set([
  'a100-sxm-80gb',
  'h100-sxm',
  'h100-pcie',
  'h800',
  'h200',
  'b200',
  'rtx-3060',
  'rtx-3090',
  'rtx-4090',
  'rtx-5090',
]);
const appleDevices = new Set(['m2-ultra', 'm3-ultra', 'm4-pro', 'm4-max']);

/**
 * Offline "Tokens per second" in mlcommons/inference_results_v4.1 (commit a2f5d66),
 * closed/NVIDIA/results/H200-SXM-141GBx8_TRT/llama2-70b-99/Offline/performance/run_1/mlperf_log_summary.txt.
 */
const mlperfV41H200OfflineTokensPerSecond = 31302.7;

describe('calibration data', () => {
  it('finds the calibration files', () => {
    expect(calibrationFiles.map((f) => f.path.split('/').pop())).toEqual(
      expect.arrayContaining(['llamacpp.yaml', 'mlperf.yaml', 'training.yaml', 'trtllm.yaml']),
    );
    for (const file of calibrationFiles) expect(file.path).toContain('/calibration/');
  });

  it('holds enough points to fit against', () => {
    expect(inferencePoints.length).toBeGreaterThanOrEqual(25);
    expect(trainingPoints.length).toBeGreaterThanOrEqual(10);
  });

  it('gives every point a unique id', () => {
    const ids = [...inferencePoints, ...trainingPoints].map((p) => p.id);
    const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(duplicates).toEqual([]);
  });

  it('gives every point a source with a title and a date', () => {
    for (const point of [...inferencePoints, ...trainingPoints]) {
      expect(point.source.title.trim(), point.id).not.toBe('');
      expect(point.source.date, point.id).toMatch(/^\d{4}-\d{2}(-\d{2})?$/);
    }
  });

  it('covers NVIDIA GPUs and Apple silicon in the llama.cpp set', () => {
    const llamacpp = inferencePoints.filter((p) => p.engine === 'llamacpp');
    const hardware = new Set(llamacpp.map((p) => p.hardware));
    expect([...hardware].filter((h) => nvidiaGpus.has(h)).length).toBeGreaterThanOrEqual(4);
    expect([...hardware].filter((h) => appleDevices.has(h)).length).toBeGreaterThanOrEqual(3);
    // Each setup (table, device, model, format) carries both llama-bench numbers: prompt processing
    // (prefill) and token generation (decode).
    const setups = new Set(llamacpp.map((p) => `${p.family} ${p.hardware} ${p.model} ${p.weights}`));
    for (const setup of setups) {
      const metrics = llamacpp
        .filter((p) => `${p.family} ${p.hardware} ${p.model} ${p.weights}` === setup)
        .map((p) => p.metric);
      expect(metrics.sort(), setup).toEqual(['decodeTokensPerSecond', 'prefillTokensPerSecond']);
    }
  });

  it('names the family of every inference point, so validation can hold whole tables out', () => {
    expect(inferencePoints.filter((p) => p.family === undefined).map((p) => p.id)).toEqual([]);
    const families = new Set(inferencePoints.map((p) => p.family));
    expect(families.size).toBeGreaterThanOrEqual(10);
  });

  it('gives every point measured at a serving concurrency that concurrency as its batch', () => {
    // TTFT and the per-user / per-device rates are only published from serving sweeps; a TPOT can also be
    // a fixed-batch decode measurement (our H200 decoders), which has a batch and no concurrency.
    const sweepOnly = new Set(['perUserTokensPerSecond', 'outputTokensPerSecondPerDevice', 'ttftSeconds']);
    const sweep = inferencePoints.filter((p) => sweepOnly.has(p.metric) || p.concurrency !== undefined);
    expect(sweep.length).toBeGreaterThan(0);
    for (const p of sweep) {
      expect(p.concurrency, p.id).toBeDefined();
      expect(p.batch, p.id).toBe(p.concurrency);
    }
  });

  it('records the MLPerf v4.1 H200 Offline result as logged', () => {
    const point = inferencePoints.find((p) => p.id === 'mlperf-v4.1-llama2-70b-offline-h200-x8');
    expect(point).toMatchObject({
      model: 'llama-2-70b',
      hardware: 'h200',
      count: 1,
      replicas: 8,
      metric: 'outputTokensPerSecond',
      batch: 806,
      measured: mlperfV41H200OfflineTokensPerSecond,
    });
  });
});

// The model and hardware catalogs are written alongside this data; each check runs once its folder has files.
const modelFiles = sectionFiles('models');
const hardwareFiles = sectionFiles('hardware');

describe('calibration ids resolve in the catalog', () => {
  const allPoints = [...inferencePoints, ...trainingPoints];

  it.skipIf(modelFiles.length === 0)('every model id exists', () => {
    const models = buildCatalog(modelFiles).models;
    const known = new Set(models.flatMap((m) => [m.id, ...(m.aliases ?? [])]));
    const missing = [...new Set(allPoints.map((p) => p.model))].filter((id) => !known.has(id));
    expect(missing).toEqual([]);
  });

  it.skipIf(hardwareFiles.length === 0)('every hardware id exists', () => {
    const devices = buildCatalog(hardwareFiles).devices;
    const known = new Set(devices.flatMap((d) => [d.id, ...(d.aliases ?? [])]));
    const missing = [...new Set(allPoints.map((p) => p.hardware))].filter((id) => !known.has(id));
    expect(missing).toEqual([]);
  });
});
