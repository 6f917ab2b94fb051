import { describe, expect, it } from 'vitest';
import { shippedCalibration, shippedCatalog } from '../../test/load-catalog.ts';
import type { InferencePoint } from '../catalog/calibration-schema.ts';
import { fitEfficiencies, predictionMode, predictPoint } from './calibration.ts';
import { pathFactorPriors, prefillAttentionPriors, priorTable } from './efficiency.ts';
import { resolveInference, runResolved, servingCurveFor } from './inference.ts';
import { pointMetricValue } from './point-metric.ts';

const catalog = shippedCatalog();
const source = { title: 'test sweep', url: 'https://example.org/sweep', date: '2026-12-04' };

function sweepPoint(metric: InferencePoint['metric'], concurrency: number): InferencePoint {
  return {
    id: `sweep-c${concurrency}-${metric}`,
    model: 'llama-3.1-8b',
    hardware: 'h200',
    count: 1,
    engine: 'vllm',
    weights: 'fp8',
    kv: 'fp8',
    batch: concurrency,
    concurrency,
    inputTokens: 2000,
    outputTokens: 500,
    metric,
    measured: 1,
    source,
  };
}

const resolve = (p: InferencePoint) =>
  resolveInference(catalog, priorTable, {
    model: p.model,
    hardware: p.hardware,
    count: p.count,
    weights: p.weights,
    kv: p.kv,
    engine: p.engine,
    inputTokens: p.inputTokens,
    outputTokens: p.outputTokens,
  });

describe('calibration predicts each point as it was measured', () => {
  it('predicts a point measured at a client concurrency on the serving curve, not as one static batch', () => {
    for (const metric of ['ttftSeconds', 'tpotSeconds', 'outputTokensPerSecondPerDevice'] as const) {
      const point = sweepPoint(metric, 64);
      expect(predictionMode(point)).toBe('curve');
      const [curve] = servingCurveFor(resolve(point), [64]);
      const predicted = predictPoint(catalog, priorTable, point).value;
      const expected =
        metric === 'ttftSeconds'
          ? curve?.ttftSeconds
          : metric === 'tpotSeconds'
            ? curve?.tpotSeconds
            : curve?.outputTokensPerSecondPerDevice;
      expect(predicted).toBeCloseTo(expected ?? Number.NaN, 9);
      // The static-batch reading differs: 64 prompts prefilled at once and no queueing or interference.
      const staticBatch = pointMetricValue(point, runResolved(resolve(point), 64));
      expect(Math.abs(predicted / staticBatch - 1)).toBeGreaterThan(0.01);
    }
  });

  it('predicts in-flight batching at saturation on the serving curve, with the batch as the engine limit', () => {
    const base = { ...sweepPoint('outputTokensPerSecond', 1), concurrency: undefined };
    const saturated: InferencePoint = { ...base, id: 'sat', batch: 32, scheduling: 'continuous' };
    const staticPoint: InferencePoint = { ...base, id: 'static', batch: 32 };
    expect(predictionMode(saturated)).toBe('saturated');
    expect(predictionMode(staticPoint)).toBe('batch');
    const r = resolve(saturated);
    const [curve] = servingCurveFor(r, [100_000]);
    // The engine limit of 32 sequences caps the running set: the saturated point runs 32 at a time.
    expect(curve?.runningSequences).toBeGreaterThan(32);
    const sat = predictPoint(catalog, priorTable, saturated).value;
    expect(sat).toBeLessThan(curve?.outputTokensPerSecond ?? 0);
    expect(sat).not.toBeCloseTo(predictPoint(catalog, priorTable, staticPoint).value, 3);
  });

  it('predicts a burst of requests by its makespan: more requests than slots pay the drain once', () => {
    const base = { ...sweepPoint('outputTokensPerSecond', 1), concurrency: undefined };
    const burst = (requests: number): InferencePoint => ({
      ...base,
      id: `burst-${requests}`,
      batch: 'max',
      scheduling: 'continuous',
      requests,
    });
    expect(predictionMode(burst(500))).toBe('burst');
    const saturated = predictPoint(catalog, priorTable, { ...burst(500), requests: undefined }).value;
    const small = predictPoint(catalog, priorTable, burst(50)).value;
    const large = predictPoint(catalog, priorTable, burst(5000)).value;
    // The drain (decode-only steps of the last running set) weighs less as the burst grows.
    expect(large).not.toBeCloseTo(small, 1);
    expect(Math.abs(large / saturated - 1)).toBeLessThan(Math.abs(small / saturated - 1));
  });

  it('takes the token budget a point ran with (vLLM on an A100: 2,048) over the engine class default', () => {
    const base = { ...sweepPoint('outputTokensPerSecond', 1), concurrency: undefined };
    const point: InferencePoint = {
      ...base,
      id: 'budget',
      hardware: 'a100-sxm-80gb',
      weights: 'bf16',
      kv: 'bf16',
      batch: 256,
      scheduling: 'continuous',
      requests: 500,
    };
    const classDefault = predictPoint(catalog, priorTable, point).value;
    const small = predictPoint(catalog, priorTable, { ...point, maxBatchedTokens: 2048 }).value;
    const explicit = predictPoint(catalog, priorTable, { ...point, maxBatchedTokens: 8192 }).value;
    expect(explicit).toBeCloseTo(classDefault, 9);
    expect(small).not.toBeCloseTo(classDefault, 3);
  });
});

describe('fitted fixed costs and software siblings', () => {
  it('charges eager host time to passes that carry prompt tokens, never to decode-only steps', () => {
    const point = sweepPoint('ttftSeconds', 1);
    const r = resolve({ ...point, model: 'deepseek-r1', hardware: 'h200', count: 8, engine: 'sglang' });
    r.hw.prefillHostLayerSeconds = 0;
    const captured = runResolved(r, 1);
    r.hw.prefillHostLayerSeconds = 0.01;
    const eager = runResolved(r, 1);
    expect(eager.decode.total).toBe(captured.decode.total);
    expect(eager.prefillSingle.total).toBeGreaterThanOrEqual(r.km.layers * 0.01);
    expect(captured.prefillSingle.total).toBeLessThan(r.km.layers * 0.01);
  });

  it('gives a class without points its sibling build’s efficiencies and device fixed costs, never its host time', () => {
    const rocm = shippedCalibration().inference.filter(
      (p) => p.family === 'inferencex-issue-890-dsr1-fp8-mi325x-sglang',
    );
    expect(rocm.length).toBeGreaterThan(0);
    const table = fitEfficiencies(catalog, rocm);
    const own = table.entries.find((e) => e.engine === 'sglang-rocm' && e.hardwareClass === undefined);
    const borrowed = table.entries.find((e) => e.engine === 'sglang' && e.hardwareClass === undefined);
    expect(own?.points.length).toBe(rocm.length);
    // SGLang on CUDA has no points here: it takes the SGLang software fit (made on the ROCm build's points).
    expect(borrowed?.origin).toBe('fitted');
    expect(borrowed?.points).toEqual(rocm.map((p) => p.id));
    expect(borrowed?.note).toContain('no points of its own');
    expect(borrowed?.note).toContain('host time is its own prior');
    // The ROCm build's TTFTs move its own eager prefill host time; SGLang on CUDA keeps its sourced prior.
    const prior = (id: string) => catalog.engines.find((e) => e.id === id)?.prefillHostLayerSeconds ?? 0;
    expect(own?.prefillHostLayerSeconds).not.toBe(prior('sglang-rocm'));
    expect(borrowed?.prefillHostLayerSeconds).toBe(prior('sglang'));
    // The device fixed-cost scale (the software's kernels per layer) is shared: both moved alike.
    expect(borrowed?.fixedCostScale).not.toBe(1);
    expect(borrowed?.fixedCostScale).toBeCloseTo(own?.fixedCostScale ?? 0, 1);
    // vLLM (another software) learns nothing from SGLang's points.
    expect(table.entries.some((e) => e.engine === 'vllm' || e.engine === 'vllm-rocm')).toBe(false);
  });
});

describe('what the fit lets one set of points decide for others', () => {
  const included = shippedCalibration().inference.filter((p) => p.excluded === undefined);
  const family = (id: string) => included.filter((p) => p.family === id);
  const rocmDense = [
    ...family('rocm-vllm-dev-docker-readme-2025'),
    ...family('dstack-llama-3.1-405b-mi300x-vllm-tgi-2024-10'),
    ...family('oci-llama-3.1-405b-mi300x-vllm-2024-10'),
  ];
  const rocmMoe = family('dstack-deepseek-r1-h200-mi300x-2025-03').filter(
    (p) => p.hardware === 'mi300x' && p.id.includes('-vllm-'),
  );
  const entry = (table: ReturnType<typeof fitEfficiencies>, engine: string) =>
    table.entries.find((e) => e.engine === engine && e.hardwareClass === undefined);

  it("fits FP8 factors per class: ROCm's FP8 runs never set vLLM-on-CUDA's (other vendor kernels)", () => {
    expect(rocmDense.length).toBeGreaterThan(100);
    const table = fitEfficiencies(catalog, rocmDense);
    const rocm = entry(table, 'vllm-rocm');
    const cuda = entry(table, 'vllm');
    // The ROCm class has BF16 (dstack) and FP8 (Oracle, rocm/vllm-dev) points, BF16 and FP8 both on 0.6.3
    // builds: it fits its FP8 factor.
    expect(rocm?.paths?.fp8).not.toEqual({
      compute: pathFactorPriors.fp8.compute,
      memory: pathFactorPriors.fp8.memory,
    });
    // vLLM on CUDA has no points: its FP8 GEMMs (cuBLASLt / CUTLASS) keep the sourced prior.
    expect(cuda?.note).toContain('no points of its own');
    expect(cuda?.paths?.fp8).toEqual({
      compute: pathFactorPriors.fp8.compute,
      memory: pathFactorPriors.fp8.memory,
    });
  });

  it('fits a format factor only where one release ran both formats (else format and build are confounded)', () => {
    // vLLM on CUDA, dense: FP8 only on 2024 builds (Lambda 0.5.4, dstack 0.6.3), 16-bit only on 0.11.0 (GPUStack).
    const cudaFp8 = [
      ...family('lambda-vllm-benchmark-h100-2024-09'),
      ...family('dstack-llama-3.1-405b-h100-mi300x-2024-11'),
    ];
    const cudaBf16 = family('gpustack-performance-lab-2025').filter(
      (p) => p.engine === 'vllm' && (p.model === 'qwen3-32b' || p.model === 'qwen3-14b'),
    );
    expect(cudaFp8.every((p) => p.weights.startsWith('fp8') && p.engineRelease?.startsWith('0.'))).toBe(true);
    expect(cudaBf16.length).toBeGreaterThan(0);
    expect(cudaBf16.every((p) => p.weights === 'bf16' && p.engineRelease === '0.11.0')).toBe(true);
    const cuda = entry(fitEfficiencies(catalog, [...cudaFp8, ...cudaBf16]), 'vllm');
    expect(cuda?.paths?.fp8).toEqual({
      compute: pathFactorPriors.fp8.compute,
      memory: pathFactorPriors.fp8.memory,
    });
    // vLLM on ROCm without Oracle's FP8 0.6.3 build: BF16 on 0.6.3 only, FP8 on 0.7.3-0.10.0 only.
    const unlinked = rocmDense.filter((p) => p.family !== 'oci-llama-3.1-405b-mi300x-vllm-2024-10');
    expect(entry(fitEfficiencies(catalog, unlinked), 'vllm-rocm')?.paths?.fp8).toEqual({
      compute: pathFactorPriors.fp8.compute,
      memory: pathFactorPriors.fp8.memory,
    });
  });

  it('identifies path factors on dense models only (an MoE point is keyed by its experts’ path)', () => {
    const dense = family('dstack-llama-3.1-405b-mi300x-vllm-tgi-2024-10');
    expect(rocmMoe.length).toBeGreaterThan(0);
    // Per-tensor or block-scaled FP8: both run the FP8 tensor cores, so both are keyed by the fp8 path.
    expect(rocmMoe.every((p) => p.weights === 'fp8' || p.weights === 'fp8_block')).toBe(true);
    // BF16 dense points and FP8 MoE points: two paths, but only the dense one is evidence of a format.
    const rocm = entry(fitEfficiencies(catalog, [...dense, ...rocmMoe]), 'vllm-rocm');
    expect(rocm?.paths?.fp8).toEqual({
      compute: pathFactorPriors.fp8.compute,
      memory: pathFactorPriors.fp8.memory,
    });
  });

  it('moves the prefill host time only on points that time prompt processing (TTFT, prefill rate)', () => {
    // DeepSeek-R1 on MI300X under vLLM: TPOT and throughput only (the TTFTs are excluded), 4x slower than
    // the decode step the model gives at low concurrency. No prompt is timed, so the host time keeps its prior.
    expect(rocmMoe.some((p) => p.metric === 'ttftSeconds')).toBe(false);
    const prior = catalog.engines.find((e) => e.id === 'vllm-rocm')?.prefillHostLayerSeconds;
    expect(entry(fitEfficiencies(catalog, rocmMoe), 'vllm-rocm')?.prefillHostLayerSeconds).toBe(prior);
    // The dstack 405B family times single prompts: there it is fitted.
    const dense = family('dstack-llama-3.1-405b-mi300x-vllm-tgi-2024-10');
    expect(entry(fitEfficiencies(catalog, dense), 'vllm-rocm')?.prefillHostLayerSeconds).not.toBe(prior);
  });
});

describe('the prefill attention efficiency: fitted only where long prompts identify it', () => {
  const included = shippedCalibration().inference.filter((p) => p.excluded === undefined);
  const family = (id: string) => included.filter((p) => p.family === id);
  const entry = (table: ReturnType<typeof fitEfficiencies>, engine: string) =>
    table.entries.find((e) => e.engine === engine && e.hardwareClass === undefined);

  it('keeps the prior on 128-token prompts, fits it on 10k-128k-token TTFTs, and never lends it to a sibling', () => {
    // OCI's 405B runs: 128-token prompts, attention a sliver of every step: nothing identifies it.
    const short = entry(
      fitEfficiencies(catalog, family('oci-llama-3.1-405b-mi300x-vllm-2024-10')),
      'vllm-rocm',
    );
    expect(short?.origin).toBe('fitted');
    expect(short?.prefillAttention).toBeUndefined();
    // dstack's single prompts of 10k-128k tokens on the same model and GPUs: attention sets their TTFT.
    const long = fitEfficiencies(catalog, family('dstack-llama-3.1-405b-mi300x-vllm-tgi-2024-10'));
    const rocm = entry(long, 'vllm-rocm')?.prefillAttention;
    expect(rocm).toBeDefined();
    expect(rocm).not.toBe(prefillAttentionPriors['vllm-rocm'].value);
    // Bounded ×/÷ 3 around its prior, like the GEMM efficiencies.
    expect(rocm).toBeGreaterThanOrEqual(prefillAttentionPriors['vllm-rocm'].value / 3 - 1e-3);
    expect(rocm).toBeLessThanOrEqual(prefillAttentionPriors['vllm-rocm'].value * 3 + 1e-3);
    // vLLM on CUDA (FlashAttention, not ROCm's CK/Triton kernels) takes nothing from it.
    expect(entry(long, 'vllm')?.prefillAttention).toBeUndefined();
  });
});

describe('software maturity: one slope on the fixed costs of older releases, shared by every class', () => {
  const included = shippedCalibration().inference.filter((p) => p.excluded === undefined);
  const family = (id: string) => included.filter((p) => p.family === id);
  // SGLang on H200 in two builds a year apart (dstack's 0.4.3.post2, InferenceX's 0.5.7, the reference);
  // vLLM only in its reference build (InferenceX #828, 0.15.1).
  const sglangOld = family('dstack-deepseek-r1-h200-mi300x-2025-03').filter(
    (p) => p.engine === 'sglang' && p.hardware === 'h200',
  );
  const training = [
    ...sglangOld,
    ...family('inferencex-issue-870-dsr1-fp8-h200-sglang'),
    ...family('inferencex-issue-828-gptoss-fp4-h100-vllm'),
  ];
  const vllmOld = family('dstack-deepseek-r1-h200-mi300x-2025-03').find(
    (p) => p.engine === 'vllm' && p.hardware === 'h200' && p.metric === 'tpotSeconds' && p.concurrency === 4,
  );

  it('fits the slope on the classes whose points ran older releases, and gives it to every class', () => {
    expect(sglangOld.length).toBeGreaterThan(0);
    expect(sglangOld.every((p) => p.engineRelease === '0.4.3.post2')).toBe(true);
    const table = fitEfficiencies(catalog, training);
    const slopes = new Set(table.entries.map((e) => e.fixedCostPerYear));
    expect(slopes.size).toBe(1);
    const [slope = 0] = slopes;
    // The older build decodes DeepSeek-R1 2-4× slower at low concurrency: fixed costs fall with age.
    expect(slope).toBeGreaterThan(0);
    expect(slope).toBeLessThanOrEqual(Math.log(10));
    // Without a point of an older release nothing moves the slope from its prior (no maturity effect).
    const current = fitEfficiencies(
      catalog,
      training.filter((p) => !sglangOld.includes(p)),
    );
    expect(current.entries.every((e) => e.fixedCostPerYear === 0)).toBe(true);
  });

  it("predicts a class's older release from the other classes' slope when its own points ran one release", () => {
    if (!vllmOld) throw new Error('no dstack vLLM TPOT point on H200 at concurrency 4');
    expect(vllmOld.engineRelease).toBe('0.7.4.dev181');
    const table = fitEfficiencies(catalog, training);
    const vllm = table.entries.find((e) => e.engine === 'vllm' && e.hardwareClass === undefined);
    // Every vLLM point in the fit ran its reference release: the slope came from SGLang's two builds.
    expect(vllm?.points.every((id) => id.startsWith('inferencex-issue-828'))).toBe(true);
    expect(vllm?.fixedCostPerYear).toBeGreaterThan(0);
    const withoutSlope = {
      entries: table.entries.map((e) => ({ ...e, fixedCostPerYear: 0 })),
    };
    // The older build pays the fixed costs of its age; its TPOT comes out longer than without the term.
    expect(predictPoint(catalog, table, vllmOld).value).toBeGreaterThan(
      predictPoint(catalog, withoutSlope, vllmOld).value,
    );
    // Fitting vLLM alone for its reference release needs no slope: SGLang is left out, and so is the slope.
    const vllmOnly = new Set(['vllm'] as const);
    const referenceOnly = fitEfficiencies(catalog, training, vllmOnly, true);
    expect(referenceOnly.entries.some((e) => e.engine === 'sglang')).toBe(false);
    expect(referenceOnly.entries.every((e) => e.fixedCostPerYear === undefined)).toBe(true);
    const withReleases = fitEfficiencies(catalog, training, vllmOnly);
    expect(withReleases.entries.find((e) => e.engine === 'vllm')).toEqual(vllm);
    // The reference release is what the constants describe: the term leaves it alone.
    const current = family('inferencex-issue-828-gptoss-fp4-h100-vllm')[0];
    if (!current) throw new Error('no InferenceX #828 point');
    expect(predictPoint(catalog, table, current).value).toBe(
      predictPoint(catalog, withoutSlope, current).value,
    );
  });
});
