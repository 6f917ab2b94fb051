import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intersectionSize, ngramKeys, normaliseWords, toSortedSet, wordHash, wordIds } from './ngram-hash.ts';

describe('n-gram hashing', () => {
  it('hashes exactly the words normaliseWords finds (ASCII fast path and Unicode path alike)', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'Z', 'q', '7', ' ', '.', '-', 'É', 'ß', 'Σ', 'İ', '中', '\n'),
      maxLength: 60,
    });
    fc.assert(
      fc.property(text, (t) => {
        expect([...wordIds(t)]).toEqual(normaliseWords(t).map(wordHash));
      }),
    );
  });

  it('builds a sorted, deduplicated set of n-gram keys', () => {
    const keys = ngramKeys(wordIds('a b c a b c a b c d'), 2);
    const set = toSortedSet(keys);
    expect([...set]).toEqual([...new Set(keys)].sort((x, y) => x - y));
    expect(set.length).toBe(4);
  });

  it('toSortedSet equals a plain sort + dedupe, for spread, clustered and repeated keys alike', () => {
    const key = fc.oneof(
      fc.integer({ min: 0, max: 2 ** 53 - 1 }),
      fc.integer({ min: 0, max: 40 }),
      fc.constantFrom(0, 1, 2 ** 53 - 1),
    );
    fc.assert(
      fc.property(fc.array(key, { maxLength: 300 }), (xs) => {
        const input = Float64Array.from(xs);
        const before = [...input];
        expect([...toSortedSet(input)]).toEqual([...new Set(xs)].sort((x, y) => x - y));
        expect([...input]).toEqual(before);
      }),
    );
  });

  it('rolls the n-gram hash: every key equals the window hashed from scratch, and equal windows share a key', () => {
    // The definition: two polynomial hashes mod 2^32 of the window, 32 + 21 bits of them.
    const direct = (ids: number[], n: number) =>
      Array.from({ length: Math.max(0, ids.length - n + 1) }, (_, i) => {
        let a = 0;
        let b = 0;
        for (let j = 0; j < n; j++) {
          a = (Math.imul(a, 0x01000193) + (ids[i + j] as number)) | 0;
          b = (Math.imul(b, 0x5bd1e995) + (ids[i + j] as number)) | 0;
        }
        return (a >>> 0) * 2 ** 21 + ((b >>> 0) >>> 11);
      });
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 13 }),
        (ids, n) => {
          const keys = [...ngramKeys(Uint32Array.from(ids), n)];
          expect(keys).toEqual(direct(ids, n));
          for (const k of keys) expect(k >= 0 && k < 2 ** 53 && Number.isInteger(k)).toBe(true);
        },
      ),
    );
    const repeated = ngramKeys(wordIds('one two three four one two three four'), 4);
    expect(repeated[0]).toBe(repeated[4]);
    expect(new Set(repeated).size).toBe(4);
  });

  it('intersectionSize counts the common keys of two sorted sets', () => {
    const sortedSet = fc
      .array(fc.integer({ min: 0, max: 200 }), { maxLength: 80 })
      .map((xs) => toSortedSet(Float64Array.from(xs)));
    fc.assert(
      fc.property(sortedSet, sortedSet, (a, b) => {
        const inB = new Set(b);
        expect(intersectionSize(a, b)).toBe([...a].filter((x) => inB.has(x)).length);
      }),
    );
  });
});
