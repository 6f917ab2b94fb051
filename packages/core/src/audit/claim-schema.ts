import { z } from 'zod';
import { engineSchema, weightFormatSchema } from '../catalog/calibration-schema.ts';
import { type Catalog, findDevice, findModel, findPrice } from '../catalog/catalog.ts';
import { closestIds } from '../catalog/closest.ts';
import { apiPriceSchema } from '../catalog/price-schema.ts';
import { deviceSchema, sourceSchema } from '../catalog/schema.ts';
import { ClearboxError } from '../errors/clearbox-error.ts';
import { finiteNumber, openProbability, positiveNumber } from '../input/numbers.ts';
import { hedges } from './claimed.ts';
import { type ClaimSubject, claimSubjects } from './verdict.ts';

/**
 * Claims format, version 1 (a public contract: the names below are the ones users write).
 * Ids are checked against the catalog while parsing, so an unknown id is reported with its path and
 * line like any other schema issue, with the closest ids as suggestions.
 */

// The shared number schemas: a claim's number is refused in the same words as a flag or a request field.
const finite = finiteNumber();
const positive = positiveNumber();

export const claimedSchema = z.union(
  [
    finite,
    z.tuple([finite, finite]).refine(([lo, hi]) => lo <= hi, 'expected [low, high] with low ≤ high'),
    z.strictObject({ atLeast: finite }),
    z.strictObject({ atMost: finite }),
    /** A number with the hedge word the claim uses ("about", "nearly", ...): see `hedges`. */
    z.strictObject({ value: finite, hedge: z.enum(hedges) }),
  ],
  {
    error: `expected a number, [low, high], { atLeast: x }, { atMost: x } or { value: x, hedge: ${hedges.join(' | ')} }`,
  },
);

export const priceSides = ['input', 'cached-input', 'output', 'blended'] as const;
export const hardwareMetrics = [
  'bf16-flops',
  'fp8-flops',
  'int8-ops',
  'memory-bandwidth',
  'memory-capacity',
  'flops-per-watt',
  'price-per-flop',
] as const;
export const checkKinds = [
  'training-cost',
  'training-compute',
  'activation-ratio',
  'price-ratio',
  'price-change',
  'hardware-ratio',
  'feasibility',
  'throughput',
  'cost-ratio',
  'measured-performance',
  'training-flops',
] as const;
export type CheckKind = (typeof checkKinds)[number];

/** What the schema needs to know to check ids: the catalog and the disclosures the caller can read. */
export interface ClaimIds {
  catalog: Catalog;
  disclosures: readonly string[];
}

function idOf(kind: 'model' | 'hardware' | 'price', ids: ClaimIds) {
  const find = kind === 'model' ? findModel : kind === 'hardware' ? findDevice : findPrice;
  return z.string().superRefine((id, ctx) => {
    try {
      find(ids.catalog, id);
    } catch (error) {
      if (!(error instanceof ClearboxError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
    }
  });
}

function disclosureRef(ids: ClaimIds) {
  return z.string().superRefine((ref, ctx) => {
    if (ids.disclosures.includes(ref)) return;
    const near = closestIds(ref, ids.disclosures, 3);
    ctx.addIssue({
      code: 'custom',
      message: `unknown disclosure "${ref}" (expected a disclosure id or a readable file)${near.length ? `; closest: ${near.join(', ')}` : ''}`,
    });
  });
}

const tolerance = openProbability().optional();

/** The system and workload a vendor's figure was measured on (e.g. GB200 NVL72, FP4, LLM inference). */
export const vendorScopeSchema = z.strictObject({
  /** The system the vendor measured (a rack, a node), e.g. "GB200 NVL72 (72 GPUs, 36 Grace CPUs)". */
  system: z.string().min(1),
  /** The workload and precision, e.g. "LLM inference, FP4, 1.8T-parameter MoE". */
  workload: z.string().min(1),
  /** The vendor's figure for that system and workload. */
  figure: claimedSchema.optional(),
  source: sourceSchema,
});
const dtype = z.enum(['bf16', 'fp16', 'fp8']).optional();
const engine = engineSchema.optional();
const offload = z
  .string()
  .regex(
    /^(auto|none|cpu:\d+|stream:(host|nvme|ssd|hdd))$/,
    'expected auto, none, cpu:LAYERS or stream:host|nvme|ssd|hdd',
  )
  .optional();
const tokens = z.number().int().nonnegative();

export function checkSchema(ids: ClaimIds) {
  const model = idOf('model', ids);
  const hardware = idOf('hardware', ids);
  const price = idOf('price', ids);
  const priceSide = z.strictObject({ price, side: z.enum(priceSides) });
  const disclosureSide = z.union(
    [
      disclosureRef(ids),
      z.strictObject({
        disclosure: disclosureRef(ids),
        basis: z.string().optional(),
        stages: z.array(z.string()).min(1).optional(),
      }),
      z.strictObject({
        /** Evidence nobody has published: the check names it and says it cannot decide. */
        unavailable: z.string().min(1),
      }),
    ],
    {
      error:
        'expected a disclosure id or file, { disclosure, basis?, stages? } or { unavailable: "what is missing" }',
    },
  );
  return z.discriminatedUnion(
    'kind',
    [
      z.strictObject({
        kind: z.literal('training-cost'),
        model,
        hardware,
        gpuHours: positive,
        usdPerGpuHour: positive,
        claimedUsd: claimedSchema,
        tokens: positive.optional(),
        /** The accounting basis the claim itself names (e.g. final-run-rental); absent = unqualified. */
        basis: z.string().optional(),
        tolerance,
      }),
      z
        .strictObject({
          kind: z.literal('training-compute'),
          model,
          tokens: positive,
          hardware,
          gpuHours: positive.optional(),
          count: z.number().int().positive().optional(),
          days: positive.optional(),
          dtype,
          /** Claimed MFU (0-1). */
          claimed: claimedSchema.optional(),
          tolerance,
        })
        .refine((c) => (c.gpuHours !== undefined) !== (c.count !== undefined && c.days !== undefined), {
          message: 'give gpuHours, or count and days (not both)',
          path: ['gpuHours'],
        }),
      z.strictObject({ kind: z.literal('activation-ratio'), model, claimed: claimedSchema, tolerance }),
      z.strictObject({
        kind: z.literal('price-ratio'),
        a: priceSide,
        b: priceSide,
        /** Share of input tokens in a blended price (default 0.75, i.e. 3:1 input:output). */
        blendWeight: z.number().min(0).max(1).optional(),
        claimed: claimedSchema,
        tolerance,
      }),
      z.strictObject({
        kind: z.literal('price-change'),
        from: price,
        to: price,
        side: z.enum(priceSides),
        blendWeight: z.number().min(0).max(1).optional(),
        /** Fractional change, e.g. -0.6 for "60% cheaper"; { atMost: -0.6 } for "more than 60% below". */
        claimed: claimedSchema,
        tolerance,
      }),
      z.strictObject({
        kind: z.literal('hardware-ratio'),
        a: hardware,
        b: hardware,
        metric: z.enum(hardwareMetrics),
        claimed: claimedSchema,
        tolerance,
        /**
         * Where the claimed figure comes from when it is a vendor's system-level, workload-specific
         * figure repeated as a chip comparison: what it was measured on, and whose figure it is.
         */
        vendorScope: vendorScopeSchema.optional(),
      }),
      z.strictObject({
        kind: z.literal('feasibility'),
        model,
        hardware,
        count: z.number().int().positive().optional(),
        weights: weightFormatSchema.optional(),
        offload,
        engine,
        input: tokens.optional(),
        output: tokens.optional(),
        minTokensPerSecond: positive.optional(),
      }),
      z
        .strictObject({
          kind: z.literal('throughput'),
          model,
          hardware,
          count: z.number().int().positive().optional(),
          weights: weightFormatSchema.optional(),
          engine,
          batch: z.number().int().positive().optional(),
          input: tokens.optional(),
          output: tokens.optional(),
          /** Claimed output tokens per second. */
          claimed: claimedSchema.optional(),
          per: z.enum(['user', 'aggregate']).optional(),
          /** "N times faster than ...": the same workload on other hardware. */
          versus: z
            .strictObject({
              hardware,
              count: z.number().int().positive().optional(),
              weights: weightFormatSchema.optional(),
            })
            .optional(),
          claimedRatio: claimedSchema.optional(),
          tolerance,
        })
        .refine((c) => c.claimed !== undefined || (c.versus !== undefined && c.claimedRatio !== undefined), {
          message: 'give claimed (tokens/s), or versus and claimedRatio, or both',
          path: ['claimed'],
        })
        .refine((c) => (c.versus === undefined) === (c.claimedRatio === undefined), {
          message: 'versus and claimedRatio go together',
          path: ['claimedRatio'],
        }),
      z.strictObject({
        kind: z.literal('measured-performance'),
        /** The device the claim measures, and the one it is measured against ("a performs at x of b"). */
        a: hardware,
        b: hardware,
        /** The workload the measurement ran: a model served (inference), with its shape. */
        model,
        /** Devices per replica on both sides (default: the larger of the two smallest counts that hold the model). */
        count: z.number().int().positive().optional(),
        /** Concurrent sequences on both sides (default: the smaller of the two largest batches that fit). */
        batch: z.number().int().positive().optional(),
        weights: weightFormatSchema.optional(),
        versusWeights: weightFormatSchema.optional(),
        engine,
        input: tokens.optional(),
        output: tokens.optional(),
        /** per-device: aggregate output tokens/s per device at the largest batch; user: one user's speed. */
        per: z.enum(['device', 'user']).optional(),
        /** Claimed ratio a / b of the measured performance. */
        claimed: claimedSchema,
        tolerance,
      }),
      z.strictObject({
        kind: z.literal('training-flops'),
        /** Training compute stated for a model and a token count, with no hardware. */
        model,
        tokens: positive,
        /** Claimed training FLOPs. */
        claimed: claimedSchema,
        tolerance,
      }),
      z.strictObject({
        kind: z.literal('cost-ratio'),
        a: disclosureSide,
        /** Absent: `claimed` is an amount in USD of a's basis rather than a ratio. */
        b: disclosureSide.optional(),
        basis: z.string().optional(),
        claimed: claimedSchema,
        tolerance,
      }),
    ],
    { error: `unknown check kind: expected one of ${checkKinds.join(', ')}` },
  );
}

/** The quantity each check kind compares (a claim about another quantity is not checked by it). */
export const checkSubject: Record<CheckKind, ClaimSubject> = {
  'training-cost': 'cost-on-basis',
  'training-compute': 'training-compute',
  'training-flops': 'training-compute',
  'activation-ratio': 'architecture',
  'price-ratio': 'price',
  'price-change': 'price',
  'hardware-ratio': 'peak-spec',
  feasibility: 'deployability',
  throughput: 'measured-performance',
  'cost-ratio': 'cost-on-basis',
  'measured-performance': 'measured-performance',
};

const suggestion: Partial<Record<ClaimSubject, string>> = {
  'measured-performance': 'measured-performance (or throughput)',
  'peak-spec': 'hardware-ratio',
  price: 'price-ratio or price-change',
  'cost-on-basis': 'cost-ratio or training-cost',
  'training-compute': 'training-compute or training-flops',
};

export function claimSchema(ids: ClaimIds) {
  return z
    .strictObject({
      id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected a lower-case id like v3-activation'),
      text: z.string().min(1),
      source: sourceSchema,
      /** What the claim is about; the check must compare that quantity. */
      about: z.enum(claimSubjects).optional(),
      /**
       * The estimate the claim repeats, when its source is a secondary one (a briefing quoting
       * SemiAnalysis): evidence from this source is not independent of the claim.
       */
      basedOn: sourceSchema.optional(),
      check: checkSchema(ids),
      notes: z.string().optional(),
    })
    .superRefine((claim, ctx) => {
      const compares = checkSubject[claim.check.kind];
      if (claim.about === undefined || claim.about === compares) return;
      ctx.addIssue({
        code: 'custom',
        path: ['check', 'kind'],
        message: `the claim is about ${claim.about} but a ${claim.check.kind} check compares ${compares}: claims about different quantities are not compared (use ${suggestion[claim.about] ?? 'a check of that quantity'})`,
      });
    });
}

/**
 * The whole file; `devices` adds hardware the claims name that the catalog lacks (e.g. "a 4 GB GPU"),
 * `prices` API price list entries (catalog price format) the claims name, each with its source.
 */
export function claimsFileSchema(ids: ClaimIds) {
  return z.strictObject({
    version: z.literal(1),
    devices: z.array(deviceSchema).optional(),
    prices: z.array(apiPriceSchema).optional(),
    claims: z.array(claimSchema(ids)),
  });
}

/** The outer shape, checked first so that the devices can join the catalog before ids are checked. */
export const claimsEnvelopeSchema = z.strictObject({
  version: z.literal(1),
  devices: z.array(z.unknown()).optional(),
  prices: z.array(z.unknown()).optional(),
  claims: z.array(z.unknown()),
});

export type Check = z.output<ReturnType<typeof checkSchema>>;
export type Claim = z.output<ReturnType<typeof claimSchema>>;
export type CheckOf<K extends CheckKind> = Extract<Check, { kind: K }>;
export type DisclosureSide = Exclude<CheckOf<'cost-ratio'>['a'], undefined>;
export type PriceSide = (typeof priceSides)[number];
export type HardwareMetric = (typeof hardwareMetrics)[number];
