import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ngramKeys, normaliseWords, toSortedSet, wordHash, wordIds } from './ngram-hash.ts';

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
});
