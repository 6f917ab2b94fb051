import { describe, expect, it } from 'vitest';
import { shippedCatalog } from '../../test/load-catalog.ts';
import { engineSchema } from '../catalog/calibration-schema.ts';
import { findDevice } from '../catalog/catalog.ts';
import { engineClassIdSchema } from '../catalog/engine-schema.ts';
import { efficiencyPriors } from './efficiency.ts';
import { resolveEngineClass } from './engine-class.ts';

const catalog = shippedCatalog();
const classOn = (engine: Parameters<typeof resolveEngineClass>[1], device: string) =>
  resolveEngineClass(catalog, engine, findDevice(catalog, device)).id;

describe('engine classes', () => {
  it('every class of the vocabulary is catalog data with a prior', () => {
    for (const id of engineClassIdSchema.options) {
      expect(catalog.engines.map((e) => e.id)).toContain(id);
      expect(efficiencyPriors[id].engine).toBe(id);
    }
    expect(engineSchema.options).toEqual(expect.arrayContaining(['tuned', 'llamacpp', 'pytorch']));
  });

  it('aliases resolve to the default stack of the device', () => {
    expect(classOn('tuned', 'h100-sxm')).toBe('trtllm');
    expect(classOn('tuned', 'mi300x')).toBe('vllm-rocm');
    expect(classOn('tuned', 'gaudi2')).toBe('gaudi');
    expect(classOn('tuned', 'm2-ultra')).toBe('mlx');
    expect(classOn('tuned', 'tpu-v5e')).toBe('tuned');
    expect(classOn('llamacpp', 'rtx-4090')).toBe('llamacpp-cuda');
    expect(classOn('llamacpp', 'm4-max')).toBe('llamacpp-metal');
    expect(classOn('llamacpp', 'ddr5-desktop')).toBe('llamacpp-cpu');
    expect(classOn('pytorch', 'h200')).toBe('pytorch-eager');
  });

  it('a named class is itself on any device', () => {
    expect(classOn('sglang', 'h200')).toBe('sglang');
    expect(classOn('pytorch-graph', 'h200')).toBe('pytorch-graph');
  });
});
