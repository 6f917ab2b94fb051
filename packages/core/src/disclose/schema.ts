import { z } from 'zod';
import { calendarDateSchema } from '../input/dates.ts';
import { positiveNumber } from '../input/numbers.ts';

/**
 * The Clearbox disclosure format, version 1: a full-lifecycle AI cost disclosure. The JSON Schema in
 * schema/disclosure-v1.json is generated from this file, and docs/disclosure-standard.md specifies
 * every field; change the three together. No transforms or preprocessing here, so the schema an
 * author validates against is exactly what this parser accepts.
 */

export const STAGES = [
  'hardware',
  'final-run',
  'experiments',
  'data',
  'staff',
  'energy',
  'deployment',
  'operations',
  'commercial',
] as const;
export const stageSchema = z.enum(STAGES);
export type Stage = z.output<typeof stageSchema>;

/** Currencies with dated exchange rates in the catalog (catalog/prices/fx.yaml). */
export const disclosureCurrencySchema = z.enum(['USD', 'CNY', 'EUR']);

/**
 * FinOps FOCUS's four cost metrics: list, contracted (negotiated), billed (cash, invoice), effective
 * (amortized); plus `notional`: a price assumed for illustration that nobody quoted or paid (DeepSeek's
 * "assuming the rental price of the H800 is $2 per GPU hour" on hardware it owned).
 */
export const priceBasisSchema = z.enum(['list', 'contracted', 'billed', 'effective', 'notional']);
export const provisionSchema = z.enum(['owned', 'leased', 'cloud-on-demand', 'cloud-committed']);
export const evidenceSchema = z.enum(['disclosed', 'estimated', 'third-party', 'imputed']);
export const depreciationSchema = z.enum(['straight-line', 'economic']);
export const distributionSchema = z.enum(['lognormal', 'normal', 'uniform', 'triangular']);

/** Units an item's quantity is counted in; the audit checks GPU-hours, GPUs and energy against physics. */
export const UNITS = [
  'GPU-hours',
  'GPUs',
  'nodes',
  'node-hours',
  'MWh',
  'kWh',
  'FTE-years',
  'person-months',
  'tokens',
  'M-tokens',
  'TB',
  'units',
] as const;
export const unitSchema = z.enum(UNITS);

const date = calendarDateSchema;
const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected a lower-case id of letters, digits, ".", "_" or "-"');
const nonNegative = (what: string) =>
  z.number({ error: `${what} must be a number` }).nonnegative(`${what} must not be negative`);

export const disclosureSourceSchema = z.strictObject({
  title: z.string().min(1, 'a source needs a title'),
  url: z.string().optional(),
  date: date,
  note: z.string().optional(),
});

/**
 * The range of an item's total (in the item's currency): `low`/`high` are the 10th and 90th
 * percentiles for `lognormal` (default) and `normal`, the minimum and maximum for `uniform` and
 * `triangular`. Or give `lowFactor`/`highFactor` as multiples of the stated total (e.g. 0.5 and 2).
 */
export const uncertaintySchema = z
  .strictObject({
    distribution: distributionSchema.optional(),
    low: nonNegative('uncertainty.low').optional(),
    high: nonNegative('uncertainty.high').optional(),
    lowFactor: nonNegative('uncertainty.lowFactor').optional(),
    highFactor: nonNegative('uncertainty.highFactor').optional(),
    note: z.string().optional(),
  })
  .superRefine((u, ctx) => {
    const absolute = u.low !== undefined || u.high !== undefined;
    const relative = u.lowFactor !== undefined || u.highFactor !== undefined;
    if (absolute === relative || (absolute && (u.low === undefined || u.high === undefined)))
      ctx.addIssue({
        code: 'custom',
        message: 'give either low and high (absolute) or lowFactor and highFactor (multiples of the total)',
      });
    const lo = u.low ?? u.lowFactor;
    const hi = u.high ?? u.highFactor;
    if (lo !== undefined && hi !== undefined && lo > hi)
      ctx.addIssue({ code: 'custom', message: `the low bound (${lo}) exceeds the high bound (${hi})` });
    if ((u.distribution ?? 'lognormal') === 'lognormal' && lo === 0)
      ctx.addIssue({
        code: 'custom',
        message: 'a lognormal range needs a low bound above zero; use uniform or normal for a range from 0',
      });
  });

/** Owned hardware: what the capital cost per GPU-hour is derived from. */
export const ownedHardwareSchema = z.strictObject({
  /** When the hardware was bought: economic depreciation runs from here to the start of the period. */
  acquired: date,
  usefulLifeYears: z
    .number({ error: 'usefulLifeYears must be a number' })
    .positive('useful life must be greater than zero years'),
  /** Value per unit left at the end of the useful life, in the item's currency. */
  residualValue: nonNegative('residualValue').optional(),
  /** Share of the hours the hardware does useful work (idle time is charged to the used hours). */
  utilization: z.number().gt(0, 'utilization must be above 0').max(1, 'utilization is at most 1').optional(),
  /** The publisher's own policy; both methods are always computed. */
  depreciation: depreciationSchema,
  /** Share of cluster cost in interconnect not included in the unit price (Epoch AI: 0.19). */
  interconnectShare: z.number().min(0).lt(1, 'interconnectShare must be below 1').optional(),
});

/**
 * Fleet capital spent evenly from `from` to `to` (default: `from`) and depreciated straight-line over
 * `usefulLifeYears`: the fleet-period basis charges the depreciation that falls in the period.
 */
export const capexScheduleSchema = z.strictObject({
  from: date,
  to: date.optional(),
  usefulLifeYears: z
    .number({ error: 'usefulLifeYears must be a number' })
    .positive('useful life must be greater than zero years'),
});

export const itemSchema = z
  .strictObject({
    id,
    stage: stageSchema,
    class: z.enum(['technical', 'commercial']),
    description: z.string().min(1),
    /** e.g. pre-training, context-extension, post-training, serving. */
    phase: z.string().optional(),
    /** `fleet`: a company-wide cost, counted in the fleet basis and in model bases only through an allocation. */
    level: z.enum(['model', 'fleet']).optional(),
    /** Revenue items are reported apart and never added to a cost basis. */
    kind: z.enum(['cost', 'revenue']).optional(),
    revenueBasis: z.enum(['theoretical', 'actual']).optional(),
    quantity: nonNegative('quantity').optional(),
    unit: unitSchema.optional(),
    unitPrice: nonNegative('unitPrice').optional(),
    amount: nonNegative('amount').optional(),
    /** Cash paid in the period when it differs from the accrued amount (a prepaid purchase): FOCUS BilledCost. */
    cashAmount: nonNegative('cashAmount').optional(),
    currency: disclosureCurrencySchema.optional(),
    /** Date of the price, for the exchange rate (default: the end of the period). */
    date: date.optional(),
    priceYear: z.number().int().min(1950).max(2100).optional(),
    priceBasis: priceBasisSchema.optional(),
    provision: provisionSchema.optional(),
    evidence: evidenceSchema,
    source: disclosureSourceSchema,
    uncertainty: uncertaintySchema.optional(),
    /** Catalog device id of the GPUs counted (default: quantities.hardware). */
    hardware: z.string().optional(),
    recurrence: z.enum(['once', 'per-day', 'per-month', 'per-year']).optional(),
    /** Id of an allocation key: the share of this item attributed to the model. */
    allocation: z.string().optional(),
    /** Cost shared with other models or uses: needs an allocation key. */
    shared: z.boolean().optional(),
    owned: ownedHardwareSchema.optional(),
    /** When and over what life a fleet capital amount is depreciated (fleet-period basis). */
    capexSchedule: capexScheduleSchema.optional(),
    /** The amount is a total over this many years (e.g. a 4-year ownership cost): a period basis takes its share. */
    coversYears: positiveNumber().optional(),
    notes: z.string().optional(),
  })
  .superRefine((item, ctx) => {
    const priced = item.amount !== undefined || item.unitPrice !== undefined;
    if (item.amount === undefined && item.quantity === undefined)
      ctx.addIssue({
        code: 'custom',
        message: 'an item needs an amount, or a quantity (with a unitPrice unless it is GPU-hours)',
      });
    if (item.unitPrice !== undefined && item.quantity === undefined)
      ctx.addIssue({ code: 'custom', path: ['quantity'], message: 'a unitPrice needs a quantity' });
    if (item.quantity !== undefined && item.unit === undefined)
      ctx.addIssue({ code: 'custom', path: ['unit'], message: 'a quantity needs a unit' });
    if (!priced && item.quantity !== undefined && item.unit !== 'GPU-hours')
      ctx.addIssue({
        code: 'custom',
        path: ['unitPrice'],
        message: 'only GPU-hours can be left unpriced (priced from owned hardware or the catalog)',
      });
    if (item.revenueBasis !== undefined && item.kind !== 'revenue')
      ctx.addIssue({ code: 'custom', path: ['revenueBasis'], message: 'revenueBasis is for kind: revenue' });
    if (item.capexSchedule !== undefined && item.amount === undefined && item.unitPrice === undefined)
      ctx.addIssue({ code: 'custom', path: ['capexSchedule'], message: 'a capex schedule needs an amount' });
    if (item.capexSchedule?.to !== undefined && item.capexSchedule.to < item.capexSchedule.from)
      ctx.addIssue({
        code: 'custom',
        path: ['capexSchedule', 'to'],
        message: `dates out of order: capexSchedule.to (${item.capexSchedule.to}) is before from (${item.capexSchedule.from})`,
      });
    if (item.capexSchedule !== undefined && item.coversYears !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['coversYears'],
        message: 'give capexSchedule (capital, depreciated) or coversYears (a multi-year total), not both',
      });
    if (item.owned !== undefined && item.stage !== 'hardware')
      ctx.addIssue({ code: 'custom', path: ['owned'], message: 'owned hardware belongs in stage: hardware' });
    if (item.owned !== undefined && (item.unit !== 'GPUs' || item.unitPrice === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['owned'],
        message: 'owned hardware needs quantity in GPUs and a unitPrice per GPU',
      });
    if (
      item.owned?.residualValue !== undefined &&
      item.unitPrice !== undefined &&
      item.owned.residualValue > item.unitPrice
    )
      ctx.addIssue({
        code: 'custom',
        path: ['owned', 'residualValue'],
        message: `residual value (${item.owned.residualValue}) exceeds the unit price (${item.unitPrice})`,
      });
  });
export type DisclosureItem = z.output<typeof itemSchema>;

export const allocationKeySchema = z.strictObject({
  id,
  description: z.string().min(1),
  /** The model's share, e.g. its share of final pre-training hours among the models that shared the cost. */
  share: z.number().gt(0, 'an allocation share must be above 0').max(1, 'an allocation share is at most 1'),
  source: disclosureSourceSchema.optional(),
});

/** Physical quantities of the final run, checked against the Estimate engine. GPU-hours are items. */
export const quantitiesSchema = z.strictObject({
  /** Catalog device id of the final run's accelerators. */
  hardware: z.string().optional(),
  /** Precision whose dense peak the MFU is measured against. */
  dtype: z.enum(['bf16', 'fp16', 'fp8']).optional(),
  gpus: z.number().int().positive().optional(),
  wallClockDays: z.number().positive().optional(),
  /** The phase the wall-clock days cover (default: all final-run GPU-hours). */
  wallClockPhase: z.string().optional(),
  trainingTokens: z.number().positive().optional(),
  trainingFlops: z.number().positive().optional(),
  energyMWh: z.number().positive().optional(),
  /** The phase the energy covers (default: all final-run GPU-hours). */
  energyPhase: z.string().optional(),
  /** Average board power per GPU the energy was computed with (default: the catalog TDP). */
  powerWattsPerGpu: z.number().positive().optional(),
  pue: z.number().min(1).max(3).optional(),
  emissionsTonnesCo2: z.number().nonnegative().optional(),
  source: disclosureSourceSchema.optional(),
});

export const disclosureSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1, 'expected version: 1 (the only published version of the format)'),
    id,
    status: z.enum(['draft', 'final', 'corrective']),
    /** The id of the report a corrective report replaces. */
    corrects: z.string().optional(),
    publisher: z.strictObject({
      name: z.string().min(1),
      url: z.string().optional(),
      confidentiality: z.enum(['public', 'internal', 'confidential']).optional(),
    }),
    model: z.strictObject({
      name: z.string().min(1),
      /** Catalog model id, so the audit can count FLOPs from the architecture. */
      catalogId: z.string().optional(),
      developer: z.string().optional(),
      released: date.optional(),
    }),
    period: z.strictObject({ start: date, end: date }),
    /** Default currency of the items. */
    currency: disclosureCurrencySchema.optional(),
    boundary: z
      .strictObject({
        included: z.array(z.string()),
        excluded: z.array(z.string()),
        /** Stages that do not apply (e.g. commercial for a research model): left out of the completeness score. */
        notApplicable: z.array(stageSchema).optional(),
      })
      .optional(),
    allocationKeys: z.array(allocationKeySchema).optional(),
    quantities: quantitiesSchema.optional(),
    /** N of the lifecycle basis (default 3). */
    lifecycleYears: z.number().positive().max(50).optional(),
    sources: z.array(disclosureSourceSchema).optional(),
    items: z.array(itemSchema).min(1, 'a disclosure needs at least one item'),
    notes: z.string().optional(),
  })
  .superRefine((doc, ctx) => {
    if (doc.period.start > doc.period.end)
      ctx.addIssue({
        code: 'custom',
        path: ['period', 'end'],
        message: `dates out of order: period.end (${doc.period.end}) is before period.start (${doc.period.start})`,
      });
    if (doc.status === 'corrective' && doc.corrects === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['corrects'],
        message: 'a corrective report names the report it corrects',
      });
    const keys = new Set((doc.allocationKeys ?? []).map((k) => k.id));
    const seen = new Set<string>();
    doc.items.forEach((item, i) => {
      if (seen.has(item.id))
        ctx.addIssue({ code: 'custom', path: ['items', i, 'id'], message: `duplicate item id "${item.id}"` });
      seen.add(item.id);
      if (item.allocation !== undefined && !keys.has(item.allocation))
        ctx.addIssue({
          code: 'custom',
          path: ['items', i, 'allocation'],
          message: `unknown allocation key "${item.allocation}"; defined: ${[...keys].join(', ') || '(none)'}`,
        });
      if (item.owned !== undefined && item.owned.acquired > doc.period.end)
        ctx.addIssue({
          code: 'custom',
          path: ['items', i, 'owned', 'acquired'],
          message: `dates out of order: acquired ${item.owned.acquired} after the period ends (${doc.period.end})`,
        });
    });
  });

export type Disclosure = z.output<typeof disclosureSchema>;
