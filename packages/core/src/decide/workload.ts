import { z } from 'zod';
import { kvFormatSchema, weightFormatSchema } from '../catalog/calibration-schema.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { closestIds } from '../catalog/closest.ts';
import { parseDocumentWith, type TextFile } from '../catalog/parse.ts';
import { sourceSchema } from '../catalog/schema.ts';
import { calendarDateSchema } from '../input/dates.ts';

/**
 * The workload file (version 1, a public contract): what a buyer serves, how fast it must be and which
 * models are good enough. `decide` prices it on every API and self-hosting plan that can serve it.
 */

const positive = z.number().positive();
const fraction = z.number().min(0).max(1);
const dateField = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  calendarDateSchema,
);

const tokenStatsSchema = z
  .strictObject({
    mean: z.number().int('expected a whole number of tokens').positive(),
    p95: z.number().int('expected a whole number of tokens').positive(),
  })
  .refine((t) => t.p95 >= t.mean, { message: 'p95 must not be below mean', path: ['p95'] });

/** Optional overrides of the owned-hardware assumptions (defaults and sources: assumptions.ts). */
export const costAssumptionsSchema = z.strictObject({
  pue: z.number().min(1).optional(),
  usdPerKwh: z.number().nonnegative().optional(),
  hostingUsdPerKwMonth: z.number().nonnegative().optional(),
  opsUsdPerDeviceMonth: z.number().nonnegative().optional(),
  usefulLifeMonths: positive.optional(),
  /** Average power draw as a share of TDP (server included). */
  powerLoadFactor: z.number().positive().max(1).optional(),
});

const devicePriceOverrideSchema = z.strictObject({
  rentalUsdPerHour: z.number().nonnegative().optional(),
  purchaseUsd: z.number().nonnegative().optional(),
  source: sourceSchema.optional(),
});

export const workloadSchema = z.strictObject({
  version: z.literal(1),
  name: z.string().min(1),
  requestsPerDay: positive,
  inputTokens: tokenStatsSchema,
  outputTokens: tokenStatsSchema,
  /** Share of input tokens served from a prompt cache. */
  cachedInputShare: fraction.default(0),
  /** Peak request rate over the daily average; capacity is sized for the peak. */
  peakToAverage: z.number().min(1).optional(),
  slo: z.strictObject({ ttftSeconds: positive, tpotSeconds: positive }),
  /** Acceptable models: catalog model ids (self-hosting and open-weight APIs) or API price/model ids. */
  quality: z.strictObject({ minModels: z.array(z.string().min(1)).min(1) }),
  horizonMonths: positive.default(24),
  /** Date the API prices and exchange rates are read at (default: the newest price in the catalog). */
  asOf: dateField.optional(),
  /** Share of daily requests in each UTC hour (0-23); normalized. Enables off-peak API discounts. */
  trafficProfile: z
    .strictObject({ hourlyShareUtc: z.array(z.number().nonnegative()).length(24) })
    .refine((p) => p.hourlyShareUtc.some((x) => x > 0), {
      message: 'at least one hour must carry traffic',
      path: ['hourlyShareUtc'],
    })
    .optional(),
  selfHost: z
    .strictObject({
      /** Only these catalog devices (default: every device with a price). */
      hardware: z.array(z.string().min(1)).min(1).optional(),
      acquisition: z
        .array(z.enum(['rent', 'buy']))
        .min(1)
        .optional(),
      weights: z.array(weightFormatSchema).min(1).optional(),
      kv: z.array(kvFormatSchema).min(1).optional(),
      maxDevicesPerReplica: z.number().int().positive().optional(),
      /** Prices for devices the catalog has none for (e.g. a Mac you already priced). */
      prices: z.record(z.string(), devicePriceOverrideSchema).optional(),
    })
    .optional(),
  costs: costAssumptionsSchema.optional(),
});

export type Workload = z.output<typeof workloadSchema>;
export type CostAssumptionOverrides = z.output<typeof costAssumptionsSchema>;

/** Catalog ids a workload may name as acceptable models: models, plus API price ids and billed names. */
function acceptableIds(catalog: Catalog): string[] {
  const ids = new Set<string>();
  for (const m of catalog.models) {
    ids.add(m.id);
    for (const a of m.aliases ?? []) ids.add(a);
  }
  for (const p of catalog.prices) {
    ids.add(p.id);
    ids.add(p.apiModel.toLowerCase());
  }
  return [...ids];
}

/** The workload schema with the checks that need the catalog: every id must name something. */
export function workloadSchemaFor(catalog: Catalog) {
  const known = acceptableIds(catalog);
  const knownSet = new Set(known);
  // Suggest catalog models first: among ~1,500 billed names a near miss would hide the model meant.
  const modelIds = catalog.models.flatMap((m) => [m.id, ...(m.aliases ?? [])]);
  const deviceIds = new Set(catalog.devices.flatMap((d) => [d.id, ...(d.aliases ?? [])]));
  return workloadSchema.superRefine((w, ctx) => {
    w.quality.minModels.forEach((id, i) => {
      if (knownSet.has(id.toLowerCase())) return;
      const closeModels = closestIds(id.toLowerCase(), modelIds);
      const near = closeModels.length > 0 ? closeModels : closestIds(id.toLowerCase(), known);
      ctx.addIssue({
        code: 'custom',
        path: ['quality', 'minModels', i],
        message: `unknown model "${id}"${near.length ? `; closest: ${near.join(', ')}` : ''}`,
      });
    });
    const check = (id: string, path: Array<string | number>) => {
      if (deviceIds.has(id.toLowerCase())) return;
      const near = closestIds(
        id.toLowerCase(),
        catalog.devices.map((d) => d.id),
      );
      ctx.addIssue({
        code: 'custom',
        path,
        message: `unknown hardware "${id}"${near.length ? `; closest: ${near.join(', ')}` : ''}`,
      });
    };
    w.selfHost?.hardware?.forEach((id, i) => {
      check(id, ['selfHost', 'hardware', i]);
    });
    for (const id of Object.keys(w.selfHost?.prices ?? {})) check(id, ['selfHost', 'prices', id]);
  });
}

/** Parses and validates a workload file; the error lists every problem with file, line and field. */
export function parseWorkload(file: TextFile, catalog: Catalog): Workload {
  return parseDocumentWith(workloadSchemaFor(catalog), file);
}
