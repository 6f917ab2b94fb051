/**
 * A small seeded PRNG for core: xoshiro128** (Blackman and Vigna, https://prng.di.unimi.it/), seeded
 * through splitmix32 so that any 32-bit seed, including 0, gives a well-mixed state. Same seed, same
 * sequence, on every JavaScript engine: only 32-bit integer arithmetic (Math.imul, >>> 0) is used.
 */
export interface Random {
  /** The next 32-bit unsigned integer. */
  nextUint32(): number;
  /** A uniform number in the open interval (0, 1): never exactly 0 or 1, so log() and inverse CDFs stay finite. */
  nextOpen01(): number;
  /** Fills `out` with the next out.length 32-bit integers: the same sequence as that many nextUint32() calls. */
  fillUint32(out: Uint32Array): void;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createRandom(seed: number): Random {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const mix = splitmix32(seed);
  let s0 = mix();
  let s1 = mix();
  let s2 = mix();
  let s3 = mix();
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  // The hot loop of a Monte Carlo: state in locals, one tight loop, no call per number.
  const fillUint32 = (out: Uint32Array): void => {
    let a = s0;
    let b = s1;
    let c = s2;
    let d = s3;
    for (let i = 0; i < out.length; i++) {
      out[i] = Math.imul(rotl(Math.imul(b, 5), 7), 9);
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl(d, 11);
    }
    s0 = a;
    s1 = b;
    s2 = c;
    s3 = d;
  };
  return {
    nextUint32,
    nextOpen01: () => (nextUint32() + 0.5) / 4294967296,
    fillUint32,
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
