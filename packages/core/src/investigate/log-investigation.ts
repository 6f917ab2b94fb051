import { InputError } from '../errors/clearbox-error.ts';
import { createRng, type Rng } from '../random/distributions.ts';
import { ConformalReference } from './conformal.ts';
import { type Cluster, type LinkRules, linkAccounts } from './coordination.ts';
import { extractionScore, type ScoreDriver, scoreDrivers } from './extraction-score.ts';
import {
  type AccountStats,
  clusterFeaturesOf,
  type FeatureFamily,
  type FeatureId,
  type FeatureVector,
  featureDefinitions,
  featuresOf,
  type TemplateIndex,
} from './log-features.ts';
import { benjaminiHochberg, hierarchicalBh, type TestFamily } from './multiple-testing.ts';
import { type PowerStatement, powerStatement } from './power.ts';
import { defaultTailOptions, fitTail, type TailModel, tailPValue } from './tail-pvalue.ts';

export interface LogInvestigationOptions {
  /** BH false discovery rate across accounts and clusters. */
  q: number;
  /** Seed of the reference split and of the pseudo-cluster draws. */
  seed: number;
  /** Share of the reference accounts above which a template, IP or user agent counts as popular, not rare. */
  rareShare: number;
  minSharedTemplates: number;
  /** Pseudo-clusters drawn per distinct cluster size for the cluster null (split between the halves). */
  clusterNullDraws: number;
  /**
   * How flags are chosen from the tail p-values: 'hierarchical' (clusters first, then their members;
   * multiple-testing.ts) or 'flat' (one BH over every account and cluster). Not a user option: the
   * evaluation compares the two on the same p-values.
   */
  testing?: 'hierarchical' | 'flat';
}

export const defaultLogOptions: LogInvestigationOptions = {
  q: 0.01,
  seed: 1,
  rareShare: 0.02,
  minSharedTemplates: 3,
  // Two thirds calibrate the combined score: 10,000 give a cluster the smallest p of 1e-4, at or below an
  // account's for references up to 20,000 accounts, so clusters are not the first to hit the BH floor.
  clusterNullDraws: 15000,
};

export interface FeatureEvidence {
  value: number | null;
  /** Conformal p-value of this feature against the calibration half of the reference. */
  p: number;
  referenceQuantiles: { p50: number; p95: number; p99: number };
}

export interface TestedUnit {
  account?: string;
  cluster?: string;
  accounts: string[];
  /** Conformal p of the combined score against the held-out half of the reference (the conservative figure). */
  p: number;
  /**
   * The p that BH uses: extrapolated from a generalized Pareto fit to the held-out scores' tail where the
   * score lies beyond its threshold and the fit holds, else equal to `p`. It can go below 1/(n+1).
   */
  pTail: number;
  /** Adjusted pTail: the smallest q at which the hierarchical procedure flags this unit. */
  q: number;
  /** The score tested: S = H + A·min(1, H/c_max) over the harvest and automation families (extraction-score.ts). */
  combinedScore: number;
  features: Partial<Record<FeatureId, FeatureEvidence>>;
  /** The features that drive the score, largest share first (clusters and flagged accounts). */
  drivers: ScoreDriver[];
  links?: string[];
}

export interface CalibrationSummary {
  referenceAccounts: number;
  calibrationHalf: number;
  holdoutHalf: number;
  /** The smallest p an account can get, 1/(holdout + 1); BH flags nothing unless k q / m reaches it. */
  minimumAccountP: number;
  minimumClusterP: number | null;
  /** The fewest families that must share the minimum conformal p before BH at q could select any of them. */
  minimumFlagsForBh: number;
  /** How BH's p-values were obtained, in words, and the tail fits behind them. */
  pValueMethod: string;
  accountTail: TailSummary | null;
  /** Per cluster size: the tail fit of that size's null, or null where the conformal p is kept. */
  clusterTails: Array<{ size: number; tail: TailSummary | null }>;
  /** A lone account is flagged only at pTail ≤ q/F (F families): the smallest evidence any one unit needs here. */
  loneUnitThreshold: number;
  /** Tested accounts' p-values in 10 bins of width 0.1: flat where the traffic is like the reference. */
  pValueHistogram: number[];
  clusterNull: string;
  combination: string;
  features: Array<{
    id: FeatureId;
    detector: string;
    family: FeatureFamily;
    description: string;
    referenceQuantiles: { p50: number; p95: number; p99: number };
  }>;
  /** What this run could and could not have flagged: the smallest detectable campaign per profile. */
  power: PowerStatement;
}

export interface TailSummary {
  threshold: number;
  exceedances: number;
  referenceSize: number;
  shape: number;
  scale: number;
  fitPValue: number;
  shapeClamped: boolean;
}

function tailSummary(t: TailModel | null): TailSummary | null {
  return t === null
    ? null
    : {
        threshold: t.threshold,
        exceedances: t.exceedances,
        referenceSize: t.referenceSize,
        shape: t.fit.shape,
        scale: t.fit.scale,
        fitPValue: t.fitPValue,
        shapeClamped: t.shapeClamped,
      };
}

export interface LogInvestigation {
  /** Units tested (accounts and clusters) and the families of the first stage (clusters with their members, lone accounts). */
  tested: { accounts: number; clusters: number; total: number; families: number };
  flagged: TestedUnit[];
  clusters: TestedUnit[];
  calibration: CalibrationSummary;
  /** Every tested account's conformal p, tail p and BH-adjusted q, in account order (for calibration checks). */
  accountPValues: Array<{ account: string; p: number; pTail: number; q: number }>;
}

const accountFeatures = featureDefinitions.filter((f) => !f.clusterOnly).map((f) => f.id);
const clusterFeatureIds = featureDefinitions.map((f) => f.id);
const familyOf = new Map(featureDefinitions.map((f) => [f.id, f.family]));

class FeatureCalibration {
  readonly refs: Map<FeatureId, ConformalReference>;
  readonly families: FeatureFamily[];
  /** The largest contribution -ln p one feature can make: ln(n + 1) for a calibration sample of n. */
  readonly maxContribution: number;
  constructor(
    readonly ids: FeatureId[],
    vectors: FeatureVector[],
  ) {
    this.families = ids.map((id) => familyOf.get(id) as FeatureFamily);
    this.refs = new Map(
      ids.map((id) => [
        id,
        new ConformalReference(vectors.map((v) => v[id]).filter((x): x is number => x !== undefined)),
      ]),
    );
    this.maxContribution = Math.log(vectors.length + 1);
  }
  pValues(v: FeatureVector): number[] {
    // A feature the unit cannot have (gaps of a one-request account) carries no evidence: p = 1.
    return this.ids.map((id) => {
      const x = v[id];
      const ref = this.refs.get(id) as ConformalReference;
      return x === undefined || ref.size === 0 ? 1 : ref.pValue(x);
    });
  }
  score(v: FeatureVector): number {
    return extractionScore(this.pValues(v), this.families, this.maxContribution).score;
  }
  drivers(v: FeatureVector): ScoreDriver[] {
    return scoreDrivers(this.ids, this.pValues(v), this.families, this.maxContribution);
  }
  evidence(v: FeatureVector): Partial<Record<FeatureId, FeatureEvidence>> {
    const p = this.pValues(v);
    const out: Partial<Record<FeatureId, FeatureEvidence>> = {};
    this.ids.forEach((id, i) => {
      const ref = this.refs.get(id) as ConformalReference;
      out[id] = {
        value: v[id] ?? null,
        p: p[i] as number,
        referenceQuantiles: { p50: ref.quantile(0.5), p95: ref.quantile(0.95), p99: ref.quantile(0.99) },
      };
    });
    return out;
  }
}

function drawGroup(rng: Rng, pool: readonly AccountStats[], size: number): AccountStats[] {
  const chosen = new Set<number>();
  const k = Math.min(size, pool.length);
  while (chosen.size < k) chosen.add(rng.int(pool.length));
  return [...chosen].map((i) => pool[i] as AccountStats);
}

/**
 * The log half of the evidence, from per-account statistics: features, conformal p-values against the
 * benign reference, combination re-calibrated on the held-out half, L7 clusters with a null of random
 * groups of reference accounts of the same size, and Benjamini-Hochberg across accounts and clusters.
 */
export function investigateLogs(
  stats: readonly AccountStats[],
  options: LogInvestigationOptions = defaultLogOptions,
): LogInvestigation {
  const reference = stats.filter((s) => s.reference);
  const tested = stats.filter((s) => !s.reference);
  if (reference.length < 20) {
    throw new InputError(
      `the benign reference has ${reference.length} account(s); at least 20 are needed to calibrate (give --reference FILE or --reference-accounts LIST)`,
      '--reference',
    );
  }
  if (tested.length === 0)
    throw new InputError('no account to test: every account is in the reference', '--reference-accounts');

  // Rarity is counted in the benign reference only (see templateRarity).
  const df = new Map<string, number>();
  for (const s of reference) for (const [key] of s.templates) df.set(key, (df.get(key) ?? 0) + 1);
  const rareMaxAccounts = Math.max(1, Math.floor(options.rareShare * reference.length));
  const index: TemplateIndex = { df, accounts: reference.length, rareMaxAccounts };

  const rng = createRng(options.seed);
  const shuffled = rng.shuffle([...reference].sort((a, b) => a.account.localeCompare(b.account)));
  const half = Math.floor(shuffled.length / 2);
  const calibrationSet = shuffled.slice(0, half);
  const holdoutSet = shuffled.slice(half);

  // Accounts: per-feature p against half A, S = sum -ln p, S calibrated against half B.
  const accountCal = new FeatureCalibration(
    accountFeatures,
    calibrationSet.map((s) => featuresOf(s, index)),
  );
  const holdoutCombined = holdoutSet.map((s) => accountCal.score(featuresOf(s, index)));
  const holdoutScores = new ConformalReference(holdoutCombined);
  const accountTail = fitTail(holdoutCombined, { ...defaultTailOptions, seed: options.seed });
  // An account's feature evidence is reported only if it is flagged, so it is filled in after BH.
  const accountVectors = new Map<TestedUnit, FeatureVector>();
  const accountUnits: TestedUnit[] = tested.map((s) => {
    const v = featuresOf(s, index);
    const score = accountCal.score(v);
    const p = holdoutScores.pValue(score);
    const unit: TestedUnit = {
      account: s.account,
      accounts: [s.account],
      p,
      pTail: tailPValue(score, p, accountTail),
      q: 1,
      combinedScore: score,
      features: {},
      drivers: [],
    };
    accountVectors.set(unit, v);
    return unit;
  });

  // Clusters: linked among the tested accounts; null = random groups of reference accounts of the same size.
  const rules: LinkRules = { minSharedTemplates: options.minSharedTemplates };
  const clusters: Cluster[] = linkAccounts(tested, df, rules);
  const sizes = [...new Set(clusters.map((c) => c.members.length))].sort((a, b) => a - b);
  const nullBySize = new Map<
    number,
    { cal: FeatureCalibration; holdout: ConformalReference; tail: TailModel | null }
  >();
  for (const size of sizes) {
    const draws = Math.max(200, Math.min(options.clusterNullDraws, Math.floor(4e6 / size)));
    const nullRng = createRng(options.seed * 7919 + size);
    const a = Array.from({ length: Math.floor(draws / 3) }, () =>
      clusterFeaturesOf(drawGroup(nullRng, calibrationSet, size), index),
    );
    const cal = new FeatureCalibration(clusterFeatureIds, a);
    const b = Array.from({ length: draws - a.length }, () =>
      cal.score(clusterFeaturesOf(drawGroup(nullRng, holdoutSet, size), index)),
    );
    const tail = fitTail(b, { ...defaultTailOptions, seed: options.seed * 31 + size });
    nullBySize.set(size, { cal, holdout: new ConformalReference(b), tail });
  }
  const clusterUnits: TestedUnit[] = clusters.map((c) => {
    const members = c.members.map((i) => tested[i] as AccountStats);
    const nul = nullBySize.get(members.length) as {
      cal: FeatureCalibration;
      holdout: ConformalReference;
      tail: TailModel | null;
    };
    const v = clusterFeaturesOf(members, index);
    const score = nul.cal.score(v);
    const p = nul.holdout.pValue(score);
    return {
      cluster: c.id,
      accounts: members.map((m) => m.account),
      p,
      pTail: tailPValue(score, p, nul.tail),
      q: 1,
      combinedScore: score,
      features: nul.cal.evidence(v),
      drivers: nul.cal.drivers(v),
      links: c.links,
    };
  });

  const units = [...accountUnits, ...clusterUnits];
  // Families: each cluster with its member accounts, and each account outside every cluster on its own
  // (clusters are connected components, so no account is in two).
  const clustered = new Set<number>();
  const families: TestFamily[] = clusters.map((c, k) => {
    for (const i of c.members) clustered.add(i);
    return { heads: [accountUnits.length + k], members: c.members };
  });
  accountUnits.forEach((_, i) => {
    if (!clustered.has(i)) families.push({ heads: [i], members: [] });
  });
  const { adjusted, rejected } =
    options.testing === 'flat'
      ? benjaminiHochberg(
          units.map((u) => u.pTail),
          options.q,
        )
      : hierarchicalBh(
          units.map((u) => u.pTail),
          families,
          options.q,
        );
  const firstStageTests = options.testing === 'flat' ? units.length : families.length;
  units.forEach((u, i) => {
    u.q = adjusted[i] as number;
  });
  units.forEach((u, i) => {
    const v = accountVectors.get(u);
    if (rejected[i] && v) {
      u.features = accountCal.evidence(v);
      u.drivers = accountCal.drivers(v);
    }
  });
  const flagged = units
    .filter((_, i) => rejected[i])
    .sort(
      (x, y) =>
        x.pTail - y.pTail ||
        x.q - y.q ||
        (x.account ?? x.cluster ?? '').localeCompare(y.account ?? y.cluster ?? ''),
    );
  const minimumAccountP = 1 / (holdoutSet.length + 1);
  const median = (xs: number[]) => new ConformalReference(xs).quantile(0.5);
  const power = powerStatement({
    referenceAccounts: reference.length,
    q: options.q,
    tests: firstStageTests,
    periodDays: Math.max(...reference.map((s) => s.activeDays)),
    medianOutputTokens: median(reference.map((s) => (s.requests ? s.outputTokens / s.requests : 0))),
    referenceMedians: {
      topicCoverage: (accountCal.refs.get('topicCoverage') as ConformalReference).quantile(0.5),
      gapRegularity: (accountCal.refs.get('gapRegularity') as ConformalReference).quantile(0.5),
      hourEntropy: (accountCal.refs.get('hourEntropy') as ConformalReference).quantile(0.5),
    },
    accountP: (v) => {
      const score = accountCal.score(v);
      return tailPValue(score, holdoutScores.pValue(score), accountTail);
    },
  });
  const clusterHoldouts = [...nullBySize.values()].map((n) => n.holdout.size);
  return {
    tested: {
      accounts: accountUnits.length,
      clusters: clusterUnits.length,
      total: units.length,
      families: families.length,
    },
    flagged,
    clusters: clusterUnits,
    calibration: {
      referenceAccounts: reference.length,
      calibrationHalf: calibrationSet.length,
      holdoutHalf: holdoutSet.length,
      minimumAccountP,
      minimumClusterP: clusterHoldouts.length ? 1 / (Math.min(...clusterHoldouts) + 1) : null,
      minimumFlagsForBh: Math.ceil((minimumAccountP * firstStageTests) / options.q),
      pValueMethod: `${options.testing === 'flat' ? `One BH at q over every account and cluster (${units.length} tests)` : `Hierarchical testing on tail-extrapolated p-values (Benjamini & Bogomolov 2014): families first (each cluster with its member accounts, each unclustered account alone; ${families.length} families); a family's p is its own p for a lone account, and for a cluster twice the smaller of the cluster's p and its members' Simes p; BH at q over the families selects R of them, and a selected family's cluster or lone account is flagged; within each selected cluster, BH over its members at q·R/${families.length}`}. Tail-extrapolated p: beyond a high threshold of the held-out reference scores, p = (N_exc/n)·mean_b(1 − F_b(S − t)), the survival of a generalized Pareto fit (Zhang-Stephens; negative shapes clamped to the exponential tail) averaged over its parametric-bootstrap refits F_b (the predictive tail, so that the fit's sampling error does not make p too small far beyond the data), the fit accepted by that bootstrap's Anderson-Darling test at 0.05, starting at 250 exceedances and lowering by 10 (Knijnenburg et al. 2009); where 10 or more held-out scores lie at or above S (their M ≥ 10 rule), below the threshold, or where no fit is accepted, the conformal p`,
      accountTail: tailSummary(accountTail),
      clusterTails: sizes.map((size) => ({ size, tail: tailSummary(nullBySize.get(size)?.tail ?? null) })),
      loneUnitThreshold: options.q / firstStageTests,
      pValueHistogram: accountUnits.reduce((bins, u) => {
        const i = Math.min(9, Math.floor(u.p * 10 - 1e-12));
        bins[Math.max(0, i)] = (bins[Math.max(0, i)] as number) + 1;
        return bins;
      }, new Array<number>(10).fill(0)),
      clusterNull:
        'random groups of reference accounts of the cluster size: one third calibrate the features (drawn from the calibration half), two thirds calibrate the combined score (drawn from the holdout half)',
      combination:
        'S = H + A·min(1, H/ln(n+1)), with H the sum of -ln p_j over the harvest features, A over the automation features and n the calibration half (automation corroborates extraction evidence but never creates it: a batch pipeline is all automation); p = (1 + #{holdout S >= S}) / (1 + holdout)',
      features: accountFeatures.map((id) => {
        const def = featureDefinitions.find((f) => f.id === id);
        const ref = accountCal.refs.get(id) as ConformalReference;
        return {
          id,
          detector: def?.detector ?? '',
          family: def?.family ?? 'harvest',
          description: def?.description ?? '',
          referenceQuantiles: { p50: ref.quantile(0.5), p95: ref.quantile(0.95), p99: ref.quantile(0.99) },
        };
      }),
      power,
    },
    accountPValues: accountUnits.map((u) => ({
      account: u.account as string,
      p: u.p,
      pTail: u.pTail,
      q: u.q,
    })),
  };
}
