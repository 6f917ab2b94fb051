/**
 * Text normalisation and n-gram hashing into compact typed arrays. Words are lower-cased runs of
 * letters/digits (Unicode aware); each word becomes a 32-bit FNV-1a id; an n-gram becomes a 53-bit
 * key from two independent polynomial hashes over the word ids, so a set of n-grams is a sorted
 * Float64Array (8 bytes per n-gram, no strings). With 53 bits, a false match between two given n-grams
 * has probability 2^-53; a corpus of 10^8 n-grams expects fewer than 10^-3 colliding pairs against one
 * probe set.
 */
const wordPattern = /[\p{L}\p{N}]+/gu;

/** Lower-cased words of a text (the same words `wordIds` hashes), for quoting spans back. */
export function normaliseWords(text: string): string[] {
  return text.toLowerCase().match(wordPattern) ?? [];
}

/** FNV-1a over the UTF-16 code units of a word. */
export function wordHash(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    h ^= word.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Word ids of a text: normalise + hash in one pass, no intermediate array of strings. */
export function wordIds(text: string): Uint32Array {
  const lower = text.toLowerCase();
  const out: number[] = [];
  let h = 0x811c9dc5;
  let inWord = false;
  for (let i = 0; i < lower.length; i++) {
    const code = lower.charCodeAt(i);
    // Fast path for ASCII letters and digits; other characters go through the Unicode test.
    const isWord =
      (code >= 97 && code <= 122) ||
      (code >= 48 && code <= 57) ||
      (code > 127 && /[\p{L}\p{N}]/u.test(lower[i] as string));
    if (isWord) {
      if (!inWord) {
        h = 0x811c9dc5;
        inWord = true;
      }
      h ^= code;
      h = Math.imul(h, 0x01000193);
    } else if (inWord) {
      out.push(h >>> 0);
      inWord = false;
    }
  }
  if (inWord) out.push(h >>> 0);
  return Uint32Array.from(out);
}

const TWO_21 = 2 ** 21;

/**
 * Keys of every n-gram of word ids, in text order (not deduplicated): position i holds the n-gram
 * starting at word i. Two 32-bit multiplicative hashes with different odd multipliers give 32 + 21 bits.
 */
export function ngramKeys(ids: Uint32Array, n: number): Float64Array {
  const count = Math.max(0, ids.length - n + 1);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let a = 0x9e3779b9;
    let b = 0x85ebca6b;
    for (let j = 0; j < n; j++) {
      const w = ids[i + j] as number;
      a = Math.imul(a ^ w, 0x01000193) + j;
      b = Math.imul(b + w, 0xc2b2ae35) ^ (b >>> 13);
    }
    out[i] = (a >>> 0) * TWO_21 + ((b >>> 0) >>> 11);
  }
  return out;
}

/** Sorted, deduplicated copy: the set representation used for containment. */
export function toSortedSet(keys: Float64Array): Float64Array {
  const sorted = Float64Array.from(keys).sort();
  let w = 0;
  for (let r = 0; r < sorted.length; r++) {
    if (r === 0 || sorted[r] !== sorted[r - 1]) sorted[w++] = sorted[r] as number;
  }
  return sorted.subarray(0, w);
}

/** Union of several sorted sets into one sorted set. */
export function unionSets(sets: readonly Float64Array[]): Float64Array {
  let total = 0;
  for (const s of sets) total += s.length;
  const all = new Float64Array(total);
  let offset = 0;
  for (const s of sets) {
    all.set(s, offset);
    offset += s.length;
  }
  return toSortedSet(all);
}

/** |a ∩ b| for two sorted sets, by a linear merge. */
export function intersectionSize(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let count = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      count++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return count;
}

/** Binary search membership in a sorted set. */
export function setHas(set: Float64Array, key: number): boolean {
  let lo = 0;
  let hi = set.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const v = set[mid] as number;
    if (v === key) return true;
    if (v < key) lo = mid + 1;
    else hi = mid;
  }
  return false;
}

/** Containment C(S, T) = |S ∩ T| / |S| of sorted sets (0 when S is empty). */
export function containment(suspect: Float64Array, teacher: Float64Array): number {
  return suspect.length === 0 ? 0 : intersectionSize(suspect, teacher) / suspect.length;
}
