import { describe, expect, it } from 'vitest';
import { shippedCalibration, shippedCatalog } from '../../test/load-catalog.ts';
import { findDevice } from '../catalog/catalog.ts';
import { engineClassIdOf } from './engine-class.ts';

const catalog = shippedCatalog();
const inference = shippedCalibration().inference;

/** The families whose points enter fits and validation, per engine class. */
function familiesByEngine(): Map<string, Set<string>> {
  const byEngine = new Map<string, Set<string>>();
  for (const p of inference) {
    if (p.excluded !== undefined || p.family === undefined) continue;
    const set = byEngine.get(p.engine) ?? new Set<string>();
    set.add(p.family);
    byEngine.set(p.engine, set);
  }
  return byEngine;
}

describe('shipped calibration families', () => {
  it('names a family on every serving measurement, so validation can hold whole tables out', () => {
    const serving = inference.filter((p) => p.concurrency !== undefined || p.scheduling === 'continuous');
    expect(serving.length).toBeGreaterThan(0);
    expect(serving.filter((p) => p.family === undefined).map((p) => p.id)).toEqual([]);
  });

  it('gives each CUDA and ROCm serving stack with data a second family, so holding one out leaves it data', () => {
    // vllm-rocm: dstack's DeepSeek-R1 sweep (March 2025), dstack's Llama 3.1 405B BF16 runs on MI300X
    // (October 2024) and the November 2024 405B MI300X rows (run with --enforce-eager: `eager: true`).
    // Its dense data also has Oracle's OCI 405B FP8 latency table (October 2024), independent of AMD's dev-docker tables.
    const byEngine = familiesByEngine();
    for (const engine of ['trtllm', 'sglang', 'sglang-rocm', 'vllm', 'vllm-rocm'] as const) {
      expect(byEngine.get(engine)?.size ?? 0, engine).toBeGreaterThanOrEqual(2);
    }
  });

  it('a point whose command ran --enforce-eager says so (`eager: true`) and enters fits and validation', () => {
    const eagerRuns = inference.filter((p) => /(?<!no )--enforce-eager/.test(p.notes ?? ''));
    expect(eagerRuns.length).toBeGreaterThanOrEqual(38);
    expect(eagerRuns.filter((p) => p.eager !== true).map((p) => p.id)).toEqual([]);
    // None is excluded for want of the field; the only eager rows out are Meta's per-channel FP8 checkpoint on
    // ROCm, whose unfused dequantisation path has no sourced factor (their reason says so).
    const excluded = eagerRuns.filter((p) => p.excluded !== undefined);
    expect(excluded.filter((p) => !/unfused DQ/.test(p.excluded ?? '')).map((p) => p.id)).toEqual([]);
    expect(excluded.every((p) => p.id.startsWith('dstack-405b-mi300x-meta-'))).toBe(true);
    expect(eagerRuns.length - excluded.length).toBeGreaterThanOrEqual(19);
    expect(inference.filter((p) => p.eager === true && !eagerRuns.includes(p)).map((p) => p.id)).toEqual([]);
  });

  it('names the engine release every inference point ran, or says in its notes that the source gives none', () => {
    const silent = inference.filter(
      (p) => p.engineRelease === undefined && !(p.notes ?? '').includes('engineRelease absent'),
    );
    expect(silent.map((p) => p.id)).toEqual([]);
  });

  it("names only releases the engine-release data knows for the point's class (add a new one to data/engines/releases.yaml)", () => {
    const unknown = inference.filter((p) => {
      if (p.engineRelease === undefined) return false;
      const engineClass = engineClassIdOf(catalog, p.engine, findDevice(catalog, p.hardware));
      return !catalog.engineReleases.some((r) => r.engine === engineClass && r.version === p.engineRelease);
    });
    expect(unknown.map((p) => `${p.id}: ${p.engine} ${p.engineRelease}`)).toEqual([]);
  });

  it('gives the vLLM and SGLang classes a second family per model kind, and MoE families beyond DeepSeek', () => {
    // engine · dense/moe, counted over points in use; DeepSeek-only MoE coverage was the gap the GPUStack and
    // InferenceX gpt-oss families close (Qwen3-235B-A22B, gpt-oss, GLM-4.5-Air and GLM-4.6).
    const moe = new Set(catalog.models.filter((m) => m.architecture.moe !== undefined).map((m) => m.id));
    const families = new Map<string, Set<string>>();
    const beyondDeepSeek = new Map<string, Set<string>>();
    for (const p of inference) {
      if (p.excluded !== undefined || p.family === undefined) continue;
      const key = `${p.engine} · ${moe.has(p.model) ? 'moe' : 'dense'}`;
      families.set(key, (families.get(key) ?? new Set<string>()).add(p.family));
      if (moe.has(p.model) && !p.model.startsWith('deepseek')) {
        beyondDeepSeek.set(p.engine, (beyondDeepSeek.get(p.engine) ?? new Set<string>()).add(p.family));
      }
    }
    for (const key of [
      'vllm · dense',
      'vllm · moe',
      'vllm-rocm · dense',
      'vllm-rocm · moe',
      'sglang · moe',
      'sglang-rocm · moe',
    ]) {
      expect(families.get(key)?.size ?? 0, key).toBeGreaterThanOrEqual(2);
    }
    // vllm-rocm: InferenceX's gpt-oss-120b on one MI300X (PR #1061) beside dstack's DeepSeek-R1 sweep.
    for (const engine of ['vllm', 'sglang', 'vllm-rocm']) {
      expect(beyondDeepSeek.get(engine)?.size ?? 0, engine).toBeGreaterThanOrEqual(1);
    }
    // Dense vLLM-ROCm: AMD's dev-docker tables, dstack's 405B BF16 runs and Oracle's OCI 405B FP8 table, so
    // holding AMD's own tables out still leaves two dense families from other hosts and harnesses.
    expect(families.get('vllm-rocm · dense')?.size ?? 0).toBeGreaterThanOrEqual(3);
  });

  it('keeps every excluded point with its reason and the family it came from', () => {
    const excluded = inference.filter((p) => p.excluded !== undefined);
    expect(excluded.length).toBeGreaterThan(0);
    for (const p of excluded) {
      expect(p.excluded?.length ?? 0, p.id).toBeGreaterThan(20);
      expect(p.family, p.id).toBeDefined();
    }
  });
});
