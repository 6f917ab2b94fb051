import { InputError } from '../errors/clearbox-error.ts';
import { type Model, modelSchema } from './schema.ts';

/**
 * Reads a Hugging Face `config.json` (already parsed) into a catalog Model, so a user can estimate
 * a model that is not in the catalog. Field names follow the `transformers` configuration classes
 * of each `model_type`; fields a family does not write get the defaults of its configuration class.
 */
export interface HfConfigOptions {
  /** Date for the model's source (core has no clock); default: the Unix epoch, marked in a note. */
  date?: string;
  /** Overrides the id derived from `_name_or_path` or the path. */
  id?: string;
}

type Json = Record<string, unknown>;

/** How a family lays out its weights; every supported model_type maps to one. */
type Layout = 'decoder' | 'deepseek' | 'gpt2' | 'bloom';

const layouts: Record<string, Layout> = {
  llama: 'decoder',
  mistral: 'decoder',
  mixtral: 'decoder',
  qwen2: 'decoder',
  qwen2_moe: 'decoder',
  qwen3: 'decoder',
  qwen3_moe: 'decoder',
  phi3: 'decoder',
  llama4: 'decoder',
  llama4_text: 'decoder',
  gpt_oss: 'decoder',
  deepseek_v2: 'deepseek',
  deepseek_v3: 'deepseek',
  deepseek_v32: 'deepseek',
  kimi_k2: 'deepseek',
  gpt2: 'gpt2',
  bloom: 'bloom',
};

/** Reads typed fields from one JSON object; every error names the file and the field path. */
class FieldReader {
  constructor(
    private readonly obj: Json,
    private readonly path: string,
    private readonly prefix: string,
  ) {}

  /** An error about one field: `config.json: text_config.num_hidden_layers: expected ...`. */
  error(field: string, message: string): InputError {
    return new InputError(message, `${this.path}: ${this.prefix}${field}`);
  }

  private fail(field: string, expected: string): never {
    throw this.error(field, `expected ${expected}`);
  }

  /** null counts as absent: configs write `"head_dim": null` for "derive it". */
  has(field: string): boolean {
    return this.obj[field] !== undefined && this.obj[field] !== null;
  }

  int(field: string, fallback?: number): number {
    const v = this.obj[field];
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) this.fail(field, 'a positive integer');
    return v;
  }

  optionalInt(field: string): number | undefined {
    return this.has(field) ? this.int(field) : undefined;
  }

  /** Like int, but 0 is allowed (first_k_dense_replace, q_lora_rank written as 0). */
  count(field: string, fallback: number): number {
    const v = this.obj[field];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) this.fail(field, 'a non-negative integer');
    return v;
  }

  bool(field: string, fallback: boolean): boolean {
    const v = this.obj[field];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') this.fail(field, 'true or false');
    return v;
  }

  /** How many entries of a string list equal a value; undefined when the list is absent. */
  countOf(field: string, value: string): number | undefined {
    const v = this.obj[field];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) this.fail(field, 'a list of layer types');
    return (v as string[]).filter((x) => x === value).length;
  }

  intList(field: string): number[] {
    const v = this.obj[field];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < 0)) {
      this.fail(field, 'a list of layer indices');
    }
    return v as number[];
  }
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `meta-llama/Llama-3.1-8B` or `models/Llama-3.1-8B/config.json` -> `llama-3.1-8b`. */
function deriveId(config: Json, path: string): { id: string; name: string } {
  const nameOrPath = typeof config._name_or_path === 'string' ? config._name_or_path.trim() : '';
  const segments = (nameOrPath || path).split(/[\\/]/).filter((s) => s.length > 0);
  let last = segments.at(-1) ?? '';
  if (!nameOrPath && /\.json$/i.test(last)) {
    last = /^config\.json$/i.test(last) ? (segments.at(-2) ?? '') : last.replace(/\.json$/i, '');
  }
  const id = last
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '');
  return { id: id || 'custom-model', name: last || 'custom model' };
}

function attentionType(heads: number, kvHeads: number): 'mha' | 'gqa' | 'mqa' {
  if (kvHeads === heads) return 'mha';
  return kvHeads === 1 ? 'mqa' : 'gqa';
}

/** Dense layers listed as indices must be the first k layers, the only layout the schema holds. */
function leadingDenseLayers(r: FieldReader, field: string, layers: number[]): number {
  const sorted = [...layers].sort((a, b) => a - b);
  if (sorted.some((v, i) => v !== i)) {
    throw r.error(
      field,
      `dense layers ${JSON.stringify(layers)} are not the first k layers, the only layout Clearbox holds`,
    );
  }
  return sorted.length;
}

function decoderArchitecture(modelType: string, r: FieldReader, tiedFallback: boolean) {
  const layers = r.int('num_hidden_layers');
  const hiddenSize = r.int('hidden_size');
  const heads = r.int('num_attention_heads');
  const kvHeads = r.int('num_key_value_heads', heads);
  const headDim = r.int('head_dim', hiddenSize / heads);
  const isLlama4 = modelType === 'llama4' || modelType === 'llama4_text';
  const isGptOss = modelType === 'gpt_oss';
  // Qwen2 (and Qwen2-MoE) always put biases on q, k and v; the others say so in attention_bias.
  const qkvBias = modelType === 'qwen2' || modelType === 'qwen2_moe' ? true : r.bool('attention_bias', false);
  // Qwen2 writes sliding_window even when use_sliding_window is false.
  const windowApplies = modelType.startsWith('qwen') ? r.bool('use_sliding_window', false) : true;
  const slidingWindow = windowApplies ? r.optionalInt('sliding_window') : undefined;
  const contextLength = r.int('max_position_embeddings');
  // Llama 4 attends within chunks of attention_chunk_size on three of every four layers (every fourth
  // is a global NoPE layer): those layers hold at most one chunk of KV, modelled as a window.
  const chunk = isLlama4 ? r.optionalInt('attention_chunk_size') : undefined;
  const window = chunk ?? slidingWindow;
  // layer_types (gpt-oss, Gemma 3) says which layers use the window.
  const banded = r.countOf('layer_types', 'sliding_attention');
  const windowLayers = chunk !== undefined ? layers - Math.floor(layers / 4) : banded;
  // Qwen3 normalises each head's query and key (q_norm, k_norm).
  const qkNorm = modelType === 'qwen3' || modelType === 'qwen3_moe';

  const attention = {
    type: attentionType(heads, kvHeads),
    heads,
    kvHeads,
    headDim,
    ...(qkvBias ? { qkvBias } : {}),
    ...(qkNorm ? { qkNorm } : {}),
    // gpt-oss learns one sink logit per head per layer.
    ...(isGptOss ? { sinks: true } : {}),
    ...(window !== undefined && window < contextLength
      ? {
          slidingWindow: window,
          ...(windowLayers !== undefined ? { slidingWindowLayers: windowLayers } : {}),
        }
      : {}),
  };

  let ffnSize = r.int('intermediate_size');
  let moe: Model['architecture']['moe'];
  if (isGptOss) {
    // gpt-oss: every layer routes to num_local_experts experts of intermediate_size, with biases.
    moe = {
      routedExperts: r.int('num_local_experts'),
      activeExperts: r.int('num_experts_per_tok', r.int('experts_per_token', 4)),
      sharedExperts: 0,
      expertIntermediateSize: ffnSize,
      firstDenseLayers: 0,
      moeLayerStep: 1,
    };
  } else if (modelType === 'mixtral') {
    moe = {
      routedExperts: r.int('num_local_experts'),
      activeExperts: r.int('num_experts_per_tok'),
      sharedExperts: 0,
      expertIntermediateSize: ffnSize,
      firstDenseLayers: 0,
      moeLayerStep: 1,
    };
  } else if (isLlama4) {
    // Llama 4: intermediate_size is one expert's width, intermediate_size_mlp the dense layers';
    // every MoE layer also runs one shared expert of the expert width (Llama4TextMoe).
    const expert = ffnSize;
    ffnSize = r.int('intermediate_size_mlp', expert);
    moe = {
      routedExperts: r.int('num_local_experts'),
      activeExperts: r.int('num_experts_per_tok'),
      sharedExperts: 1,
      expertIntermediateSize: expert,
      firstDenseLayers: 0,
      moeLayerStep: r.int('interleave_moe_layer_step', 1),
    };
  } else if (modelType === 'qwen3_moe' || modelType === 'qwen2_moe') {
    const sharedSize = modelType === 'qwen2_moe' ? r.int('shared_expert_intermediate_size') : undefined;
    moe = {
      routedExperts: r.int('num_experts'),
      activeExperts: r.int('num_experts_per_tok'),
      sharedExperts: sharedSize ? 1 : 0,
      expertIntermediateSize: r.int('moe_intermediate_size'),
      ...(sharedSize ? { sharedIntermediateSize: sharedSize } : {}),
      firstDenseLayers: leadingDenseLayers(r, 'mlp_only_layers', r.intList('mlp_only_layers')),
      moeLayerStep: r.int('decoder_sparse_step', 1),
    };
  }

  return {
    layers,
    hiddenSize,
    vocabSize: r.int('vocab_size'),
    tiedEmbeddings: r.bool('tie_word_embeddings', tiedFallback),
    attention,
    ffn: { type: 'gated' as const, intermediateSize: ffnSize, ...(isGptOss ? { bias: true } : {}) },
    ...(moe ? { moe } : {}),
    contextLength,
  };
}

function deepseekArchitecture(r: FieldReader) {
  const heads = r.int('num_attention_heads');
  const nope = r.int('qk_nope_head_dim');
  // q_lora_rank is null (or 0) when queries are not compressed (DeepSeek-V2-Lite).
  const qLoraRank = r.count('q_lora_rank', 0);
  return {
    layers: r.int('num_hidden_layers'),
    hiddenSize: r.int('hidden_size'),
    vocabSize: r.int('vocab_size'),
    tiedEmbeddings: r.bool('tie_word_embeddings', false),
    attention: {
      type: 'mla' as const,
      heads,
      kvHeads: r.int('num_key_value_heads', heads),
      headDim: nope,
      kvLoraRank: r.int('kv_lora_rank'),
      ...(qLoraRank > 0 ? { qLoraRank } : {}),
      ropeHeadDim: r.int('qk_rope_head_dim'),
      nopeHeadDim: nope,
      vHeadDim: r.int('v_head_dim'),
      // DeepSeek Sparse Attention (V3.2): a lightning indexer picks the top-k tokens.
      ...(r.has('index_topk')
        ? {
            sparse: {
              indexerHeads: r.int('index_n_heads'),
              indexerHeadDim: r.int('index_head_dim'),
              topK: r.int('index_topk'),
            },
          }
        : {}),
    },
    ffn: { type: 'gated' as const, intermediateSize: r.int('intermediate_size') },
    moe: {
      routedExperts: r.int('n_routed_experts'),
      activeExperts: r.int('num_experts_per_tok'),
      sharedExperts: r.count('n_shared_experts', 0),
      expertIntermediateSize: r.int('moe_intermediate_size'),
      firstDenseLayers: r.count('first_k_dense_replace', 0),
      moeLayerStep: r.int('moe_layer_freq', 1),
    },
    contextLength: r.int('max_position_embeddings'),
  };
}

function gpt2Architecture(r: FieldReader) {
  const hiddenSize = r.int('n_embd');
  const heads = r.int('n_head');
  const positions = r.int('n_positions');
  return {
    layers: r.int('n_layer'),
    hiddenSize,
    vocabSize: r.int('vocab_size'),
    tiedEmbeddings: true,
    positionEmbeddings: positions,
    attention: { type: 'mha' as const, heads, kvHeads: heads, headDim: hiddenSize / heads, qkvBias: true },
    ffn: { type: 'plain' as const, intermediateSize: r.int('n_inner', 4 * hiddenSize), bias: true },
    contextLength: positions,
  };
}

function bloomArchitecture(r: FieldReader) {
  const hiddenSize = r.has('n_embed') ? r.int('n_embed') : r.int('hidden_size');
  const heads = r.has('n_head') ? r.int('n_head') : r.int('num_attention_heads');
  return {
    layers: r.has('n_layer') ? r.int('n_layer') : r.int('num_hidden_layers'),
    hiddenSize,
    vocabSize: r.int('vocab_size'),
    tiedEmbeddings: true,
    attention: { type: 'mha' as const, heads, kvHeads: heads, headDim: hiddenSize / heads, qkvBias: true },
    ffn: { type: 'plain' as const, intermediateSize: 4 * hiddenSize, bias: true },
    // ALiBi has no position table, so the config names no length; 2048 is BLOOM's training length.
    contextLength: r.int('seq_length', 2048),
  };
}

/** Maps a parsed Hugging Face config.json to a Model; an InputError names the file and field. */
export function modelFromHfConfig(config: unknown, path: string, options: HfConfigOptions = {}): Model {
  if (!isObject(config)) throw new InputError('expected a JSON object (a Hugging Face config.json)', path);
  const declaredType = config.model_type;
  if (typeof declaredType !== 'string') {
    throw new InputError('expected a string such as "llama"', `${path}: model_type`);
  }
  let modelType = declaredType;
  const layout = layouts[modelType];
  if (!layout) {
    throw new InputError(
      `unsupported "${declaredType}"; supported: ${Object.keys(layouts).join(', ')}`,
      `${path}: model_type`,
    );
  }

  // Llama 4 checkpoints nest the language model under text_config (beside a vision_config).
  let fields = config;
  let prefix = '';
  if (modelType === 'llama4') {
    if (!isObject(config.text_config)) throw new InputError('expected an object', `${path}: text_config`);
    fields = config.text_config;
    prefix = 'text_config.';
    modelType = 'llama4_text';
  }
  const r = new FieldReader(fields, path, prefix);
  // The top level of a multimodal config carries tie_word_embeddings when text_config does not.
  const tiedFallback = prefix !== '' && config.tie_word_embeddings === true;

  const architecture =
    layout === 'deepseek'
      ? deepseekArchitecture(r)
      : layout === 'gpt2'
        ? gpt2Architecture(r)
        : layout === 'bloom'
          ? bloomArchitecture(r)
          : decoderArchitecture(modelType, r, tiedFallback);

  const derived = deriveId(config, path);
  const candidate = {
    id: options.id ?? derived.id,
    name: derived.name,
    family: declaredType,
    architecture,
    source: {
      title: path,
      date: options.date ?? '1970-01-01',
      ...(options.date ? {} : { note: 'read from a local file; no date was given' }),
    },
  };
  const result = modelSchema.safeParse(candidate);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new InputError(`does not make a valid model: ${issues}`, path);
  }
  return result.data;
}
