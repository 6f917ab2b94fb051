import { createRng } from '../random/distributions.ts';

/**
 * Tail-extrapolated p-values: a conformal p cannot fall below 1/(n+1), so against 500 reference accounts
 * no unit, however extreme, scores under 0.002, and Benjamini-Hochberg over 1,600 tests at q = 0.01
 * would need 320 units at that floor before it flagged any. Above a high threshold of the reference
 * scores, the excesses of any well-behaved distribution follow a generalized Pareto distribution
 * (Pickands-Balkema-de Haan), so the p-value of a score beyond the reference can be extrapolated:
 *   p(s) = (N_exc / n) · (1 − F_GPD(s − t)),  t = the threshold, N_exc = reference scores above it.
 * Knijnenburg, Wessels, Reinders, Shmulevich, "Fewer permutations, more accurate P-values",
 * Bioinformatics 25(12) i161 (2009): start at 250 exceedances, test the fit (Anderson-Darling), and
 * lower N_exc by 10 until it holds; where no fit holds, keep the conformal p. As in their method, the fit
 * is used only where the reference is thin: a score with at least 10 reference scores at or above it
 * keeps its empirical (conformal) p (their M >= 10 rule; `minM_epdf = 10` in the implementation of
 * Lloyd-Price & Rahnavard, R package deepath `gpd_permutation_test`, and `if (M >= 10)` in TBEST's
 * `Ppermest_opt`, both read 2026-12-05).
 * GPD fitted by Zhang & Stephens, "A new and efficient estimation method for the generalized Pareto
 * distribution", Technometrics 51(3) 316 (2009), the estimator PSIS uses: no iteration, no failure.
 */

export interface GpdFit {
  /** Shape k of F(x) = 1 − (1 + k·x/σ)^(−1/k) (k = 0: exponential); k < 0 has a finite upper end. */
  shape: number;
  scale: number;
}

export function gpdCdf(x: number, fit: GpdFit): number {
  if (x <= 0) return 0;
  const { shape: k, scale: sigma } = fit;
  if (Math.abs(k) < 1e-9) return 1 - Math.exp(-x / sigma);
  const base = 1 + (k * x) / sigma;
  if (base <= 0) return 1; // beyond the finite upper end of a k < 0 fit
  return 1 - base ** (-1 / k);
}

/** Zhang-Stephens estimate from positive excesses (any order). */
export function fitGpd(excesses: ArrayLike<number>): GpdFit {
  const x = Float64Array.from(excesses).sort();
  const n = x.length;
  if (n < 2) throw new Error('fitGpd needs at least two excesses');
  const m = 20 + Math.floor(Math.sqrt(n));
  const max = x[n - 1] as number;
  const quartile = x[Math.max(0, Math.floor(n / 4 + 0.5) - 1)] as number;
  const theta = new Float64Array(m);
  const logLik = new Float64Array(m);
  const kOf = (t: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.log1p(-t * (x[i] as number));
    return s / n;
  };
  for (let j = 0; j < m; j++) {
    const t = 1 / max + (1 - Math.sqrt(m / (j + 0.5))) / (3 * quartile);
    theta[j] = t;
    const k = kOf(t);
    logLik[j] = n * (Math.log(-t / k) - k - 1);
  }
  let thetaHat = 0;
  for (let j = 0; j < m; j++) {
    let denominator = 0;
    for (let i = 0; i < m; i++) denominator += Math.exp((logLik[i] as number) - (logLik[j] as number));
    thetaHat += (theta[j] as number) / denominator;
  }
  // With θ = −shape/σ, the profile estimate of the shape is mean(log(1 − θx)) and σ = −shape/θ.
  const shape = kOf(thetaHat);
  return { shape, scale: -shape / thetaHat };
}

function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] as number;
  return s / values.length;
}

/** Anderson-Darling A² of the sample against the fitted CDF. */
export function andersonDarling(sample: ArrayLike<number>, cdf: (x: number) => number): number {
  const x = Float64Array.from(sample).sort();
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const lo = Math.min(1 - 1e-15, Math.max(1e-15, cdf(x[i] as number)));
    const hi = Math.min(1 - 1e-15, Math.max(1e-15, cdf(x[n - 1 - i] as number)));
    s += (2 * i + 1) * (Math.log(lo) + Math.log1p(-hi));
  }
  return -n - s / n;
}

function gpdDraw(u: number, fit: GpdFit): number {
  const { shape: k, scale: sigma } = fit;
  if (Math.abs(k) < 1e-9) return -sigma * Math.log(u);
  return (sigma / k) * (u ** -k - 1);
}

/**
 * Goodness of fit by parametric bootstrap: A² of the data against its own fit, ranked among the A² of
 * samples drawn from that fit and refitted the same way. Tables of A² critical values for the GPD
 * (Choulakian & Stephens 2001) depend on the shape and the estimator; the bootstrap needs neither.
 */
export function gpdFitPValue(
  excesses: ArrayLike<number>,
  fit: GpdFit,
  draws: number,
  seed: number,
  exponential = false,
): number {
  return gpdBootstrap(excesses, fit, draws, seed, exponential).pValue;
}

/**
 * The parametric bootstrap behind the goodness of fit: each sample drawn from the fit is refitted the
 * way the data were (a negative shape clamped to the exponential tail, as in fitTail). The refits are the
 * fit's sampling spread, which the tail p averages over (tailPValue).
 */
function gpdBootstrap(
  excesses: ArrayLike<number>,
  fit: GpdFit,
  draws: number,
  seed: number,
  exponential: boolean,
): { pValue: number; refits: GpdFit[] } {
  const observed = andersonDarling(excesses, (x) => gpdCdf(x, fit));
  const rng = createRng(seed);
  const n = excesses.length;
  let atLeast = 0;
  const sample = new Float64Array(n);
  const refits: GpdFit[] = [];
  for (let b = 0; b < draws; b++) {
    for (let i = 0; i < n; i++) sample[i] = gpdDraw(rng.next(), fit);
    const refit = exponential ? { shape: 0, scale: mean(sample) } : fitGpd(sample);
    if (andersonDarling(sample, (x) => gpdCdf(x, refit)) >= observed) atLeast++;
    refits.push(refit.shape < 0 || !Number.isFinite(refit.shape) ? { shape: 0, scale: mean(sample) } : refit);
  }
  return { pValue: (1 + atLeast) / (1 + draws), refits };
}

export interface TailModel {
  /** Scores above the threshold get the extrapolated p. */
  threshold: number;
  exceedances: number;
  referenceSize: number;
  fit: GpdFit;
  /** Bootstrap p of the Anderson-Darling test of the accepted fit. */
  fitPValue: number;
  /** The fitted shape was negative (a finite upper end) and the exponential tail (shape 0) is used. */
  shapeClamped: boolean;
  /** Refits of parametric-bootstrap samples from `fit` (negative shapes clamped): its sampling spread. */
  refits: GpdFit[];
}

export interface TailOptions {
  /** Exceedances tried first (Knijnenburg et al.: 250), lowered by `step` while the fit is rejected. */
  maxExceedances: number;
  minExceedances: number;
  step: number;
  /** A fit whose Anderson-Darling bootstrap p is below this is rejected. */
  fitAlpha: number;
  bootstrapDraws: number;
  seed: number;
}

export const defaultTailOptions: TailOptions = {
  maxExceedances: 250,
  minExceedances: 30,
  step: 10,
  fitAlpha: 0.05,
  bootstrapDraws: 100,
  seed: 1,
};

/** The tail model of a reference sample, or null when no tested exceedance count gives an acceptable fit. */
export function fitTail(
  reference: ArrayLike<number>,
  options: TailOptions = defaultTailOptions,
): TailModel | null {
  const sorted = Float64Array.from(reference).sort();
  const n = sorted.length;
  // At most a quarter of the reference in the tail: the GPD describes excesses over a high threshold.
  for (
    let nExc = Math.min(options.maxExceedances, Math.floor(n / 4));
    nExc >= options.minExceedances;
    nExc -= options.step
  ) {
    // Threshold halfway between the largest non-exceedance and the smallest exceedance (Knijnenburg).
    const threshold = ((sorted[n - nExc - 1] as number) + (sorted[n - nExc] as number)) / 2;
    const excesses = sorted.subarray(n - nExc).map((v) => v - threshold);
    if (excesses.some((e) => !(e > 0))) continue; // ties at the threshold: no continuous tail here
    const estimated = fitGpd(excesses);
    if (!Number.isFinite(estimated.shape) || !(estimated.scale > 0)) continue;
    // A negative shape puts a hard upper end on the scores and p = 0 beyond it: evidence the reference
    // cannot give. The exponential tail (shape 0, scale = mean excess) is the conservative light tail.
    const shapeClamped = estimated.shape < 0;
    const fit = shapeClamped ? { shape: 0, scale: mean(excesses) } : estimated;
    const { pValue: fitPValue, refits } = gpdBootstrap(
      excesses,
      fit,
      options.bootstrapDraws,
      options.seed + nExc,
      shapeClamped,
    );
    if (fitPValue >= options.fitAlpha)
      return { threshold, exceedances: nExc, referenceSize: n, fit, fitPValue, shapeClamped, refits };
  }
  return null;
}

/**
 * Reference scores at or above s from which the empirical p is kept (Knijnenburg et al.'s M_min): the
 * GPD replaces the empirical tail only where fewer lie beyond s.
 */
export const EMPIRICAL_MIN_EXCEEDANCES = 10;

/**
 * The p-value of score s: the GPD tail estimate where s is beyond the threshold, the fit holds and fewer
 * than EMPIRICAL_MIN_EXCEEDANCES reference scores lie at or above s; the conformal p otherwise (the method
 * of Knijnenburg et al.; mixing in the smaller of the two would be anti-conservative). So P(p <= t) <= t
 * holds exactly, whatever the fit, for every t >= (M_min + 1)/(n + 1): a p that small needs fewer than
 * M_min reference scores at or above s, and then the conformal p is at most t too. Above the threshold
 * but within the data, the fitted GPD smooths over the bumps of a mixed score distribution; that made
 * P(p <= 0.05) 1.13-1.18 times 0.05 on a lumpy score (tail-pvalue.test.ts). Floored at the smallest
 * positive double so that BH can still rank it.
 */
export function tailPValue(s: number, conformalP: number, tail: TailModel | null): number {
  if (tail === null || s <= tail.threshold) return conformalP;
  // conformalP = (1 + M)/(1 + n), M the reference scores at or above s.
  const atOrAbove = Math.round(conformalP * (tail.referenceSize + 1)) - 1;
  if (atOrAbove >= EMPIRICAL_MIN_EXCEEDANCES) return conformalP;
  // The predictive tail: the GPD survival averaged over the bootstrap refits rather than read off the one
  // fit. Where the p is far beyond the data, the plug-in fit's sampling error does not average out: the
  // survival is convex in the fitted parameters, so a fit that happens to fall light gives p-values many
  // times too small, and over 1,600 tests BH finds them (lognormal scores, 500 reference scores: a false
  // flag in 13 and 24 of 150 runs at q = 0.01 and 0.05; tail-pvalue.test.ts).
  const x = s - tail.threshold;
  const fits = tail.refits.length > 0 ? tail.refits : [tail.fit];
  let survival = 0;
  for (const f of fits) survival += 1 - gpdCdf(x, f);
  const extrapolated = (tail.exceedances / tail.referenceSize) * (survival / fits.length);
  return Math.max(extrapolated, Number.MIN_VALUE);
}
