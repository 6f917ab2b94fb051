import { z } from 'zod';
import { calendarDateSchema } from '../input/dates.ts';
import { sourceSchema } from './schema.ts';

/** Currencies Clearbox converts between with dated rates from the catalog. */
export const currencySchema = z.enum(['USD', 'CNY', 'EUR']);

const perMillion = z.number().nonnegative();
const clockTime = z.string().regex(/^\d{2}:\d{2}$/, 'expected a UTC time as HH:MM');
const dateField = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  calendarDateSchema,
);

/**
 * A long-context tier: once a request's prompt exceeds `aboveInputTokens`, every token of that
 * request is billed at these prices (Gemini 1.5 above 128K, Claude above 200K). A side left out
 * keeps the entry's own price.
 */
export const priceTierSchema = z.strictObject({
  aboveInputTokens: z.number().int().nonnegative(),
  inputPerMillion: perMillion.optional(),
  cachedInputPerMillion: perMillion.optional(),
  cacheWritePerMillion: perMillion.optional(),
  outputPerMillion: perMillion.optional(),
});

/**
 * Where a price comes from, bottom to top: the bulk table of @pydantic/genai-prices shipped with
 * Clearbox, Clearbox's own sourced YAML, and a newer genai-prices file loaded by `prices update`.
 */
export const priceLayers = ['genai-prices', 'clearbox', 'store'] as const;
export const priceLayerSchema = z.enum(priceLayers);

/**
 * One API price list entry, effective from a date (until the next entry for the same model and
 * provider, or `until`). Prices per million tokens in `currency`.
 */
export const apiPriceSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected a lower-case id like gpt-4o-2024-08-06'),
  /** The provider's model name as billed (e.g. deepseek-chat, gpt-4o-2024-08-06). */
  apiModel: z.string(),
  provider: z.string(),
  /** Catalog model id when the weights are public (e.g. deepseek-v3), so self-hosting can be compared. */
  model: z.string().optional(),
  currency: currencySchema,
  effective: dateField,
  /**
   * `start` (default): the price took effect on `effective`. `in-force`: the start is not known, only
   * that the price was in force on `effective` (genai-prices lists an undated current price).
   */
  effectiveBasis: z.enum(['start', 'in-force']).optional(),
  until: dateField.optional(),
  /** Default `clearbox` (the YAML files); the other layers are built from genai-prices data. */
  layer: priceLayerSchema.optional(),
  /** Weight precision the provider states it serves (fp8, fp16, bf16, int4...), with `model`. */
  precision: z.string().optional(),
  inputPerMillion: perMillion,
  /** Input tokens served from a prompt cache (cache hit). */
  cachedInputPerMillion: perMillion.optional(),
  /** Writing to the prompt cache, where billed separately (Anthropic). */
  cacheWritePerMillion: perMillion.optional(),
  outputPerMillion: perMillion,
  contextTokens: z.number().int().positive().optional(),
  tiers: z.array(priceTierSchema).optional(),
  /** Discounted window, e.g. DeepSeek's 16:30-00:30 UTC off-peak: fraction off each price. */
  offPeak: z
    .strictObject({
      startUtc: clockTime,
      endUtc: clockTime,
      /** Further discounted windows at the same discount (DeepSeek V4: 04:00-06:00 and 10:00-01:00). */
      moreWindowsUtc: z.array(z.strictObject({ startUtc: clockTime, endUtc: clockTime })).optional(),
      inputDiscount: z.number().min(0).max(1),
      outputDiscount: z.number().min(0).max(1),
      /** First day the window applied, when later than the price's own `effective` date. */
      effective: dateField.optional(),
      source: sourceSchema,
    })
    .optional(),
  source: sourceSchema,
  notes: z.string().optional(),
});

/** A dated exchange rate: 1 `base` = `rate` `quote`. */
export const fxRateSchema = z.strictObject({
  base: currencySchema,
  quote: currencySchema,
  rate: z.number().positive(),
  date: dateField,
  source: sourceSchema,
});

/**
 * A hosted model's weights, as its provider states them: Together's
 * meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo serves llama-3.1-8b in FP8. Prices of that provider and
 * billed model get `model` (and `precision`), so Decide compares self-hosting with them.
 */
export const hostedModelSchema = z.strictObject({
  provider: z.string(),
  /** The billed model name, compared without case. */
  apiModel: z.string(),
  model: z.string(),
  precision: z.string().optional(),
  source: sourceSchema,
  notes: z.string().optional(),
});

export const priceFileSchema = z.strictObject({
  version: z.literal(1),
  prices: z.array(apiPriceSchema).optional(),
  fx: z.array(fxRateSchema).optional(),
  hosted: z.array(hostedModelSchema).optional(),
});

export type Currency = z.output<typeof currencySchema>;
export type ApiPrice = z.output<typeof apiPriceSchema>;
export type FxRate = z.output<typeof fxRateSchema>;
export type PriceTier = z.output<typeof priceTierSchema>;
export type PriceLayer = z.output<typeof priceLayerSchema>;
export type HostedModel = z.output<typeof hostedModelSchema>;
