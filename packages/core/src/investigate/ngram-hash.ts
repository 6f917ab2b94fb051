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

/** ASCII code -> its lower-case code when it is a letter or digit, 0 otherwise. */
const asciiWordFold = new Uint8Array(128);
for (let c = 48; c <= 57; c++) asciiWordFold[c] = c;
for (let c = 97; c <= 122; c++) asciiWordFold[c] = c;
for (let c = 65; c <= 90; c++) asciiWordFold[c] = c + 32;

/** Word ids of a text: normalise + hash in one pass, no intermediate array of strings. */
export function wordIds(text: string): Uint32Array {
  // Pure-ASCII texts (the common case) are lower-cased per character while hashing; any other text is
  // lower-cased as a whole first, because full Unicode lower-casing can depend on context (final sigma)
  // and change the length, so per-character folding would not give the same words.
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 127) {
      ascii = false;
      break;
    }
  }
  const lower = ascii ? text : text.toLowerCase();
  // At most one word per two characters (a word and its separator).
  let out = new Uint32Array((lower.length >> 1) + 1);
  let count = 0;
  let h = 0x811c9dc5;
  let inWord = false;
  for (let i = 0; i < lower.length; i++) {
    let code = lower.charCodeAt(i);
    // Table lookup for ASCII (letters folded to lower case); other characters go through the Unicode test.
    if (code < 128) code = asciiWordFold[code] as number;
    else if (!/[\p{L}\p{N}]/u.test(lower[i] as string)) code = 0;
    if (code !== 0) {
      if (!inWord) {
        h = 0x811c9dc5;
        inWord = true;
      }
      h ^= code;
      h = Math.imul(h, 0x01000193);
    } else if (inWord) {
      if (count === out.length) {
        const grown = new Uint32Array(out.length * 2);
        grown.set(out);
        out = grown;
      }
      out[count++] = h >>> 0;
      inWord = false;
    }
  }
  if (inWord) {
    if (count === out.length) {
      const grown = new Uint32Array(out.length + 1);
      grown.set(out);
      out = grown;
    }
    out[count++] = h >>> 0;
  }
  return out.slice(0, count);
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
  // slice() copies the buffer in one go (Float64Array.from iterates); the typed-array sort is numeric.
  const sorted = keys.slice().sort();
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
