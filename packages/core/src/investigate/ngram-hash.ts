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

/** ASCII code -> its lower-cased code when it is a letter or digit, else 0. */
const asciiWordCode = (() => {
  const table = new Uint8Array(128);
  for (let c = 48; c <= 57; c++) table[c] = c;
  for (let c = 97; c <= 122; c++) table[c] = c;
  for (let c = 65; c <= 90; c++) table[c] = c + 32;
  return table;
})();

/** Scratch for wordIds (a text has at most length/2 + 1 words), grown when a longer text comes. */
let wordScratch = new Uint32Array(4096);

/** Word ids of a text: normalise + hash in one pass, no intermediate array of strings. */
export function wordIds(text: string): Uint32Array {
  // ASCII text (the common case) is lower-cased inline, without a lower-cased copy of the string or a
  // growable array; the first non-ASCII character sends the whole text down the Unicode path, so both
  // paths give identical ids.
  if (wordScratch.length < (text.length >> 1) + 1) wordScratch = new Uint32Array((text.length >> 1) + 1);
  const out = wordScratch;
  let w = 0;
  let h = 0x811c9dc5;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const raw = text.charCodeAt(i);
    if (raw > 127) return unicodeWordIds(text);
    const code = asciiWordCode[raw] as number;
    if (code !== 0) {
      if (!inWord) {
        h = 0x811c9dc5;
        inWord = true;
      }
      h ^= code;
      h = Math.imul(h, 0x01000193);
    } else if (inWord) {
      out[w++] = h >>> 0;
      inWord = false;
    }
  }
  if (inWord) out[w++] = h >>> 0;
  return out.slice(0, w);
}

/** `wordIds` for text with non-ASCII characters: lower-case the whole text first (lengths may change). */
function unicodeWordIds(text: string): Uint32Array {
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
const KEY_RANGE = 2 ** 53;
const BASE_A = 0x01000193;
const BASE_B = 0x5bd1e995;

/** b^e mod 2^32. */
function power32(b: number, e: number): number {
  let p = 1;
  for (let i = 0; i < e; i++) p = Math.imul(p, b);
  return p;
}

/**
 * Keys of every n-gram of word ids, in text order (not deduplicated): position i holds the n-gram
 * starting at word i. Two polynomial hashes mod 2^32 over the word ids (odd bases, the ids themselves
 * FNV hashes) rolled along the text, so each position costs a few multiplications whatever n is; the
 * key keeps 32 + 21 of their bits, below 2^53.
 */
export function ngramKeys(ids: Uint32Array, n: number): Float64Array {
  const count = Math.max(0, ids.length - n + 1);
  const out = new Float64Array(count);
  if (count === 0) return out;
  // The first element's weight in the window (base^(n-1)), removed as the window moves on.
  const dropA = power32(BASE_A, n - 1);
  const dropB = power32(BASE_B, n - 1);
  let a = 0;
  let b = 0;
  for (let j = 0; j < n; j++) {
    a = (Math.imul(a, BASE_A) + (ids[j] as number)) | 0;
    b = (Math.imul(b, BASE_B) + (ids[j] as number)) | 0;
  }
  out[0] = (a >>> 0) * TWO_21 + ((b >>> 0) >>> 11);
  for (let i = 1; i < count; i++) {
    const leaving = ids[i - 1] as number;
    const entering = ids[i + n - 1] as number;
    a = (Math.imul(a - Math.imul(leaving, dropA), BASE_A) + entering) | 0;
    b = (Math.imul(b - Math.imul(leaving, dropB), BASE_B) + entering) | 0;
    out[i] = (a >>> 0) * TWO_21 + ((b >>> 0) >>> 11);
  }
  return out;
}

/** Scratch bucket offsets for toSortedSet, reused across calls (grown when a longer text comes). */
let bucketStarts = new Int32Array(1024);

/**
 * Sorted, deduplicated copy: the set representation used for containment. Keys are hashes, so they
 * spread evenly over [0, 2^53): a counting scatter into about one bucket per key puts every key within
 * a few places of its final position, and an insertion sort finishes in linear expected time (several
 * times faster than TypedArray sort on the short arrays of one answer). Should the keys not be spread
 * (shifts beyond a few per key, or keys outside the hash range), the native sort finishes instead, so
 * the worst case stays n log n.
 */
export function toSortedSet(keys: Float64Array): Float64Array {
  const n = keys.length;
  let sorted: Float64Array;
  if (n < 16) {
    sorted = keys.slice().sort();
  } else {
    let buckets = 16;
    while (buckets < n) buckets <<= 1;
    // Rounding is monotone, so bucket order never contradicts key order; keys outside [0, 2^53) are
    // clamped into the end buckets, where the insertion sort (or the fallback) orders them.
    const scale = buckets / KEY_RANGE;
    const last = buckets - 1;
    if (bucketStarts.length < buckets + 1) bucketStarts = new Int32Array(buckets + 1);
    const starts = bucketStarts;
    starts.fill(0, 0, buckets + 1);
    for (let i = 0; i < n; i++) {
      const x = Math.floor((keys[i] as number) * scale);
      const b = Math.max(0, Math.min(x, last));
      starts[b + 1] = (starts[b + 1] as number) + 1;
    }
    for (let b = 1; b <= buckets; b++) starts[b] = (starts[b] as number) + (starts[b - 1] as number);
    sorted = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const k = keys[i] as number;
      const x = Math.floor(k * scale);
      const b = Math.max(0, Math.min(x, last));
      sorted[starts[b] as number] = k;
      starts[b] = (starts[b] as number) + 1;
    }
    let shifts = 0;
    const budget = 8 * n;
    for (let i = 1; i < n && shifts <= budget; i++) {
      const k = sorted[i] as number;
      let j = i - 1;
      while (j >= 0 && (sorted[j] as number) > k) {
        sorted[j + 1] = sorted[j] as number;
        j--;
      }
      shifts += i - 1 - j;
      sorted[j + 1] = k;
    }
    if (shifts > budget) sorted.sort();
  }
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

/**
 * |a ∩ b| for two sorted sets, by a linear merge. The steps are branch-free (which side advances is
 * added, not branched on): hash keys interleave at random, so a branch would be mispredicted half the time.
 */
export function intersectionSize(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let count = 0;
  const na = a.length;
  const nb = b.length;
  while (i < na && j < nb) {
    const x = a[i] as number;
    const y = b[j] as number;
    count += +(x === y);
    i += +(x <= y);
    j += +(y <= x);
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
