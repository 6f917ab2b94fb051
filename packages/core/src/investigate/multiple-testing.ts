/**
 * Benjamini-Hochberg (1995): adjusted q-values q_(i) = min_{j>=i} p_(j) m / j, and the rejections at
 * level q (flag every p_(k) <= k q / m with k the largest such rank). Controls the expected false
 * discovery proportion at q for independent or positively dependent tests.
 */
export function benjaminiHochberg(
  pValues: readonly number[],
  q: number,
): { adjusted: number[]; rejected: boolean[] } {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const adjusted = new Array<number>(m).fill(1);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const [p, index] = order[rank - 1] as readonly [number, number];
    running = Math.min(running, (p * m) / rank);
    adjusted[index] = Math.min(1, running);
  }
  return { adjusted, rejected: adjusted.map((a) => a <= q) };
}

/**
 * Holm (1979) step-down: adjusted p_(i) = max_{j<=i} (m - j + 1) p_(j); controls the family-wise error
 * rate under any dependence, which is why it is used across the pre-registered overlap tests.
 */
export function holm(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const adjusted = new Array<number>(m).fill(1);
  let running = 0;
  order.forEach(([p, index], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[index] = running;
  });
  return adjusted;
}

/**
 * Simes (1986): the family p-value min_k m p_(k) / k of m p-values; a valid p-value for "no hypothesis of
 * the family is false" under independence or positive dependence (PRDS; Sarkar 1998).
 */
export function simes(pValues: readonly number[]): number {
  const sorted = [...pValues].sort((x, y) => x - y);
  let best = 1;
  sorted.forEach((p, k) => {
    best = Math.min(best, (p * sorted.length) / (k + 1));
  });
  return best;
}

/** One family of the hierarchical test: hypotheses are indices into the p-value list. */
export interface TestFamily {
  /** Flagged exactly when the family is selected (a cluster itself; a lone account). */
  heads: number[];
  /** Tested by BH within the family once it is selected (a cluster's member accounts). */
  members: number[];
}

export interface HierarchicalTest {
  /** Each family's p: Bonferroni over its heads' p-values and the Simes p of its members. */
  familyP: number[];
  /** BH-adjusted family p-values (a family is selected at level q when its value is at most q). */
  familyAdjusted: number[];
  /** Per hypothesis: the smallest q at which the procedure rejects it (1 when it never does). */
  adjusted: number[];
  rejected: boolean[];
  /** Families selected at q. */
  selected: number;
}

/**
 * Families first, then their members (Benjamini & Bogomolov 2014, "Selective inference on multiple
 * families of hypotheses", JRSS-B 76:297-318). A family's p tests its intersection null: the smallest of
 * its heads' p-values and its members' Simes p (Simes 1986), times their number (Bonferroni, valid
 * whatever their dependence; for a lone account, its own p). BH at q over the F families selects R; a
 * selected family's heads are flagged, and its members are tested by BH at level q R / F. This controls
 * the FDR over families (heads) at q, and the expected average FDR within the selected families at q
 * (members independent or PRDS). Every hypothesis must belong to exactly one family.
 */
export function hierarchicalBh(
  pValues: readonly number[],
  families: readonly TestFamily[],
  q: number,
): HierarchicalTest {
  const at = (i: number) => pValues[i] as number;
  const familyP = families.map(({ heads, members }) => {
    const parts = [...heads.map(at), ...(members.length > 0 ? [simes(members.map(at))] : [])];
    return Math.min(1, parts.length * Math.min(...parts));
  });
  const familyAdjusted = benjaminiHochberg(familyP, 1).adjusted;
  const F = families.length;
  const sortedFamilies = [...familyAdjusted].sort((x, y) => x - y);
  const adjusted = new Array<number>(pValues.length).fill(1);
  families.forEach(({ heads, members }, f) => {
    const selectedAt = familyAdjusted[f] as number;
    for (const i of heads) adjusted[i] = selectedAt;
    const within = benjaminiHochberg(members.map(at), 1).adjusted;
    members.forEach((i, j) => {
      const w = within[j] as number;
      // Rejected at level t when the family is selected (selectedAt <= t) and w <= t R(t) / F, with R(t)
      // the families selected at t: a step function rising at each sorted family value. Both conditions
      // grow with t, so the smallest such t is the hypothesis's adjusted value.
      let best = 1;
      for (let k = 1; k <= F; k++) {
        const start = sortedFamilies[k - 1] as number;
        if (k < F && (sortedFamilies[k] as number) === start) continue;
        const end = k < F ? (sortedFamilies[k] as number) : Number.POSITIVE_INFINITY;
        const t = Math.max(start, selectedAt, (w * F) / k);
        if (t < end) {
          best = t;
          break;
        }
      }
      adjusted[i] = Math.min(1, best);
    });
  });
  return {
    familyP,
    familyAdjusted,
    adjusted,
    rejected: adjusted.map((a) => a <= q),
    selected: familyAdjusted.filter((a) => a <= q).length,
  };
}
