import { describe, expect, it } from 'vitest';
import { shippedCalibration, shippedCatalog } from '../../test/load-catalog.ts';
import { calibrationFileSchema, type InferencePoint } from '../catalog/calibration-schema.ts';
import { fitEfficiencies } from './calibration.ts';
import { FAMILY_ERROR_FLAG, familyOf, leaveOneFamilyOut } from './family-holdout.ts';
import { calibrationClassOf, validateByFamily } from './validate.ts';

const source = { title: 'test table', url: 'https://example.org/table', date: '2026-12-04' };

function point(id: string, family: string | undefined, measured: number): InferencePoint {
  return {
    id,
    model: 'llama-3.1-8b',
    hardware: 'h200',
    count: 1,
    engine: 'tuned',
    weights: 'fp8',
    kv: 'fp8',
    batch: 8,
    inputTokens: 1000,
    outputTokens: 1000,
    metric: 'outputTokensPerSecond',
    measured,
    source,
    ...(family === undefined ? {} : { family }),
  };
}

describe('calibration point schema', () => {
  it('round-trips a serving point with concurrency, expert parallelism, family and a latency metric', () => {
    const doc = {
      version: 1,
      inference: [
        {
          ...point('sweep-c16-tpot', 'sglang-blog-x', 0.021),
          model: 'deepseek-r1',
          count: 8,
          engine: 'tuned',
          batch: 16,
          concurrency: 16,
          expertParallel: 8,
          metric: 'tpotSeconds',
        },
      ],
    };
    const parsed = calibrationFileSchema.parse(doc);
    expect(calibrationFileSchema.parse(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed);
    expect(parsed.inference?.[0]).toMatchObject({
      concurrency: 16,
      expertParallel: 8,
      family: 'sglang-blog-x',
    });
  });

  it('keeps points without the new fields valid, and rejects an unknown metric', () => {
    const plain = point('plain', undefined, 100);
    expect(calibrationFileSchema.safeParse({ version: 1, inference: [plain] }).success).toBe(true);
    const bad = { ...plain, metric: 'tokensPerWatt' };
    const result = calibrationFileSchema.safeParse({ version: 1, inference: [bad] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['inference', 0, 'metric']);
  });
});

describe('leave-one-family-out', () => {
  const points = [
    point('a1', 'fam-a', 100),
    point('a2', 'fam-a', 110),
    point('b1', 'fam-b', 200),
    point('b2', 'fam-b', 190),
    point('c1', undefined, 300),
  ];

  it('never fits a family on its own points', () => {
    const leaks: string[] = [];
    const fits: string[][] = [];
    leaveOneFamilyOut(
      points,
      (training) => {
        fits.push(training.map((p) => p.id));
        return new Set(training.map(familyOf));
      },
      (trainedFamilies, p) => {
        if (trainedFamilies.has(familyOf(p))) leaks.push(p.id);
        return p.measured;
      },
      () => 'class',
    );
    expect(leaks).toEqual([]);
    // One fit per family; a point without a family is its own (source URL) family.
    expect(fits).toEqual([
      ['b1', 'b2', 'c1'],
      ['a1', 'a2', 'c1'],
      ['a1', 'a2', 'b1', 'b2'],
    ]);
  });

  it('flags exactly the families whose median absolute error exceeds 30%', () => {
    const factor: Record<string, number> = { 'fam-a': 1.29, 'fam-b': 1.31 };
    const report = leaveOneFamilyOut(
      points,
      () => null,
      (_, p) => p.measured * (factor[familyOf(p)] ?? 0.5),
      (p) => (p.id.startsWith('a') ? 'x' : 'y'),
    );
    const flagged = Object.fromEntries(report.families.map((f) => [f.family, f.flagged]));
    expect(FAMILY_ERROR_FLAG).toBe(0.3);
    expect(flagged).toEqual({ 'fam-a': false, 'fam-b': true, [source.url]: true });
    // 0.5x is not beyond 2x; the per-class groups partition the points.
    expect(report.overall.pointsBeyond2x).toBe(0);
    expect(report.classes.map((c) => [c.class, c.points])).toEqual([
      ['x', 2],
      ['y', 3],
    ]);
    expect(report.classes.find((c) => c.class === 'y')?.families).toEqual(['fam-b', source.url]);
  });
});

describe('leave-one-family-out on the shipped calibration data', () => {
  const catalog = shippedCatalog();
  const gaudi2 = shippedCalibration()
    .inference.filter((p) => p.family === 'intel-gaudi2-model-performance-1.18')
    .slice(0, 4);
  const gaudi3 = shippedCalibration()
    .inference.filter((p) => p.family === 'intel-gaudi3-model-performance-1.18')
    .slice(0, 4);
  const trtllm = shippedCalibration()
    .inference.filter((p) => p.family === 'trtllm-perf-overview-v1.0')
    .slice(0, 6);
  const subset = [...gaudi2, ...gaudi3, ...trtllm];

  it('predicts a family the same whatever the family measured (its own numbers never enter its fit)', () => {
    const family = 'intel-gaudi3-model-performance-1.18';
    const base = validateByFamily(catalog, subset);
    const skewed = subset.map((p) => (p.family === family ? { ...p, measured: p.measured * 3 } : p));
    const report = validateByFamily(catalog, skewed);
    const predicted = (r: typeof base, id: string) => r.points.find((p) => p.id === id)?.predicted;
    for (const p of subset.filter((q) => q.family === family)) {
      expect(predicted(report, p.id)).toBeCloseTo(predicted(base, p.id) ?? Number.NaN, 6);
    }
    // A family measured 3x faster than the physics says is flagged once held out.
    expect(report.families.find((f) => f.family === family)?.flagged).toBe(true);
  });

  it('groups points by vendor stack × engine × dense/MoE', () => {
    const classOf = (id: string) => {
      const p = shippedCalibration().inference.find((q) => q.id === id);
      if (!p) throw new Error(`no point ${id}`);
      return calibrationClassOf(catalog, p);
    };
    expect(classOf('mlperf-v4.1-llama2-70b-offline-h200-x8')).toBe('trtllm · dense');
    expect(classOf('mlperf-v4.1-llama2-70b-offline-mi300x-x8')).toBe('vllm-rocm · dense');
    const report = validateByFamily(catalog, subset);
    expect(report.classes.reduce((n, c) => n + c.points, 0)).toBe(subset.length);
    expect(report.overall.families).toBe(new Set(subset.map(familyOf)).size);
  });

  it('leaves excluded points out of every fit and of validation', () => {
    const excluded = shippedCalibration().inference.filter((p) => p.excluded !== undefined);
    expect(excluded.length).toBeGreaterThan(0);
    // An excluded point measured absurdly fast changes neither the fit nor the held-out predictions.
    const absurd = excluded.map((p) => ({
      ...p,
      family: 'trtllm-perf-overview-v1.0',
      measured: p.measured * 100,
    }));
    const withAbsurd = validateByFamily(catalog, [...subset, ...absurd]);
    const base = validateByFamily(catalog, subset);
    expect(withAbsurd.points.map((p) => p.id)).toEqual(base.points.map((p) => p.id));
    expect(withAbsurd.points.map((p) => p.predicted)).toEqual(base.points.map((p) => p.predicted));
    expect(fitEfficiencies(catalog, [...trtllm, ...absurd])).toEqual(fitEfficiencies(catalog, trtllm));
  });
});
