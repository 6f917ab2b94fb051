import { describe, expect, it } from 'vitest';
import { countParameters } from '../src/estimate/parameters.ts';
import { ggmlBitsPerWeight, InputError, modelFromGguf, readGgufHeader } from '../src/index.ts';
import { type FixtureValue, tensorBytes, tinyLlamaQ4_0, writeGguf } from './gguf-fixture.ts';

describe('readGgufHeader', () => {
  const fixture = tinyLlamaQ4_0({ withData: true });
  const { bytes, headerLength, dataOffset } = writeGguf(fixture);

  it('recovers version, counts, metadata and every tensor info', () => {
    const header = readGgufHeader(bytes, 'tiny-Q4_0.gguf');
    expect(header.version).toBe(3);
    expect(header.littleEndian).toBe(true);
    expect(header.tensorCount).toBe(fixture.tensors.length);
    expect(header.alignment).toBe(32);
    expect(header.dataOffset).toBe(dataOffset);
    expect(header.metadata['general.architecture']).toBe('llama');
    expect(header.metadata['llama.block_count']).toBe(2);
    expect(header.metadata['llama.rope.freq_base']).toBe(10000);
    expect(header.metadata['llama.attention.layer_norm_rms_epsilon']).toBeCloseTo(1e-5, 10);
    expect(header.metadata['tokenizer.ggml.tokens']).toMatchObject({
      kind: 'array',
      elementType: 'string',
      length: 100,
    });
    expect(header.tensors.map((t) => t.name)).toEqual(fixture.tensors.map((t) => t.name));
    let offset = 0;
    for (const [i, t] of header.tensors.entries()) {
      const written = fixture.tensors[i];
      expect(t.dims).toEqual(written?.dims);
      expect(t.ggmlType).toBe(written?.ggmlType);
      expect(t.offset).toBe(offset);
      if (written) offset += Math.ceil(tensorBytes(written) / 32) * 32;
    }
    const q = header.tensors.find((t) => t.name === 'blk.0.attn_q.weight');
    expect(q).toMatchObject({ typeName: 'Q4_0', elements: 64 * 64, bytes: ((64 * 64) / 32) * 18 });
  });

  it('needs only the header bytes, not the tensor data', () => {
    expect(bytes.length).toBeGreaterThan(dataOffset);
    const header = readGgufHeader(bytes.subarray(0, headerLength), 'tiny.gguf');
    expect(header.tensors).toHaveLength(fixture.tensors.length);
  });

  it('keeps short arrays and skips long ones, keeping their length', () => {
    const header = readGgufHeader(bytes, 'tiny.gguf', { maxArrayValues: 10 });
    const tokens = header.metadata['tokenizer.ggml.tokens'];
    expect(tokens).toEqual({ kind: 'array', elementType: 'string', length: 100 });
    const full = readGgufHeader(bytes, 'tiny.gguf', { maxArrayValues: 1000 }).metadata[
      'tokenizer.ggml.tokens'
    ];
    expect(typeof full === 'object' && full.kind === 'array' ? full.values?.slice(0, 3) : undefined).toEqual([
      'tok0',
      'tok1',
      'tok2',
    ]);
    // The skip must land exactly where the next key starts, or everything after would be garbage.
    expect(header.metadata['tokenizer.ggml.bos_token_id']).toBe(1);
    expect(header.tensors.at(-1)?.name).toBe('blk.1.ffn_down.weight');
  });

  it('reads every value type, nested arrays and 64-bit integers, in both byte orders', () => {
    const all: Record<string, FixtureValue> = {
      'general.architecture': { type: 'string', value: 'llama' },
      u8: { type: 'uint8', value: 250 },
      i8: { type: 'int8', value: -5 },
      u16: { type: 'uint16', value: 65000 },
      i16: { type: 'int16', value: -32000 },
      u32: { type: 'uint32', value: 4_000_000_000 },
      i32: { type: 'int32', value: -2_000_000_000 },
      f32: { type: 'float32', value: 0.5 },
      f64: { type: 'float64', value: Math.PI },
      yes: { type: 'bool', value: true },
      u64: { type: 'uint64', value: 2n ** 40n },
      bigU64: { type: 'uint64', value: 2n ** 63n + 1n },
      i64: { type: 'int64', value: -(2n ** 40n) },
      text: { type: 'string', value: 'héllo ✓' },
      nested: {
        type: 'array',
        elementType: 'array',
        values: [
          { type: 'array', elementType: 'int32', values: [{ type: 'int32', value: 1 }] },
          { type: 'array', elementType: 'string', values: [{ type: 'string', value: 'a' }] },
        ],
      },
      after: { type: 'uint8', value: 7 },
    };
    for (const littleEndian of [true, false]) {
      const { bytes: file } = writeGguf({ metadata: all, tensors: [], littleEndian, version: 2 });
      for (const maxArrayValues of [1024, 0]) {
        const header = readGgufHeader(file, 'all.gguf', { maxArrayValues });
        expect(header.littleEndian).toBe(littleEndian);
        expect(header.version).toBe(2);
        const m = header.metadata;
        expect([m.u8, m.i8, m.u16, m.i16, m.u32, m.i32, m.f32, m.f64, m.yes]).toEqual([
          250,
          -5,
          65000,
          -32000,
          4_000_000_000,
          -2_000_000_000,
          0.5,
          Math.PI,
          true,
        ]);
        expect([m.u64, m.bigU64, m.i64, m.text]).toEqual([2 ** 40, 2n ** 63n + 1n, -(2 ** 40), 'héllo ✓']);
        expect(m.after).toBe(7);
        if (maxArrayValues > 0) {
          expect(m.nested).toEqual({
            kind: 'array',
            elementType: 'array',
            length: 2,
            values: [
              { kind: 'array', elementType: 'int32', length: 1, values: [1] },
              { kind: 'array', elementType: 'string', length: 1, values: ['a'] },
            ],
          });
        } else {
          expect(m.nested).toEqual({ kind: 'array', elementType: 'array', length: 2 });
        }
      }
    }
  });

  it('says the header is longer than the bytes given, wherever it is cut', () => {
    for (const cut of [0, 3, 10, 30, 200, Math.floor(headerLength / 2), headerLength - 1]) {
      expect(() => readGgufHeader(bytes.subarray(0, cut), 'big.gguf')).toThrow(
        /^big\.gguf: the GGUF header is longer than the [\d,]+ bytes given: .+ needs at least [\d,]+; pass more of the file$/,
      );
    }
    expect(() => readGgufHeader(bytes.subarray(0, 200), 'big.gguf')).toThrow(/metadata entry \d+ of 17/);
    expect(() => readGgufHeader(bytes.subarray(0, headerLength - 1), 'big.gguf')).toThrow(
      /tensor info 21 of 21 \(blk\.1\.ffn_down\.weight\)/,
    );
  });

  it('rejects a file that is not GGUF, or of an unsupported version', () => {
    const safetensors = new Uint8Array([0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7b, 0x7d]);
    expect(() => readGgufHeader(safetensors, 'model.safetensors')).toThrow(
      'model.safetensors: not a GGUF file: it starts with bytes 10 00 00 00, not "GGUF"',
    );
    const v1 = writeGguf({ metadata: {}, tensors: [], version: 1 }).bytes;
    expect(() => readGgufHeader(v1, 'old.gguf')).toThrow(/GGUF version 1 is not supported/);
    expect(() => readGgufHeader(v1, 'old.gguf')).toThrow(InputError);
  });

  it('rejects an unknown metadata value type as corrupt', () => {
    const { bytes: file } = writeGguf({ metadata: { x: { type: 'uint8', value: 1 } }, tensors: [] });
    const broken = file.slice();
    // magic 4 + version 4 + counts 16 + key length 8 + key 1 = 33: the value type follows.
    new DataView(broken.buffer).setUint32(33, 77, true);
    expect(() => readGgufHeader(broken, 'x.gguf')).toThrow(
      'x.gguf: not a readable GGUF header: x has unknown value type 77',
    );
  });
});

describe('modelFromGguf', () => {
  it('recovers the tiny llama and its Q4_0 weights', () => {
    const header = readGgufHeader(writeGguf(tinyLlamaQ4_0()).bytes, 'models/Tiny-Llama-Q4_0.gguf');
    const { model, weightFormat, bitsPerWeight, weightCount, weightBytes } = modelFromGguf(
      header,
      'models/Tiny-Llama-Q4_0.gguf',
      {
        date: '2025-01-01',
      },
    );
    expect(model.id).toBe('tiny-llama-q4-0');
    expect(model.name).toBe('Tiny Llama');
    expect(model.family).toBe('llama');
    expect(model.architecture).toEqual({
      layers: 2,
      hiddenSize: 64,
      vocabSize: 100,
      tiedEmbeddings: false,
      attention: { type: 'gqa', heads: 4, kvHeads: 2, headDim: 16 },
      ffn: { type: 'gated', intermediateSize: 128 },
      contextLength: 256,
    });
    expect(weightFormat).toBe('Q4_0');
    // The architecture's count and the tensors' element count agree (norms included).
    expect(countParameters(model.architecture).total).toBe(weightCount);
    // 86,528 weights in Q4_0 (18 bytes per 32 = 4.5 bits) and 5 norms x 64 in F32 (32 bits).
    expect(weightCount).toBe(86_848);
    expect(weightBytes).toBe((86_528 / 32) * 18 + 320 * 4);
    expect(bitsPerWeight).toBeCloseTo((86_528 * 4.5 + 320 * 32) / 86_848, 12);
  });

  it('reads a tied, MoE file with mixed K-quants; without file_type the largest type names it', () => {
    const fixture = tinyLlamaQ4_0();
    fixture.tensors = fixture.tensors
      .filter((t) => t.name !== 'output.weight')
      .map((t) =>
        t.ggmlType === 2
          ? { ...t, dims: [256, t.dims[1] ?? 1], ggmlType: t.name.includes('ffn') ? 14 : 12 }
          : t,
      );
    const { 'general.file_type': _, ...rest } = fixture.metadata;
    fixture.metadata = {
      ...rest,
      'llama.expert_count': { type: 'uint32', value: 8 },
      'llama.expert_used_count': { type: 'uint32', value: 2 },
    };
    const header = readGgufHeader(writeGguf(fixture).bytes, 'moe.gguf');
    const result = modelFromGguf(header, 'moe.gguf');
    expect(result.model.architecture.tiedEmbeddings).toBe(true);
    expect(result.model.architecture.moe).toMatchObject({
      routedExperts: 8,
      activeExperts: 2,
      expertIntermediateSize: 128,
    });
    expect(result.weightFormat).toBe('Q6_K');
    expect(result.bitsPerWeight).toBeGreaterThan(4.5);
    expect(result.bitsPerWeight).toBeLessThan(6.5625);
    expect(result.model.source.note).toMatch(/no date/);
  });

  it('names the missing key', () => {
    const fixture = tinyLlamaQ4_0();
    const { 'llama.block_count': _, ...rest } = fixture.metadata;
    const header = readGgufHeader(writeGguf({ ...fixture, metadata: rest }).bytes, 'x.gguf');
    expect(() => modelFromGguf(header, 'x.gguf')).toThrow(
      'x.gguf: llama.block_count: expected a non-negative integer',
    );
    const noArch = readGgufHeader(writeGguf({ metadata: {}, tensors: [] }).bytes, 'y.gguf');
    expect(() => modelFromGguf(noArch, 'y.gguf')).toThrow(/y\.gguf: general\.architecture: expected/);
  });

  it('knows the bits per weight of the common ggml types', () => {
    expect([0, 1, 2, 8, 12, 14, 30, 23].map(ggmlBitsPerWeight)).toEqual([
      32, 16, 4.5, 8.5, 4.5, 6.5625, 16, 4.25,
    ]);
    expect(ggmlBitsPerWeight(4)).toBeUndefined();
  });
});
