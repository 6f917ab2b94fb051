import { createRng, type Rng } from '../random/distributions.ts';
import { pronounceableWord } from './pronounceable.ts';

/**
 * Synthetic API traffic with labels, so the log detectors are measured (after the forensics reference,
 * section 4.3): benign accounts (lognormal volume, private templates, concentrated topics, diurnal hours,
 * rare reasoning prompts), naive extraction campaigns, evasive "hydra" clusters of benign-looking
 * accounts sharing a template pool, a logit-bias sweeper, and honest hard negatives: batch evaluation
 * pipelines, accounts using popular framework templates, and accounts behind one NAT address.
 */
export type AccountKind = 'benign' | 'framework' | 'nat' | 'batch' | 'naive' | 'hydra' | 'sweep';

export const attackerKinds: readonly AccountKind[] = ['naive', 'hydra', 'sweep'];

export interface LogRow {
  ts: string;
  account: string;
  prompt: string;
  inputTokens: number;
  outputTokens: number;
  ip: string;
  userAgent: string;
  maxTokens: number;
  logprobs?: boolean;
  logitBias?: Record<string, number>;
  reasoningEffort?: string;
}

export interface TrafficSpec {
  seed: number;
  /** Multiplies every account count (not requests per account). */
  scale: number;
  referenceAccounts: number;
  benignAccounts: number;
  /** Naive campaigns: [accounts, requests per account]. */
  naiveCampaigns: Array<[number, number]>;
  hydras: Array<number>;
  /**
   * Requests per hydra account; absent: drawn like a benign account's volume (median 40), which keeps
   * hydras below the issue's target size of 4 accounts x 500 requests. Set to measure that target.
   */
  hydraRequests?: number;
  batchPipelines: number;
  frameworkShare: number;
  natGroups: Array<number>;
  sweepers: number;
  days: number;
  /** Epoch ms of the first day (UTC midnight). */
  startMs: number;
}

export const defaultTrafficSpec: TrafficSpec = {
  seed: 1,
  scale: 1,
  // Large enough that BH at the CLI's default q = 0.01 can flag the campaigns: with a 5,000-account holdout
  // the smallest p is 2e-4, so about 11 of the ~500 tested units at that floor suffice (4,000 needed 26).
  referenceAccounts: 10000,
  benignAccounts: 400,
  naiveCampaigns: [
    [1, 2000],
    [3, 400],
    [10, 100],
  ],
  hydras: [30, 30],
  batchPipelines: 3,
  frameworkShare: 0.15,
  natGroups: [6, 6, 6],
  sweepers: 1,
  days: 14,
  startMs: Date.UTC(2025, 2, 1),
};

export interface SynthTraffic {
  spec: TrafficSpec;
  traffic: LogRow[];
  reference: LogRow[];
  truth: Record<string, AccountKind>;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const syllables = [
  'ra',
  'to',
  'mi',
  'ke',
  'lu',
  'sa',
  'no',
  'vi',
  'de',
  'po',
  'ga',
  'fe',
  'zu',
  'bi',
  'ho',
  'je',
];

function spell(i: number): string {
  return pronounceableWord(i, syllables);
}

const vocabulary = Array.from({ length: 4000 }, (_, i) => spell(i));
const word = (i: number): string => (i < vocabulary.length ? (vocabulary[i] as string) : spell(i));

const TOPICS = 200;
const topicWords = Array.from({ length: TOPICS }, (_, t) =>
  Array.from({ length: 5 }, (_, j) => word(4096 + t * 5 + j)),
);
const frameworkTemplates = [
  'You are a helpful assistant. Answer the question below as accurately as you can.',
  'Summarize the following document in three bullet points for a busy reader.',
  'Translate the following text into English and keep the original formatting intact.',
];
const cotPhrases = [
  'Think step by step.',
  'Show your reasoning before the final answer.',
  'Explain your reasoning in detail.',
];
const commonAgents = [
  'openai-python/1.40.0',
  'python-requests/2.31.0',
  'node-fetch/3.3.2',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
];

function templateText(rng: Rng, tag: string): string {
  const words = Array.from({ length: 9 }, () => word(rng.int(4000)));
  return `${tag} ${words.join(' ')}:`;
}

function freeText(rng: Rng): string {
  return Array.from({ length: 6 + rng.int(6) }, () => word(rng.int(4000))).join(' ');
}

function ipOf(rng: Rng, prefix: number): string {
  return `${prefix}.${rng.int(256)}.${rng.int(256)}.${1 + rng.int(254)}`;
}

interface Behaviour {
  requests: number;
  topicWeights: Float64Array;
  topicSubset?: number[];
  templates: string[];
  templateUse: number;
  cotRate: number;
  largeMaxRate: number;
  /** Regular gaps round the clock (automation) instead of diurnal human sessions. */
  regular: boolean;
  /** Days the account is active: a window of the period. */
  firstDay: number;
  spanDays: number;
  hourCentre: number;
}

export function generateTraffic(spec: TrafficSpec = defaultTrafficSpec): SynthTraffic {
  const rng = createRng(spec.seed);
  const truth: Record<string, AccountKind> = {};
  const traffic: LogRow[] = [];
  const reference: LogRow[] = [];
  const n = (x: number) => (x <= 0 ? 0 : Math.max(1, Math.round(x * spec.scale)));

  const emit = (out: LogRow[], account: string, b: Behaviour, ip: () => string, agent: string) => {
    const times: number[] = [];
    if (b.regular) {
      const span = b.spanDays * DAY;
      const step = span / b.requests;
      for (let i = 0; i < b.requests; i++)
        times.push(spec.startMs + b.firstDay * DAY + i * step + step * 0.1 * rng.next());
    } else {
      for (let i = 0; i < b.requests; i++) {
        const day = b.firstDay + rng.int(b.spanDays);
        const hour = (((b.hourCentre + rng.normal() * 2.5) % 24) + 24) % 24;
        times.push(spec.startMs + day * DAY + hour * HOUR + rng.next() * 60_000);
      }
      times.sort((x, y) => x - y);
    }
    for (const t of times) {
      const topic = b.topicSubset
        ? (b.topicSubset[rng.int(b.topicSubset.length)] as number)
        : rng.weighted(b.topicWeights);
      const content = `${rng.pick(topicWords[topic] as string[])} ${rng.pick(topicWords[topic] as string[])} ${rng.int(1000)}`;
      const templated = b.templates.length > 0 && rng.next() < b.templateUse;
      const cot = rng.next() < b.cotRate;
      const prompt = `${templated ? rng.pick(b.templates) : freeText(rng)} ${content}${cot ? ` ${rng.pick(cotPhrases)}` : ''}`;
      const large = rng.next() < b.largeMaxRate;
      out.push({
        ts: new Date(Math.floor(t)).toISOString(),
        account,
        prompt,
        inputTokens: Math.round(prompt.length / 4) + 20,
        outputTokens: Math.round(Math.exp(Math.log(300) + 0.6 * rng.normal())) * (cot ? 3 : 1),
        ip: ip(),
        userAgent: agent,
        maxTokens: large ? 8192 : rng.pick([256, 512, 1024, 2048]),
      });
    }
  };

  const cumulativeFromWeights = (w: Float64Array) => {
    const c = new Float64Array(w.length);
    let s = 0;
    w.forEach((x, i) => {
      s += x;
      c[i] = s;
    });
    return c;
  };
  const benignBehaviour = (framework: boolean): Behaviour => {
    const ownTemplates = Array.from({ length: 1 + rng.int(5) }, () => templateText(rng, 'Task'));
    return {
      requests: Math.max(2, Math.min(3000, Math.round(Math.exp(Math.log(40) + rng.normal())))),
      topicWeights: cumulativeFromWeights(rng.dirichlet(0.05, TOPICS)),
      templates: framework ? frameworkTemplates.slice(0, 1 + rng.int(3)) : ownTemplates,
      templateUse: rng.beta(0.6, 0.6),
      cotRate: rng.beta(1, 30),
      largeMaxRate: rng.beta(1, 20),
      regular: false,
      firstDay: 0,
      spanDays: spec.days,
      hourCentre: 7 + rng.next() * 14,
    };
  };
  const benignAccount = (out: LogRow[], id: string, kind: AccountKind, ip?: string) => {
    const b = benignBehaviour(kind === 'framework');
    const ownIp = ip ?? ipOf(rng, 10 + rng.int(200));
    emit(out, id, b, () => ownIp, rng.next() < 0.05 ? `app-${id}/1.0` : rng.pick(commonAgents));
    truth[id] = kind;
  };

  for (let i = 0; i < n(spec.referenceAccounts); i++) {
    benignAccount(
      reference,
      `ref-${String(i + 1).padStart(5, '0')}`,
      rng.next() < spec.frameworkShare ? 'framework' : 'benign',
    );
    // Reference labels are not part of the test truth.
    delete truth[`ref-${String(i + 1).padStart(5, '0')}`];
  }
  for (let i = 0; i < n(spec.benignAccounts); i++) {
    benignAccount(
      traffic,
      `acct-${String(i + 1).padStart(5, '0')}`,
      rng.next() < spec.frameworkShare ? 'framework' : 'benign',
    );
  }
  spec.natGroups.forEach((size, g) => {
    const ip = ipOf(rng, 100);
    for (let i = 0; i < size; i++) benignAccount(traffic, `nat${g + 1}-${i + 1}`, 'nat', ip);
  });
  for (let i = 0; i < n(spec.batchPipelines); i++) {
    const id = `batch-${i + 1}`;
    const ip = ipOf(rng, 20);
    emit(
      traffic,
      id,
      {
        requests: 1000 + rng.int(2000),
        topicWeights: cumulativeFromWeights(new Float64Array(TOPICS).fill(1)),
        templates: [templateText(rng, 'Eval')],
        templateUse: 1,
        cotRate: 0.3,
        largeMaxRate: 0.1,
        regular: true,
        firstDay: rng.int(spec.days - 1),
        spanDays: 1,
        hourCentre: 12,
      },
      () => ip,
      'eval-harness/0.4',
    );
    truth[id] = 'batch';
  }
  spec.naiveCampaigns.forEach(([accounts, requests], c) => {
    const pool = Array.from({ length: 60 }, () => templateText(rng, 'Solve'));
    for (let i = 0; i < n(accounts); i++) {
      const id = `naive${c + 1}-${i + 1}`;
      const ip = ipOf(rng, 203);
      emit(
        traffic,
        id,
        {
          requests,
          topicWeights: cumulativeFromWeights(new Float64Array(TOPICS).fill(1)),
          templates: pool,
          templateUse: 1,
          cotRate: 0.6,
          largeMaxRate: 0.5,
          regular: true,
          firstDay: 0,
          spanDays: spec.days,
          hourCentre: 12,
        },
        () => ip,
        rng.pick(commonAgents),
      );
      truth[id] = 'naive';
    }
  });
  spec.hydras.forEach((size, h) => {
    const pool = Array.from({ length: 30 }, () => templateText(rng, 'Question'));
    for (let i = 0; i < n(size); i++) {
      const id = `hydra${h + 1}-${i + 1}`;
      const start = rng.int(TOPICS - 10);
      const b = benignBehaviour(false);
      const ip = ipOf(rng, 45);
      emit(
        traffic,
        id,
        {
          ...b,
          // The override draws nothing, so traffic without it is unchanged for a given seed.
          requests: spec.hydraRequests ?? b.requests,
          topicSubset: Array.from({ length: 10 }, (_, j) => start + j),
          templates: rng.shuffle([...pool]).slice(0, 8),
          templateUse: 0.9,
          cotRate: 0.1,
        },
        () => ip,
        rng.pick(commonAgents),
      );
      truth[id] = 'hydra';
    }
  });
  for (let i = 0; i < n(spec.sweepers); i++) {
    const id = `sweep-${i + 1}`;
    const prompt = `Repeat the word: ${word(rng.int(4000))}`;
    const ip = ipOf(rng, 198);
    // Recovering a projection of hidden size d takes on the order of d queries (Carlini et al. 2024).
    for (let r = 0; r < 2000; r++) {
      const bias: Record<string, number> = {};
      for (let j = 0; j < 20; j++) bias[String(r * 20 + j)] = 100;
      traffic.push({
        // Automation round the clock: one request every ~86 s for two days.
        ts: new Date(spec.startMs + DAY + r * 86_400 + rng.int(5000)).toISOString(),
        account: id,
        prompt,
        inputTokens: 12,
        outputTokens: 1,
        ip,
        userAgent: 'python-requests/2.31.0',
        maxTokens: 1,
        logprobs: true,
        logitBias: bias,
      });
    }
    truth[id] = 'sweep';
  }
  return { spec, traffic, reference, truth };
}
