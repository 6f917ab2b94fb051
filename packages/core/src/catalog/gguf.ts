import { InputError } from '../errors/clearbox-error.ts';
import { type Model, modelSchema } from './schema.ts';

/**
 * GGUF header reader (versions 2 and 3): magic, version, counts, metadata and tensor infos, never
 * the tensor data. Layout per ggml's docs/gguf.md; the CLI hands over the first few MB of a file,
 * so running out of bytes is an expected error that says how to fix it.
 */

/** GGUF metadata value types (gguf.md `gguf_metadata_value_type`). */
const valueTypeNames = [
  'uint8',
  'int8',
  'uint16',
  'int16',
  'uint32',
  'int32',
  'float32',
  'bool',
  'string',
  'array',
  'uint64',
  'int64',
  'float64',
] as const;
export type GgufValueTypeName = (typeof valueTypeNames)[number];

/** Fixed sizes in bytes of the scalar value types (strings and arrays are variable). */
const scalarSize: Partial<Record<GgufValueTypeName, number>> = {
  uint8: 1,
  int8: 1,
  uint16: 2,
  int16: 2,
  uint32: 4,
  int32: 4,
  float32: 4,
  bool: 1,
  uint64: 8,
  int64: 8,
  float64: 8,
};

/** 64-bit integers that do not fit a double stay bigint. */
export type GgufScalar = number | bigint | boolean | string;

export interface GgufArray {
  kind: 'array';
  elementType: GgufValueTypeName;
  length: number;
  /** Absent when the array is longer than `maxArrayValues` (tokenizer vocabularies, merges). */
  values?: GgufValue[];
}

export type GgufValue = GgufScalar | GgufArray;

export interface GgufTensorInfo {
  name: string;
  /** ggml order: dims[0] is the fastest-varying (row length); token_embd.weight is [hidden, vocab]. */
  dims: number[];
  ggmlType: number;
  /** e.g. Q4_0; `type<n>` for a type this table does not know. */
  typeName: string;
  /** Offset from the start of the tensor data section. */
  offset: number;
  elements: number;
  /** Stored size; undefined for an unknown ggml type. */
  bytes: number | undefined;
}

export interface GgufHeader {
  version: number;
  littleEndian: boolean;
  tensorCount: number;
  metadata: Record<string, GgufValue>;
  tensors: GgufTensorInfo[];
  /** general.alignment, default 32. */
  alignment: number;
  /** Absolute offset in the file where tensor data starts (after the header, aligned). */
  dataOffset: number;
}

export interface GgufReadOptions {
  /** Arrays longer than this are skipped, keeping only their length; default 1024. */
  maxArrayValues?: number;
}

/**
 * ggml tensor types: [name, weights per block, bytes per block]. From gguf-py/gguf/constants.py
 * `GGML_QUANT_SIZES` in github.com/ggml-org/llama.cpp (mirroring ggml.c type_traits): Q4_0 is a
 * 2-byte scale plus 32 4-bit weights = 18 bytes per 32 (4.5 bpw); Q4_K 144 per 256 (4.5);
 * Q6_K 210 per 256 (6.5625). Ids 4-5 (Q4_2, Q4_3), 31-33 and 36-38 (repacked Q4_0, IQ4_NL) are retired.
 */
const ggmlTypes: Record<number, readonly [string, number, number]> = {
  0: ['F32', 1, 4],
  1: ['F16', 1, 2],
  2: ['Q4_0', 32, 18],
  3: ['Q4_1', 32, 20],
  6: ['Q5_0', 32, 22],
  7: ['Q5_1', 32, 24],
  8: ['Q8_0', 32, 34],
  9: ['Q8_1', 32, 40],
  10: ['Q2_K', 256, 84],
  11: ['Q3_K', 256, 110],
  12: ['Q4_K', 256, 144],
  13: ['Q5_K', 256, 176],
  14: ['Q6_K', 256, 210],
  15: ['Q8_K', 256, 292],
  16: ['IQ2_XXS', 256, 66],
  17: ['IQ2_XS', 256, 74],
  18: ['IQ3_XXS', 256, 98],
  19: ['IQ1_S', 256, 50],
  20: ['IQ4_NL', 32, 18],
  21: ['IQ3_S', 256, 110],
  22: ['IQ2_S', 256, 82],
  23: ['IQ4_XS', 256, 136],
  24: ['I8', 1, 1],
  25: ['I16', 1, 2],
  26: ['I32', 1, 4],
  27: ['I64', 1, 8],
  28: ['F64', 1, 8],
  29: ['IQ1_M', 256, 56],
  30: ['BF16', 1, 2],
  34: ['TQ1_0', 256, 54],
  35: ['TQ2_0', 256, 66],
  39: ['MXFP4', 32, 17],
};

/** Bits per weight of a ggml type, e.g. 4.5 for Q4_0; undefined for an unknown type. */
export function ggmlBitsPerWeight(ggmlType: number): number | undefined {
  const t = ggmlTypes[ggmlType];
  return t ? (8 * t[2]) / t[1] : undefined;
}

/** general.file_type: llama.cpp's `llama_ftype` (include/llama.h; gguf-py LlamaFileType). */
const fileTypeNames: Record<number, string> = {
  0: 'F32',
  1: 'F16',
  2: 'Q4_0',
  3: 'Q4_1',
  4: 'Q4_1_SOME_F16',
  7: 'Q8_0',
  8: 'Q5_0',
  9: 'Q5_1',
  10: 'Q2_K',
  11: 'Q3_K_S',
  12: 'Q3_K_M',
  13: 'Q3_K_L',
  14: 'Q4_K_S',
  15: 'Q4_K_M',
  16: 'Q5_K_S',
  17: 'Q5_K_M',
  18: 'Q6_K',
  19: 'IQ2_XXS',
  20: 'IQ2_XS',
  21: 'Q2_K_S',
  22: 'IQ3_XS',
  23: 'IQ3_XXS',
  24: 'IQ1_S',
  25: 'IQ4_NL',
  26: 'IQ3_S',
  27: 'IQ3_M',
  28: 'IQ2_S',
  29: 'IQ2_M',
  30: 'IQ4_XS',
  31: 'IQ1_M',
  32: 'BF16',
  36: 'TQ1_0',
  37: 'TQ2_0',
  38: 'MXFP4_MOE',
};

/** Thrown inside the reader when the bytes end; turned into an InputError with context. */
class OutOfBytes extends Error {
  constructor(readonly needed: number) {
    super('out of bytes');
  }
}

const utf8 = new TextDecoder('utf-8');

class ByteReader {
  pos = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly littleEndian: boolean,
    private readonly corrupt: (message: string) => InputError,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private take(n: number): number {
    const at = this.pos;
    if (at + n > this.bytes.length) throw new OutOfBytes(at + n);
    this.pos += n;
    return at;
  }

  skip(n: number): void {
    this.take(n);
  }

  u8(): number {
    return this.view.getUint8(this.take(1));
  }
  u32(): number {
    return this.view.getUint32(this.take(4), this.littleEndian);
  }
  /** A u64 that must fit a double: a count, a length, a dimension or an offset. */
  size(what: string): number {
    const v = this.view.getBigUint64(this.take(8), this.littleEndian);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw this.corrupt(`${what} ${v} is impossibly large`);
    return Number(v);
  }

  string(what: string): string {
    const length = this.size(`${what} length`);
    const at = this.take(length);
    return utf8.decode(this.bytes.subarray(at, at + length));
  }

  skipString(what: string): void {
    this.skip(this.size(`${what} length`));
  }

  scalar(type: GgufValueTypeName, what: string): GgufScalar {
    const le = this.littleEndian;
    switch (type) {
      case 'uint8':
        return this.view.getUint8(this.take(1));
      case 'int8':
        return this.view.getInt8(this.take(1));
      case 'uint16':
        return this.view.getUint16(this.take(2), le);
      case 'int16':
        return this.view.getInt16(this.take(2), le);
      case 'uint32':
        return this.view.getUint32(this.take(4), le);
      case 'int32':
        return this.view.getInt32(this.take(4), le);
      case 'float32':
        return this.view.getFloat32(this.take(4), le);
      case 'bool':
        return this.view.getUint8(this.take(1)) !== 0;
      case 'uint64':
        return safeNumber(this.view.getBigUint64(this.take(8), le));
      case 'int64':
        return safeNumber(this.view.getBigInt64(this.take(8), le));
      case 'float64':
        return this.view.getFloat64(this.take(8), le);
      case 'string':
        return this.string(what);
      case 'array':
        throw new Error('arrays are read by readValue');
    }
  }
}

function safeNumber(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function valueType(r: ByteReader, what: string, corrupt: (m: string) => InputError): GgufValueTypeName {
  const id = r.u32();
  const name = valueTypeNames[id];
  if (!name) throw corrupt(`${what} has unknown value type ${id}`);
  return name;
}

function readValue(
  r: ByteReader,
  type: GgufValueTypeName,
  what: string,
  maxArrayValues: number,
  corrupt: (m: string) => InputError,
): GgufValue {
  if (type !== 'array') return r.scalar(type, what);
  const elementType = valueType(r, `${what} element`, corrupt);
  const length = r.size(`${what} array length`);
  if (length <= maxArrayValues) {
    const values: GgufValue[] = [];
    for (let i = 0; i < length; i++) values.push(readValue(r, elementType, what, maxArrayValues, corrupt));
    return { kind: 'array', elementType, length, values };
  }
  skipValues(r, elementType, length, what, corrupt);
  return { kind: 'array', elementType, length };
}

/** Steps over array elements without decoding them: one jump for fixed-size elements. */
function skipValues(
  r: ByteReader,
  type: GgufValueTypeName,
  count: number,
  what: string,
  corrupt: (m: string) => InputError,
): void {
  const fixed = scalarSize[type];
  if (fixed !== undefined) {
    r.skip(fixed * count);
    return;
  }
  for (let i = 0; i < count; i++) {
    if (type === 'string') r.skipString(what);
    else {
      const elementType = valueType(r, `${what} element`, corrupt);
      skipValues(r, elementType, r.size(`${what} array length`), what, corrupt);
    }
  }
}

function alignUp(offset: number, alignment: number): number {
  return Math.ceil(offset / alignment) * alignment;
}

/** Parses a GGUF header from the first bytes of a file; never reads tensor data. */
export function readGgufHeader(bytes: Uint8Array, path: string, options: GgufReadOptions = {}): GgufHeader {
  const maxArrayValues = options.maxArrayValues ?? 1024;
  const corrupt = (message: string) => new InputError(`not a readable GGUF header: ${message}`, path);

  if (bytes.length >= 4) {
    const magic = String.fromCharCode(...bytes.subarray(0, 4));
    if (magic !== 'GGUF') {
      const shown = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new InputError(`not a GGUF file: it starts with bytes ${shown}, not "GGUF"`, path);
    }
  }
  // The version is 2 or 3; read both ways to tell a big-endian file (gguf.md) from a little one.
  const head = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const littleEndian = bytes.length < 8 || head.getUint32(4, true) < 0x10000;
  const r = new ByteReader(bytes, littleEndian, corrupt);
  let stage = 'the file header';
  try {
    r.skip(4);
    const version = r.u32();
    if (version !== 2 && version !== 3) {
      throw new InputError(
        `GGUF version ${version} is not supported (versions 2 and 3 are; version 1 files predate August 2023)`,
        path,
      );
    }
    const tensorCount = r.size('tensor count');
    const kvCount = r.size('metadata count');

    const metadata: Record<string, GgufValue> = {};
    for (let i = 0; i < kvCount; i++) {
      stage = `metadata entry ${i + 1} of ${kvCount}`;
      const key = r.string('metadata key');
      stage = `metadata entry ${i + 1} of ${kvCount} (${key})`;
      const type = valueType(r, key, corrupt);
      metadata[key] = readValue(r, type, key, maxArrayValues, corrupt);
    }

    const tensors: GgufTensorInfo[] = [];
    for (let i = 0; i < tensorCount; i++) {
      stage = `tensor info ${i + 1} of ${tensorCount}`;
      const name = r.string('tensor name');
      stage = `tensor info ${i + 1} of ${tensorCount} (${name})`;
      const nDims = r.u32();
      if (nDims > 8) throw corrupt(`tensor ${name} has ${nDims} dimensions`);
      const dims: number[] = [];
      for (let d = 0; d < nDims; d++) dims.push(r.size(`tensor ${name} dimension`));
      const ggmlType = r.u32();
      const offset = r.size(`tensor ${name} offset`);
      const elements = dims.reduce((a, b) => a * b, 1);
      const info = ggmlTypes[ggmlType];
      tensors.push({
        name,
        dims,
        ggmlType,
        typeName: info?.[0] ?? `type${ggmlType}`,
        offset,
        elements,
        bytes: info ? Math.ceil(elements / info[1]) * info[2] : undefined,
      });
    }

    const declared = metadata['general.alignment'];
    const alignment = typeof declared === 'number' && declared > 0 ? declared : 32;
    return {
      version,
      littleEndian,
      tensorCount,
      metadata,
      tensors,
      alignment,
      dataOffset: alignUp(r.pos, alignment),
    };
  } catch (error) {
    if (error instanceof OutOfBytes) {
      throw new InputError(
        `the GGUF header is longer than the ${bytes.length.toLocaleString('en-US')} bytes given: ` +
          `${stage} needs at least ${error.needed.toLocaleString('en-US')}; pass more of the file`,
        path,
      );
    }
    throw error;
  }
}

export interface GgufModel {
  model: Model;
  /** llama.cpp's name for the file's quantization (general.file_type), else the largest tensor type. */
  weightFormat: string;
  /** Stored bits per weight over every tensor, from element counts and ggml block sizes. */
  bitsPerWeight: number;
  weightCount: number;
  weightBytes: number;
}

export interface GgufModelOptions {
  /** Date for the model's source (core has no clock); default: the Unix epoch, marked in a note. */
  date?: string;
  id?: string;
}

/** Maps a GGUF header to a Model and the file's quantization; an InputError names the missing key. */
export function modelFromGguf(header: GgufHeader, path: string, options: GgufModelOptions = {}): GgufModel {
  const meta = header.metadata;
  const arch = meta['general.architecture'];
  if (typeof arch !== 'string') {
    throw new InputError(
      'expected the architecture name (a string such as "llama")',
      `${path}: general.architecture`,
    );
  }
  const int = (key: string, fallback?: number): number => {
    const v = meta[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new InputError('expected a non-negative integer', `${path}: ${key}`);
    }
    return v;
  };
  const has = (key: string) => meta[key] !== undefined;
  const tensor = (pattern: RegExp) => header.tensors.find((t) => pattern.test(t.name));

  const hiddenSize = int(`${arch}.embedding_length`);
  const heads = int(`${arch}.attention.head_count`);
  const kvHeads = int(`${arch}.attention.head_count_kv`, heads);
  const tokens = meta['tokenizer.ggml.tokens'];
  const embedding = tensor(/^token_embd\.weight$/);
  const vocabSize =
    typeof tokens === 'object' && tokens.kind === 'array'
      ? tokens.length
      : has(`${arch}.vocab_size`)
        ? int(`${arch}.vocab_size`)
        : (embedding?.dims[1] ?? int('tokenizer.ggml.tokens'));

  const ropeDim = int(`${arch}.rope.dimension_count`, 0);
  const keyLength = int(`${arch}.attention.key_length`, hiddenSize / heads);
  const kvLoraRank = int(`${arch}.attention.kv_lora_rank`, 0);
  const qLoraRank = int(`${arch}.attention.q_lora_rank`, 0);
  const attention =
    kvLoraRank > 0
      ? {
          type: 'mla' as const,
          heads,
          kvHeads,
          headDim: keyLength - ropeDim,
          kvLoraRank,
          ...(qLoraRank > 0 ? { qLoraRank } : {}),
          ropeHeadDim: ropeDim,
          nopeHeadDim: keyLength - ropeDim,
          vHeadDim: int(`${arch}.attention.value_length`, keyLength - ropeDim),
        }
      : {
          type: kvHeads === heads ? ('mha' as const) : kvHeads === 1 ? ('mqa' as const) : ('gqa' as const),
          heads,
          kvHeads,
          headDim: keyLength,
          ...(tensor(/^blk\.\d+\.attn_(q|qkv)\.bias$/) ? { qkvBias: true } : {}),
          ...(has(`${arch}.attention.sliding_window`)
            ? { slidingWindow: int(`${arch}.attention.sliding_window`) }
            : {}),
        };

  const experts = int(`${arch}.expert_count`, 0);
  const ffnLength = int(`${arch}.feed_forward_length`);
  const moe =
    experts > 0
      ? {
          routedExperts: experts,
          activeExperts: int(`${arch}.expert_used_count`),
          sharedExperts: int(`${arch}.expert_shared_count`, 0),
          // Mixtral files (arch llama) give the expert width as feed_forward_length.
          expertIntermediateSize: int(`${arch}.expert_feed_forward_length`, ffnLength),
          firstDenseLayers: int(`${arch}.leading_dense_block_count`, 0),
          moeLayerStep: int(`${arch}.interleave_moe_layer_step`, 1),
        }
      : undefined;
  // No gate projection tensor means a plain two-matrix MLP (GPT-2, BLOOM, Falcon).
  const gated =
    header.tensors.length === 0 || tensor(/^blk\.\d+\.ffn_gate(_exps|_shexp)?\.weight$/) !== undefined;
  const positions = tensor(/^position_embd\.weight$/);

  const base = (path.split(/[\\/]/).at(-1) ?? '').replace(/\.gguf$/i, '');
  const generalName = typeof meta['general.name'] === 'string' ? meta['general.name'] : '';
  const derivedId = base
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '');

  const candidate = {
    id: options.id ?? (derivedId || 'custom-model'),
    name: generalName || base || 'custom model',
    family: arch,
    architecture: {
      layers: int(`${arch}.block_count`),
      hiddenSize,
      vocabSize,
      // llama.cpp reuses token_embd for the output when a file has no output.weight.
      tiedEmbeddings: header.tensors.length > 0 && !tensor(/^output\.weight$/),
      ...(positions ? { positionEmbeddings: positions.dims[1] ?? 0 } : {}),
      attention,
      ffn: {
        type: gated ? ('gated' as const) : ('plain' as const),
        intermediateSize: ffnLength,
        ...(tensor(/^blk\.\d+\.ffn_(up|down)\.bias$/) ? { bias: true } : {}),
      },
      ...(moe ? { moe } : {}),
      contextLength: int(`${arch}.context_length`),
    },
    source: {
      title: path,
      date: options.date ?? '1970-01-01',
      ...(options.date ? {} : { note: 'read from a local GGUF file; no date was given' }),
    },
  };
  const parsed = modelSchema.safeParse(candidate);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new InputError(`does not make a valid model: ${issues}`, path);
  }

  let weightCount = 0;
  let weightBytes = 0;
  const bytesByType = new Map<string, number>();
  for (const t of header.tensors) {
    if (t.bytes === undefined) {
      throw new InputError(
        `unknown ggml type ${t.ggmlType}, so its size is unknown`,
        `${path}: tensor ${t.name}`,
      );
    }
    weightCount += t.elements;
    weightBytes += t.bytes;
    bytesByType.set(t.typeName, (bytesByType.get(t.typeName) ?? 0) + t.bytes);
  }
  if (weightCount === 0) throw new InputError('the header lists no tensors, so no weight format', path);
  const fileType = meta['general.file_type'];
  const largest = [...bytesByType].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'unknown';
  const weightFormat =
    typeof fileType === 'number' ? (fileTypeNames[fileType] ?? `file_type ${fileType}`) : largest;

  return {
    model: parsed.data,
    weightFormat,
    bitsPerWeight: (8 * weightBytes) / weightCount,
    weightCount,
    weightBytes,
  };
}
