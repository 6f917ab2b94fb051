import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shippedCatalog } from '../../test/load-catalog.ts';
import { priorTable } from './efficiency.ts';
import {
  estimateInference,
  maxBatchThatFits,
  resolveInference,
  servingLimitsFor,
  stepTimesFor,
} from './inference.ts';
import type { PhaseTimes } from './inference-kernel.ts';
import { burstPointMetricValue } from './point-metric.ts';
import {
  burstServing,
  emptyServingPoint,
  type ServingLimits,
  type StepTimes,
  servingCurve,
  servingPoint,
  servingPointInto,
} from './serving-curve.ts';

/** A hand-checkable replica: decode is memory-bound at 10 ms + 0.1 ms per sequence; prefill costs 0.05 ms a token. */
const phase = (compute: number, memory: number): PhaseTimes => ({
  compute,
  memory,
  communication: 0,
  offload: 0,
  overhead: 0,
  total: Math.max(compute, memory),
});
const toy: StepTimes = {
  decode: (b) => phase(0.0001 * b, 0.01 + 0.0001 * b),
  prefill: (tokens) => phase(0.00005 * tokens, 0.01),
};
const roomy: ServingLimits = { maxSequences: 1024, maxBatchedTokens: 8192, memorySequences: 1024 };
const work = { inputTokens: 1000, outputTokens: 100, devices: 2 };

describe('serving curve (hand values)', () => {
  it('one user alternates one prefill step and O decode steps', () => {
    const p = servingPoint(toy, roomy, work, 1);
    const decode = 0.01 + 0.0001;
    const prefill = 0.05;
    expect(p.tpotSeconds).toBeCloseTo(decode, 12);
    expect(p.ttftSeconds).toBeCloseTo(prefill, 12);
    expect(p.outputTokensPerSecond).toBeCloseTo(100 / (100 * decode + prefill), 9);
    expect(p.outputTokensPerSecondPerDevice).toBeCloseTo(p.outputTokensPerSecond / 2, 9);
  });

  it('a prefill riding in a decode step costs its compute beyond the memory-bound decode', () => {
    const p = servingPoint(toy, roomy, work, 2);
    // One prompt (1000 tokens) beside one decoder: max(0.0001 + 0.05, max(0.0101, 0.01)).
    expect(p.decodersInPrefillStep).toBeCloseTo(1, 12);
    expect(p.mixedStepSeconds).toBeCloseTo(0.0501, 12);
    expect(p.tpotSeconds).toBeGreaterThan(servingPoint(toy, roomy, work, 1).tpotSeconds);
  });

  it('users beyond the engine limit queue for a slot: TTFT grows, throughput and TPOT do not', () => {
    const capped: ServingLimits = { ...roomy, maxSequences: 8 };
    const [at8, at16, at64] = servingCurve(toy, capped, work, [8, 16, 64]);
    if (!at8 || !at16 || !at64) throw new Error('missing points');
    expect(at16.runningSequences).toBe(8);
    expect(at16.cap).toBe('engine-sequences');
    expect(at16.outputTokensPerSecond).toBeCloseTo(at8.outputTokensPerSecond, 9);
    expect(at16.tpotSeconds).toBeCloseTo(at8.tpotSeconds, 12);
    // Closed loop: 8 waiting users wait for 8 completions.
    expect(at16.slotWaitSeconds).toBeCloseTo(8 / at16.requestsPerSecond, 9);
    expect(at64.ttftSeconds).toBeGreaterThan(at16.ttftSeconds);
    expect(at16.ttftSeconds).toBeGreaterThan(at8.ttftSeconds);
  });

  it('colliding prompts queue: TTFT rises with concurrency below any cap', () => {
    const ttft = servingCurve(toy, roomy, work, [1, 2, 8, 32, 128]).map((p) => p.ttftSeconds);
    for (let i = 1; i < ttft.length; i++) expect(ttft[i]).toBeGreaterThan(ttft[i - 1] ?? 0);
    const busy = servingPoint(toy, roomy, work, 128);
    expect(busy.prefillQueueSeconds).toBeGreaterThan(0);
  });

  it('the token budget caps the running set and the prefill budget shrinks it', () => {
    const tight: ServingLimits = { ...roomy, maxBatchedTokens: 512 };
    const p = servingPoint(toy, tight, { inputTokens: 4000, outputTokens: 100, devices: 1 }, 512);
    expect(p.runningSequences).toBeLessThan(512);
    expect(p.cap).toBe('prefill-budget');
    // Demand fits the chunk: S · I / (O + prompt steps) ≤ budget − S.
    const chunk = 512 - p.runningSequences;
    expect((p.runningSequences * 4000) / (100 + Math.ceil(4000 / chunk))).toBeLessThanOrEqual(chunk);
  });

  it('MTP at acceptance a gives 1 + a tokens per step for a verify pass and a one-layer draft', () => {
    const spec = { acceptance: 0.85, draftTokens: 1, draftCostFraction: 1 / 61 };
    const off = servingPoint(toy, roomy, work, 1);
    const on = servingPoint(toy, roomy, { ...work, speculative: spec }, 1);
    expect(on.tokensPerStep).toBeCloseTo(1.85, 12);
    // Verify: 1 decoder + 1 draft token, memory-bound; the draft adds 1/61 of a decode step.
    const verify = Math.max(0.0001 + 0.00005, Math.max(0.0101, 0.01));
    expect(on.tpotSeconds).toBeCloseTo((verify + 0.0101 / 61) / 1.85, 12);
    expect(on.perUserTokensPerSecond).toBeGreaterThan(1.7 * off.perUserTokensPerSecond);
  });
});

describe('serving curve on the catalog', () => {
  const catalog = shippedCatalog();
  const models = ['llama-3.1-8b', 'llama-3.1-70b', 'mixtral-8x7b', 'deepseek-v3', 'qwen3-235b-a22b'];
  const devices = ['h100-sxm', 'h200', 'mi300x', 'b200', 'rtx-4090'];
  const concurrencies = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

  it('property: output per device never falls and TPOT never improves as users are added', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...models),
        fc.constantFrom(...devices),
        fc.constantFrom(1, 2, 4, 8),
        fc.constantFrom(128, 1024, 8192),
        fc.constantFrom(128, 1024),
        fc.constantFrom(0, 0.85),
        (model, hardware, count, inputTokens, outputTokens, mtp) => {
          const r = resolveInference(catalog, priorTable, {
            model,
            hardware,
            count,
            weights: 'fp8',
            inputTokens,
            outputTokens,
          });
          const memorySequences = maxBatchThatFits(r);
          if (memorySequences === 0) return true;
          const limits = servingLimitsFor(r);
          expect(limits.memorySequences).toBe(memorySequences);
          const w = {
            inputTokens,
            outputTokens,
            devices: count,
            ...(mtp > 0
              ? { speculative: { acceptance: mtp, draftTokens: 1, draftCostFraction: 1 / r.km.layers } }
              : {}),
          };
          const curve = servingCurve(stepTimesFor(r), limits, w, concurrencies);
          for (let i = 1; i < curve.length; i++) {
            const a = curve[i - 1];
            const b = curve[i];
            if (!a || !b) return false;
            if (b.outputTokensPerSecondPerDevice < a.outputTokensPerSecondPerDevice * (1 - 1e-9))
              return false;
            if (b.tpotSeconds < a.tpotSeconds * (1 - 1e-9)) return false;
            if (b.ttftSeconds < a.ttftSeconds * (1 - 1e-9)) return false;
          }
          return true;
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a point filled in place (one object along the curve, the decode step into a reused one) is the new point, field for field and in order', () => {
    const reused = emptyServingPoint();
    for (const [model, hardware, count] of [
      ['llama-3.1-8b', 'h100-sxm', 1],
      ['deepseek-v3', 'h200', 8],
      ['mixtral-8x7b', 'rtx-4090', 2],
    ] as const) {
      const r = resolveInference(catalog, priorTable, { model, hardware, count, weights: 'fp8' });
      const steps = stepTimesFor(r);
      if (!steps.decodeInto) throw new Error('the kernel steps write decode steps in place');
      // The reference reads every step as a new object (no decodeInto).
      const fresh: StepTimes = {
        decode: (b) => steps.decode(b),
        prefill: (t) => steps.prefill(t),
        mixed: (d, t, eager) => steps.mixed?.(d, t, eager) ?? Number.NaN,
      };
      const limits = servingLimitsFor(r);
      for (const mtp of [0, 0.85]) {
        const w = {
          inputTokens: 1024,
          outputTokens: 256,
          devices: count,
          ...(mtp > 0
            ? { speculative: { acceptance: mtp, draftTokens: 1, draftCostFraction: 1 / r.km.layers } }
            : {}),
        };
        for (const c of concurrencies) {
          const expected = JSON.stringify(servingPoint(fresh, limits, w, c));
          expect(JSON.stringify(servingPointInto(steps, limits, w, c, reused))).toBe(expected);
          expect(JSON.stringify(servingPoint(steps, limits, w, c))).toBe(expected);
        }
      }
      const out = { compute: 0, memory: 0, communication: 0, offload: 0, overhead: 0, total: 0 };
      for (const b of [1, 3, 64]) expect(steps.decodeInto(b, out)).toEqual(steps.decode(b));
    }
  });

  it('DeepSeek-R1 FP8 on 8 × H200: MTP at 0.85 speeds each user up, at 0 changes nothing', () => {
    const base = {
      model: 'deepseek-r1',
      hardware: 'h200',
      count: 8,
      weights: 'fp8',
      inputTokens: 1024,
      outputTokens: 1024,
      concurrency: [1, 16, 64],
    } as const;
    const off = estimateInference(catalog, priorTable, { ...base, concurrency: [...base.concurrency] });
    const zero = estimateInference(catalog, priorTable, {
      ...base,
      concurrency: [...base.concurrency],
      mtpAcceptance: 0,
    });
    const on = estimateInference(catalog, priorTable, {
      ...base,
      concurrency: [...base.concurrency],
      mtpAcceptance: 0.85,
    });
    expect(zero.curve).toEqual(off.curve);
    expect(zero.serving.speculative).toBeUndefined();
    expect(on.serving.speculative?.tokensPerStep.value).toBeCloseTo(1.85, 12);
    on.curve.forEach((p, i) => {
      const q = off.curve[i];
      if (!q) throw new Error('missing point');
      expect(p.perUserTokensPerSecond).toBeGreaterThan(q.perUserTokensPerSecond);
    });
  });

  it('memory caps the running set of Llama 3.1 8B on one H100 at long contexts', () => {
    const e = estimateInference(catalog, priorTable, {
      model: 'llama-3.1-8b',
      hardware: 'h100-sxm',
      inputTokens: 8192,
      outputTokens: 1024,
      concurrency: [1, 256],
    });
    const last = e.curve[1];
    expect(last?.cap).toBe('memory');
    expect(last?.runningSequences).toBe(e.serving.limits.memorySequences.value);
    expect(e.serving.points[1]?.tpotSeconds.inputs.length).toBeGreaterThan(3);
  });

  it('bad input names its flag', () => {
    const base = { model: 'deepseek-v3', hardware: 'h200', count: 8 };
    expect(() => estimateInference(catalog, priorTable, { ...base, concurrency: [0] })).toThrow(
      /^--concurrency:/,
    );
    expect(() => estimateInference(catalog, priorTable, { ...base, concurrency: [2, 1e7] })).toThrow(
      /^--concurrency:/,
    );
    expect(estimateInference(catalog, priorTable, { ...base, concurrency: [] }).curve).toEqual([]);
    expect(() => estimateInference(catalog, priorTable, { ...base, mtpAcceptance: 1.5 })).toThrow(/^--mtp:/);
    expect(() => estimateInference(catalog, priorTable, { ...base, count: 6, expertParallel: 3 })).toThrow(
      /^--ep: --ep 3 must divide the 256 routed experts/,
    );
    expect(() => estimateInference(catalog, priorTable, { ...base, expertParallel: 3 })).toThrow(/^--ep:/);
  });
});

describe('a burst of requests sent at once (hand values)', () => {
  const decode1 = 0.01 + 0.0001;
  it('one request alone: its prefill, then its O decode steps', () => {
    const b = burstServing(toy, roomy, work, 1);
    expect(b.makespanSeconds).toBeCloseTo(0.05 + 100 * decode1, 9);
    expect(b.outputTokensPerSecond).toBeCloseTo(100 / (0.05 + 100 * decode1), 9);
  });

  it('memory for one sequence: the requests run one after another', () => {
    const one: ServingLimits = { ...roomy, memorySequences: 1 };
    const b = burstServing(toy, one, work, 50);
    expect(b.slotBoundSeconds).toBeGreaterThan(b.promptBoundSeconds);
    expect(b.drainSequences).toBe(1);
    expect(b.makespanSeconds).toBeCloseTo(50 * (0.05 + 100 * decode1), 6);
  });

  it('long prompts, short outputs: the prompt stream sets the makespan, then the last prompts drain', () => {
    const prompts = { inputTokens: 4000, outputTokens: 4, devices: 1 };
    const b = burstServing(toy, roomy, prompts, 1000);
    const prefillCompute = 1000 * 4000 * 0.00005;
    expect(b.promptBoundSeconds).toBeGreaterThan(b.slotBoundSeconds);
    expect(b.promptBoundSeconds).toBeGreaterThanOrEqual(prefillCompute);
    // The decoders riding beside each full chunk add their compute (at most the running set's 0.1 ms each).
    expect(b.promptBoundSeconds).toBeLessThan(prefillCompute * 1.1);
    expect(b.drainSteps).toBe(4);
    expect(b.drainSeconds).toBeLessThan(4 * toy.decode(b.drainSequences).total + 1e-12);
    expect(b.outputTokensPerSecond).toBeCloseTo(4000 / b.makespanSeconds, 9);
  });

  it('one wave of short prompts decodes together: the batch holds until the last sequences end', () => {
    const short = { inputTokens: 100, outputTokens: 200, devices: 1 };
    const b = burstServing(toy, roomy, short, 8);
    // Eight 100-token prompts fit one chunk: one prefill step, then 200 decode steps at batch 8.
    expect(b.drainSequences).toBe(8);
    expect(b.spreadSteps).toBeLessThan(1);
    expect(b.makespanSeconds).toBeCloseTo(b.promptBoundSeconds + 200 * toy.decode(8).total, 3);
    expect(b.drainSeconds).toBeCloseTo(200 * toy.decode(8).total, 3);
  });

  it("total tokens/s (vllm bench serve's Total Token throughput) counts every prompt token over the same makespan", () => {
    const prompts = { inputTokens: 4000, outputTokens: 4, devices: 1 };
    const b = burstServing(toy, roomy, prompts, 1000);
    const point = { metric: 'totalTokensPerSecond' as const, count: 1 };
    const total = burstPointMetricValue(point, { ...b, inputTokens: 4000, outputTokens: 4 });
    expect(total).toBeCloseTo((1000 * (4000 + 4)) / b.makespanSeconds, 6);
    // 1,001 times the output rate here: a metric read as output tokens/s would be off by three orders.
    expect(total / b.outputTokensPerSecond).toBeCloseTo(1001, 9);
  });

  it('more requests never finish sooner, and a burst never beats its own prompt compute', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 400 }), (n, extra) => {
        const a = burstServing(toy, roomy, work, n);
        const b = burstServing(toy, roomy, work, n + extra);
        expect(b.makespanSeconds).toBeGreaterThanOrEqual(a.makespanSeconds - 1e-9);
        expect(a.makespanSeconds).toBeGreaterThanOrEqual(n * 1000 * 0.00005 - 1e-9);
      }),
      { numRuns: 60 },
    );
  });
});
