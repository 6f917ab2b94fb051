/**
 * A small GGUF writer for tests: builds a header (and optionally zeroed tensor data) the way
 * ggml's docs/gguf.md lays it out, so the reader can be checked against files made here.
 */

export type FixtureValue =
  | {
      type: 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';
      value: number;
    }
  | { type: 'uint64' | 'int64'; value: bigint }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'array'; elementType: FixtureValue['type']; values: FixtureValue[] };

export interface FixtureTensor {
  name: string;
  dims: number[];
  ggmlType: number;
}

const typeIds: Record<FixtureValue['type'], number> = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
};

/** [weights per block, bytes per block] for the types the fixtures use (ggml GGML_QUANT_SIZES). */
export const fixtureTypeSizes: Record<number, [number, number]> = {
  0: [1, 4], // F32
  1: [1, 2], // F16
  2: [32, 18], // Q4_0
  8: [32, 34], // Q8_0
  12: [256, 144], // Q4_K
  14: [256, 210], // Q6_K
};

type NumberType = Extract<FixtureValue, { value: number }>['type'];
const numberWriters: Record<NumberType, [number, (d: DataView, v: number, le: boolean) => void]> = {
  uint8: [1, (d, v) => d.setUint8(0, v)],
  int8: [1, (d, v) => d.setInt8(0, v)],
  uint16: [2, (d, v, le) => d.setUint16(0, v, le)],
  int16: [2, (d, v, le) => d.setInt16(0, v, le)],
  uint32: [4, (d, v, le) => d.setUint32(0, v, le)],
  int32: [4, (d, v, le) => d.setInt32(0, v, le)],
  float32: [4, (d, v, le) => d.setFloat32(0, v, le)],
  float64: [8, (d, v, le) => d.setFloat64(0, v, le)],
};

class Writer {
  private chunks: number[] = [];
  constructor(private readonly littleEndian: boolean) {}

  private put(size: number, write: (view: DataView) => void): void {
    const view = new DataView(new ArrayBuffer(size));
    write(view);
    for (let i = 0; i < size; i++) this.chunks.push(view.getUint8(i));
  }
  bytes(data: Uint8Array): void {
    for (const b of data) this.chunks.push(b);
  }
  u8(v: number) {
    this.put(1, (d) => d.setUint8(0, v));
  }
  u32(v: number) {
    this.put(4, (d) => d.setUint32(0, v, this.littleEndian));
  }
  u64(v: number | bigint) {
    this.put(8, (d) => d.setBigUint64(0, BigInt(v), this.littleEndian));
  }
  string(s: string) {
    const encoded = new TextEncoder().encode(s);
    this.u64(encoded.length);
    this.bytes(encoded);
  }
  value(v: FixtureValue): void {
    const le = this.littleEndian;
    if (v.type === 'string') this.string(v.value);
    else if (v.type === 'bool') this.u8(v.value ? 1 : 0);
    else if (v.type === 'uint64') this.u64(v.value);
    else if (v.type === 'int64') this.put(8, (d) => d.setBigInt64(0, v.value, le));
    else if (v.type === 'array') {
      this.u32(typeIds[v.elementType]);
      this.u64(v.values.length);
      for (const item of v.values) this.value(item);
    } else {
      const [size, set] = numberWriters[v.type];
      const value = v.value;
      if (typeof value !== 'number') throw new Error(`${v.type} takes a number`);
      this.put(size, (d) => set(d, value, le));
    }
  }
  get length(): number {
    return this.chunks.length;
  }
  result(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

export interface GgufFixture {
  version?: number;
  littleEndian?: boolean;
  metadata: Record<string, FixtureValue>;
  tensors: FixtureTensor[];
  /** Append zeroed tensor data after the aligned header (default: header only). */
  withData?: boolean;
}

export function tensorBytes(t: FixtureTensor): number {
  const size = fixtureTypeSizes[t.ggmlType];
  if (!size) throw new Error(`fixture has no size for ggml type ${t.ggmlType}`);
  const elements = t.dims.reduce((a, b) => a * b, 1);
  return Math.ceil(elements / size[0]) * size[1];
}

/** Writes a GGUF file: header, tensor infos with aligned offsets, padding, optional zero data. */
export function writeGguf(fixture: GgufFixture): {
  bytes: Uint8Array;
  headerLength: number;
  dataOffset: number;
} {
  const w = new Writer(fixture.littleEndian ?? true);
  const alignmentEntry = fixture.metadata['general.alignment'];
  const alignment = alignmentEntry?.type === 'uint32' ? alignmentEntry.value : 32;
  w.bytes(new TextEncoder().encode('GGUF'));
  w.u32(fixture.version ?? 3);
  w.u64(fixture.tensors.length);
  w.u64(Object.keys(fixture.metadata).length);
  for (const [key, value] of Object.entries(fixture.metadata)) {
    w.string(key);
    w.u32(typeIds[value.type]);
    w.value(value);
  }
  let offset = 0;
  for (const t of fixture.tensors) {
    w.string(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(t.ggmlType);
    w.u64(offset);
    offset += Math.ceil(tensorBytes(t) / alignment) * alignment;
  }
  const headerLength = w.length;
  const dataOffset = Math.ceil(headerLength / alignment) * alignment;
  if (fixture.withData) w.bytes(new Uint8Array(dataOffset - headerLength + offset));
  return { bytes: w.result(), headerLength, dataOffset };
}

const u32 = (value: number): FixtureValue => ({ type: 'uint32', value });

/**
 * A tiny llama-style model: 2 layers, hidden 64, 4 heads (2 KV heads), FFN 128, vocab 100,
 * context 256; 2-D weights in Q4_0, norms in F32, as `llama-quantize ... Q4_0` leaves them.
 */
export function tinyLlamaQ4_0(options: { vocab?: number; withData?: boolean } = {}): GgufFixture {
  const vocab = options.vocab ?? 100;
  const d = 64;
  const kv = 2 * (d / 4);
  const ff = 128;
  const tensors: FixtureTensor[] = [
    { name: 'token_embd.weight', dims: [d, vocab], ggmlType: 2 },
    { name: 'output_norm.weight', dims: [d], ggmlType: 0 },
    { name: 'output.weight', dims: [d, vocab], ggmlType: 2 },
  ];
  for (let i = 0; i < 2; i++) {
    tensors.push(
      { name: `blk.${i}.attn_norm.weight`, dims: [d], ggmlType: 0 },
      { name: `blk.${i}.attn_q.weight`, dims: [d, d], ggmlType: 2 },
      { name: `blk.${i}.attn_k.weight`, dims: [d, kv], ggmlType: 2 },
      { name: `blk.${i}.attn_v.weight`, dims: [d, kv], ggmlType: 2 },
      { name: `blk.${i}.attn_output.weight`, dims: [d, d], ggmlType: 2 },
      { name: `blk.${i}.ffn_norm.weight`, dims: [d], ggmlType: 0 },
      { name: `blk.${i}.ffn_gate.weight`, dims: [d, ff], ggmlType: 2 },
      { name: `blk.${i}.ffn_up.weight`, dims: [d, ff], ggmlType: 2 },
      { name: `blk.${i}.ffn_down.weight`, dims: [ff, d], ggmlType: 2 },
    );
  }
  return {
    metadata: {
      'general.architecture': { type: 'string', value: 'llama' },
      'general.name': { type: 'string', value: 'Tiny Llama' },
      'general.file_type': u32(2),
      'general.quantization_version': u32(2),
      'llama.block_count': u32(2),
      'llama.context_length': u32(256),
      'llama.embedding_length': u32(d),
      'llama.feed_forward_length': u32(ff),
      'llama.attention.head_count': u32(4),
      'llama.attention.head_count_kv': u32(2),
      'llama.rope.dimension_count': u32(16),
      'llama.rope.freq_base': { type: 'float32', value: 10000 },
      'llama.attention.layer_norm_rms_epsilon': { type: 'float32', value: 1e-5 },
      'tokenizer.ggml.model': { type: 'string', value: 'llama' },
      'tokenizer.ggml.tokens': {
        type: 'array',
        elementType: 'string',
        values: Array.from(
          { length: vocab },
          (_, i) => ({ type: 'string', value: `tok${i}` }) as FixtureValue,
        ),
      },
      'tokenizer.ggml.scores': {
        type: 'array',
        elementType: 'float32',
        values: Array.from({ length: vocab }, (_, i) => ({ type: 'float32', value: -i }) as FixtureValue),
      },
      'tokenizer.ggml.bos_token_id': u32(1),
    },
    tensors,
    ...(options.withData ? { withData: true } : {}),
  };
}
