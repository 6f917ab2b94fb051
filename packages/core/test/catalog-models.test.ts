import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countParameters } from '../src/estimate/parameters.ts';
import { buildCatalog, findModel, type Model } from '../src/index.ts';

const modelsDir = new URL('../data/models', import.meta.url).pathname;

const files = readdirSync(modelsDir)
  .filter((name) => name.endsWith('.yaml'))
  .map((name) => ({ path: join('data/models', name), text: readFileSync(join(modelsDir, name), 'utf8') }));
const catalog = buildCatalog(files);

const expectedIds = [
  'deepseek-v3',
  'deepseek-r1',
  'deepseek-v2',
  'deepseek-v2-lite',
  'llama-2-7b',
  'llama-2-13b',
  'llama-2-70b',
  'llama-3.1-8b',
  'llama-3.1-70b',
  'llama-3.1-405b',
  'llama-3.2-3b',
  'llama-3.3-70b',
  'llama-4-scout',
  'llama-4-maverick',
  'mixtral-8x7b',
  'qwen2.5-72b',
  'qwen3-235b-a22b',
  'phi-3-mini',
  'gpt-3-175b',
  'bloom-176b',
  'palm-540b',
  // 2024-2025 open-weight releases (issue 11)
  'deepseek-v3.1',
  'deepseek-v3.2-exp',
  'deepseek-v3.2',
  'kimi-k2',
  'kimi-k2-thinking',
  'gpt-oss-20b',
  'gpt-oss-120b',
  'glm-4.5',
  'glm-4.5-air',
  'glm-4.6',
  'qwen3-4b',
  'qwen3-8b',
  'qwen3-14b',
  'qwen3-32b',
  'qwen3-30b-a3b',
  'qwen3-coder-480b-a35b',
  'qwen3-next-80b-a3b',
  'gemma-3-1b',
  'gemma-3-4b',
  'gemma-3-12b',
  'gemma-3-27b',
  'mistral-small-3',
  'magistral-small',
  'devstral-small',
  'mistral-large-2',
  'phi-4',
  'phi-4-mini',
  'llama-3.2-1b',
  'minimax-m2',
];

/**
 * DeepSeek's "activated parameters" leave out the input embedding table (a token reads one row,
 * no matmul) but keep the LM head: V2-Lite is 2.45B that way against a published 2.4B, 2.66B with
 * the table. Meta, Mistral and Qwen count the table in (Scout 17.2B with it, 16.1B without).
 */
function publishedActiveConvention(model: Model): number {
  const counts = countParameters(model.architecture);
  const excludes = model.published?.activeExcludes;
  if (excludes === 'input-embedding') return counts.active - counts.embedding;
  if (excludes === 'embeddings') return counts.active - counts.embedding - counts.lmHead;
  return counts.active;
}

function relativeError(computed: number, published: number): number {
  return Math.abs(computed / published - 1);
}

describe('model catalog', () => {
  it('holds exactly the expected models', () => {
    expect(catalog.models.map((m) => m.id).sort()).toEqual([...expectedIds].sort());
  });

  it('holds at least 45 models', () => {
    expect(catalog.models.length).toBeGreaterThanOrEqual(45);
  });

  it("Llama 4 Scout's context is the config's max_position_embeddings, 10,485,760 (not a test config's 262,144)", () => {
    expect(findModel(catalog, 'llama-4-scout').architecture.contextLength).toBe(10_485_760);
  });

  it('records native checkpoint formats: gpt-oss ships MXFP4 experts, DeepSeek-V3 block-scaled FP8 throughout', () => {
    expect(findModel(catalog, 'gpt-oss-120b').nativeWeights).toMatchObject({
      format: 'mxfp4',
      appliesTo: 'experts',
    });
    // 128×128 weight blocks, each with its own scale (its config.json's weight_block_size): fp8_block.
    expect(findModel(catalog, 'deepseek-v3').nativeWeights).toMatchObject({
      format: 'fp8_block',
      appliesTo: 'all',
    });
    expect(findModel(catalog, 'llama-3.1-8b').nativeWeights).toBeUndefined();
  });

  it('finds models by alias', () => {
    expect(findModel(catalog, 'llama-2-70b-hf').id).toBe('llama-2-70b');
    expect(findModel(catalog, 'Mixtral-8x7B-v0.1').id).toBe('mixtral-8x7b');
  });

  const published = catalog.models.filter((m) => m.published);
  it('has published counts for every model', () => {
    expect(published.map((m) => m.id).sort()).toEqual([...expectedIds].sort());
  });

  describe.each(published.map((m) => [m.id, m] as const))('%s', (_id, model) => {
    const counts = countParameters(model.architecture);
    const pub = model.published;

    it('total is within 1.5% of the published total', () => {
      expect(relativeError(counts.total, pub?.totalParams ?? Number.NaN)).toBeLessThan(0.015);
    });

    it('says when it was last checked, never before its own source', () => {
      expect(model.checked).toBeDefined();
      expect((model.checked ?? '') >= model.source.date.slice(0, 7)).toBe(true);
    });

    it('dense models have active equal to total; MoE models less', () => {
      if (model.architecture.moe) expect(counts.active).toBeLessThan(counts.total);
      else expect(counts.active).toBe(counts.total);
    });
  });
  const withActive = published.filter((m) => m.published?.activeParams !== undefined);
  it.each(withActive.map((m) => [m.id, m] as const))(
    '%s: active is within 5% of the published active',
    (_id, model) => {
      const active = model.published?.activeParams ?? Number.NaN;
      expect(relativeError(publishedActiveConvention(model), active)).toBeLessThan(0.05);
    },
  );
});

describe('hand-computed parameter counts', () => {
  it('Llama-2-7B: 6,738,415,616 weights, the checkpoint count', () => {
    const v = 32000;
    const d = 4096;
    const ff = 11008;
    const layers = 32;
    const perLayer = 4 * d * d + 3 * d * ff + 2 * d; // q,k,v,o + gate,up,down + two RMSNorms
    const expected = 2 * v * d + layers * perLayer + d; // embeddings, LM head, final norm
    expect(expected).toBe(6_738_415_616);
    expect(countParameters(findModel(catalog, 'llama-2-7b').architecture).total).toBe(expected);
  });

  it('Llama-3.1-8B (GQA): 8,030,261,248', () => {
    const d = 4096;
    const kv = 8 * 128;
    const perLayer = 2 * d * d + 2 * d * kv + 3 * d * 14336 + 2 * d;
    const expected = 2 * 128256 * d + 32 * perLayer + d;
    expect(expected).toBe(8_030_261_248);
    expect(countParameters(findModel(catalog, 'llama-3.1-8b').architecture).total).toBe(expected);
  });

  it('Llama-3.2-3B ties its embeddings: 3,212,749,824', () => {
    expect(countParameters(findModel(catalog, 'llama-3.2-3b').architecture).total).toBe(3_212_749_824);
  });

  it('Mixtral-8x7B: 46,702,792,704 total, 12,879,925,248 active', () => {
    const d = 4096;
    const expert = 3 * d * 14336;
    const attention = 2 * d * d + 2 * d * 1024;
    const common = 2 * 32000 * d + d + 32 * (attention + 2 * d + 8 * d); // router: d x 8 per layer
    const counts = countParameters(findModel(catalog, 'mixtral-8x7b').architecture);
    expect(counts.total).toBe(common + 32 * 8 * expert);
    expect(counts.active).toBe(common + 32 * 2 * expert);
    expect(counts.total).toBe(46_702_792_704);
  });

  it('DeepSeek-V3: 671B total and 37B (± 1B) active', () => {
    const counts = countParameters(findModel(catalog, 'deepseek-v3').architecture);
    expect(Math.round(counts.total / 1e9)).toBe(671);
    expect(Math.abs(counts.active - 37e9)).toBeLessThan(1e9);
    expect(counts.moeLayers).toBe(58);
  });

  it('Llama 4 Maverick interleaves: 24 MoE layers of 48; Scout: all 48', () => {
    expect(countParameters(findModel(catalog, 'llama-4-maverick').architecture).moeLayers).toBe(24);
    expect(countParameters(findModel(catalog, 'llama-4-scout').architecture).moeLayers).toBe(48);
  });

  it('Qwen3-Next-80B-A3B (Gated DeltaNet hybrid): 79,674,391,296 total, 3,874,929,408 active', () => {
    // A third-party parser's fixture counts the checkpoint this way (our count must match to the weight).
    const d = 2048;
    const linear = d * (2 * 2048 + 2 * 4096) + d * 64 + (2 * 2048 + 4096) * 4 + 64 + 128 + 4096 * d;
    const full = d * 16 * 256 * 2 + 2 * d * 2 * 256 + 16 * 256 * d + 2 * 256;
    const counts = countParameters(findModel(catalog, 'qwen3-next-80b-a3b').architecture);
    expect(counts.linearAttentionPerLayer).toBe(linear);
    expect(counts.attentionPerLayer).toBe(full);
    expect(counts.total).toBe(79_674_391_296);
    expect(counts.active).toBe(3_874_929_408);
  });

  it('gpt-oss-120b: 116.83B total, 5.13B active without the embedding table (the model card)', () => {
    const counts = countParameters(findModel(catalog, 'gpt-oss-120b').architecture);
    expect(Math.abs(counts.total - 116.83e9)).toBeLessThan(0.01e9);
    expect(Math.abs(counts.active - counts.embedding - 5.13e9)).toBeLessThan(0.01e9);
  });

  it("DeepSeek-V3.2's indexer adds 13.96M weights a layer to V3's attention", () => {
    const v3 = countParameters(findModel(catalog, 'deepseek-v3.1').architecture);
    const v32 = countParameters(findModel(catalog, 'deepseek-v3.2').architecture);
    expect(v32.attentionPerLayer - v3.attentionPerLayer).toBe(
      1536 * 64 * 128 + 7168 * 128 + 2 * 128 + 7168 * 64,
    );
  });

  it('PaLM 540B (MQA, tied, no biases) is 540.35B to within 10M', () => {
    // 540.359B computed; PaLM's parallel block shares one LayerNorm (2.2M fewer weights), and the
    // paper's 540.35 looks truncated rather than rounded.
    const total = countParameters(findModel(catalog, 'palm-540b').architecture).total;
    expect(Math.abs(total - 540.35e9)).toBeLessThan(10e6);
  });
});
