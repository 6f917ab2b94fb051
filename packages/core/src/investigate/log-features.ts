/**
 * Per-account sufficient statistics (aggregated by the SQL in store) and the log features L1-L6
 * computed from them. Every feature is oriented so that larger means "less like benign traffic", so a
 * one-sided conformal p-value applies to each.
 */
export const TOPIC_BUCKETS = 64;
/**
 * Template keys are MinHash LSH buckets (the log engine's features/templates.ts): every request falls
 * in one bucket per band, so an account's template counts sum to TEMPLATE_BANDS x its requests. 16 bands
 * of 2 rows put the S-curve's threshold near (1/16)^(1/2) = 0.25 Jaccard similarity: a pair of
 * paraphrases with a varying payload (J about 0.3-0.4 on the hand-written cases of the logs tests) meets
 * in some band with probability 0.8-0.9, two prompts sharing one or two common words rarely.
 */
export const TEMPLATE_BANDS = 16;
export const TEMPLATE_BAND_ROWS = 2;

export interface AccountStats {
  account: string;
  /** True for an account of the benign reference (a separate file or a listed account). */
  reference: boolean;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  activeDays: number;
  /** Prompts asking for step-by-step reasoning or traces, or requests with high reasoning effort. */
  reasoningRequests: number;
  /** Requests with max tokens >= the large threshold. */
  largeMaxTokensRequests: number;
  /** Inter-arrival gaps (ms) from lag(ts) over the account's requests: count, mean, population sd. */
  gapCount: number;
  gapMean: number;
  gapSd: number;
  /** Requests per hour of day (UTC), 24 counts. */
  hours: number[];
  /** Requests per topic bucket, TOPIC_BUCKETS counts. */
  topics: number[];
  /**
   * Template keys (one per band per request, TEMPLATE_BANDS in all) the account used twice or more, and
   * for a reference account also those another account uses: [key, count].
   */
  templates: Array<[string, number]>;
  /**
   * Uses (one per band per request) of the keys this account used twice or more that no other account
   * uses, tested or reference, when the log engine sums them here instead of listing them in `templates`
   * (absent: 0, every key listed). Such a key links no one and weighs 1 in templating; an account with 8
   * private templates listed 128 keys, and 50,000 such accounts made the lists the slowest part of a run.
   */
  privateTemplateUses?: number;
  /** Largest sum of biased token ids over requests of one prompt with max tokens <= 1 and logprobs on. */
  logitBiasSweep: number;
  ips: string[];
  userAgents: string[];
}

export type FeatureId =
  | 'requestsPerDay'
  | 'outputTokensPerDay'
  | 'templating'
  | 'topicCoverage'
  | 'gapRegularity'
  | 'hourEntropy'
  | 'reasoningShare'
  | 'largeMaxTokensShare'
  | 'logitBiasSweep'
  | 'coordination';

/**
 * What a feature is evidence of. Harvest: what extraction needs and ordinary use rarely does (output
 * volume, reasoning traces, long outputs, topic breadth, logit-bias sweeps, a shared template pool).
 * Automation: what any script does, extraction or not (request rate, templating, machine timing, round
 * the clock). An honest batch pipeline is all automation and no harvest; see extraction-score.ts.
 */
export type FeatureFamily = 'harvest' | 'automation';

export interface FeatureDefinition {
  id: FeatureId;
  detector: 'L1' | 'L2' | 'L3' | 'L4' | 'L5' | 'L6' | 'L7';
  family: FeatureFamily;
  description: string;
  /** Only clusters have it (coordination). */
  clusterOnly?: boolean;
}

export const featureDefinitions: FeatureDefinition[] = [
  {
    id: 'requestsPerDay',
    detector: 'L1',
    family: 'automation',
    description: 'requests per active day (clusters: sum over members)',
  },
  {
    id: 'outputTokensPerDay',
    detector: 'L1',
    family: 'harvest',
    description: 'output tokens per active day (clusters: sum over members)',
  },
  {
    id: 'templating',
    detector: 'L2',
    family: 'automation',
    description:
      'share of requests on a template used twice or more (a MinHash LSH bucket of the word set, averaged over the bands), weighted by rarity ln(N/(df+1))/ln N over the N reference accounts (df: other reference accounts using it); templates used by more than the rare share of the reference weigh 0',
  },
  {
    id: 'topicCoverage',
    detector: 'L3',
    family: 'harvest',
    description: `entropy of the topic bucket / ln ${TOPIC_BUCKETS}`,
  },
  {
    id: 'gapRegularity',
    detector: 'L4',
    family: 'automation',
    description:
      'minus the burstiness of inter-arrival gaps with the Kim & Jo finite-n correction (1 = perfectly regular)',
  },
  {
    id: 'hourEntropy',
    detector: 'L4',
    family: 'automation',
    description: 'entropy of the hour of day / ln 24 (1 = round the clock)',
  },
  {
    id: 'reasoningShare',
    detector: 'L5',
    family: 'harvest',
    description: 'share of prompts eliciting step-by-step reasoning or traces, or high reasoning effort',
  },
  {
    id: 'largeMaxTokensShare',
    detector: 'L5',
    family: 'harvest',
    description: 'share of requests with a large max tokens',
  },
  {
    id: 'logitBiasSweep',
    detector: 'L6',
    family: 'harvest',
    description:
      'largest number of biased token ids summed over requests of one prompt with max tokens <= 1 and logprobs on',
  },
  {
    id: 'coordination',
    detector: 'L7',
    family: 'harvest',
    description:
      'shared-pool templates (LSH buckets used twice or more by two or more members and by no reference account outside the unit), counted per member using each twice or more, per member and band',
    clusterOnly: true,
  },
];

export type FeatureVector = Partial<Record<FeatureId, number>>;

/** Normalised Shannon entropy of counts, H / ln(k). */
export function normalisedEntropy(counts: ArrayLike<number>, k: number): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i] as number;
  if (total === 0) return 0;
  let h = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] as number;
    if (c > 0) h -= (c / total) * Math.log(c / total);
  }
  return h / Math.log(k);
}

/**
 * Burstiness with the finite-size correction of Kim & Jo (arXiv 1604.01125):
 * B_n = (sqrt(n+1) r - sqrt(n-1)) / ((sqrt(n+1) - 2) r + sqrt(n-1)), r = sd/mean, n events.
 * -1 for a perfectly regular sequence, 0 for Poisson, towards 1 for bursts.
 */
export function burstiness(events: number, gapMean: number, gapSd: number): number {
  const r = gapMean > 0 ? gapSd / gapMean : 0;
  const a = Math.sqrt(events + 1);
  const b = Math.sqrt(events - 1);
  const denominator = (a - 2) * r + b;
  return denominator === 0 ? 0 : (a * r - b) / denominator;
}

/**
 * Rarity weight of a template that `otherUsers` of the N benign reference accounts use, not counting the
 * unit itself: ln(N/(others + 1))/ln N, so a template no other reference account uses weighs 1 and one
 * used by more than the rare share of the reference weighs 0. Rarity is judged against the reference,
 * never among the tested accounts: a template pool shared by 80 tested accounts and no reference account
 * is as rare as a template can be.
 */
export function templateRarity(otherUsers: number, accounts: number, rareMaxAccounts: number): number {
  if (otherUsers > rareMaxAccounts || accounts < 2) return 0;
  return Math.log(accounts / (otherUsers + 1)) / Math.log(accounts);
}

export interface TemplateIndex {
  /** Reference accounts using each template. */
  df: Map<string, number>;
  /** Reference accounts. */
  accounts: number;
  rareMaxAccounts: number;
}

/** Reference accounts other than the unit's own members that use `key`. */
function otherReferenceUsers(index: TemplateIndex, key: string, ownReferenceUsers: number): number {
  return Math.max(0, (index.df.get(key) ?? 0) - ownReferenceUsers);
}

/**
 * `ownReferenceUsers(key)`: how many of the unit's own accounts are reference accounts using `key` (a
 * reference account calibrating the features must not find its own templates common because it uses
 * them itself); by default the account itself when it is a reference account.
 */
export function featuresOf(
  s: AccountStats,
  index: TemplateIndex,
  ownReferenceUsers: (key: string) => number = () => (s.reference ? 1 : 0),
): FeatureVector {
  const days = Math.max(1, s.activeDays);
  let templated = 0;
  for (const [key, count] of s.templates) {
    if (count >= 2)
      templated +=
        count *
        templateRarity(
          otherReferenceUsers(index, key, ownReferenceUsers(key)),
          index.accounts,
          index.rareMaxAccounts,
        );
  }
  templated += (s.privateTemplateUses ?? 0) * templateRarity(0, index.accounts, index.rareMaxAccounts);
  const out: FeatureVector = {
    requestsPerDay: s.requests / days,
    outputTokensPerDay: s.outputTokens / days,
    templating: s.requests ? templated / (s.requests * TEMPLATE_BANDS) : 0,
    topicCoverage: normalisedEntropy(s.topics, TOPIC_BUCKETS),
    hourEntropy: normalisedEntropy(s.hours, 24),
    reasoningShare: s.requests ? s.reasoningRequests / s.requests : 0,
    largeMaxTokensShare: s.requests ? s.largeMaxTokensRequests / s.requests : 0,
    logitBiasSweep: s.logitBiasSweep,
  };
  if (s.gapCount >= 2) out.gapRegularity = -burstiness(s.gapCount + 1, s.gapMean, s.gapSd);
  return out;
}

const repeatedCache = new WeakMap<AccountStats, Array<[string, number]>>();
/** The templates an account used twice or more (cached: cluster nulls merge the same accounts many times). */
function repeatedTemplates(s: AccountStats): Array<[string, number]> {
  let out = repeatedCache.get(s);
  if (!out) {
    out = s.templates.filter(([, count]) => count >= 2);
    repeatedCache.set(s, out);
  }
  return out;
}

/**
 * A cluster's statistics from its members': counts add; gaps are pooled over the members' own gaps
 * (the regularity of each member's stream, not of the merged stream); rates add, as if the members
 * ran concurrently, which is what a spread-out campaign does. Templates: each member's repeated ones
 * (used twice or more by that member; with 16 LSH keys per request, merging every key of every member
 * made the cluster null, thousands of random groups, the slowest step by far).
 */
export function mergeStats(
  members: readonly AccountStats[],
  label: string,
  withTemplates = true,
): AccountStats & { perDayRequests: number; perDayOutput: number } {
  const hours = new Array<number>(24).fill(0);
  const topics = new Array<number>(TOPIC_BUCKETS).fill(0);
  const templates = new Map<string, number>();
  let requests = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let reasoning = 0;
  let large = 0;
  let gapCount = 0;
  let gapSum = 0;
  let gapSquares = 0;
  let sweep = 0;
  let perDayRequests = 0;
  let perDayOutput = 0;
  let activeDays = 0;
  let privateTemplateUses = 0;
  for (const m of members) {
    requests += m.requests;
    inputTokens += m.inputTokens;
    outputTokens += m.outputTokens;
    reasoning += m.reasoningRequests;
    large += m.largeMaxTokensRequests;
    gapCount += m.gapCount;
    gapSum += m.gapMean * m.gapCount;
    gapSquares += (m.gapSd ** 2 + m.gapMean ** 2) * m.gapCount;
    sweep = Math.max(sweep, m.logitBiasSweep);
    perDayRequests += m.requests / Math.max(1, m.activeDays);
    perDayOutput += m.outputTokens / Math.max(1, m.activeDays);
    activeDays = Math.max(activeDays, m.activeDays);
    for (let h = 0; h < 24; h++) hours[h] = (hours[h] as number) + (m.hours[h] ?? 0);
    for (let t = 0; t < TOPIC_BUCKETS; t++) topics[t] = (topics[t] as number) + (m.topics[t] ?? 0);
    if (withTemplates) {
      for (const [key, count] of repeatedTemplates(m)) templates.set(key, (templates.get(key) ?? 0) + count);
      privateTemplateUses += m.privateTemplateUses ?? 0;
    }
  }
  const gapMean = gapCount ? gapSum / gapCount : 0;
  return {
    account: label,
    reference: false,
    requests,
    inputTokens,
    outputTokens,
    activeDays,
    reasoningRequests: reasoning,
    largeMaxTokensRequests: large,
    gapCount,
    gapMean,
    gapSd: gapCount ? Math.sqrt(Math.max(0, gapSquares / gapCount - gapMean ** 2)) : 0,
    hours,
    topics,
    templates: [...templates],
    ...(privateTemplateUses > 0 ? { privateTemplateUses } : {}),
    logitBiasSweep: sweep,
    ips: [],
    userAgents: [],
    perDayRequests,
    perDayOutput,
  };
}

/**
 * Template keys as integer ids, with scratch counters stamped per call, for the cluster null: thousands
 * of random groups each merge their members' repeated templates (16 LSH keys per request), and string
 * maps made that the slowest step of an investigation.
 */
interface InternedTemplates {
  ids: Map<string, number>;
  df: number[];
  perAccount: WeakMap<AccountStats, { ids: Int32Array; counts: Float64Array }>;
  count: Float64Array;
  users: Int32Array;
  referenceUsers: Int32Array;
  stamp: Int32Array;
  generation: number;
}
const internedByIndex = new WeakMap<TemplateIndex, InternedTemplates>();

function internedOf(index: TemplateIndex): InternedTemplates {
  let t = internedByIndex.get(index);
  if (!t) {
    t = {
      ids: new Map(),
      df: [],
      perAccount: new WeakMap(),
      count: new Float64Array(0),
      users: new Int32Array(0),
      referenceUsers: new Int32Array(0),
      stamp: new Int32Array(0),
      generation: 0,
    };
    internedByIndex.set(index, t);
  }
  return t;
}

function accountTemplateIds(t: InternedTemplates, index: TemplateIndex, s: AccountStats) {
  let out = t.perAccount.get(s);
  if (!out) {
    const repeated = repeatedTemplates(s);
    out = { ids: new Int32Array(repeated.length), counts: new Float64Array(repeated.length) };
    repeated.forEach(([key, count], i) => {
      let id = t.ids.get(key);
      if (id === undefined) {
        id = t.ids.size;
        t.ids.set(key, id);
        t.df.push(index.df.get(key) ?? 0);
      }
      (out as { ids: Int32Array }).ids[i] = id;
      (out as { counts: Float64Array }).counts[i] = count;
    });
    t.perAccount.set(s, out);
  }
  if (t.stamp.length < t.ids.size) {
    const size = Math.max(1024, 2 * t.ids.size);
    t.count = new Float64Array(size);
    t.users = new Int32Array(size);
    t.referenceUsers = new Int32Array(size);
    t.stamp = new Int32Array(size);
  }
  return out;
}

/** Cluster features: the account features of the merged statistics plus coordination (L7). */
export function clusterFeaturesOf(members: readonly AccountStats[], index: TemplateIndex): FeatureVector {
  const merged = mergeStats(members, 'cluster', false);
  // The shared pool: templates that two or more members each use twice or more and that no reference
  // account outside the unit uses. Merely rare templates are not enough: two heavy benign users share
  // a few prompt openings seen in a handful of reference accounts by chance, and random groups of
  // reference accounts (the cluster null) are not selected for that, so rarity-weighted sharing made
  // chance-linked benign clusters look coordinated.
  const t = internedOf(index);
  const lists = members.map((m) => accountTemplateIds(t, index, m));
  const generation = ++t.generation;
  const touched: number[] = [];
  lists.forEach((list, j) => {
    const reference = (members[j] as AccountStats).reference;
    for (let i = 0; i < list.ids.length; i++) {
      const id = list.ids[i] as number;
      if (t.stamp[id] !== generation) {
        t.stamp[id] = generation;
        t.count[id] = 0;
        t.users[id] = 0;
        t.referenceUsers[id] = 0;
        touched.push(id);
      }
      t.count[id] = (t.count[id] as number) + (list.counts[i] as number);
      t.users[id] = (t.users[id] as number) + 1;
      // Null groups are drawn from the reference: their members' own use is not "other" use (counted
      // over the members' repeated templates, the ones the features read).
      if (reference) t.referenceUsers[id] = (t.referenceUsers[id] as number) + 1;
    }
  });
  const out = featuresOf(merged, index);
  out.requestsPerDay = merged.perDayRequests;
  out.outputTokensPerDay = merged.perDayOutput;
  // Templating of the merged statistics: every merged repeated template counts, rarity against the
  // reference accounts outside the unit.
  let templated = 0;
  let pooled = 0;
  for (const id of touched) {
    const others = Math.max(0, (t.df[id] as number) - (t.referenceUsers[id] as number));
    templated += (t.count[id] as number) * templateRarity(others, index.accounts, index.rareMaxAccounts);
    if ((t.users[id] as number) >= 2 && others === 0) pooled += t.users[id] as number;
  }
  // Keys private to one member: no other account, so no reference account outside the unit, uses them.
  for (const m of members)
    templated += (m.privateTemplateUses ?? 0) * templateRarity(0, index.accounts, index.rareMaxAccounts);
  out.templating = merged.requests ? templated / (merged.requests * TEMPLATE_BANDS) : 0;
  out.coordination = pooled / (members.length * TEMPLATE_BANDS);
  return out;
}
