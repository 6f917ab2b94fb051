import type { WeightFormat } from '../catalog/calibration-schema.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { EngineClassId, EngineRelease, KernelPath, ReleaseOperator } from '../catalog/engine-schema.ts';
import type { Device, Model } from '../catalog/schema.ts';
import { InputError } from '../errors/clearbox-error.ts';

/**
 * Engine releases as an input of the step model (data/engines/releases.yaml): a release runs a kernel path
 * per operator, each with a sourced efficiency relative to the reference path (the newest release's), and
 * the step scales that operator's rates by it. The fitted constants of a class describe its newest release.
 */

export const releaseOperators: readonly ReleaseOperator[] = [
  'attention',
  'experts',
  'blocks',
  'all-reduce',
  'prefill-attention',
];

export interface RateFactor {
  compute: number;
  memory: number;
}

/** One operator's kernel as a release runs it, and the factor the step applies on this model and device. */
export interface ReleasePath {
  operator: ReleaseOperator;
  id: string;
  name: string;
  /** The factor as the data gives it (relative to the reference path). */
  prior: RateFactor;
  /** What the step applies here: the prior, or 1 where the path's comparison does not cover the device. */
  applied: RateFactor;
  /** All-reduce paths: the measured latency of one collective, where it applies on this device. */
  collectiveSeconds?: number;
  source: string;
}

/** The release an estimate ran with: its version, whether it is the class's reference, its kernel paths. */
export interface ReleaseKernels {
  engineClass: EngineClassId;
  /** The release's version string; undefined when the data knows no release of the class. */
  version: string | undefined;
  /** The newest release the data knows for the class (the one the fitted constants describe). */
  referenceVersion: string | undefined;
  reference: boolean;
  /**
   * How the release was chosen: named exactly, the nearest older known release, the newest dated by the
   * measurement's publication day (a point that names none), or the class default.
   */
  matched: 'exact' | 'nearest-older' | 'published-by' | 'default';
  paths: ReleasePath[];
  /** Per operator, the product of its applied factors (1 = the reference path). */
  factors: Record<ReleaseOperator, RateFactor>;
  /**
   * The latency of one tensor-parallel all-reduce as the release's all-reduce path measured it on this
   * device (link latency included); undefined: the class's fitted per-collective cost (its reference path).
   */
  collectiveSeconds?: number;
  /** The release's chunked-prefill token budget for this model where it differs from the class's limits. */
  maxBatchedTokens?: number;
  /** The release's default cap on running sequences where it differs from the class's (vLLM V0: 256). */
  maxSequences?: number;
  /** Longest context its decode graphs cover (vLLM V0 max_seq_len_to_capture); absent: always captured. */
  decodeGraphMaxContext?: number;
  /**
   * How much older the release is than the class's reference release, in years (`releaseAgeYears`): the
   * software-maturity term scales the class's fixed costs by it (docs/methodology.md).
   */
  ageYears: number;
}

interface ParsedVersion {
  release: number[];
  pre: [number, number];
  post: number;
  dev: number;
}

const PRE_RANK: Record<string, number> = { a: -3, alpha: -3, b: -2, beta: -2, rc: -1 };

/**
 * PEP 440-style reading of an engine's version string (the engines recorded are Python packages):
 * 0.7.3.dev138 < 0.7.3rc1 < 0.7.3 < 0.7.3.post1.dev < 0.7.3.post2; a local part (+cu130) is ignored.
 */
function parseVersion(text: string): ParsedVersion {
  const [main = ''] = text.trim().toLowerCase().replace(/^v/, '').split('+');
  const m = /^(\d+(?:\.\d+)*)(?:[.-]?(a|alpha|b|beta|rc)(\d*))?(?:[.-]?post(\d*))?(?:[.-]?dev(\d*))?/.exec(
    main,
  );
  if (!m) return { release: [], pre: [0, 0], post: -1, dev: Number.POSITIVE_INFINITY };
  const release = (m[1] ?? '').split('.').map(Number);
  const hasPost = m[4] !== undefined;
  const hasDev = m[5] !== undefined;
  const pre: [number, number] =
    m[2] !== undefined ? [PRE_RANK[m[2]] ?? -1, Number(m[3] || 0)] : hasDev && !hasPost ? [-4, 0] : [0, 0];
  return {
    release,
    pre,
    post: hasPost ? Number(m[4] || 0) : -1,
    dev: hasDev ? Number(m[5] || 0) : Number.POSITIVE_INFINITY,
  };
}

/**
 * The release a version string is a build of: its numeric release part (0.6.3.dev116+g151ef4ef and
 * 0.6.3.post2.dev308 are builds of 0.6.3; 1.2.0rc1 of 1.2.0), the unit within which two builds run the same
 * engine: commits between two tags change kernels and schedulers less than a release line does.
 */
export function releaseSeries(version: string): string {
  return parseVersion(version).release.join('.');
}

/** Negative when a is older than b, positive when newer, 0 when the same version. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  const n = Math.max(x.release.length, y.release.length);
  for (let i = 0; i < n; i++) {
    const d = (x.release[i] ?? 0) - (y.release[i] ?? 0);
    if (d !== 0) return d;
  }
  const keys: Array<[number, number]> = [
    [x.pre[0], y.pre[0]],
    [x.pre[1], y.pre[1]],
    [x.post, y.post],
  ];
  for (const [p, q] of keys) if (p !== q) return p - q;
  if (x.dev !== y.dev)
    return x.dev === Number.POSITIVE_INFINITY ? 1 : y.dev === Number.POSITIVE_INFINITY ? -1 : x.dev - y.dev;
  return a.localeCompare(b);
}

/** Sorted releases per class, per release list (estimates resolve many plans against one catalog). */
const sortedCache = new WeakMap<readonly EngineRelease[], Map<EngineClassId, EngineRelease[]>>();

/** The releases the data knows for a class, oldest first. */
export function releasesOf(catalog: Catalog, engineClass: EngineClassId): EngineRelease[] {
  let byClass = sortedCache.get(catalog.engineReleases);
  if (!byClass) {
    byClass = new Map();
    sortedCache.set(catalog.engineReleases, byClass);
  }
  let sorted = byClass.get(engineClass);
  if (!sorted) {
    sorted = catalog.engineReleases
      .filter((r) => r.engine === engineClass)
      .sort((a, b) => compareVersions(a.version, b.version));
    byClass.set(engineClass, sorted);
  }
  return [...sorted];
}

const YEAR_MS = 365.25 * 86_400_000;

/** Milliseconds of an ISO date (YYYY-MM-DD, or YYYY-MM read as the 1st); NaN when it is not one. */
function dateMs(date: string): number {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(date.trim());
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3] ?? 1));
}

/**
 * The resolution of a release date: sources may date a fact by month (YYYY-MM), and two releases dated by
 * the day the data was read (a day apart) are not a month apart in age.
 */
const AGE_RESOLUTION_YEARS = 1 / 12;

/**
 * Years between a release and its class's reference release (the newest by version), from the dates the
 * data gives them. 0 for the reference itself, where either date is missing or unreadable, below a month
 * (`AGE_RESOLUTION_YEARS`), and where the older version carries the later date: a release's `date` is a
 * date by which it existed (its source's), and a date later than the newer release's is the day the data
 * was read, which says nothing of its age.
 */
export function releaseAgeYears(
  release: Pick<EngineRelease, 'date'> | undefined,
  reference: Pick<EngineRelease, 'date'> | undefined,
): number {
  if (!release || !reference) return 0;
  const years = (dateMs(reference.date) - dateMs(release.date)) / YEAR_MS;
  return Number.isFinite(years) && years >= AGE_RESOLUTION_YEARS ? years : 0;
}

/**
 * The factor the software-maturity term puts on a class's fixed costs (per kernel, per layer, per
 * collective) for a release `ageYears` older than the reference the constants describe:
 * exp(fixedCostPerYear × ageYears), one slope fitted across every class (calibration.ts).
 */
export function maturityFixedCostFactor(fixedCostPerYear: number | undefined, ageYears: number): number {
  return Math.exp((fixedCostPerYear ?? 0) * ageYears);
}

/** The newest release the data knows for a class: the default of `--engine-release` and the fit's reference. */
export function referenceRelease(catalog: Catalog, engineClass: EngineClassId): EngineRelease | undefined {
  const all = releasesOf(catalog, engineClass);
  return all[all.length - 1];
}

/**
 * The release a release's age is counted against: the newest release of its class that ran the same
 * runtime (`runtime` in releases.yaml; absent on both: the engine's one runtime). The software-maturity
 * term prices the host and launch overheads an engine removed release after release; a release of another
 * runtime (TensorRT-LLM 0.17's compiled TensorRT engines against the PyTorch backend of 1.0 and later) did
 * not carry the newer runtime's earlier overheads, so the calendar gap between the two says nothing of its
 * fixed costs. The class's reference (`referenceRelease`) stays the newest release overall: its constants
 * are the ones fitted.
 */
export function ageReference(
  catalog: Catalog,
  engineClass: EngineClassId,
  release: EngineRelease | undefined,
): EngineRelease | undefined {
  if (!release) return referenceRelease(catalog, engineClass);
  const same = releasesOf(catalog, engineClass).filter((r) => r.runtime === release.runtime);
  return same[same.length - 1];
}

/**
 * The release a user names (`--engine-release`): exactly one the data knows for the class, else a one-line
 * input error naming the flag and the known versions.
 */
export function findRelease(catalog: Catalog, engineClass: EngineClassId, version: string): EngineRelease {
  const all = releasesOf(catalog, engineClass);
  const hit = all.find((r) => r.version === version.trim());
  if (hit) return hit;
  const known = all.map((r) => r.version).join(', ');
  throw new InputError(
    all.length === 0
      ? `the data knows no releases of ${engineClass} (data/engines/releases.yaml), so "${version}" cannot be used`
      : `unknown ${engineClass} release "${version}"; known: ${known}`,
    '--engine-release',
  );
}

/**
 * The release a calibration point ran (its `engineRelease`): exact where the data knows it, else the
 * newest known release not newer than it (a build between two releases runs the older one's kernels, the
 * conservative reading), else the oldest known. No version: the newest release dated on or before the day
 * the measurement was published (`publishedOn`; release dates are days by which a release existed, so it
 * is the newest build the run could have used), the oldest known where none is dated by then; no version
 * and no publication day: the reference release.
 */
function releaseForPoint(
  catalog: Catalog,
  engineClass: EngineClassId,
  version: string | undefined,
  publishedOn: string | undefined,
): { release: EngineRelease | undefined; matched: ReleaseKernels['matched'] } {
  const all = releasesOf(catalog, engineClass);
  if (version === undefined && publishedOn !== undefined && all.length > 0) {
    const published = dateMs(publishedOn);
    const existed = all.filter((r) => dateMs(r.date) <= published);
    const newest = existed.reduce<EngineRelease | undefined>(
      (best, r) => (best === undefined || dateMs(r.date) >= dateMs(best.date) ? r : best),
      undefined,
    );
    return { release: newest ?? all[0], matched: 'published-by' };
  }
  if (version === undefined) return { release: all[all.length - 1], matched: 'default' };
  const exact = all.find((r) => r.version === version);
  if (exact) return { release: exact, matched: 'exact' };
  const older = all.filter((r) => compareVersions(r.version, version) <= 0);
  return { release: older[older.length - 1] ?? all[0], matched: 'nearest-older' };
}

function attentionKind(model: Model): 'mla' | 'mha' {
  return model.architecture.attention.type === 'mla' ? 'mla' : 'mha';
}

/** The weight format of each GEMM operator group (format-plan.ts `FormatPlan`). */
export interface OperatorFormats {
  blocks: WeightFormat;
  experts: WeightFormat;
}

/**
 * Whether a path serves this model (its attention kind) and these weights: a path limited to formats applies
 * only where its operator's weights are in one of them (unknown formats: not applied).
 */
function pathApplies(path: KernelPath, model: Model, formats: OperatorFormats | undefined): boolean {
  if (path.attention !== undefined && path.attention !== attentionKind(model)) return false;
  if (path.weights === undefined) return true;
  if (formats === undefined) return false;
  const format = path.operator === 'experts' ? formats.experts : formats.blocks;
  return path.weights.includes(format);
}

const ONE: RateFactor = { compute: 1, memory: 1 };

/** The kernels a release runs for one model on one device, with the factor each operator's rates take. */
export function releaseKernels(
  catalog: Catalog,
  engineClass: EngineClassId,
  model: Model,
  device: Device,
  version: string | undefined,
  /** `strict`: a user's flag (unknown versions refused); `point`: a calibration point's recorded version. */
  mode: 'strict' | 'point',
  /** The weight formats of the GEMM operators (paths limited to formats apply only where they match). */
  formats?: OperatorFormats,
  /** `point` mode: the day the measurement was published (its release, where unnamed, is no newer). */
  publishedOn?: string,
): ReleaseKernels {
  const reference = referenceRelease(catalog, engineClass);
  let release: EngineRelease | undefined;
  let matched: ReleaseKernels['matched'];
  if (mode === 'strict') {
    release = version === undefined ? reference : findRelease(catalog, engineClass, version);
    matched = version === undefined ? 'default' : 'exact';
  } else {
    ({ release, matched } = releaseForPoint(catalog, engineClass, version, publishedOn));
  }
  const factors = {
    attention: { ...ONE },
    experts: { ...ONE },
    blocks: { ...ONE },
    'all-reduce': { ...ONE },
    'prefill-attention': { ...ONE },
  };
  const paths: ReleasePath[] = [];
  let collectiveSeconds: number | undefined;
  for (const id of release?.paths ?? []) {
    const path = catalog.kernelPaths.find((p) => p.id === id);
    if (!path) throw new Error(`release ${engineClass} ${release?.version} names unknown kernel path ${id}`);
    if (!pathApplies(path, model, formats)) continue;
    const covered = path.devices === undefined || path.devices.includes(device.id);
    const applied = covered ? { ...path.factor } : { ...ONE };
    factors[path.operator].compute *= applied.compute;
    factors[path.operator].memory *= applied.memory;
    // A measured latency holds only where it was measured; elsewhere the class's fitted cost stands.
    const latency = covered ? path.collectiveSeconds : undefined;
    if (latency !== undefined) collectiveSeconds = latency;
    paths.push({
      operator: path.operator,
      id: path.id,
      name: path.name,
      prior: { ...path.factor },
      applied,
      ...(latency === undefined ? {} : { collectiveSeconds: latency }),
      source: path.sources[0]?.title ?? '',
    });
  }
  const chunked = release?.chunkedPrefill;
  const maxBatchedTokens =
    chunked && model.architecture.contextLength > chunked.aboveContext ? chunked.maxBatchedTokens : undefined;
  return {
    engineClass,
    version: release?.version,
    referenceVersion: reference?.version,
    reference: release !== undefined && release === reference,
    matched,
    paths,
    factors,
    ...(collectiveSeconds === undefined ? {} : { collectiveSeconds }),
    ...(maxBatchedTokens === undefined ? {} : { maxBatchedTokens }),
    ...(release?.maxSequences === undefined ? {} : { maxSequences: release.maxSequences.value }),
    ...(release?.decodeGraphMaxContext === undefined
      ? {}
      : { decodeGraphMaxContext: release.decodeGraphMaxContext }),
    ageYears: releaseAgeYears(release, ageReference(catalog, engineClass, release)),
  };
}

/**
 * The engine's per-collective cost as the step uses it (`collectiveSeconds`, added to the link latency):
 * the release's measured all-reduce latency less the link latency it already includes, else the class's
 * fitted cost.
 */
export function releaseCollectiveSeconds(
  release: Pick<ReleaseKernels, 'collectiveSeconds'>,
  classSeconds: number,
  linkLatencySeconds: number,
): number {
  return release.collectiveSeconds === undefined
    ? classSeconds
    : Math.max(0, release.collectiveSeconds - linkLatencySeconds);
}

/** The rates a release scales: each operator group's compute peak and streaming rate (format-plan.ts rates). */
export interface ReleaseScaledRates {
  peakFlops: number;
  weightMemoryScale?: number;
  expertPeakFlops?: number;
  expertMemoryScale?: number;
  attentionPeakFlops?: number;
  attentionMemoryScale?: number;
  prefillAttentionComputeScale?: number;
  prefillAttentionMemoryScale?: number;
  ffnPeakFlops?: number;
  ffnMemoryScale?: number;
}

/**
 * Scales the rates in place by a release's operator factors: blocks (projections, dense FFN, shared
 * experts), routed experts, attention, and the prompt tokens' attention on top (its scales are set, not
 * multiplied, so calling again after the path factors reset the rates gives the same rates). Call after
 * the compute-path factors are set.
 */
export function applyReleaseFactors(into: ReleaseScaledRates, factors: ReleaseKernels['factors']): void {
  const base = into.peakFlops;
  into.peakFlops = base * factors.blocks.compute;
  into.weightMemoryScale = (into.weightMemoryScale ?? 1) * factors.blocks.memory;
  // The dense FFN is a block GEMM whatever its format (fp8_mixed gives it its own path).
  into.ffnPeakFlops = (into.ffnPeakFlops ?? base) * factors.blocks.compute;
  into.ffnMemoryScale = (into.ffnMemoryScale ?? 1) * factors.blocks.memory;
  into.expertPeakFlops = (into.expertPeakFlops ?? base) * factors.experts.compute;
  into.expertMemoryScale = (into.expertMemoryScale ?? 1) * factors.experts.memory;
  into.attentionPeakFlops = (into.attentionPeakFlops ?? base) * factors.attention.compute;
  into.attentionMemoryScale = factors.attention.memory;
  into.prefillAttentionComputeScale = factors['prefill-attention'].compute;
  into.prefillAttentionMemoryScale = factors['prefill-attention'].memory;
}
