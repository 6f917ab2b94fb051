import { describe, expect, it } from 'vitest';
import { shippedCalibration, shippedCatalog, shippedEstimator } from '../../test/load-catalog.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { findDevice, findModel } from '../catalog/catalog.ts';
import { InputError } from '../errors/clearbox-error.ts';
import { fitEfficiencies, includedPoints, predictPoint } from './calibration.ts';
import type { EfficiencyTable } from './efficiency.ts';
import {
  ageReference,
  compareVersions,
  findRelease,
  maturityFixedCostFactor,
  referenceRelease,
  releaseAgeYears,
  releaseKernels,
  releaseSeries,
  releasesOf,
} from './engine-release.ts';
import { familyOf } from './family-holdout.ts';
import { estimateInference, type InferenceOptions } from './inference.ts';

const catalog = shippedCatalog();
const estimator = shippedEstimator(catalog);
// The fitted constants with the software-maturity slopes off: the tests of kernel paths compare releases
// by their paths alone (an older release also pays the fixed costs of its age, tested on its own below).
let kernelsTable: EfficiencyTable | undefined;
const kernelsOnly = (o: InferenceOptions) => {
  kernelsTable ??= {
    entries: estimator.efficiencies.entries.map((e) => ({
      ...e,
      fixedCostPerYear: 0,
      moeMlaFixedCostPerYear: 0,
    })),
  };
  return estimateInference(catalog, kernelsTable, o);
};

const deepseek: InferenceOptions = {
  model: 'deepseek-r1',
  hardware: 'h200',
  count: 8,
  weights: 'fp8',
  engine: 'sglang',
  inputTokens: 3200,
  outputTokens: 800,
  concurrency: [4, 64],
};

describe('engine releases', () => {
  it('orders version strings as the engines print them (dev < rc < release < post)', () => {
    const sorted = [
      '0.5.7',
      '0.4.3.post2',
      '0.7.3.dev138',
      '0.7.3',
      '0.7.3rc1',
      '0.4.3',
      '1.0',
      '0.17.post1.dev',
      '0.17',
    ];
    expect(sorted.sort(compareVersions)).toEqual([
      '0.4.3',
      '0.4.3.post2',
      '0.5.7',
      '0.7.3.dev138',
      '0.7.3rc1',
      '0.7.3',
      '0.17',
      '0.17.post1.dev',
      '1.0',
    ]);
  });

  it('groups builds by the release they are builds of (dev, rc, post and local parts dropped)', () => {
    expect(releaseSeries('0.6.3.dev116+g151ef4ef')).toBe('0.6.3');
    expect(releaseSeries('0.6.3.post2.dev308')).toBe('0.6.3');
    expect(releaseSeries('1.2.0rc1')).toBe('1.2.0');
    expect(releaseSeries('v0.17.post1.dev')).toBe('0.17');
    expect(releaseSeries('0.11.0')).not.toBe(releaseSeries('0.11.1'));
  });

  it('names only kernel paths the data defines, and every class reference runs factor-1 paths only', () => {
    const ids = new Set(catalog.kernelPaths.map((p) => p.id));
    for (const r of catalog.engineReleases)
      for (const id of r.paths ?? []) expect(ids.has(id), `${r.engine} ${r.version}: ${id}`).toBe(true);
    for (const engine of new Set(catalog.engineReleases.map((r) => r.engine))) {
      const reference = referenceRelease(catalog, engine);
      for (const id of reference?.paths ?? []) {
        const path = catalog.kernelPaths.find((p) => p.id === id);
        expect(path?.factor, `${engine} ${reference?.version}: ${id}`).toEqual({ compute: 1, memory: 1 });
      }
    }
  });

  it('defaults to the newest release the data knows for the class', () => {
    const e = estimator.inference(deepseek);
    expect(e.engineRelease.version).toBe(referenceRelease(catalog, 'sglang')?.version);
    expect(e.engineRelease.reference).toBe(true);
    expect(releasesOf(catalog, 'sglang').length).toBeGreaterThanOrEqual(2);
  });

  it('a release with a slower kernel path gives a slower step, on that operator only', () => {
    const newest = kernelsOnly(deepseek);
    const old = kernelsOnly({ ...deepseek, engineRelease: '0.4.3.post2' });
    expect(old.engineRelease.reference).toBe(false);
    expect(old.engineRelease.paths.map((p) => p.id)).toContain('triton-mla-decode');
    const attention = (e: typeof old) => e.operators.decode.find((o) => o.operator === 'attention over KV');
    expect(attention(old)?.seconds ?? 0).toBeGreaterThan(attention(newest)?.seconds ?? 0);
    const others = (e: typeof old) =>
      e.operators.decode.filter((o) => o.operator !== 'attention over KV').map((o) => o.seconds);
    expect(others(old)).toEqual(others(newest));
    for (const [i, p] of old.curve.entries())
      expect(p.tpotSeconds).toBeGreaterThan(newest.curve[i]?.tpotSeconds ?? 0);
  });

  it('ROCm releases that ran Triton MLA decode take the MI300X/MI325X comparison, not the H200 one', () => {
    const request: InferenceOptions = {
      model: 'deepseek-r1',
      hardware: 'mi300x',
      count: 8,
      weights: 'fp8',
      engine: 'vllm-rocm',
      inputTokens: 3200,
      outputTokens: 800,
      concurrency: [64],
      engineRelease: '0.7.3.dev138',
    };
    const rocm = catalog.kernelPaths.find((p) => p.id === 'triton-mla-decode-rocm');
    const cuda = catalog.kernelPaths.find((p) => p.id === 'triton-mla-decode');
    if (!rocm || !cuda) throw new Error('no Triton MLA decode paths in the data');
    // The ROCm comparison finds the Triton kernel further behind AITER than the CUDA one behind FlashMLA.
    expect(rocm.factor.memory).toBeLessThan(cuda.factor.memory);
    const old = estimator.inference(request);
    expect(old.engineRelease.paths.map((p) => [p.id, p.applied.memory])).toEqual([
      ['triton-mla-decode-rocm', rocm.factor.memory],
    ]);
    const sglang = estimator.inference({ ...request, engine: 'sglang-rocm', engineRelease: '0.4.2.post4' });
    expect(sglang.engineRelease.paths.map((p) => p.id)).toEqual(['triton-mla-decode-rocm']);
    // Measured on gfx942 only: an MI355X keeps the reference rate.
    const mi355x = estimator.inference({ ...request, hardware: 'mi355x' });
    expect(mi355x.engineRelease.paths[0]?.applied).toEqual({ compute: 1, memory: 1 });
  });

  it('FlashAttention-2 slows prefill attention on Hopper only, where its comparison was measured', () => {
    const request = {
      model: 'llama-3.1-8b',
      count: 1,
      engine: 'vllm' as const,
      inputTokens: 16384,
      outputTokens: 16,
    };
    const h100 = { ...request, hardware: 'h100-sxm' };
    expect(kernelsOnly({ ...h100, engineRelease: '0.6.3.post2.dev308' }).ttftSeconds.value).toBeGreaterThan(
      kernelsOnly(h100).ttftSeconds.value,
    );
    const a100 = { ...request, hardware: 'a100-sxm-80gb' };
    const oldA100 = kernelsOnly({ ...a100, engineRelease: '0.6.3.post2.dev308' });
    // The prefill alone: past 8,192 tokens of context that V0 build also decodes eagerly (decodeGraphMaxContext).
    expect(oldA100.throughput.prefillTokensPerSecond.value).toBe(
      kernelsOnly(a100).throughput.prefillTokensPerSecond.value,
    );
    expect(oldA100.engineRelease.paths[0]?.applied).toEqual({ compute: 1, memory: 1 });
  });

  it('an RCCL release pays the measured all-reduce latency on MI300X only, the fitted cost elsewhere', () => {
    const request: InferenceOptions = {
      model: 'llama-3.1-405b',
      hardware: 'mi300x',
      count: 8,
      weights: 'bf16',
      engine: 'vllm-rocm',
      inputTokens: 80,
      outputTokens: 80,
      concurrency: [],
    };
    const rccl = catalog.kernelPaths.find((p) => p.id === 'rccl-allreduce');
    if (rccl?.collectiveSeconds === undefined) throw new Error('no RCCL all-reduce path in the data');
    const allReduce = (e: ReturnType<typeof kernelsOnly>) =>
      e.operators.decode.find((o) => o.operator === 'all-reduce')?.seconds ?? 0;
    const newest = kernelsOnly(request);
    const old = kernelsOnly({ ...request, engineRelease: '0.6.3.dev116+g151ef4ef' });
    expect(old.engineRelease.collectiveSeconds).toBe(rccl.collectiveSeconds);
    expect(old.operators.fixedCosts.collectiveSeconds).toBeCloseTo(rccl.collectiveSeconds - 5e-6, 12);
    expect(allReduce(old)).toBeGreaterThan(allReduce(newest));
    // Every other operator of the decode step is the newest release's.
    const others = (e: typeof old) =>
      e.operators.decode.filter((o) => o.operator !== 'all-reduce').map((o) => o.seconds);
    expect(others(old)).toEqual(others(newest));
    // The RCCL figure was measured on MI300X: on another device the release keeps the class's cost.
    const mi325x = { ...request, hardware: 'mi325x' };
    const oldMi325x = kernelsOnly({ ...mi325x, engineRelease: '0.6.3.dev116+g151ef4ef' });
    expect(oldMi325x.engineRelease.collectiveSeconds).toBeUndefined();
    expect(allReduce(oldMi325x)).toBe(allReduce(kernelsOnly(mi325x)));
  });

  it("the 8-warp prefix-prefill kernel slows a chunked prompt's attention on MI300X only, never decode", () => {
    const version = '0.6.3.dev116+g151ef4ef';
    const request: InferenceOptions = {
      model: 'llama-3.1-405b',
      hardware: 'mi300x',
      count: 8,
      weights: 'bf16',
      engine: 'vllm-rocm',
      inputTokens: 32000,
      outputTokens: 128,
      concurrency: [1],
      engineRelease: version,
      // Given efficiencies: the fit (which reads the path's factor on the dstack points) must not differ.
      efficiencyCompute: 0.3,
      efficiencyMemory: 0.5,
    };
    // The same release with the path at the reference kernel's rate: the data's factor is the only change.
    const neutral: Catalog = {
      ...catalog,
      kernelPaths: catalog.kernelPaths.map((p) =>
        p.id === 'triton-prefix-prefill-8warps' ? { ...p, factor: { compute: 1, memory: 1 } } : p,
      ),
    };
    const old = estimator.inference(request);
    const reference = shippedEstimator(neutral).inference(request);
    const path = old.engineRelease.paths.find((p) => p.id === 'triton-prefix-prefill-8warps');
    expect(path?.operator).toBe('prefill-attention');
    expect(path?.applied).toEqual({ compute: 0.4, memory: 1 });
    // A 32,000-token prompt in 512-token chunks (the serving curve): each chunk after the first attends through
    // the slow kernel, so the first token is later. The explanation's prefill is one pass over the whole prompt
    // (no prefix: the reference kernel).
    expect(old.curve[0]?.ttftSeconds ?? 0).toBeGreaterThan((reference.curve[0]?.ttftSeconds ?? 0) + 1);
    // Its time at a given kernel efficiency is the same (each catalog's fit sets its own prefill attention
    // efficiency, which --eff-compute does not pin: the FLOPs over that rate are what must match).
    const attention = (e: typeof old) =>
      (e.operators.prefill.find((o) => o.operator === 'attention over KV')?.computeSeconds ?? 0) *
      e.operators.prefillAttention.efficiency;
    expect(attention(old)).toBeGreaterThan(0);
    expect(attention(old)).toBeCloseTo(attention(reference), 12);
    // Decode runs the paged-attention kernel: its attention is the same (fixed costs follow each catalog's fit).
    const decodeAttention = (e: typeof old) => {
      const row = e.operators.decode.find((o) => o.operator === 'attention over KV');
      return [row?.computeSeconds, row?.memorySeconds];
    };
    expect(decodeAttention(old)).toEqual(decodeAttention(reference));
    // The comparison was run on an MI300X-class GPU: on MI325X the release keeps the reference rate.
    const mi325x = { ...request, hardware: 'mi325x' };
    const applied = estimator.inference(mi325x).engineRelease.paths.find((p) => p.id === path?.id)?.applied;
    expect(applied).toEqual({ compute: 1, memory: 1 });
    // Two estimators, the second fitting afresh: 31.5 s measured at a load average of ~10 on 2 cores. A limit
    // on hanging, as the whole-fit tests have, not a speed assertion.
  }, 120_000);

  it("a release's chunked-prefill default applies above its context threshold only", () => {
    const release = releasesOf(catalog, 'vllm-rocm').find((r) => r.version === '0.6.3.dev116+g151ef4ef');
    const chunked = release?.chunkedPrefill;
    if (!chunked) throw new Error('the vLLM 0.6.3 ROCm build records no chunked-prefill default');
    const request: InferenceOptions = {
      hardware: 'mi300x',
      count: 8,
      weights: 'bf16',
      engine: 'vllm-rocm',
      inputTokens: 10000,
      outputTokens: 100,
      concurrency: [1],
      model: 'llama-3.1-405b',
    };
    const old = estimator.inference({ ...request, engineRelease: release?.version });
    const newest = estimator.inference(request);
    expect(old.engineRelease.maxBatchedTokens).toBe(chunked.maxBatchedTokens);
    expect(newest.engineRelease.maxBatchedTokens).toBeUndefined();
    // The serving curve runs the release's budget (it ran the class's while the explanation named the release's).
    const classBudget = catalog.engines.find((e) => e.id === 'vllm-rocm')?.limits.maxBatchedTokens;
    expect(classBudget).toBeGreaterThan(chunked.maxBatchedTokens);
    expect(old.serving.limits.maxBatchedTokens.value).toBe(chunked.maxBatchedTokens);
    expect(newest.serving.limits.maxBatchedTokens.value).toBe(classBudget);
    // The budget's derivation names the release and cites where its default was read, not the class data.
    expect(old.serving.limits.maxBatchedTokens.note).toMatch(
      /0\.6\.3\.dev116\+g151ef4ef chunks prompts into 512-token steps/,
    );
    expect(old.serving.limits.maxBatchedTokens.sources.map((x) => x.url)).toEqual(
      chunked.sources.map((x) => x.url),
    );
    expect(newest.serving.limits.maxBatchedTokens.note).toBe('engine token budget per step');
    // A 10,000-token prompt in 512-token chunks: 20 prompt-carrying steps instead of 2, each re-reading
    // the weights, so a slower first token.
    expect(old.ttftSeconds.value).toBeGreaterThan(newest.ttftSeconds.value);
    // Llama 2 70B (4,096 tokens of context) is below the threshold: the class's budget stands.
    const short = estimator.inference({
      ...request,
      model: 'llama-2-70b',
      inputTokens: 2000,
      engineRelease: release?.version,
    });
    expect(short.engineRelease.maxBatchedTokens).toBeUndefined();
    expect(short.serving.limits.maxBatchedTokens.value).toBe(classBudget);
    // Two fits of vLLM on ROCm (with every software that ran older releases, then alone): 41 s measured at a
    // load average of 11 on 2 cores. A limit on hanging, as the whole-fit tests have, not a speed assertion.
  }, 120_000);

  it('refuses a release the data does not know, naming the flag and the known versions', () => {
    let thrown: unknown;
    try {
      estimator.inference({ ...deepseek, engineRelease: '0.9.9' });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InputError);
    const message = (thrown as Error).message;
    expect(message).toMatch(/^--engine-release: /);
    for (const r of releasesOf(catalog, 'sglang')) expect(message).toContain(r.version);
    expect(message.split('\n')).toHaveLength(1);
  });

  it('leave-one-family-out: a held-out family never informs the factor of the path it runs', () => {
    // The dstack family is the only one running the Triton MLA decode path. Refit SGLang without it, once
    // with the data's prior and once with the prior halved: the fits must be identical (the factor is data,
    // not fitted), while the held-out points' predictions follow the prior they are given.
    const family = 'dstack-deepseek-r1-h200-mi300x-2025-03';
    const training = includedPoints(shippedCalibration().inference).filter((p) => familyOf(p) !== family);
    const halved: Catalog = {
      ...catalog,
      kernelPaths: catalog.kernelPaths.map((p) =>
        p.id === 'triton-mla-decode' ? { ...p, factor: { compute: 0.45, memory: 0.45 } } : p,
      ),
    };
    const engines = new Set(['sglang'] as const);
    const fit = fitEfficiencies(catalog, training, engines);
    const fitHalved = fitEfficiencies(halved, training, engines);
    const numbers = (t: typeof fit) =>
      t.entries.map((e) => [
        e.engine,
        e.hardwareClass,
        e.compute,
        e.memory,
        e.fixedCostScale,
        e.prefillHostLayerSeconds,
      ]);
    expect(numbers(fitHalved)).toEqual(numbers(fit));
    const held = shippedCalibration().inference.find(
      (p) =>
        familyOf(p) === family &&
        p.engine === 'sglang' &&
        p.metric === 'tpotSeconds' &&
        p.excluded === undefined,
    );
    if (!held) throw new Error('no held-out SGLang TPOT point in the dstack family');
    expect(held.engineRelease).toBe('0.4.3.post2');
    expect(predictPoint(halved, fitHalved, held).value).toBeGreaterThan(
      predictPoint(catalog, fit, held).value,
    );
    // Two fits of every software with older releases (36 s measured at a load average of 12 on 2 cores): a
    // limit on hanging, as the whole-fit tests have, not a speed assertion.
  }, 120_000);

  it('dates a release against its class reference, and reads a later date as the day the data was read', () => {
    const reference = { date: '2026-03-05' };
    expect(releaseAgeYears(reference, reference)).toBe(0);
    expect(releaseAgeYears({ date: '2025-03-05' }, reference)).toBeCloseTo(1, 2);
    expect(releaseAgeYears({ date: '2025-03' }, reference)).toBeCloseTo(1.01, 2);
    // Later than the reference: that date is when the data was read, not when the release was out.
    expect(releaseAgeYears({ date: '2026-12-05' }, reference)).toBe(0);
    // Dates a day apart are not a month apart: under the date field's resolution the age is 0.
    expect(releaseAgeYears({ date: '2026-03-04' }, reference)).toBe(0);
    expect(releaseAgeYears({ date: 'unknown' }, reference)).toBe(0);
    expect(maturityFixedCostFactor(Math.LN2, 2)).toBeCloseTo(4, 10);
    expect(maturityFixedCostFactor(undefined, 2)).toBe(1);
    const model = findModel(catalog, 'deepseek-r1');
    const device = findDevice(catalog, 'h200');
    const old = releaseKernels(catalog, 'sglang', model, device, '0.4.3.post2', 'strict');
    const newest = releaseKernels(catalog, 'sglang', model, device, undefined, 'strict');
    expect(newest.ageYears).toBe(0);
    expect(old.ageYears).toBeGreaterThan(0.9);
  });

  it('a point that names no release runs the newest one dated by its publication day, not the class newest', () => {
    const model = findModel(catalog, 'llama-3.1-405b');
    const device = findDevice(catalog, 'mi300x');
    const all = releasesOf(catalog, 'vllm-rocm');
    const newest = releaseKernels(catalog, 'vllm-rocm', model, device, undefined, 'point');
    expect(newest.version).toBe(all[all.length - 1]?.version);
    expect(newest.matched).toBe('default');
    // Published mid-2025: vLLM-ROCm 0.8.5 (dated 2025-05-29) existed by then, 0.10.0 (2025-08-14) did not.
    const mid2025 = releaseKernels(
      catalog,
      'vllm-rocm',
      model,
      device,
      undefined,
      'point',
      undefined,
      '2025-07-01',
    );
    expect(mid2025.matched).toBe('published-by');
    expect(mid2025.version).toBe('0.8.5');
    expect(mid2025.ageYears).toBeGreaterThan(newest.ageYears);
    // Published before any dated release: the oldest the data knows (never a newer build than the run's).
    const early = releaseKernels(
      catalog,
      'vllm-rocm',
      model,
      device,
      undefined,
      'point',
      undefined,
      '2024-01-01',
    );
    expect(early.version).toBe(all[0]?.version);
    // A named release wins over the publication day.
    expect(
      releaseKernels(catalog, 'vllm-rocm', model, device, '0.10.0', 'point', undefined, '2024-01-01').version,
    ).toBe('0.10.0');
  });

  it("counts a release's age within its runtime: TensorRT-LLM 0.17's TensorRT engines are not aged by the PyTorch backend", () => {
    const model = findModel(catalog, 'llama-3.1-8b');
    const device = findDevice(catalog, 'h100-sxm');
    const age = (version: string) =>
      releaseKernels(catalog, 'trtllm', model, device, version, 'strict').ageYears;
    const reference = releaseKernels(catalog, 'trtllm', model, device, undefined, 'strict');
    expect(reference.version).toBe('1.2.0rc1');
    // 0.17 (released by 2025-02-02) is ten months older than 1.2.0rc1 by the calendar, but it ran compiled
    // TensorRT engines, the newest of that runtime the data knows: its own age reference.
    const v017 = findRelease(catalog, 'trtllm', '0.17');
    expect(v017.runtime).toBe('tensorrt-engine');
    expect(ageReference(catalog, 'trtllm', v017)?.version).toBe('0.17');
    expect(releaseAgeYears(v017, findRelease(catalog, 'trtllm', '1.2.0rc1'))).toBeGreaterThan(0.75);
    expect(age('0.17')).toBe(0);
    // The PyTorch-backend releases are aged against the newest PyTorch-backend release, the class reference.
    expect(ageReference(catalog, 'trtllm', findRelease(catalog, 'trtllm', '1.0'))?.version).toBe('1.2.0rc1');
    expect(age('0.17.post1.dev')).toBeGreaterThan(0.6);
    expect(age('1.0')).toBeGreaterThan(0.1);
    expect(reference.ageYears).toBe(0);
    // Engines with one runtime (no `runtime` field) keep the class reference.
    expect(ageReference(catalog, 'sglang', findRelease(catalog, 'sglang', '0.4.3.post2'))?.version).toBe(
      '0.5.9',
    );
  });

  it('runs an older release at the fixed costs the maturity slope gives its age, the reference as fitted', () => {
    const table = (fixedCostPerYear: number) => ({
      entries: [
        {
          engine: 'sglang' as const,
          compute: 0.5,
          memory: 0.7,
          fixedCostScale: 1,
          fixedCostPerYear,
          origin: 'fitted' as const,
          points: [],
          sources: [],
          note: 'test',
        },
      ],
    });
    const single = { ...deepseek, concurrency: [1] };
    const tpot = (slope: number, engineRelease?: string) =>
      estimateInference(catalog, table(slope), {
        ...single,
        ...(engineRelease === undefined ? {} : { engineRelease }),
      }).curve[0]?.tpotSeconds ?? 0;
    expect(tpot(Math.LN2)).toBe(tpot(0));
    expect(tpot(Math.LN2, '0.4.3.post2')).toBeGreaterThan(tpot(0, '0.4.3.post2'));
  });
});
