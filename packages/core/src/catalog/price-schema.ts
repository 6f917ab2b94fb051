import { z } from 'zod';
import { sourceSchema } from './schema.ts';

/** Currencies Clearbox converts between with dated rates from the catalog. */
export const currencySchema = z.enum(['USD', 'CNY', 'EUR']);

const perMillion = z.number().nonnegative();
const dateField = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, 'expected a date as YYYY-MM or YYYY-MM-DD'),
);

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
  until: dateField.optional(),
  inputPerMillion: perMillion,
  /** Input tokens served from a prompt cache (cache hit). */
  cachedInputPerMillion: perMillion.optional(),
  /** Writing to the prompt cache, where billed separately (Anthropic). */
  cacheWritePerMillion: perMillion.optional(),
  outputPerMillion: perMillion,
  contextTokens: z.number().int().positive().optional(),
  /** Discounted window, e.g. DeepSeek's 16:30-00:30 UTC off-peak: fraction off each price. */
  offPeak: z
    .strictObject({
      startUtc: z.string().regex(/^\d{2}:\d{2}$/),
      endUtc: z.string().regex(/^\d{2}:\d{2}$/),
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

export const priceFileSchema = z.strictObject({
  version: z.literal(1),
  prices: z.array(apiPriceSchema).optional(),
  fx: z.array(fxRateSchema).optional(),
});

export type Currency = z.output<typeof currencySchema>;
export type ApiPrice = z.output<typeof apiPriceSchema>;
export type FxRate = z.output<typeof fxRateSchema>;
