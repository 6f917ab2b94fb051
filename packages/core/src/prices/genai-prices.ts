import { z } from 'zod';
import type { TextFile } from '../catalog/parse.ts';
import type { ApiPrice, HostedModel, PriceLayer, PriceTier } from '../catalog/price-schema.ts';
import { InputError } from '../errors/clearbox-error.ts';
import { parseJsonFile } from './json-position.ts';
import { slugifyPriceId } from './litellm.ts';

/**
 * The data of @pydantic/genai-prices: an array of providers, each with models, each with prices per
 * million tokens (flat, or tiered by prompt length), optionally a list gated on a start date or a UTC
 * time of day. The same shape as the package's bundled table and its remote
 * `prices/new_data/v2/data.json`. Fields Clearbox does not read (extractors, api_pattern) pass through.
 */
type MatchLogic =
  | { equals: string }
  | { starts_with: string }
  | { ends_with: string }
  | { contains: string }
  | { regex: string }
  | { or: MatchLogic[] }
  | { and: MatchLogic[] };

const matchLogicSchema: z.ZodType<MatchLogic> = z.lazy(() =>
  z.union([
    z.strictObject({ equals: z.string() }),
    z.strictObject({ starts_with: z.string() }),
    z.strictObject({ ends_with: z.string() }),
    z.strictObject({ contains: z.string() }),
    z.strictObject({ regex: z.string() }),
    z.strictObject({ or: z.array(matchLogicSchema) }),
    z.strictObject({ and: z.array(matchLogicSchema) }),
  ]),
);

const priceNumber = z.number().finite().nonnegative();
const tieredSchema = z.looseObject({
  base: priceNumber,
  tiers: z.array(z.looseObject({ start: z.number().int().nonnegative(), price: priceNumber })),
});
const modelPriceSchema = z.record(z.string(), z.union([priceNumber, tieredSchema]));
const timeOfDay = z.string().regex(/^\d{2}:\d{2}(:\d{2})?Z?$/, 'expected a UTC time like 16:30:00Z');
const conditionalSchema = z.looseObject({
  constraint: z
    .union([
      z.strictObject({
        type: z.literal('start_date').optional(),
        start_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a start date YYYY-MM-DD'),
      }),
      z.strictObject({
        type: z.literal('time_of_date').optional(),
        start_time: timeOfDay,
        end_time: timeOfDay,
      }),
    ])
    .optional(),
  prices: modelPriceSchema,
});

export const genaiModelSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  match: matchLogicSchema,
  context_window: z.number().int().positive().optional(),
  deprecated: z.boolean().optional(),
  price_comments: z.string().optional(),
  prices: z.union([modelPriceSchema, z.array(conditionalSchema).min(1)]),
});

export const genaiProviderSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  pricing_urls: z.array(z.string()).optional(),
  price_comments: z.string().optional(),
  models: z.array(genaiModelSchema),
});

/** The whole data file: what `clearbox prices update` accepts. */
export const genaiDataSchema = z.array(genaiProviderSchema).min(1, 'expected at least one provider');

export type GenaiProvider = z.output<typeof genaiProviderSchema>;
export type GenaiModel = z.output<typeof genaiModelSchema>;
type ModelPrice = z.output<typeof modelPriceSchema>;

/** genai-prices' model matching, case-insensitive like the package: which billed names a model covers. */
export function genaiMatches(logic: MatchLogic, name: string): boolean {
  return matchesLowered(logic, name, name.toLowerCase());
}

/**
 * Each rule's regular expression, compiled once (null: not a valid one). Layering matches every price of
 * a provider against every other layer's names: compiling per call was most of the matching's cost.
 */
const compiledRegex = new WeakMap<object, RegExp | null>();

function regexOf(logic: { regex: string }): RegExp | null {
  let re = compiledRegex.get(logic);
  if (re === undefined) {
    try {
      re = new RegExp(logic.regex);
    } catch {
      re = null;
    }
    compiledRegex.set(logic, re);
  }
  return re;
}

function matchesLowered(logic: MatchLogic, name: string, n: string): boolean {
  if ('or' in logic) return logic.or.some((l) => matchesLowered(l, name, n));
  if ('and' in logic) return logic.and.every((l) => matchesLowered(l, name, n));
  if ('equals' in logic) return n === logic.equals.toLowerCase();
  if ('starts_with' in logic) return n.startsWith(logic.starts_with.toLowerCase());
  if ('ends_with' in logic) return n.endsWith(logic.ends_with.toLowerCase());
  if ('contains' in logic) return n.includes(logic.contains.toLowerCase());
  // Without the g or y flag, test() keeps no state between calls: one compiled expression serves all.
  return regexOf(logic)?.test(name) ?? false;
}

/** Where a genai-prices table came from: the package (bulk layer) or a file or URL (store layer). */
export interface GenaiOrigin {
  layer: Exclude<PriceLayer, 'clearbox'>;
  /** `@pydantic/genai-prices 0.1.8`, or the file or URL loaded. */
  label: string;
  /**
   * The date the table was known current: the package's publication date, or the date a newer file
   * was fetched. An undated price (genai-prices gives most no start date) is in force on this date.
   */
  asOf: string;
}

/** A genai-prices model that became Clearbox prices: kept to match other layers' billed names. */
export interface GenaiModelPrices {
  provider: string;
  modelId: string;
  match: MatchLogic;
  priceIds: string[];
}

export interface GenaiSkipped {
  provider: string;
  model: string;
  reason: string;
}

export interface GenaiImport {
  prices: ApiPrice[];
  models: GenaiModelPrices[];
  skipped: GenaiSkipped[];
}

const DAY_MS = 86_400_000;
function dayBefore(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}

function baseOf(v: ModelPrice[string] | undefined): number | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'number' ? v : v.base;
}

const sideKeys = {
  inputPerMillion: 'input_mtok',
  cachedInputPerMillion: 'cache_read_mtok',
  cacheWritePerMillion: 'cache_write_mtok',
  outputPerMillion: 'output_mtok',
} as const;
type Side = keyof typeof sideKeys;

const sideKeyList = Object.values(sideKeys);

/** Tiers of every side merged by threshold: above N tokens, each tiered side at its price for N. */
function tiersOf(prices: ModelPrice): PriceTier[] | undefined {
  // Most prices are flat: settled before any set or list is built.
  if (sideKeyList.every((key) => prices[key] === undefined || typeof prices[key] === 'number'))
    return undefined;
  const starts = new Set<number>();
  for (const key of sideKeyList) {
    const v = prices[key];
    if (v !== undefined && typeof v !== 'number') for (const t of v.tiers) starts.add(t.start);
  }
  if (starts.size === 0) return undefined;
  return [...starts]
    .sort((a, b) => a - b)
    .map((start) => {
      const tier: PriceTier = { aboveInputTokens: start };
      for (const [side, key] of Object.entries(sideKeys) as Array<[Side, string]>) {
        const v = prices[key];
        if (v === undefined || typeof v === 'number') continue;
        // The package bills the whole request at the highest tier whose start the prompt exceeds.
        let price: number | undefined;
        for (const t of [...v.tiers].sort((a, b) => a.start - b.start)) if (start >= t.start) price = t.price;
        if (price !== undefined) tier[side] = price;
      }
      return tier;
    });
}

function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return ((h ?? 0) * 60 + (m ?? 0)) % 1440;
}
function clock(minutes: number): string {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** The minutes of the day a set of windows covers, as a 1440-slot mask. */
function windowMask(windows: ReadonlyArray<{ start: number; end: number }>): boolean[] {
  const mask = new Array<boolean>(1440).fill(false);
  for (const w of windows) {
    for (let m = w.start; m !== w.end; m = (m + 1) % 1440) mask[m] = true;
  }
  return mask;
}

/** The maximal runs of `value` in a day mask as windows (a run may wrap midnight). */
function runsOf(mask: boolean[], value: boolean): Array<{ start: number; end: number }> {
  if (mask.every((x) => x === value)) return [{ start: 0, end: 0 }];
  const first = mask.findIndex((x) => x !== value);
  const runs: Array<{ start: number; end: number }> = [];
  let start: number | undefined;
  for (let i = 0; i < 1440; i++) {
    const m = (first + i) % 1440;
    if (mask[m] === value && start === undefined) start = m;
    if (mask[m] !== value && start !== undefined) {
      runs.push({ start, end: m });
      start = undefined;
    }
  }
  if (start !== undefined) runs.push({ start, end: first });
  return runs;
}

interface Segment {
  /** Start date, or undefined for the undated first entry. */
  start: string | undefined;
  prices: ModelPrice;
  /** Position in the package's list: a later time window overrides an earlier date entry. */
  index: number;
  /** The next start date after this segment's: where its price ends. */
  until: string | undefined;
}

/**
 * Converts one genai-prices table into Clearbox prices. Each model gives one price per dated segment
 * (the undated first entry, then each `start_date` entry); time-of-day entries become the segment's
 * off-peak window (a window dearer than the rest of the day is a peak: the list price is the peak and
 * the rest of the day is the discounted window). Models without per-token input and output prices
 * (embeddings, OCR, audio by the hour) are listed as skipped, never dropped silently.
 */
export function importGenaiPrices(
  providers: readonly GenaiProvider[],
  origin: GenaiOrigin,
  hosted: readonly HostedModel[] = [],
): GenaiImport {
  const out: GenaiImport = { prices: [], models: [], skipped: [] };
  const context: ImportContext = {
    origin,
    prefix: origin.layer === 'store' ? 'gps' : 'gp',
    usedIds: new Set<string>(),
    hostedByName: new Map<string, HostedModel>(),
  };
  // The first hosted entry of each provider and billed name, as a search of the list in order would find.
  for (const h of hosted) {
    const key = `${h.provider}\u0000${h.apiModel.toLowerCase()}`;
    if (!context.hostedByName.has(key)) context.hostedByName.set(key, h);
  }
  for (const provider of providers)
    for (const model of provider.models) importModel(context, provider, model, out);
  return out;
}

/**
 * What one import shares across its models. The work is split into a function per model and per
 * price (below), not one large loop: V8 compiles small functions quickly, and a loop body holding all
 * of it took about half a second of optimizing compiler time per compilation (measured with
 * --trace-opt, compiled three times after deoptimizations), more than the import itself.
 */
interface ImportContext {
  origin: GenaiOrigin;
  prefix: string;
  usedIds: Set<string>;
  hostedByName: Map<string, HostedModel>;
}

type TimeWindow = { start: number; end: number; prices: ModelPrice; index: number };

/** A model's price list as dated segments and time-of-day windows. */
function segmentsOf(model: GenaiModel): { segments: Segment[]; windows: TimeWindow[] } {
  const list = Array.isArray(model.prices) ? model.prices : [{ prices: model.prices }];
  const segments: Segment[] = [];
  const windows: TimeWindow[] = [];
  for (let index = 0; index < list.length; index++) {
    const entry = list[index] as (typeof list)[number];
    const c = entry.constraint;
    if (c === undefined) segments.push({ start: undefined, prices: entry.prices, index, until: undefined });
    else if ('start_date' in c)
      segments.push({ start: c.start_date, prices: entry.prices, index, until: undefined });
    else
      windows.push({
        start: minutesOf(c.start_time),
        end: minutesOf(c.end_time),
        prices: entry.prices,
        index,
      });
  }
  // The package falls back to the first entry when nothing else matches.
  if (!segments.some((s) => s.start === undefined) && list[0] && segments.length > 0) {
    const firstStart = segments.map((s) => s.start ?? '').sort()[0];
    if (list[0].constraint !== undefined && firstStart) {
      // The first entry answers before every start date: undated, ending at the first start.
      segments.unshift({ start: undefined, prices: list[0].prices, index: -1, until: undefined });
    }
  }
  if (segments.length === 0 && list[0])
    segments.push({ start: undefined, prices: list[0].prices, index: -1, until: undefined });
  // Each segment ends at the earliest start date after its own (an undated one at the earliest of all),
  // found with loops: sorting and searching a list per model cost more in compiling than in running.
  for (const segment of segments) {
    for (const other of segments) {
      const next = other.start;
      if (next === undefined || (segment.start !== undefined && !(next > segment.start))) continue;
      if (segment.until === undefined || next < segment.until) segment.until = next;
    }
  }
  return { segments, windows };
}

function importModel(
  context: ImportContext,
  provider: GenaiProvider,
  model: GenaiModel,
  out: GenaiImport,
): void {
  const providerId = provider.id.toLowerCase();
  const { segments, windows } = segmentsOf(model);
  const ids: string[] = [];
  // The source note of each basis, built once per model (most models need one).
  const notes: { start?: string; 'in-force'?: string } = {};
  for (const segment of segments) {
    const price = segmentPrice(context, provider, providerId, model, segment, windows, notes, ids);
    if (typeof price === 'string') out.skipped.push({ provider: providerId, model: model.id, reason: price });
    else out.prices.push(price);
  }
  if (ids.length > 0)
    out.models.push({ provider: providerId, modelId: model.id, match: model.match, priceIds: ids });
}

/** One segment of a model as a Clearbox price, or the reason it is skipped. */
function segmentPrice(
  context: ImportContext,
  provider: GenaiProvider,
  providerId: string,
  model: GenaiModel,
  segment: Segment,
  windows: readonly TimeWindow[],
  notes: { start?: string; 'in-force'?: string },
  /** The ids of the model's prices so far: this one's is added when it is not skipped. */
  ids: string[],
): ApiPrice | string {
  const { origin } = context;
  const input = baseOf(segment.prices.input_mtok);
  const output = baseOf(segment.prices.output_mtok);
  if (input === undefined || output === undefined)
    return `no per-token ${input === undefined ? 'input' : 'output'} price (${Object.keys(segment.prices).join(', ') || 'no prices'})`;
  const until = segment.until;
  let effective: string;
  let basis: 'start' | 'in-force' = 'start';
  if (segment.start !== undefined) effective = segment.start;
  else {
    basis = 'in-force';
    effective = until !== undefined && until <= origin.asOf ? dayBefore(until) : origin.asOf;
  }
  const url = provider.pricing_urls?.[0];
  notes[basis] ??= sourceNote(provider, model, basis);
  const id = uniqueId(
    context.usedIds,
    slugifyPriceId(`${context.prefix}-${providerId}-${model.id}${segment.start ? `-${segment.start}` : ''}`),
  );
  const price: ApiPrice = {
    id,
    apiModel: model.id,
    provider: providerId,
    currency: 'USD',
    effective,
    inputPerMillion: input,
    outputPerMillion: output,
    layer: origin.layer,
    source: {
      title: `${origin.label}: ${provider.name} ${model.id}${segment.start ? ` from ${segment.start}` : ''}`,
      ...(url !== undefined ? { url } : {}),
      date: origin.asOf,
      note: notes[basis],
    },
  };
  if (basis === 'in-force') price.effectiveBasis = 'in-force';
  if (until !== undefined) price.until = until;
  const cached = baseOf(segment.prices.cache_read_mtok);
  if (cached !== undefined) price.cachedInputPerMillion = cached;
  const write = baseOf(segment.prices.cache_write_mtok);
  if (write !== undefined) price.cacheWritePerMillion = write;
  if (model.context_window !== undefined) price.contextTokens = model.context_window;
  const tiers = tiersOf(segment.prices);
  if (tiers) price.tiers = tiers;
  const applying = windows.filter((w) => w.index > segment.index);
  if (applying.length > 0) {
    const problem = applyWindows(price, applying, origin);
    if (problem) return problem;
  }
  const map = context.hostedByName.get(`${providerId}\u0000${model.id.toLowerCase()}`);
  if (map) {
    price.model = map.model;
    if (map.precision !== undefined) price.precision = map.precision;
  }
  if (model.deprecated) price.notes = 'Marked deprecated by genai-prices.';
  // The id from its own variable: prices differ in which optional fields they have, so reading it
  // back from each shape of price made V8 discard its compiled code here.
  ids.push(id);
  return price;
}

/** `base`, or `base-2`, `base-3`... the first not used yet in this import. */
function uniqueId(used: Set<string>, base: string): string {
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

function sourceNote(provider: GenaiProvider, model: GenaiModel, basis: 'start' | 'in-force'): string {
  const parts = [
    basis === 'in-force'
      ? 'genai-prices gives no start date: the price was in force on the effective date; its start is unknown.'
      : 'Start date as listed by genai-prices.',
  ];
  const urls = provider.pricing_urls ?? [];
  if (urls.length > 1) parts.push(`Provider pricing pages: ${urls.join(', ')}.`);
  const comment = model.price_comments ?? provider.price_comments;
  if (comment) parts.push(`genai-prices: ${comment.length > 300 ? `${comment.slice(0, 297)}...` : comment}`);
  return parts.join(' ');
}

/**
 * Turns time-of-day entries into the price's off-peak window(s). All windows of a segment must share
 * one price list; the cheaper of (windows, rest of the day) becomes the discounted window. Returns a
 * reason when the data does not fit (different prices per window).
 */
function applyWindows(
  price: ApiPrice,
  windows: ReadonlyArray<{ start: number; end: number; prices: ModelPrice }>,
  origin: GenaiOrigin,
): string | undefined {
  const first = windows[0];
  if (!first) return undefined;
  const key = (p: ModelPrice) => JSON.stringify([p.input_mtok, p.output_mtok, p.cache_read_mtok]);
  if (windows.some((w) => key(w.prices) !== key(first.prices)))
    return 'time-of-day windows with different prices: not representable as one off-peak discount';
  const wIn = baseOf(first.prices.input_mtok);
  const wOut = baseOf(first.prices.output_mtok);
  const bIn = price.inputPerMillion;
  const bOut = price.outputPerMillion;
  if (wIn === undefined || wOut === undefined) return 'a time-of-day window without input and output prices';
  const windowsArePeak = wIn >= bIn && wOut >= bOut;
  const windowsAreDiscount = wIn <= bIn && wOut <= bOut;
  if (!windowsArePeak && !windowsAreDiscount)
    return 'a time-of-day window dearer on one side and cheaper on the other';
  const mask = windowMask(windows);
  let discounted: Array<{ start: number; end: number }>;
  let list: { input: number; output: number; cached: number | undefined };
  let cheap: { input: number; output: number };
  if (windowsArePeak) {
    discounted = runsOf(mask, false);
    list = { input: wIn, output: wOut, cached: baseOf(first.prices.cache_read_mtok) };
    cheap = { input: bIn, output: bOut };
  } else {
    discounted = runsOf(mask, true);
    list = { input: bIn, output: bOut, cached: price.cachedInputPerMillion };
    cheap = { input: wIn, output: wOut };
  }
  const [head, ...rest] = discounted;
  if (!head) return undefined;
  price.inputPerMillion = list.input;
  price.outputPerMillion = list.output;
  // The cache-hit price follows the input discount (DeepSeek's lists halve both).
  if (list.cached !== undefined) price.cachedInputPerMillion = list.cached;
  else delete price.cachedInputPerMillion;
  const discount = (full: number, low: number) => (full > 0 ? Number((1 - low / full).toPrecision(12)) : 0);
  price.offPeak = {
    startUtc: clock(head.start),
    endUtc: clock(head.end),
    inputDiscount: discount(list.input, cheap.input),
    outputDiscount: discount(list.output, cheap.output),
    source: {
      title: `${origin.label}: time-of-day prices for ${price.apiModel}`,
      ...(price.source.url !== undefined ? { url: price.source.url } : {}),
      date: origin.asOf,
      note: windowsArePeak
        ? 'genai-prices lists the peak hours; the rest of the day is billed at the lower price.'
        : 'genai-prices lists the discounted hours.',
    },
  };
  if (rest.length > 0)
    price.offPeak.moreWindowsUtc = rest.map((w) => ({ startUtc: clock(w.start), endUtc: clock(w.end) }));
  return undefined;
}

interface Issue {
  path: PropertyKey[];
  message: string;
  code?: string;
  errors?: Issue[][];
}

/**
 * A failed union (a price is a number or a tiered object) reports "Invalid input" at the union; the
 * branch that got furthest says what is wrong, e.g. `prices.output_mtok: expected number`.
 */
function deepestIssue(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || !issue.errors) return issue;
  let best: Issue | undefined;
  for (const branch of issue.errors) {
    for (const sub of branch) {
      const inner = deepestIssue(sub);
      const full = { ...inner, path: [...issue.path, ...inner.path] };
      if (best === undefined || full.path.length > best.path.length) best = full;
    }
  }
  return best ?? issue;
}

/**
 * Reads a genai-prices data file (the package's `data.json`): malformed JSON names file:line:column;
 * a field that breaks the shape names its path, e.g. `[3].models[12].prices.input_mtok` (first issue
 * only, one line).
 */
export function parseGenaiData(file: TextFile): GenaiProvider[] {
  const data = parseJsonFile(file);
  const result = genaiDataSchema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0] && deepestIssue(result.error.issues[0]);
  const path = (issue?.path ?? [])
    .map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`))
    .join('')
    .replace(/^\./, '');
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : '';
  throw new InputError(
    `not a genai-prices data file: ${path || '(root)'}: ${issue?.message ?? 'invalid'}${more}`,
    file.path,
  );
}
