import { z } from 'zod';
import { sourceSchema } from '../catalog/schema.ts';
import { calendarDateSchema } from '../input/dates.ts';

/**
 * Signals file, version 1: data series (inline points or a CSV `date,value` file beside the signals
 * file) and threshold rules over them. A rule has exactly one condition: below, above, crosses or
 * change (over N periods); `for` asks for N consecutive periods.
 */
const dateField = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  calendarDateSchema,
);
const finite = z.number().refine(Number.isFinite, 'expected a finite number');

export const pointSchema = z.strictObject({
  date: dateField,
  value: finite,
  source: sourceSchema.optional(),
});

export const seriesSchema = z.union(
  [z.strictObject({ csv: z.string().min(1) }), z.strictObject({ points: z.array(pointSchema).min(1) })],
  { error: 'expected series: { csv: FILE } or series: { points: [{ date, value }] }' },
);

export const severitySchema = z.enum(['info', 'warning', 'critical']);

const common = {
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected a lower-case id like gross-margin-below-65'),
  /** Consecutive periods the condition must hold before the rule fires (default 1). */
  for: z.number().int().positive().optional(),
  severity: severitySchema.default('warning'),
  note: z.string().optional(),
};

export const ruleSchema = z.union(
  [
    z.strictObject({ ...common, below: finite }),
    z.strictObject({ ...common, above: finite }),
    z.strictObject({ ...common, crosses: finite, direction: z.enum(['up', 'down', 'either']).optional() }),
    z.strictObject({
      ...common,
      change: z
        .strictObject({
          periods: z.number().int().positive(),
          below: finite.optional(),
          above: finite.optional(),
          /** Relative change (value / earlier − 1) instead of the difference in the series' unit. */
          relative: z.boolean().optional(),
        })
        .refine((c) => c.below !== undefined || c.above !== undefined, 'give change.below or change.above'),
    }),
  ],
  { error: 'expected a rule with id and one of below, above, crosses or change' },
);

export const signalSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected a lower-case id like nvidia-gross-margin'),
  name: z.string().min(1),
  unit: z.string().min(1),
  period: z.enum(['day', 'week', 'month', 'quarter', 'year']).optional(),
  source: sourceSchema.optional(),
  series: seriesSchema,
  rules: z.array(ruleSchema).min(1),
  notes: z.string().optional(),
});

export const signalsFileSchema = z.strictObject({
  version: z.literal(1),
  signals: z.array(signalSchema).min(1),
});

export type Point = z.output<typeof pointSchema>;
export type Rule = z.output<typeof ruleSchema>;
export type Signal = z.output<typeof signalSchema>;
export type Severity = z.output<typeof severitySchema>;
