import { stringify } from 'yaml';
import type { z } from 'zod';
import type { TextFile } from '../catalog/parse.ts';
import { type ApiPrice, apiPriceSchema, type priceFileSchema } from '../catalog/price-schema.ts';
import { InputError } from '../errors/clearbox-error.ts';
import { isCalendarDate } from '../input/dates.ts';
import { echo } from '../input/echo.ts';
import { notFiniteMessage } from '../input/numbers.ts';
import { parseJsonFile } from './json-position.ts';

/** A LiteLLM entry that could not become a price: which key, which field, what was wrong. */
export interface LitellmBadRow {
  key: string;
  field: string;
  message: string;
}

/** A LiteLLM entry left out on purpose (the schema sample, embeddings, image models...). */
export interface LitellmSkipped {
  key: string;
  reason: string;
}

export interface LitellmImport {
  prices: ApiPrice[];
  skipped: LitellmSkipped[];
  badRows: LitellmBadRow[];
  /** The price file, valid under `priceFileSchema`. */
  document: z.input<typeof priceFileSchema>;
}

export interface LitellmImportOptions {
  /** Effective date of every imported price (LiteLLM carries none): YYYY-MM-DD. */
  effective: string;
  /** Date of the LiteLLM file itself (e.g. its modification date or the commit date). */
  sourceDate: string;
}

const DATE = { test: isCalendarDate };
/** LiteLLM prices are USD per token; the catalog lists per million. */
const TOKENS_PER_MILLION = 1e6;

const alreadySlug = /^[a-z0-9][a-z0-9._-]*$/;

/** `groq/llama3-70b-8192` → `groq-llama3-70b-8192`: a catalog id (lower case, [a-z0-9._-]). */
export function slugifyPriceId(key: string): string {
  const lower = key.toLowerCase();
  // Most keys are ids already (gp-openai-gpt-4o): the four replacements below would leave them as
  // they are, so they are returned without running them (1,500 per catalog load).
  if (alreadySlug.test(lower) && !lower.includes('--') && !/[-.]$/.test(lower)) return lower;
  return lower
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/[-.]+$/, '');
}

/** Per-token USD to per-million, rounded to 12 significant digits so 2.5e-6 gives 2.5, not 2.4999999999999996. */
function perMillion(perToken: number): number {
  return Number((perToken * TOKENS_PER_MILLION).toPrecision(12));
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Converts LiteLLM's `model_prices_and_context_window.json` into a Clearbox price file. Chat models
 * only (`mode: chat`); `sample_spec` and other modes are listed as skipped. A chat entry with a
 * missing or malformed price field is a bad row (key and field), never silently dropped. Malformed
 * JSON is an InputError with file:line:column.
 */
export function importLitellm(file: TextFile, options: LitellmImportOptions): LitellmImport {
  if (!DATE.test(options.effective))
    throw new InputError(`expected a date as YYYY-MM-DD, got "${options.effective}"`, '--effective');
  if (!DATE.test(options.sourceDate))
    throw new InputError(`expected a date as YYYY-MM-DD, got "${options.sourceDate}"`, 'sourceDate');
  const data = parseJsonFile(file);
  if (!isRecord(data))
    throw new InputError('expected one JSON object keyed by model id (LiteLLM price file)', file.path);

  const prices: ApiPrice[] = [];
  const skipped: LitellmSkipped[] = [];
  const badRows: LitellmBadRow[] = [];
  const idOwner = new Map<string, string>();

  for (const [key, entry] of Object.entries(data)) {
    if (key === 'sample_spec') {
      skipped.push({ key, reason: 'schema documentation entry' });
      continue;
    }
    if (!isRecord(entry)) {
      badRows.push({ key, field: '(entry)', message: 'expected an object' });
      continue;
    }
    const mode = entry.mode;
    if (mode !== 'chat') {
      skipped.push({
        key,
        reason: mode === undefined ? 'no mode given (not a chat model)' : `mode ${String(mode)}`,
      });
      continue;
    }
    const problems: LitellmBadRow[] = [];
    const cost = (field: string, required: boolean): number | undefined => {
      const v = entry[field];
      if (v === undefined || v === null) {
        if (required) problems.push({ key, field, message: 'missing: expected USD per token' });
        return undefined;
      }
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        problems.push({
          key,
          field,
          message:
            typeof v === 'number' && !Number.isFinite(v)
              ? `expected a non-negative number (USD per token): ${notFiniteMessage(v)}`
              : `expected a non-negative number (USD per token), got ${typeof v === 'string' ? echo(v) : JSON.stringify(v)?.slice(0, 80)}`,
        });
        return undefined;
      }
      return v;
    };
    const input = cost('input_cost_per_token', true);
    const output = cost('output_cost_per_token', true);
    const cacheRead = cost('cache_read_input_token_cost', false);
    const cacheWrite = cost('cache_creation_input_token_cost', false);
    const provider = entry.litellm_provider;
    if (typeof provider !== 'string' || provider.trim() === '')
      problems.push({ key, field: 'litellm_provider', message: 'expected the provider name as a string' });
    const maxInput = entry.max_input_tokens;
    if (
      maxInput !== undefined &&
      maxInput !== null &&
      !(Number.isInteger(maxInput) && (maxInput as number) > 0)
    )
      problems.push({
        key,
        field: 'max_input_tokens',
        message: `expected a positive whole number, got ${typeof maxInput === 'number' ? maxInput : JSON.stringify(maxInput)?.slice(0, 80)}`,
      });
    const id = slugifyPriceId(key);
    if (id === '')
      problems.push({ key, field: '(key)', message: 'has no letters or digits to make an id from' });
    const owner = idOwner.get(id);
    if (id !== '' && owner !== undefined)
      problems.push({ key, field: '(key)', message: `gives the id "${id}", already taken by "${owner}"` });
    if (problems.length > 0 || input === undefined || output === undefined || typeof provider !== 'string') {
      badRows.push(...problems);
      continue;
    }
    idOwner.set(id, key);
    const providerName = provider.trim().toLowerCase();
    const apiModel = key.startsWith(`${provider}/`) ? key.slice(provider.length + 1) : key;
    const price: ApiPrice = {
      id,
      apiModel,
      provider: providerName,
      currency: 'USD',
      effective: options.effective,
      inputPerMillion: perMillion(input),
      outputPerMillion: perMillion(output),
      source: {
        title: `LiteLLM price file ${file.path}, entry "${key}"`,
        date: options.sourceDate,
        note: `Per-token USD × 1e6. LiteLLM lists no effective date; ${options.effective} is the import's.`,
      },
    };
    if (cacheRead !== undefined) price.cachedInputPerMillion = perMillion(cacheRead);
    if (cacheWrite !== undefined) price.cacheWritePerMillion = perMillion(cacheWrite);
    if (typeof maxInput === 'number') price.contextTokens = maxInput;
    // The schema is the contract of the written file: check each row against it, not just the whole.
    const checked = apiPriceSchema.safeParse(price);
    if (!checked.success) {
      for (const issue of checked.error.issues)
        badRows.push({ key, field: issue.path.join('.') || '(entry)', message: issue.message });
      continue;
    }
    prices.push(price);
  }
  return { prices, skipped, badRows, document: { version: 1, prices } };
}

/** The imported price file as YAML, with a header saying where it came from. */
export function litellmPriceYaml(
  result: LitellmImport,
  file: TextFile,
  options: LitellmImportOptions,
): string {
  const header = [
    `# Imported by \`clearbox prices import-litellm\` from ${file.path} (dated ${options.sourceDate}).`,
    `# LiteLLM carries no effective dates: every price here is marked effective ${options.effective}.`,
    `# ${result.prices.length} chat prices; ${result.skipped.length} entries skipped (non-chat); ${result.badRows.length} bad fields reported.`,
  ].join('\n');
  return `${header}\n${stringify(result.document, { lineWidth: 0 })}`;
}
