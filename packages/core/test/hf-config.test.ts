import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countParameters } from '../src/estimate/parameters.ts';
import { buildCatalog, findModel, InputError, modelFromHfConfig } from '../src/index.ts';

const modelsDir = new URL('../data/models', import.meta.url).pathname;
const catalog = buildCatalog(
  readdirSync(modelsDir).map((name) => ({
    path: join('data/models', name),
    text: readFileSync(join(modelsDir, name), 'utf8'),
  })),
);

// Written from the published config.json files (meta-llama/Llama-3.1-8B, mistralai/Mixtral-8x7B-v0.1,
// deepseek-ai/DeepSeek-V3, meta-llama/Llama-4-Maverick-17B-128E, Qwen/Qwen3-235B-A22B, gpt2),
// keeping the fields that shape the weights plus a few that must be ignored.
const llama31_8b = {
  _name_or_path: 'meta-llama/Llama-3.1-8B',
  architectures: ['LlamaForCausalLM'],
  attention_bias: false,
  hidden_act: 'silu',
  hidden_size: 4096,
  intermediate_size: 14336,
  max_position_embeddings: 131072,
  model_type: 'llama',
  num_attention_heads: 32,
  num_hidden_layers: 32,
  num_key_value_heads: 8,
  rope_scaling: { factor: 8.0, rope_type: 'llama3' },
  rope_theta: 500000.0,
  tie_word_embeddings: false,
  torch_dtype: 'bfloat16',
  vocab_size: 128256,
};

const mixtral = {
  architectures: ['MixtralForCausalLM'],
  hidden_size: 4096,
  intermediate_size: 14336,
  max_position_embeddings: 32768,
  model_type: 'mixtral',
  num_attention_heads: 32,
  num_experts_per_tok: 2,
  num_hidden_layers: 32,
  num_key_value_heads: 8,
  num_local_experts: 8,
  sliding_window: null,
  tie_word_embeddings: false,
  vocab_size: 32000,
};

const deepseekV3 = {
  architectures: ['DeepseekV3ForCausalLM'],
  first_k_dense_replace: 3,
  hidden_size: 7168,
  intermediate_size: 18432,
  kv_lora_rank: 512,
  max_position_embeddings: 163840,
  model_type: 'deepseek_v3',
  moe_intermediate_size: 2048,
  moe_layer_freq: 1,
  n_routed_experts: 256,
  n_shared_experts: 1,
  num_attention_heads: 128,
  num_experts_per_tok: 8,
  num_hidden_layers: 61,
  num_key_value_heads: 128,
  num_nextn_predict_layers: 1,
  q_lora_rank: 1536,
  qk_nope_head_dim: 128,
  qk_rope_head_dim: 64,
  tie_word_embeddings: false,
  v_head_dim: 128,
  vocab_size: 129280,
};

const maverick = {
  architectures: ['Llama4ForConditionalGeneration'],
  model_type: 'llama4',
  text_config: {
    attention_chunk_size: 8192,
    head_dim: 128,
    hidden_size: 5120,
    interleave_moe_layer_step: 2,
    intermediate_size: 8192,
    intermediate_size_mlp: 16384,
    max_position_embeddings: 1048576,
    model_type: 'llama4_text',
    num_attention_heads: 40,
    num_experts_per_tok: 1,
    num_hidden_layers: 48,
    num_key_value_heads: 8,
    num_local_experts: 128,
    vocab_size: 202048,
  },
  tie_word_embeddings: false,
  vision_config: { hidden_size: 1408, num_hidden_layers: 34 },
};

const qwen3Moe = {
  architectures: ['Qwen3MoeForCausalLM'],
  decoder_sparse_step: 1,
  head_dim: 128,
  hidden_size: 4096,
  intermediate_size: 12288,
  max_position_embeddings: 40960,
  mlp_only_layers: [],
  model_type: 'qwen3_moe',
  moe_intermediate_size: 1536,
  num_attention_heads: 64,
  num_experts: 128,
  num_experts_per_tok: 8,
  num_hidden_layers: 94,
  num_key_value_heads: 4,
  sliding_window: null,
  tie_word_embeddings: false,
  use_sliding_window: false,
  vocab_size: 151936,
};

describe('modelFromHfConfig', () => {
  it('reads Llama-3.1-8B: 8,030,261,248 weights, the catalog architecture', () => {
    const model = modelFromHfConfig(llama31_8b, 'Llama-3.1-8B/config.json', { date: '2024-07-23' });
    expect(model.id).toBe('llama-3.1-8b');
    expect(model.family).toBe('llama');
    expect(model.source).toEqual({ title: 'Llama-3.1-8B/config.json', date: '2024-07-23' });
    expect(model.architecture.attention.type).toBe('gqa');
    expect(countParameters(model.architecture).total).toBe(8_030_261_248);
    expect(model.architecture).toEqual(findModel(catalog, 'llama-3.1-8b').architecture);
  });

  it('reads Mixtral-8x7B: 46.7B total, 12.9B active', () => {
    const model = modelFromHfConfig(mixtral, 'models/Mixtral-8x7B-v0.1/config.json');
    expect(model.id).toBe('mixtral-8x7b-v0.1');
    const counts = countParameters(model.architecture);
    expect(counts.total).toBe(46_702_792_704);
    expect(counts.active).toBe(12_879_925_248);
    expect(model.architecture).toEqual(findModel(catalog, 'mixtral-8x7b').architecture);
  });

  it('reads DeepSeek-V3 (MLA, 3 dense layers): 671B total', () => {
    const model = modelFromHfConfig(deepseekV3, 'DeepSeek-V3/config.json');
    expect(model.architecture.attention).toMatchObject({ type: 'mla', kvLoraRank: 512, qLoraRank: 1536 });
    expect(Math.round(countParameters(model.architecture).total / 1e9)).toBe(671);
    expect(model.architecture).toEqual(findModel(catalog, 'deepseek-v3').architecture);
  });

  it('reads DeepSeek-V3.2 (model_type deepseek_v32): the indexer and its top-k', () => {
    const v32 = {
      ...deepseekV3,
      model_type: 'deepseek_v32',
      index_n_heads: 64,
      index_head_dim: 128,
      index_topk: 2048,
    };
    const model = modelFromHfConfig(v32, 'DeepSeek-V3.2/config.json');
    expect(model.architecture.attention.sparse).toEqual({
      indexerHeads: 64,
      indexerHeadDim: 128,
      topK: 2048,
    });
    expect(model.architecture).toEqual(findModel(catalog, 'deepseek-v3.2').architecture);
  });

  it('reads gpt-oss-120b: 128 experts with biases, sinks, a window of 128 on the 18 sliding layers', () => {
    // Written from openai/gpt-oss-120b config.json (the fields that shape the weights).
    const gptOss = {
      architectures: ['GptOssForCausalLM'],
      attention_bias: true,
      experts_per_token: 4,
      head_dim: 64,
      hidden_size: 2880,
      intermediate_size: 2880,
      layer_types: Array.from({ length: 36 }, (_, i) =>
        i % 2 === 0 ? 'sliding_attention' : 'full_attention',
      ),
      max_position_embeddings: 131072,
      model_type: 'gpt_oss',
      num_attention_heads: 64,
      num_experts_per_tok: 4,
      num_hidden_layers: 36,
      num_key_value_heads: 8,
      num_local_experts: 128,
      sliding_window: 128,
      tie_word_embeddings: false,
      vocab_size: 201088,
    };
    const model = modelFromHfConfig(gptOss, 'gpt-oss-120b/config.json');
    expect(model.architecture).toEqual(findModel(catalog, 'gpt-oss-120b').architecture);
    expect(Math.abs(countParameters(model.architecture).total - 116.83e9)).toBeLessThan(0.01e9);
  });

  it('leaves out the query rank when q_lora_rank is null (DeepSeek-V2-Lite)', () => {
    const lite = {
      ...deepseekV3,
      hidden_size: 2048,
      intermediate_size: 10944,
      moe_intermediate_size: 1408,
      n_routed_experts: 64,
      n_shared_experts: 2,
      num_experts_per_tok: 6,
      first_k_dense_replace: 1,
      num_attention_heads: 16,
      num_key_value_heads: 16,
      num_hidden_layers: 27,
      q_lora_rank: null,
      vocab_size: 102400,
      model_type: 'deepseek_v2',
    };
    const model = modelFromHfConfig(lite, 'DeepSeek-V2-Lite/config.json');
    expect(model.architecture).toEqual(findModel(catalog, 'deepseek-v2-lite').architecture);
  });

  it('reads Llama 4 Maverick from text_config: 24 MoE layers, about 400B', () => {
    const model = modelFromHfConfig(maverick, 'Llama-4-Maverick-17B-128E/config.json');
    expect(model.family).toBe('llama4');
    const counts = countParameters(model.architecture);
    expect(counts.moeLayers).toBe(24);
    expect(Math.abs(counts.total / 400e9 - 1)).toBeLessThan(0.01);
    expect(model.architecture).toEqual(findModel(catalog, 'llama-4-maverick').architecture);
  });

  it('reads Qwen3-235B-A22B: 235B total, 22B active', () => {
    const model = modelFromHfConfig(qwen3Moe, 'Qwen3-235B-A22B/config.json');
    const counts = countParameters(model.architecture);
    expect(Math.round(counts.total / 1e9)).toBe(235);
    expect(Math.round(counts.active / 1e9)).toBe(22);
    expect(model.architecture).toEqual(findModel(catalog, 'qwen3-235b-a22b').architecture);
  });

  it('reads GPT-2 small: 124.4M weights (LayerNorm and output biases aside)', () => {
    const gpt2 = {
      model_type: 'gpt2',
      n_embd: 768,
      n_head: 12,
      n_layer: 12,
      n_positions: 1024,
      vocab_size: 50257,
    };
    const model = modelFromHfConfig(gpt2, 'gpt2/config.json');
    // The checkpoint holds 124,439,808: 12 x (768 output bias + 2 x 768 LayerNorm bias) + 768 more.
    expect(countParameters(model.architecture).total).toBe(124_439_808 - 28_416);
  });

  it('names the file and the field when one is missing or wrong', () => {
    const { num_hidden_layers: _, ...noLayers } = llama31_8b;
    expect(() => modelFromHfConfig(noLayers, 'config.json')).toThrow(
      'config.json: num_hidden_layers: expected a positive integer',
    );
    expect(() => modelFromHfConfig({ ...llama31_8b, hidden_size: '4096' }, 'config.json')).toThrow(
      'config.json: hidden_size: expected a positive integer',
    );
    expect(() => modelFromHfConfig({ ...llama31_8b, tie_word_embeddings: 'no' }, 'config.json')).toThrow(
      'config.json: tie_word_embeddings: expected true or false',
    );
    const { num_local_experts: __, ...textConfig } = maverick.text_config;
    expect(() => modelFromHfConfig({ ...maverick, text_config: textConfig }, 'm/config.json')).toThrow(
      'm/config.json: text_config.num_local_experts: expected a positive integer',
    );
  });

  it('rejects unknown model types and non-objects with an InputError', () => {
    expect(() => modelFromHfConfig({ model_type: 'rwkv' }, 'config.json')).toThrow(
      /model_type: unsupported "rwkv"/,
    );
    expect(() => modelFromHfConfig({}, 'config.json')).toThrow('config.json: model_type: expected a string');
    expect(() => modelFromHfConfig([1, 2], 'config.json')).toThrow(InputError);
    expect(() => modelFromHfConfig({ ...qwen3Moe, mlp_only_layers: [5] }, 'config.json')).toThrow(
      /mlp_only_layers: dense layers \[5\] are not the first k layers/,
    );
  });

  it('derives the id from _name_or_path, then the folder, then the file name', () => {
    const { _name_or_path: _, ...anonymous } = llama31_8b;
    expect(modelFromHfConfig(anonymous, '/models/My_Fine Tune/config.json').id).toBe('my-fine-tune');
    expect(modelFromHfConfig(anonymous, 'tiny-llama.json').id).toBe('tiny-llama');
    expect(modelFromHfConfig(anonymous, 'x.json', { id: 'mine' }).id).toBe('mine');
    expect(modelFromHfConfig(anonymous, 'config.json').id).toBe('custom-model');
  });
});
