import { binomialUpperTail } from './binomial.ts';
import { normalUpperTail } from './special-functions.ts';

/**
 * Word-level green-list watermark (Kirchenbauer et al., arXiv 2301.10226) over Clearbox word ids: a
 * keyed hash of the previous `contextWidth` words and the next word decides whether that word is
 * "green"; a fraction gamma of all words is green for any context. A real provider's scheme works on
 * its tokenizer's ids with its own PRF: plug those in to test a real key; the statistics are the same.
 */
export function greenHash(key: number, ids: Uint32Array, position: number, contextWidth: number): number {
  let h = Math.imul(key ^ 0x5bd1e995, 0x01000193) >>> 0;
  for (let j = position - contextWidth; j <= position; j++) {
    h ^= ids[j] as number;
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  }
  return (h ^ (h >>> 15)) >>> 0;
}

export function isGreen(
  key: number,
  ids: Uint32Array,
  position: number,
  contextWidth: number,
  gamma: number,
): boolean {
  return greenHash(key, ids, position, contextWidth) < gamma * 4294967296;
}

/** A (context, word) tuple key, used to score each distinct tuple once. */
function tupleKey(ids: Uint32Array, position: number, contextWidth: number): number {
  let a = 0x12345679;
  let b = 0x9abcdef1;
  for (let j = position - contextWidth; j <= position; j++) {
    const w = ids[j] as number;
    a = Math.imul(a ^ w, 0x01000193) + j - position;
    b = Math.imul(b + w, 0xc2b2ae35) ^ (b >>> 13);
  }
  return (a >>> 0) * 2 ** 21 + ((b >>> 0) >>> 11);
}

export interface WatermarkScore {
  /** Scored tuples n and green ones g. */
  scored: number;
  green: number;
  gamma: number;
  /** p = P(Bin(n, gamma) >= g) (Sander et al., arXiv 2402.14904, "v2" scoring). */
  p: number;
  /** z = (g - gamma n) / sqrt(n gamma (1 - gamma)) (Kirchenbauer et al.). */
  z: number;
  /** Tuples skipped because they repeat an earlier one (dedup) or occur in the prompt. */
  skippedRepeats: number;
  skippedPrompt: number;
}

export interface WatermarkOptions {
  key: number;
  gamma: number;
  contextWidth: number;
  /** Score each distinct (context, word) tuple once. Off only to demonstrate the false-positive inflation. */
  dedup?: boolean;
}

/**
 * Radioactivity score of a set of texts. Repeated tuples are not independent draws: without dedup a
 * phrase that recurs 100 times counts 100 times and p-values are far too small on clean text.
 */
export function scoreWatermark(
  texts: ReadonlyArray<{ ids: Uint32Array; promptIds?: Uint32Array }>,
  options: WatermarkOptions,
): WatermarkScore {
  const { key, gamma, contextWidth } = options;
  const dedup = options.dedup ?? true;
  const seen = new Set<number>();
  let scored = 0;
  let green = 0;
  let skippedRepeats = 0;
  let skippedPrompt = 0;
  for (const { ids, promptIds } of texts) {
    let inPrompt: Set<number> | undefined;
    if (promptIds && promptIds.length > contextWidth) {
      inPrompt = new Set();
      for (let i = contextWidth; i < promptIds.length; i++)
        inPrompt.add(tupleKey(promptIds, i, contextWidth));
    }
    for (let i = contextWidth; i < ids.length; i++) {
      const k = tupleKey(ids, i, contextWidth);
      if (inPrompt?.has(k)) {
        skippedPrompt++;
        continue;
      }
      if (dedup) {
        if (seen.has(k)) {
          skippedRepeats++;
          continue;
        }
        seen.add(k);
      }
      scored++;
      if (isGreen(key, ids, i, contextWidth, gamma)) green++;
    }
  }
  const p = scored === 0 ? 1 : binomialUpperTail(green, scored, gamma);
  const z = scored === 0 ? 0 : (green - gamma * scored) / Math.sqrt(scored * gamma * (1 - gamma));
  return { scored, green, gamma, p, z, skippedRepeats, skippedPrompt };
}

/** Power of the one-sided z test at level alpha to see a green-rate lift `lift` with n scored tuples. */
export function watermarkPower(n: number, gamma: number, lift: number, zAlpha: number): number {
  if (n === 0) return 0;
  const effect = (lift * Math.sqrt(n)) / Math.sqrt(gamma * (1 - gamma));
  return normalUpperTail(zAlpha - effect);
}
