import { describe, expect, it } from 'vitest';
import { shippedCatalog, shippedEstimator, shippedFiles } from '../../test/load-catalog.ts';
import { type Catalog, findDevice, findModel } from '../catalog/catalog.ts';
import { countParameters } from '../estimate/parameters.ts';
import { runCheck } from './audit.ts';
import type { Check } from './claim-schema.ts';
import { type AuditContext, auditContext } from './context.ts';
import { mfuBand } from './mfu-band.ts';

const catalog: Catalog = shippedCatalog();
const ctx: AuditContext = auditContext(catalog, new Map(), shippedEstimator(catalog));
const check = (c: Check) => runCheck(ctx, c);
const fig = (o: ReturnType<typeof check>, name: string) => {
  const f = o.figures.find((x) => x.name === name);
  if (!f) throw new Error(`no figure ${name} in ${o.figures.map((x) => x.name).join(', ')}`);
  return f;
};

describe('activation-ratio', () => {
  // Mixtral 8x7B by hand: per expert 3·4096·14336 = 176,160,768; per layer attention 2·4096² + 2·4096·1024
  // = 41,943,040, norms 8,192, router 32,768; embeddings and head 32000·4096 each; final norm 4096.
  const total = 2 * 32000 * 4096 + 4096 + 32 * (41_943_040 + 8192 + 32_768 + 8 * 176_160_768);
  const activeMatmul = total - 32 * 6 * 176_160_768 - 32000 * 4096;
  it('Mixtral 8x7B activates 27.3% (hand count) and "0.28" holds', () => {
    expect(total).toBe(46_702_792_704);
    const o = check({ kind: 'activation-ratio', model: 'mixtral-8x7b', claimed: 0.28 });
    expect(fig(o, 'activationRatio').value).toBeCloseTo(activeMatmul / total, 10);
    expect(o.verdict).toBe('holds');
  });
  it('holds on one counting convention only', () => {
    const o = check({ kind: 'activation-ratio', model: 'mixtral-8x7b', claimed: [0.2725, 0.274] });
    expect(o.verdict).toBe('holds-on-basis');
    expect(o.explanation).toContain('without the embedding lookup');
  });
  it('DeepSeek-V3 "35-37%" is false: 37B of 671B is 5.5%', () => {
    const o = check({ kind: 'activation-ratio', model: 'deepseek-v3', claimed: [0.35, 0.37] });
    expect(o.verdict).toBe('false');
    expect(fig(o, 'activationRatio').value).toBeCloseTo(0.0546, 3);
    expect(o.explanation).toContain('in billions');
  });
});

describe('training-cost', () => {
  const base = {
    kind: 'training-cost',
    model: 'deepseek-v3',
    hardware: 'h800',
    usdPerGpuHour: 2,
    tokens: 14.8e12,
  } as const;
  it('2.788M H800 GPU-hours × $2 = $5.576M: holds only on the rental basis', () => {
    const o = check({ ...base, gpuHours: 2.788e6, claimedUsd: 5.576e6 });
    expect(fig(o, 'costUsd').value).toBe(5_576_000);
    expect(o.verdict).toBe('holds-on-basis');
    // Implied MFU by hand: 6 · N_active · D / (GPU-h · 3600 · 989.5e12)
    const n = countParameters(findModel(catalog, 'deepseek-v3').architecture).activeMatmul;
    expect(fig(o, 'mfu(bf16)').value).toBeCloseTo((6 * n * 14.8e12) / (2.788e6 * 3600 * 989.5e12), 6);
    expect(fig(o, 'mfu(bf16)').value).toBeCloseTo(0.3275, 3);
  });
  it('holds when the claim names its basis', () => {
    expect(
      check({ ...base, gpuHours: 2.788e6, claimedUsd: 5.576e6, basis: 'final-run-rental' }).verdict,
    ).toBe('holds');
  });
  it('wrong arithmetic is false', () => {
    const o = check({ ...base, gpuHours: 2.788e6, claimedUsd: 6e6 });
    expect(o.verdict).toBe('false');
  });
  it('too few GPU-hours for the FLOPs is implausible (MFU above 100%)', () => {
    const o = check({ ...base, gpuHours: 1e5, claimedUsd: 2e5 });
    expect(o.verdict).toBe('implausible');
    expect(fig(o, 'mfu(fp8)').value).toBeGreaterThan(1);
  });
});

describe('training-compute', () => {
  const llama = {
    kind: 'training-compute',
    model: 'llama-2-70b',
    hardware: 'a100-sxm-80gb',
    tokens: 2e12,
  } as const;
  const n = countParameters(findModel(catalog, 'llama-2-70b').architecture).activeMatmul;
  const mfu = (hours: number) => (6 * n * 2e12) / (hours * 3600 * 312e12);
  it("Llama 2 70B's 1.72M A100-hours imply ~43% MFU: holds", () => {
    const o = check({ ...llama, gpuHours: 1_720_320 });
    expect(o.verdict).toBe('holds');
    expect(fig(o, 'mfu').value).toBeCloseTo(mfu(1_720_320), 6);
  });
  it('a claimed MFU is compared with the implied one', () => {
    expect(check({ ...llama, gpuHours: 1_720_320, claimed: 0.43 }).verdict).toBe('holds');
    expect(check({ ...llama, gpuHours: 1_720_320, claimed: 0.6 }).verdict).toBe('false');
  });
  it('a thousand times the hours is absurdly low MFU: implausible', () => {
    const o = check({ ...llama, gpuHours: 1.72e9 });
    expect(mfu(1.72e9)).toBeLessThan(mfuBand(ctx.estimator.trainingMfu).floor.value);
    expect(o.verdict).toBe('implausible');
  });
  it('count × days too short for the FLOPs: implausible', () => {
    const o = check({
      kind: 'training-compute',
      model: 'llama-3.1-405b',
      hardware: 'h100-sxm',
      tokens: 15.6e12,
      count: 2048,
      days: 10,
    });
    expect(fig(o, 'gpuHours').value).toBe(2048 * 24 * 10);
    expect(o.verdict).toBe('implausible');
  });
});

describe('MFU band from the calibration data', () => {
  it('ceiling = best published × 1.5, floor = worst ÷ 3', () => {
    const band = mfuBand(ctx.estimator.trainingMfu);
    const values = ctx.estimator.trainingMfu.observations.map((o) => o.mfu);
    expect(band.ceiling.value).toBeCloseTo(Math.min(1, Math.max(...values) * 1.5), 12);
    expect(band.floor.value).toBeCloseTo(Math.min(...values) / 3, 12);
  });
});

describe('price-ratio', () => {
  // DeepSeek-V2 at CNY 1 / 2, USD/CNY 7.229 (May 2024); GPT-4 Turbo $10 / $30.
  const v2 = { price: 'deepseek-v2-chat-2024-05' };
  const turbo = { price: 'gpt-4-turbo-2024-04' };
  it('"about 1%" holds only on output prices (input 1.38%, blended 1.15%, output 0.92%)', () => {
    const o = check({
      kind: 'price-ratio',
      a: { ...v2, side: 'blended' },
      b: { ...turbo, side: 'blended' },
      claimed: 0.01,
    });
    expect(o.verdict).toBe('holds-on-basis');
    expect(
      fig(o, 'priceRatio(deepseek-v2-chat-2024-05 blended / gpt-4-turbo-2024-04 blended)').value,
    ).toBeCloseTo((0.75 / 7.229 + 0.25 * (2 / 7.229)) / 15, 6);
    expect(
      fig(o, 'priceRatio(deepseek-v2-chat-2024-05 input / gpt-4-turbo-2024-04 input)').value,
    ).toBeCloseTo(1 / 7.229 / 10, 6);
    expect(
      fig(o, 'priceRatio(deepseek-v2-chat-2024-05 output / gpt-4-turbo-2024-04 output)').value,
    ).toBeCloseTo(2 / 7.229 / 30, 6);
  });
  it('"1/10" is false on every side', () => {
    expect(
      check({
        kind: 'price-ratio',
        a: { ...v2, side: 'input' },
        b: { ...turbo, side: 'input' },
        claimed: 0.1,
      }).verdict,
    ).toBe('false');
  });
  it('one side against another is misleading', () => {
    const o = check({
      kind: 'price-ratio',
      a: { ...v2, side: 'output' },
      b: { ...turbo, side: 'input' },
      claimed: 2 / 7.229 / 10,
    });
    expect(o.verdict).toBe('misleading');
  });
  it('identical prices: ratio 1 holds on every side', () => {
    const o = check({
      kind: 'price-ratio',
      a: { price: 'o3-mini-2025-01', side: 'input' },
      b: { price: 'o1-mini-2025-01', side: 'input' },
      claimed: 1,
    });
    expect(o.verdict).toBe('holds');
  });
  it('against a price already replaced on that date: misleading', () => {
    const o = check({
      kind: 'price-ratio',
      a: { price: 'o3-mini-2025-01', side: 'input' },
      b: { price: 'o1-mini-2024-09', side: 'input' },
      claimed: 1.1 / 3,
    });
    expect(o.verdict).toBe('misleading');
  });
});

describe('price-change', () => {
  it('o3-mini vs o1-mini launch price: −63% is right but misleading (o1-mini cut the same day)', () => {
    const o = check({
      kind: 'price-change',
      from: 'o1-mini-2024-09',
      to: 'o3-mini-2025-01',
      side: 'output',
      claimed: { atMost: -0.6 },
    });
    expect(fig(o, 'priceChange(o1-mini-2024-09 → o3-mini-2025-01, output)').value).toBeCloseTo(
      4.4 / 12 - 1,
      10,
    );
    expect(o.verdict).toBe('misleading');
  });
  it('against the price in effect: no change, holds', () => {
    expect(
      check({
        kind: 'price-change',
        from: 'o1-mini-2025-01',
        to: 'o3-mini-2025-01',
        side: 'input',
        claimed: 0,
      }).verdict,
    ).toBe('holds');
  });
  it('"90% cheaper" is false', () => {
    expect(
      check({
        kind: 'price-change',
        from: 'o1-mini-2025-01',
        to: 'o3-mini-2025-01',
        side: 'input',
        claimed: -0.9,
      }).verdict,
    ).toBe('false');
  });
});

describe('hardware-ratio', () => {
  it('H100 / A100 dense BF16 = 989.5 / 312', () => {
    const o = check({
      kind: 'hardware-ratio',
      a: 'h100-sxm',
      b: 'a100-sxm-80gb',
      metric: 'bf16-flops',
      claimed: 3.17,
    });
    expect(o.figures[0]?.value).toBeCloseTo(989.5 / 312, 10);
    expect(o.verdict).toBe('holds');
  });
  it('B200 vs H100 "15x energy efficiency" read chip for chip is false (1.59× BF16/W, 3.18× FP4 against FP8)', () => {
    const o = check({
      kind: 'hardware-ratio',
      a: 'b200',
      b: 'h100-sxm',
      metric: 'flops-per-watt',
      claimed: 15,
    });
    expect(o.verdict).toBe('false');
    expect(o.figures[0]?.value).toBeCloseTo(2250 / 1000 / (989.5 / 700), 10);
  });
  it("refuses FLOPs per watt on the Ascend 910C's system-share power", () => {
    const o = check({
      kind: 'hardware-ratio',
      a: 'ascend-910c',
      b: 'h100-sxm',
      metric: 'flops-per-watt',
      claimed: 1,
    });
    expect(o.verdict).toBe('unverifiable');
    expect(o.explanation).toContain('system share');
    expect(o.figures).toEqual([]);
  });
  it('labels an estimated TPU power wherever it feeds FLOPs per watt', () => {
    const o = check({
      kind: 'hardware-ratio',
      a: 'tpu-v6e',
      b: 'h100-sxm',
      metric: 'flops-per-watt',
      claimed: 1,
    });
    expect(o.figures[0]?.inputs[0]).toMatchObject({ formula: 'dense peak / TDP (ESTIMATED power)' });
    expect(o.assumptions.join(' ')).toContain('ESTIMATE');
  });
  it('a vendor system-level figure repeated as a chip ratio is misleading, naming the system and workload it holds for', () => {
    const o = check({
      kind: 'hardware-ratio',
      a: 'b200',
      b: 'h100-sxm',
      metric: 'flops-per-watt',
      claimed: 15,
      vendorScope: {
        system: 'GB200 NVL72',
        workload: 'FP4 inference of a 1.8T MoE',
        figure: { value: 25, hedge: 'up-to' },
        source: { title: 'NVIDIA GTC 2024', date: '2024-03' },
      },
    });
    expect(o.verdict).toBe('misleading');
    expect(o.explanation).toContain('GB200 NVL72');
    expect(o.explanation).toContain('FP4 inference');
    expect(o.qualifiers?.[0]?.id).toBe('vendor-scope');
  });
  it('Ascend 910C vs H100: no FP8/INT8 rows that set the 910C BF16 against the H100 FP8 (the catalog lacks the 910C figure)', () => {
    const o = check({
      kind: 'hardware-ratio',
      a: 'ascend-910c',
      b: 'h100-sxm',
      metric: 'bf16-flops',
      claimed: 0.79,
    });
    expect(o.verdict).toBe('holds');
    expect(o.figures.map((f) => f.name)).not.toContain('ratio(bf16-flops, fp8)');
    expect(o.figures.map((f) => f.name)).not.toContain('ratio(bf16-flops, int8)');
    expect(o.explanation).not.toMatch(/fp8|int8/);
    expect(o.assumptions.join(' ')).toContain('Not read at fp8, int8');
  });
  it('B200 "4.5× an H100" holds only comparing FP4 with FP8', () => {
    const o = check({ kind: 'hardware-ratio', a: 'b200', b: 'h100-sxm', metric: 'bf16-flops', claimed: 4.5 });
    expect(o.verdict).toBe('holds-on-basis');
    expect(o.explanation).toContain('fp4');
  });
  it('price per FLOP without a purchase price is unverifiable, naming what is missing', () => {
    const o = check({
      kind: 'hardware-ratio',
      a: 'h800',
      b: 'h100-sxm',
      metric: 'price-per-flop',
      claimed: 1,
    });
    expect(o.verdict).toBe('unverifiable');
    expect(o.explanation).toContain('no purchase price');
  });
  it('the check uses the catalog: another H100 bandwidth changes the ratio', () => {
    const h100 = findDevice(catalog, 'h100-sxm');
    const doubled = {
      ...catalog,
      devices: catalog.devices.map((d) =>
        d.id === 'h100-sxm' ? { ...h100, memory: { ...h100.memory, bandwidthGBs: 6700 } } : d,
      ),
    };
    const o = runCheck(auditContext(doubled, new Map(), shippedEstimator(doubled)), {
      kind: 'hardware-ratio',
      a: 'h100-sxm',
      b: 'a100-sxm-80gb',
      metric: 'memory-bandwidth',
      claimed: 1,
    });
    expect(o.figures[0]?.value).toBeCloseTo(6700 / 2039, 10);
  });
});

describe('feasibility', () => {
  it('Llama 3.1 8B in BF16 fits a 24 GB RTX 4090: holds', () => {
    const o = check({ kind: 'feasibility', model: 'llama-3.1-8b', hardware: 'rtx-4090' });
    expect(o.verdict).toBe('holds');
  });
  it('Llama 3.1 70B in BF16 with every weight resident on one RTX 4090: false (≈141 GB of weights)', () => {
    const o = check({ kind: 'feasibility', model: 'llama-3.1-70b', hardware: 'rtx-4090', offload: 'none' });
    expect(o.verdict).toBe('false');
    expect(o.explanation).toContain('does not fit');
  });
  it('only by streaming from storage, far below a token per second: misleading, with the speed stated; a speed floor makes it false', () => {
    const o = check({ kind: 'feasibility', model: 'llama-3.1-70b', hardware: 'rtx-4090' });
    const tps = o.figures.filter((f) => f.name === 'perUserTokensPerSecond').at(-1)?.value ?? 1;
    expect(tps).toBeLessThan(1);
    expect(o.verdict).toBe('misleading');
    expect(o.explanation).toContain('streaming');
    expect(o.qualifiers?.map((q) => q.id)).toContain('speed-stated');
    const named = check({
      kind: 'feasibility',
      model: 'llama-3.1-70b',
      hardware: 'rtx-4090',
      offload: 'stream:nvme',
    });
    expect(named.verdict).toBe('holds');
    expect(named.qualifiers?.map((q) => q.id)).toContain('speed-stated');
    const fast = check({
      kind: 'feasibility',
      model: 'llama-3.1-70b',
      hardware: 'rtx-4090',
      minTokensPerSecond: 5,
    });
    expect(fast.verdict).toBe('false');
  });
});

describe('throughput', () => {
  const base = {
    kind: 'throughput',
    model: 'llama-3.1-8b',
    hardware: 'h100-sxm',
    count: 1,
    per: 'user',
  } as const;
  const reading = check({ ...base, claimed: 1 });
  const predicted = fig(reading, 'perUserTokensPerSecond').value;
  const ceiling = fig(reading, 'perUserTokensPerSecondCeiling').value;
  it('the ceiling is the memory roofline: 16 GB of BF16 weights over 3.35 TB/s', () => {
    // Decode at batch 1 reads every weight once (the embedding table only by row): at most
    // 3.35e12 / (2 · (N_total − N_embedding)) tokens/s.
    const p = countParameters(findModel(catalog, 'llama-3.1-8b').architecture);
    const n = p.total - p.embedding;
    expect(ceiling).toBeLessThanOrEqual(3.35e12 / (2 * n));
    // Below the roofline by the engine's fixed costs, as fitted on TensorRT-LLM's published throughput
    // (calibration: several ms per step at batch 1 for an 8B model), never by more than half.
    expect(ceiling).toBeGreaterThan(0.5 * (3.35e12 / (2 * n)));
    expect(predicted).toBeLessThan(ceiling);
  });
  it('a speed below the estimate holds; between estimate and ceiling holds on a basis; above the ceiling is implausible', () => {
    expect(check({ ...base, claimed: predicted * 0.5 }).verdict).toBe('holds');
    // Just under the ceiling and beyond the claim's ±10% of the estimate (fitted estimates sit near the roofline).
    const between = ceiling * 0.97;
    expect(between * 0.9).toBeGreaterThan(predicted);
    expect(check({ ...base, claimed: between }).verdict).toBe('holds-on-basis');
    expect(check({ ...base, claimed: ceiling * 3 }).verdict).toBe('implausible');
  });
  it('no "aggregate" reading where the largest batch that fits is 1 (Groq LPUs holding a 70B model)', () => {
    const o = check({
      kind: 'throughput',
      model: 'llama-3.3-70b',
      hardware: 'groq-lpu',
      claimed: 24000,
      versus: { hardware: 'h100-sxm' },
      claimedRatio: { value: 10, hedge: 'order-of-magnitude' },
    });
    expect(o.explanation).not.toContain('In aggregate');
    expect(o.assumptions.join(' ')).toContain('no aggregate reading distinct from one user');
    expect(o.assumptions.join(' ')).toMatch(/would take [\d,]+ replicas/);
    expect(o.verdict).toBe('implausible');
  });
  it('"N× faster than" compares the same workload on two devices', () => {
    const ratio = 4800 / 3350;
    // Claimed 1.2×: what TensorRT-LLM's own tables measure for Llama 3.1 8B FP8 on H200 against H100
    // (1.15-1.26×, trtllm-perf-overview); the bandwidth ratio (1.43×) is the bound, not the expectation.
    const o = check({
      ...base,
      hardware: 'h200',
      versus: { hardware: 'h100-sxm', count: 1 },
      claimedRatio: 1.2,
    });
    // Memory-bound decode scales with bandwidth, less the fixed per-kernel and per-layer costs that do
    // not (engine classes, fitted in calibration): the speed-up lies below the bandwidth ratio.
    const speedup = fig(o, 'speedupAtCeilings').value;
    expect(speedup).toBeGreaterThan(1.1);
    expect(speedup).toBeLessThanOrEqual(ratio + 1e-9);
    expect(['holds', 'holds-on-basis']).toContain(o.verdict);
    expect(
      check({ ...base, hardware: 'h200', versus: { hardware: 'h100-sxm', count: 1 }, claimedRatio: 10 })
        .verdict,
    ).toBe('false');
  });
});

describe('cost-ratio', () => {
  const disclosures = new Map(
    shippedFiles('disclosures').map((f) => [f.path.replace(/^.*\/|\.ya?ml$/g, ''), f]),
  );
  const withDisclosures = auditContext(catalog, disclosures, ctx.estimator);
  it('final-run rental: DeepSeek-V3 $5.576M over GPT-4 (Epoch AI) on the same basis, with the range of both', () => {
    const o = runCheck(withDisclosures, {
      kind: 'cost-ratio',
      a: 'deepseek-v3-disclosed',
      b: 'gpt-4-epoch',
      basis: 'final-run-rental',
      claimed: 0.05,
    });
    const ratio = fig(o, 'costRatio');
    const [a, b] = ratio.inputs as unknown as [
      { value: number },
      { value: number; low: number; high: number },
    ];
    expect(a.value).toBe(5_576_000);
    expect(ratio.value).toBeCloseTo(5_576_000 / b.value, 10);
    expect(ratio.high).toBeCloseTo(5_576_000 / b.low, 6);
    // 1/20 lies inside the range but not at the centre: true only under GPT-4's lower estimates.
    expect(o.verdict).toBe(
      0.05 >= (ratio.low ?? 0) && Math.abs(ratio.value - 0.05) > 0.005 ? 'holds-on-basis' : 'holds',
    );
    expect(
      runCheck(withDisclosures, {
        kind: 'cost-ratio',
        a: 'deepseek-v3-disclosed',
        b: 'gpt-4-epoch',
        claimed: 10,
      }).verdict,
    ).toBe('false');
  });
  it('an amount: the hardware stage of the fleet total of ownership against "above $500M"', () => {
    const o = runCheck(withDisclosures, {
      kind: 'cost-ratio',
      a: { disclosure: 'deepseek-v3-reconstructed', basis: 'fleet-ownership-total', stages: ['hardware'] },
      claimed: { atLeast: 500e6 },
    });
    expect(o.figures[0]?.value).toBe(1.6e9);
    expect(o.verdict).toBe('holds');
  });
  it("evidence only from the claim's own source (SemiAnalysis) is consistent-with-source, never a plain holds", () => {
    const c: Check = {
      kind: 'cost-ratio',
      a: { disclosure: 'deepseek-v3-reconstructed', basis: 'fleet-ownership-total', stages: ['hardware'] },
      claimed: { value: 500e6, hedge: 'over' },
    };
    const semi = {
      title: 'SemiAnalysis',
      url: 'https://semianalysis.com/2025/01/31/deepseek-debates',
      date: '2025-01-31',
    };
    const o = runCheck(withDisclosures, c, {
      source: { title: 'a briefing', date: '2025-02' },
      basedOn: semi,
    });
    expect(o.verdict).not.toBe('holds');
    expect(o.verdict).toBe('holds-on-basis');
    expect(o.qualifiers?.map((q) => q.id)).toEqual(['consistent-with-source']);
    expect(o.explanation).toContain('not independently verified');
    // Another source for the claim: the same evidence is independent of it.
    const other = runCheck(withDisclosures, c, {
      source: { title: 'someone else', url: 'https://example.org/x', date: '2025-02' },
    });
    expect(other.verdict).toBe('holds');
  });
  it('names the evidence nobody has published: unverifiable', () => {
    const o = check({
      kind: 'cost-ratio',
      a: { unavailable: 'enterprise inference spend' },
      claimed: { atLeast: 0.7 },
    });
    expect(o.verdict).toBe('unverifiable');
    expect(o.explanation).toContain('enterprise inference spend');
  });
  it('a disclosure that was not supplied: unverifiable, never a made-up number', () => {
    const o = check({ kind: 'cost-ratio', a: 'deepseek-v3-disclosed', b: 'gpt-4-epoch', claimed: 0.05 });
    expect(o.verdict).toBe('unverifiable');
    expect(o.figures).toEqual([]);
  });
});

describe('measured-performance', () => {
  const base = {
    kind: 'measured-performance',
    a: 'ascend-910c',
    b: 'h100-sxm',
    model: 'deepseek-v2',
    count: 8,
    weights: 'bf16',
  } as const;
  it('"910C at about 60% of an H100" is a measured inference result: plausible against the estimator at that workload, with the ratio', () => {
    const o = check({ ...base, claimed: { value: 0.6, hedge: 'about' } });
    expect(o.verdict).toBe('plausible');
    const est = fig(o, 'estimatedRatio');
    // Same model, count and batch on both: not the 0.79 peak ratio, and not an artefact of memory or interconnect.
    expect(est.value).toBeGreaterThan(0.6);
    expect(est.value).toBeLessThan(1.5);
    expect(o.explanation).toContain(`${(100 * (0.6 / est.value)).toFixed(1)}%`);
    expect(o.assumptions.join(' ')).toContain('not checked against them');
  });
  it('far above what the hardware allows, or far below the estimate: implausible', () => {
    expect(check({ ...base, claimed: 5 }).verdict).toBe('implausible');
    expect(check({ ...base, claimed: 0.05 }).verdict).toBe('implausible');
  });
  it('published measurements of both devices on the same workload decide when the catalog has them', () => {
    const o = check({
      kind: 'measured-performance',
      a: 'h200',
      b: 'h100-sxm',
      model: 'llama-2-70b',
      claimed: { value: 1.27, hedge: 'about' },
    });
    // MLPerf v4.0 Offline: 27,738.3 over 8 H200 against 21,805.8 over 8 H100.
    expect(fig(o, 'measuredRatio').value).toBeCloseTo(27738.3 / 21805.8, 6);
    expect(o.verdict).toBe('plausible');
  });
  it('GB200 "over 3x per GPU" of H200 on Llama 3.1 405B: plausible at FP4 against FP8 (the published pair in those formats), well above the FP8 estimate', () => {
    const claim = {
      kind: 'measured-performance',
      a: 'gb200',
      b: 'h200',
      model: 'llama-3.1-405b',
      claimed: { value: 3, hedge: 'over' },
    } as const;
    const fp4 = check({ ...claim, weights: 'nvfp4', versusWeights: 'fp8' });
    // TensorRT-LLM perf overview, 128/2048: 8,151 tok/s over GB200 TP4 (FP4) against 5,348 over H200 TP8 (FP8).
    expect(fig(fp4, 'measuredRatio').value).toBeCloseTo(8151 / 4 / (5348 / 8), 6);
    expect(fp4.verdict).toBe('plausible');
    // At FP8 on both no published pair exists (the GB200 points are FP4): the estimator decides, and at
    // calibrated efficiencies on both GB200 is well short of a triple (the roofline ceiling sits near 3).
    const fp8 = check({ ...claim, weights: 'fp8' });
    expect(fp8.figures.map((f) => f.name)).not.toContain('measuredRatio');
    expect(fig(fp8, 'estimatedRatio').value).toBeLessThan(2);
  });
  it('a claim about measured performance cannot be encoded as a spec-sheet ratio', async () => {
    const { parseClaims } = await import('./parse-claims.ts');
    const text = `version: 1
claims:
  - id: x
    text: "910C at 60% of an H100"
    source: { title: t, date: 2025-02 }
    about: measured-performance
    check: { kind: hardware-ratio, a: ascend-910c, b: h100-sxm, metric: bf16-flops, claimed: 0.6 }
`;
    const parsed = parseClaims({ path: 'c.yaml', text }, catalog);
    expect(parsed.claims).toEqual([]);
    expect(parsed.issues[0]?.message).toContain('claims about different quantities are not compared');
  });
});

describe('training-flops (a model and a token count, no hardware)', () => {
  it('Llama 3.1 405B: 3.8e25 FLOPs on 15.6T tokens holds (6 · N · D from the architecture)', () => {
    const o = check({ kind: 'training-flops', model: 'llama-3.1-405b', tokens: 15.6e12, claimed: 3.8e25 });
    const n = countParameters(findModel(catalog, 'llama-3.1-405b').architecture).activeMatmul;
    expect(fig(o, 'trainingFlops').value).toBeCloseTo(6 * n * 15.6e12, -20);
    expect(o.verdict).toBe('holds');
  });
  it('a mixture of experts counted on all its parameters holds only on that basis; ten times off is false', () => {
    const p = countParameters(findModel(catalog, 'deepseek-v3').architecture);
    const dense = check({
      kind: 'training-flops',
      model: 'deepseek-v3',
      tokens: 14.8e12,
      claimed: 6 * p.total * 14.8e12,
    });
    expect(dense.verdict).toBe('holds-on-basis');
    expect(
      check({ kind: 'training-flops', model: 'deepseek-v3', tokens: 14.8e12, claimed: 3.3e25 }).verdict,
    ).toBe('false');
  });
});

describe('hedge words', () => {
  const v2 = {
    kind: 'price-ratio',
    a: { price: 'deepseek-v2-chat-2024-05', side: 'blended' },
    b: { price: 'gpt-4-turbo-2024-04', side: 'blended' },
  } as const;
  it('"about 1%" at 1.15% blended holds, with the sensitivity line; as a bare ±10% figure it does not', () => {
    const about = runCheck(ctx, { ...v2, claimed: { value: 0.01, hedge: 'about' } });
    expect(about.verdict).toBe('holds');
    expect(about.sensitivity?.[0]).toMatch(/holds if 'about' allows ±15\.\d%/);
    expect(runCheck(ctx, { ...v2, claimed: 0.01 }).verdict).toBe('holds-on-basis');
  });
  it('"nearly" above the figure holds in the loose sense and says the strict one fails', () => {
    const o = runCheck(ctx, { ...v2, claimed: { value: 0.01, hedge: 'nearly' } });
    expect(o.verdict).toBe('holds');
    expect(o.sensitivity?.[0]).toContain('strict sense');
  });
  it("a claim may override the word's tolerance", () => {
    expect(runCheck(ctx, { ...v2, claimed: { value: 0.01, hedge: 'about' }, tolerance: 0.1 }).verdict).toBe(
      'holds-on-basis',
    );
  });
});
