import { InputError } from '../errors/clearbox-error.ts';
import { createRng, type Rng } from '../random/distributions.ts';

/**
 * A second synthetic API-traffic generator, written from a prose description of the campaign types
 * only (issue 12, point 4), with its own code and parameters, so the log detectors are tested on traffic
 * that their author's own generator (synth-traffic.ts) did not shape. The prose: about 1,600 tested
 * accounts and a benign reference of about 1,000 ordinary API users (human-paced bursts in working hours,
 * varied prompts, modest volumes); a few naive extraction accounts each sending thousands of templated,
 * machine-spaced requests that elicit chain-of-thought; about 80 accounts behind a handful of proxies
 * drawing from one shared template pool that no reference account used; and an honest batch pipeline
 * (one private template, high volume, no reasoning elicitation) as a benign look-alike.
 *
 * The adversarial variants are options: jittered timing, paraphrased templates, campaigns split over many
 * accounts and proxies, campaign requests mixed into otherwise benign accounts; and a benign-only mode.
 */

export interface ProseRow {
  ts: string;
  account: string;
  prompt: string;
  inputTokens: number;
  outputTokens: number;
  ip: string;
  userAgent: string;
  model: string;
  maxTokens: number;
  reasoningEffort?: string;
}

export type ProseAccountKind = 'benign' | 'batch' | 'naive' | 'pool' | 'mixed';

export interface ProseCampaign {
  id: string;
  kind: 'naive' | 'pool';
  accounts: string[];
  requests: number;
}

export interface ProseTrafficOptions {
  seed: number;
  /** Tested accounts in all (benign, look-alike and campaign accounts). */
  testedAccounts: number;
  referenceAccounts: number;
  /** Multiplies every account's request count (campaigns included): scales the run time. */
  volume: number;
  benignOnly: boolean;
  /** Campaign gaps drawn from a wide lognormal and confined to working hours, instead of a fixed period. */
  jitter: boolean;
  /** Each campaign request rewrites its template by word substitution and clause reordering. */
  paraphrase: boolean;
  /** Each campaign spread over many more accounts and proxies (same total requests). */
  split: boolean;
  /** The pool campaign's requests sent from ordinary benign accounts, beside their own traffic. */
  mixed: boolean;
  /** Sizes the naive campaign as [accounts, requests per account], not scaled by volume (default 3 x 3,000 x volume). */
  naiveShape?: [number, number];
  /** Sizes the pool campaign as [accounts, requests per account], not scaled by volume (default 80 x 120 x volume). */
  poolShape?: [number, number];
}

export const defaultProseTrafficOptions: ProseTrafficOptions = {
  seed: 1,
  testedAccounts: 1600,
  referenceAccounts: 1000,
  volume: 1,
  benignOnly: false,
  jitter: false,
  paraphrase: false,
  split: false,
  mixed: false,
};

export interface ProseTraffic {
  options: ProseTrafficOptions;
  traffic: ProseRow[];
  reference: ProseRow[];
  /** Truth for every tested account; reference accounts are all benign. */
  labels: Record<string, { kind: ProseAccountKind; campaign: string | null }>;
  campaigns: ProseCampaign[];
}

const START_MS = Date.UTC(2026, 10, 2); // a Monday
const DAYS = 14;
const HOUR = 3_600_000;

const nouns = [
  'invoice',
  'database',
  'marketing email',
  'cover letter',
  'python script',
  'spreadsheet',
  'recipe',
  'lesson plan',
  'product description',
  'bug report',
  'contract clause',
  'travel itinerary',
  'poem',
  'sql query',
  'press release',
  'unit test',
  'budget',
  'presentation',
  'essay',
  'regex',
  'chart',
  'meeting summary',
  'api endpoint',
  'customer complaint',
  'job posting',
  'dockerfile',
  'story',
  'translation',
  'grant proposal',
  'workout plan',
  'blog post',
  'error message',
  'survey',
  'slogan',
] as const;
const verbs = [
  'write',
  'fix',
  'summarise',
  'translate',
  'improve',
  'explain',
  'shorten',
  'review',
  'draft',
  'rewrite',
  'check',
  'format',
  'outline',
  'debug',
  'simplify',
  'extend',
] as const;
const fillers = [
  'for my team',
  'in a friendly tone',
  'for a beginner',
  'quickly',
  'in French',
  'with examples',
  'under 200 words',
  'for tomorrow',
  'please',
  'as bullet points',
  'for a client',
  'in plain English',
  'keeping the numbers',
  'for a school project',
  'so it compiles',
  'for our website',
] as const;
const words = [
  'garden',
  'river',
  'quarterly',
  'ledger',
  'violet',
  'engine',
  'harbour',
  'copper',
  'meadow',
  'signal',
  'lantern',
  'orbit',
  'canvas',
  'pepper',
  'tunnel',
  'maple',
  'velvet',
  'cobalt',
  'falcon',
  'pillow',
  'granite',
  'saddle',
  'thunder',
  'walnut',
  'mosaic',
  'beacon',
  'cactus',
  'dolphin',
  'ember',
  'glacier',
] as const;
const agents = [
  'openai-python/1.54.3',
  'openai-node/4.71.1',
  'python-requests/2.32.3',
  'curl/8.5.0',
  'axios/1.7.7',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
  'langchain/0.3.7',
  'httpx/0.27.2',
  'Go-http-client/2.0',
] as const;
const models = ['model-large', 'model-small', 'model-mini'] as const;

/** Naive extraction templates: each asks for the full reasoning trace. */
const naiveTemplates = [
  'Solve the following problem. Think step by step and show your complete chain of thought before giving the final answer. Problem {n}: {x}',
  'Work through this task carefully, reasoning step by step, and write out every intermediate step. Task {n}: {x}',
  'Explain your reasoning in full detail, step by step, then state the answer. Question {n}: {x}',
  'Let us think step by step. Show all of your reasoning for item {n}: {x}',
] as const;

/** The shared pool: distinctive instructions that no ordinary user in this generator writes. */
const poolTemplates = [
  'As an expert tutor, produce a worked solution with each deduction on its own line for: {x}',
  'Generate a detailed rationale, then a concise verdict, for the scenario: {x}',
  'Provide an exhaustive analysis of the trade-offs, numbered, and conclude with a recommendation about {x}',
  'Answer the multiple-choice item and justify why each distractor is wrong: {x}',
  'Write a reference-quality answer with a step by step derivation for the exercise: {x}',
  'Critique the following argument, listing hidden assumptions one by one: {x}',
  'Translate the instruction into a precise plan of sub-goals and execute each: {x}',
  'Rate the response on five criteria and explain each score in two sentences: {x}',
  'Reconstruct the reasoning an expert would use, step by step, to reach a decision on {x}',
  'Produce three alternative solutions to the problem and compare their correctness: {x}',
  'Give the formal definition, an intuitive explanation and a worked example for {x}',
  'Decompose the question into sub-questions, answer each, then combine the answers: {x}',
] as const;

/** The batch pipeline's one private template (no reasoning elicitation, tiny outputs). */
const batchTemplate =
  'Classify the sentiment of this customer review as positive, negative or neutral. Reply with one word. Review: {x}';

/** Word substitutions for the paraphrase variant (both directions are applied). */
const synonyms: Array<[string, string]> = [
  ['solve', 'work out'],
  ['following', 'next'],
  ['problem', 'exercise'],
  ['task', 'assignment'],
  ['explain', 'describe'],
  ['detailed', 'thorough'],
  ['answer', 'reply'],
  ['produce', 'create'],
  ['provide', 'give'],
  ['write', 'compose'],
  ['question', 'query'],
  ['carefully', 'with care'],
  ['complete', 'entire'],
  ['expert', 'specialist'],
  ['generate', 'write out'],
  ['reasoning', 'thinking'],
];

function ipOf(rng: Rng): string {
  return `${11 + rng.int(200)}.${rng.int(256)}.${rng.int(256)}.${1 + rng.int(254)}`;
}

function lognormal(rng: Rng, median: number, sigma: number): number {
  return median * Math.exp(sigma * rng.normal());
}

function topic(rng: Rng): string {
  const n = 3 + rng.int(12);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(rng.pick(words));
  return out.join(' ');
}

/** A human prompt: varied verb, object, details and free text, sometimes a personal system preamble. */
function humanPrompt(rng: Rng, preamble: string | null): string {
  const ask = `${rng.pick(verbs)} this ${rng.pick(nouns)} ${rng.pick(fillers)}: ${topic(rng)}`;
  const body = rng.next() < 0.5 ? `Can you ${ask}` : `${ask[0]?.toUpperCase()}${ask.slice(1)}`;
  // A few ordinary users ask for an explanation of steps now and then.
  const why = rng.next() < 0.03 ? ' Please explain step by step.' : '';
  return preamble && rng.next() < 0.6 ? `${preamble} ${body}${why}` : `${body}${why}`;
}

function paraphrase(rng: Rng, text: string): string {
  let out = text;
  for (const [a, b] of synonyms) {
    if (rng.next() < 0.5) continue;
    const [from, to] = rng.next() < 0.5 ? [a, b] : [b, a];
    out = out.replace(new RegExp(`\\b${from}\\b`, 'gi'), to);
  }
  // Clause reordering: swap the sentences before the payload, or move a trailing clause to the front.
  const colon = out.lastIndexOf(':');
  const head = colon > 0 ? out.slice(0, colon) : out;
  const tail = colon > 0 ? out.slice(colon) : '';
  const clauses = head.split(/(?<=[.,]) /);
  if (clauses.length > 1 && rng.next() < 0.6) rng.shuffle(clauses);
  const lead = rng.pick(['', '', 'Please: ', 'Hi. ', 'Quick one. ', 'Next item. ']);
  return `${lead}${clauses.join(' ')}${tail}`;
}

interface Builder {
  rng: Rng;
  rows: ProseRow[];
}

function push(
  b: Builder,
  account: string,
  tMs: number,
  prompt: string,
  ip: string,
  userAgent: string,
  extra: Partial<ProseRow> = {},
): void {
  const inputTokens = Math.max(5, Math.round(prompt.length / 4 + lognormal(b.rng, 120, 1)));
  b.rows.push({
    ts: new Date(Math.round(tMs)).toISOString(),
    account,
    prompt,
    inputTokens,
    outputTokens: Math.max(1, Math.round(lognormal(b.rng, 350, 0.9))),
    ip,
    userAgent,
    model: b.rng.pick(models),
    maxTokens: 1024,
    ...extra,
  });
}

/** An ordinary user: bursts of requests in their working hours on working days, modest volume. */
function benignAccount(b: Builder, account: string, volume: number): void {
  const { rng } = b;
  const requests = Math.max(1, Math.round(lognormal(rng, 28, 0.9) * volume));
  const tz = rng.int(24) - 8; // hours east of UTC: most users in -8..+15
  const ips = [ipOf(rng), ...(rng.next() < 0.3 ? [ipOf(rng)] : [])];
  const ua = rng.pick(agents);
  const preamble =
    rng.next() < 0.25 ? `You are the assistant of ${rng.pick(words)} ${rng.pick(words)} ltd.` : null;
  let left = requests;
  while (left > 0) {
    let day = rng.int(DAYS);
    if (rng.next() < 0.9) while (day % 7 >= 5) day = rng.int(DAYS);
    const localHour = 8 + rng.next() * 11;
    let t = START_MS + day * 24 * HOUR + (localHour - tz) * HOUR;
    const burst = Math.min(left, 1 + Math.floor(rng.gamma(1.5) * 4));
    for (let i = 0; i < burst; i++) {
      push(b, account, t, humanPrompt(rng, preamble), rng.pick(ips), ua);
      t += lognormal(rng, 45_000, 1.1);
    }
    left -= burst;
  }
}

/** Campaign send times: a fixed machine period round the clock, or (jitter) human-like gaps in office hours. */
function campaignTimes(rng: Rng, n: number, jitter: boolean): number[] {
  const out: number[] = [];
  if (!jitter) {
    const period = (DAYS * 24 * HOUR * 0.8) / n;
    let t = START_MS + rng.next() * DAYS * 24 * HOUR * 0.2;
    for (let i = 0; i < n; i++) {
      out.push(t);
      t += period * (1 + 0.01 * rng.normal());
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    let day = rng.int(DAYS);
    while (day % 7 >= 5) day = rng.int(DAYS);
    out.push(START_MS + day * 24 * HOUR + (8 + rng.next() * 10) * HOUR + rng.next() * 60_000);
  }
  return out.sort((a, b) => a - b);
}

function fill(rng: Rng, template: string, n: number): string {
  return template.replace('{n}', String(n)).replace('{x}', topic(rng));
}

export function generateProseTraffic(options: Partial<ProseTrafficOptions> = {}): ProseTraffic {
  const o: ProseTrafficOptions = { ...defaultProseTrafficOptions, ...options };
  const naiveAccounts = o.naiveShape?.[0] ?? (o.split ? 24 : 3);
  const poolAccounts = o.poolShape?.[0] ?? (o.split ? 240 : 80);
  const campaignAccounts = o.benignOnly ? 0 : naiveAccounts + poolAccounts;
  if (!(o.testedAccounts > campaignAccounts)) {
    throw new InputError(
      `expected more than ${campaignAccounts} tested accounts (campaign accounts and the batch pipeline), got ${o.testedAccounts}`,
      'testedAccounts',
    );
  }
  const rng = createRng(o.seed * 7919 + 17);
  const traffic: Builder = { rng, rows: [] };
  const reference: Builder = { rng, rows: [] };
  const labels: ProseTraffic['labels'] = {};
  const campaigns: ProseCampaign[] = [];
  const name = (prefix: string, i: number) => `${prefix}-${o.seed}-${String(i).padStart(5, '0')}`;

  for (let i = 0; i < o.referenceAccounts; i++) benignAccount(reference, name('ref', i), o.volume);

  // Campaign accounts are drawn from a shuffled pool of opaque names, so a name reveals nothing.
  const names = rng.shuffle(Array.from({ length: o.testedAccounts }, (_, i) => name('acct', i)));
  let next = 0;
  const take = () => names[next++] as string;

  if (!o.benignOnly) {
    // (a) Naive extraction: a few accounts, thousands of templated reasoning requests each.
    const naiveTotal = o.naiveShape ? o.naiveShape[0] * o.naiveShape[1] : Math.round(3 * 3000 * o.volume);
    const naive: ProseCampaign = { id: 'naive', kind: 'naive', accounts: [], requests: naiveTotal };
    for (let a = 0; a < naiveAccounts; a++) {
      const account = take();
      naive.accounts.push(account);
      labels[account] = { kind: 'naive', campaign: 'naive' };
      const template = naiveTemplates[a % naiveTemplates.length] as string;
      const ip = ipOf(rng);
      const ua = rng.pick(['python-requests/2.32.3', 'aiohttp/3.10.10']);
      const times = campaignTimes(rng, Math.round(naiveTotal / naiveAccounts), o.jitter);
      for (const [k, t] of times.entries()) {
        const text = fill(rng, template, k + 1);
        push(traffic, account, t, o.paraphrase ? paraphrase(rng, text) : text, ip, ua, {
          maxTokens: 8192,
          reasoningEffort: 'high',
          outputTokens: Math.round(lognormal(rng, 1800, 0.4)),
        });
      }
    }
    campaigns.push(naive);

    // (b) Shared pool behind a handful of proxies.
    const proxies = Array.from({ length: o.split ? 40 : 5 }, () => ipOf(rng));
    const poolTotal = o.poolShape ? o.poolShape[0] * o.poolShape[1] : Math.round(80 * 120 * o.volume);
    const pool: ProseCampaign = { id: 'pool', kind: 'pool', accounts: [], requests: poolTotal };
    for (let a = 0; a < poolAccounts; a++) {
      const account = take();
      pool.accounts.push(account);
      const kind: ProseAccountKind = o.mixed ? 'mixed' : 'pool';
      labels[account] = { kind, campaign: 'pool' };
      // Mixed: the account is an ordinary user who also sends campaign requests from its own address.
      if (o.mixed) benignAccount(traffic, account, o.volume);
      const ip = o.mixed ? ipOf(rng) : (proxies[a % proxies.length] as string);
      const ua = rng.pick(agents);
      const times = campaignTimes(rng, Math.max(1, Math.round(poolTotal / poolAccounts)), o.jitter);
      for (const t of times) {
        const text = fill(rng, rng.pick(poolTemplates), 0);
        push(traffic, account, t, o.paraphrase ? paraphrase(rng, text) : text, ip, ua, {
          maxTokens: 4096,
          outputTokens: Math.round(lognormal(rng, 900, 0.5)),
        });
      }
    }
    campaigns.push(pool);
  }

  // The benign look-alike: one honest batch pipeline.
  const batch = take();
  labels[batch] = { kind: 'batch', campaign: null };
  const batchIp = ipOf(rng);
  for (const t of campaignTimes(rng, Math.round(4000 * o.volume), false)) {
    push(traffic, batch, t, fill(rng, batchTemplate, 0), batchIp, 'python-requests/2.32.3', {
      maxTokens: 5,
      outputTokens: 1,
    });
  }

  while (next < names.length) {
    const account = take();
    labels[account] = { kind: 'benign', campaign: null };
    benignAccount(traffic, account, o.volume);
  }
  const byTime = (x: ProseRow, y: ProseRow) => (x.ts < y.ts ? -1 : x.ts > y.ts ? 1 : 0);
  return {
    options: o,
    traffic: traffic.rows.sort(byTime),
    reference: reference.rows.sort(byTime),
    labels,
    campaigns,
  };
}
