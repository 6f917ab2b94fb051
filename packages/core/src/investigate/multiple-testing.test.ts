import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../random/distributions.ts';
import { benjaminiHochberg, hierarchicalBh, simes, type TestFamily } from './multiple-testing.ts';

/** Families over n hypotheses: most a lone hypothesis, some a head with 1 to 11 members. */
function randomFamilies(rng: Rng, n: number): TestFamily[] {
  const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const out: TestFamily[] = [];
  for (let at = 0; at < n; ) {
    const size = rng.next() < 0.8 ? 1 : 2 + rng.int(11);
    const [head, ...members] = order.slice(at, at + size) as [number, ...number[]];
    out.push({ heads: [head], members });
    at += size;
  }
  return out;
}

/** The two stages written out at one level q, without adjusted values. */
function twoStage(p: number[], families: TestFamily[], q: number): boolean[] {
  const familyP = families.map(({ heads, members }) => {
    const parts = [...heads.map((i) => p[i] as number)];
    if (members.length) parts.push(simes(members.map((i) => p[i] as number)));
    return Math.min(1, parts.length * Math.min(...parts));
  });
  const selected = benjaminiHochberg(familyP, q).rejected;
  const R = selected.filter(Boolean).length;
  const out = new Array<boolean>(p.length).fill(false);
  families.forEach(({ heads, members }, k) => {
    if (!selected[k]) return;
    for (const i of heads) out[i] = true;
    const within = benjaminiHochberg(
      members.map((i) => p[i] as number),
      (q * R) / families.length,
    ).rejected;
    members.forEach((i, j) => {
      out[i] = within[j] as boolean;
    });
  });
  return out;
}

describe('hierarchical testing (families first, then members within the selected ones)', () => {
  it('Simes is min m p_(k) / k', () => {
    expect(simes([0.01, 0.02, 0.5])).toBeCloseTo(0.03, 15);
    expect(simes([0.04, 0.03])).toBeCloseTo(0.04, 15);
    expect(simes([0.9])).toBe(0.9);
  });

  it('is plain BH when every family is a single hypothesis', () => {
    const rng = createRng(5);
    const p = Array.from({ length: 300 }, () => (rng.next() < 0.1 ? rng.next() * 1e-4 : rng.next()));
    const result = hierarchicalBh(
      p,
      p.map((_, i) => ({ heads: [i], members: [] })),
      0.05,
    );
    expect(result.adjusted).toEqual(benjaminiHochberg(p, 1).adjusted);
  });

  it('rejects at q exactly the hypotheses whose adjusted value is at most q', () => {
    const rng = createRng(9);
    for (let trial = 0; trial < 40; trial++) {
      const n = 50 + rng.int(150);
      const p = Array.from({ length: n }, () => (rng.next() < 0.2 ? rng.next() ** 4 * 0.01 : rng.next()));
      const families = randomFamilies(rng, n);
      const { adjusted } = hierarchicalBh(p, families, 0.05);
      for (const q of [0.001, 0.01, 0.05, 0.1, 0.3]) {
        expect(
          adjusted.map((a) => a <= q),
          `trial ${trial} q ${q}`,
        ).toEqual(twoStage(p, families, q));
      }
    }
  });

  it('flags something in at most q of runs when every hypothesis is null', () => {
    const rng = createRng(21);
    const runs = 2000;
    let any = 0;
    for (let r = 0; r < runs; r++) {
      const p = Array.from({ length: 200 }, () => rng.next());
      if (hierarchicalBh(p, randomFamilies(rng, 200), 0.05).rejected.some(Boolean)) any++;
    }
    // Under the global null, BH over independent family p-values (each valid) rejects anything with
    // probability at most q; 0.05 + 3 binomial sd (0.0049) at 2,000 runs.
    expect(any / runs).toBeLessThanOrEqual(0.065);
  });
});
