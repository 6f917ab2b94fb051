import type { Catalog } from '../catalog/catalog.ts';
import { InputError } from '../errors/clearbox-error.ts';
import type { Estimator } from '../estimate/estimator.ts';
import { type Figure, figure, named } from '../figure/figure.ts';
import { type BasisId, type BasisPlan, planBases } from './bases.ts';
import { type Completeness, completenessOf, type DisclosureFlag, flagsOf } from './completeness.ts';
import { crossCheck, type Finding } from './cross-checks.ts';
import { type Percentiles, simulateBases } from './monte-carlo.ts';
import { resolveDisclosure } from './resolve.ts';
import { type Disclosure, STAGES, type Stage } from './schema.ts';

export interface DisclosureReportOptions {
  /** N of the lifecycle basis (default: the disclosure's lifecycleYears, else 3). */
  years?: number;
  /** Monte Carlo seed (default 1): the same seed gives byte-identical output. */
  seed?: number;
  /** Monte Carlo draws (default 10,000). */
  draws?: number;
  /** The Estimate engine for the implied-MFU cross-check; without it the check uses disclosed FLOPs only. */
  estimator?: Estimator;
}

export interface BasisResult {
  id: BasisId;
  label: string;
  description: string;
  /** Point total (stated values) with low/high = P10/P90 of the Monte Carlo. */
  total: Figure;
  percentiles: Percentiles;
  /** Cash (billed) total where some items were prepaid or billed apart from their accrual. */
  cash?: Figure;
  /** The total by stage: each a Figure whose inputs are the items' parts. */
  stages: Array<{ stage: Stage; total: Figure }>;
  technical: number;
  commercial: number;
}

export interface DisclosureReport {
  format: 'clearbox-disclosure-report';
  version: 1;
  disclosure: {
    id: string;
    status: Disclosure['status'];
    model: string;
    publisher: string;
    period: { start: string; end: string };
  };
  currency: 'USD';
  options: { years: number; seed: number; draws: number };
  bases: BasisResult[];
  unavailableBases: Array<{ id: BasisId; label: string; reason: string }>;
  revenue: { theoretical?: Figure; actual?: Figure };
  completeness: Completeness;
  flags: DisclosureFlag[];
  findings: Finding[];
}

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

function basisResult(plan: BasisPlan, p: Percentiles, draws: number, seed: number): BasisResult {
  const stages: BasisResult['stages'] = [];
  for (const stage of STAGES) {
    const terms = plan.terms.filter((t) => t.stage === stage);
    if (terms.length === 0) continue;
    stages.push({
      stage,
      total: figure({
        name: `${plan.id}.${stage}`,
        value: sum(terms.map((t) => t.value)),
        unit: 'USD',
        formula: `Σ ${stage} items`,
        inputs: terms.map((t) => t.figure),
      }),
    });
  }
  const total = figure({
    name: plan.id,
    value: sum(stages.map((s) => s.total.value)),
    unit: 'USD',
    formula: `${plan.label} = Σ stages (${plan.description})`,
    inputs: stages.map((s) => s.total),
    low: p.p10,
    high: p.p90,
    note: `range = P10–P90 of ${draws} seeded Monte Carlo draws (seed ${seed}); P50 = ${Math.round(p.p50)} USD`,
  });
  const out: BasisResult = {
    id: plan.id,
    label: plan.label,
    description: plan.description,
    total,
    percentiles: p,
    stages,
    technical: sum(plan.terms.filter((t) => t.class === 'technical').map((t) => t.value)),
    commercial: sum(plan.terms.filter((t) => t.class === 'commercial').map((t) => t.value)),
  };
  if (plan.hasCash)
    out.cash = figure({
      name: `${plan.id}.cash`,
      value: sum(plan.terms.map((t) => t.cash)),
      unit: 'USD',
      formula: 'Σ cash paid (billed), prepaid purchases in full when paid, instead of accrued (effective)',
      inputs: [named('items', plan.terms.length)],
    });
  return out;
}

/**
 * The whole Disclose engine: every accounting basis with its P10/P90 range, completeness, flags and
 * cross-checks against the Estimate engine, from one parsed disclosure. Pure: same input, same output.
 */
export function evaluateDisclosure(
  catalog: Catalog,
  disclosure: Disclosure,
  options: DisclosureReportOptions = {},
): DisclosureReport {
  const years = options.years ?? disclosure.lifecycleYears ?? 3;
  const seed = options.seed ?? 1;
  const draws = options.draws ?? 10_000;
  const rd = resolveDisclosure(catalog, disclosure);
  const plans = planBases(rd, years);
  const available = plans.filter((p) => p.unavailable === undefined);
  const percentiles = simulateBases(
    rd.items.map((r) => r.sampler),
    available,
    { draws, seed },
  );
  const bases = available.map((plan, i) =>
    basisResult(plan, percentiles[i] ?? { p10: 0, p50: 0, p90: 0 }, draws, seed),
  );
  const overflowing = bases.find((b) =>
    [b.total.value, b.total.low ?? 0, b.total.high ?? 0].some((v) => !Number.isFinite(v)),
  );
  if (overflowing)
    throw new InputError(
      `the ${overflowing.label} total overflows the range of numbers: check the largest amounts and quantities`,
      'items',
    );
  const revenue: DisclosureReport['revenue'] = {};
  for (const kind of ['theoretical', 'actual'] as const) {
    const items = rd.items.filter(
      (r) => r.kind === 'revenue' && (r.item.revenueBasis ?? 'theoretical') === kind,
    );
    const recurrences = new Set(items.map((r) => r.item.recurrence ?? 'once'));
    const per = recurrences.size === 1 ? [...recurrences][0] : undefined;
    if (items.length > 0)
      revenue[kind] = figure({
        name: `revenue.${kind}`,
        value: sum(items.map((r) => r.cost.value * r.share.value)),
        unit: per && per !== 'once' ? `USD/${per.replace('per-', '')}` : 'USD',
        formula: `Σ ${kind} revenue items (per their recurrence: not added to any cost basis)`,
        inputs: items.map((r) => r.cost),
      });
  }
  return {
    format: 'clearbox-disclosure-report',
    version: 1,
    disclosure: {
      id: disclosure.id,
      status: disclosure.status,
      model: disclosure.model.name,
      publisher: disclosure.publisher.name,
      period: { start: disclosure.period.start, end: disclosure.period.end },
    },
    currency: 'USD',
    options: { years, seed, draws },
    bases,
    unavailableBases: plans
      .filter((p) => p.unavailable !== undefined)
      .map((p) => ({ id: p.id, label: p.label, reason: p.unavailable ?? '' })),
    revenue,
    completeness: completenessOf(disclosure),
    flags: flagsOf(disclosure),
    findings: crossCheck(catalog, options.estimator, rd),
  };
}
