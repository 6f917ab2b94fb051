import { describe, expect, it } from 'vitest';
import { shippedCalibration, shippedCatalog } from '../../test/load-catalog.ts';
import { fitEfficiencies } from './calibration.ts';
import type { EfficiencyEntry, EfficiencyTable } from './efficiency.ts';
import { estimateInference, type InferenceOptions } from './inference.ts';

const catalog = shippedCatalog();

const table = (entry: Partial<EfficiencyEntry>): EfficiencyTable => ({
  entries: [
    {
      engine: 'sglang',
      compute: 0.5,
      memory: 0.7,
      fixedCostScale: 1,
      fixedCostPerYear: 0,
      origin: 'fitted',
      points: [],
      sources: [],
      note: 'test',
      ...entry,
    },
  ],
});

const deepseek: InferenceOptions = {
  model: 'deepseek-r1',
  hardware: 'h200',
  count: 8,
  weights: 'fp8',
  engine: 'sglang',
  inputTokens: 1024,
  outputTokens: 256,
  concurrency: [1],
};
const llama: InferenceOptions = { ...deepseek, model: 'llama-3.1-70b' };

const fixedByOperator = (t: EfficiencyTable, o: InferenceOptions) =>
  new Map(estimateInference(catalog, t, o).operators.decode.map((op) => [op.operator, op.fixedSeconds]));

describe('MoE/MLA fixed costs: their own fitted multiplier, which a dense layer never sees', () => {
  it('scales the fixed costs of the MoE and MLA operators only', () => {
    const plain = fixedByOperator(table({}), deepseek);
    const scaled = fixedByOperator(table({ moeMlaFixedCostScale: 4 }), deepseek);
    // DeepSeek-R1: MLA projections and latent attention, router, routed and shared experts.
    for (const op of [
      'attention projections',
      'attention over KV',
      'router',
      'routed experts',
      'shared experts',
    ] as const) {
      expect(plain.get(op)).toBeGreaterThan(0);
      expect(scaled.get(op)).toBeCloseTo(4 * (plain.get(op) ?? 0), 12);
    }
    // Its first three dense FFN layers, the norms and the LM head are dense operators.
    for (const op of ['dense FFN', 'norms and elementwise', 'LM head'] as const)
      expect(scaled.get(op)).toBe(plain.get(op));
    // A dense GQA model is untouched, step for step.
    const dense = (scale: number) =>
      estimateInference(catalog, table({ moeMlaFixedCostScale: scale }), llama).curve[0]?.tpotSeconds;
    expect(dense(4)).toBe(dense(1));
    expect(
      estimateInference(catalog, table({ moeMlaFixedCostScale: 4 }), deepseek).operators.fixedCosts,
    ).toMatchObject({ moeMlaFixedCostScale: 4 });
  });

  it('ages an older release’s MoE/MLA fixed costs at their own slope, on top of the shared one', () => {
    const old = { ...deepseek, engineRelease: '0.4.3.post2' };
    const experts = (t: EfficiencyTable, o: InferenceOptions) =>
      fixedByOperator(t, o).get('routed experts') ?? 0;
    const denseFfn = (t: EfficiencyTable, o: InferenceOptions) => fixedByOperator(t, o).get('dense FFN') ?? 0;
    const base = table({});
    const aged = table({ moeMlaFixedCostPerYear: Math.LN2 });
    // The reference release is what the constants describe: the slope leaves it alone.
    expect(experts(aged, deepseek)).toBe(experts(base, deepseek));
    // An older one pays exp(slope × age) on its MoE operators only.
    expect(experts(aged, old)).toBeGreaterThan(experts(base, old));
    expect(denseFfn(aged, old)).toBe(denseFfn(base, old));
  });

  it('fits the multiplier where MoE/MLA points ask for it, and keeps the prior for a dense-only fit', () => {
    const included = shippedCalibration().inference.filter((p) => p.excluded === undefined);
    // DeepSeek-R1 on MI300X under vLLM 0.7.3 (TPOT 46 ms at concurrency 4) beside dense Llama 3.1 405B.
    const rocmMoe = included.filter(
      (p) =>
        p.family === 'dstack-deepseek-r1-h200-mi300x-2025-03' &&
        p.hardware === 'mi300x' &&
        p.id.includes('-vllm-'),
    );
    const dense = included.filter((p) => p.family === 'dstack-llama-3.1-405b-mi300x-vllm-tgi-2024-10');
    expect(rocmMoe.length).toBeGreaterThan(0);
    const entry = (t: EfficiencyTable) =>
      t.entries.find((e) => e.engine === 'vllm-rocm' && e.hardwareClass === undefined);
    const both = entry(fitEfficiencies(catalog, [...dense, ...rocmMoe]));
    expect(both?.moeMlaFixedCostScale).toBeGreaterThan(1.5);
    expect(entry(fitEfficiencies(catalog, dense))?.moeMlaFixedCostScale).toBe(1);
  });
});
