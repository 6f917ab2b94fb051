import { type Figure, figure, named } from '../figure/figure.ts';
import { type Disclosure, STAGES, type Stage } from './schema.ts';

export type StageStatus = 'disclosed' | 'estimated' | 'missing' | 'not-applicable';

export interface StageCompleteness {
  stage: Stage;
  status: StageStatus;
  items: number;
}

export interface Completeness {
  /** 0–1: disclosed stages count 1, estimated ones ½, missing 0, over the applicable stages. */
  score: Figure;
  stages: StageCompleteness[];
}

export type FlagId =
  | 'rental-only'
  | 'no-boundary'
  | 'no-uncertainty'
  | 'unlabeled-basis'
  | 'theoretical-revenue-as-actual'
  | 'shared-without-allocation-key';

export interface DisclosureFlag {
  id: FlagId;
  message: string;
  /** The items that raised it, by id. */
  items: string[];
}

/**
 * Per stage: disclosed when any item of the stage is the publisher's own disclosed number, estimated
 * when items exist but all are estimates (own, third-party or imputed), missing otherwise. Stages the
 * boundary declares not applicable leave the denominator. Equal weights: a stage is a stage
 * (FMTI scores each indicator 0/1 the same way).
 */
export function completenessOf(d: Disclosure): Completeness {
  const notApplicable = new Set(d.boundary?.notApplicable ?? []);
  const stages: StageCompleteness[] = STAGES.map((stage) => {
    const items = d.items.filter((i) => i.stage === stage && (i.kind ?? 'cost') === 'cost');
    const revenue = d.items.filter((i) => i.stage === stage && i.kind === 'revenue');
    const all = [...items, ...revenue];
    let status: StageStatus;
    if (notApplicable.has(stage) && all.length === 0) status = 'not-applicable';
    else if (all.some((i) => i.evidence === 'disclosed')) status = 'disclosed';
    else if (all.length > 0) status = 'estimated';
    else status = 'missing';
    return { stage, status, items: all.length };
  });
  const applicable = stages.filter((s) => s.status !== 'not-applicable');
  const disclosed = applicable.filter((s) => s.status === 'disclosed').length;
  const estimated = applicable.filter((s) => s.status === 'estimated').length;
  const score = figure({
    name: 'completeness',
    value: applicable.length === 0 ? 0 : (disclosed + 0.5 * estimated) / applicable.length,
    unit: 'fraction',
    formula: '(disclosed stages + ½ · estimated stages) / applicable stages',
    inputs: [
      named('disclosed stages', disclosed),
      named('estimated stages', estimated),
      named('applicable stages', applicable.length),
    ],
  });
  return { score, stages };
}

/** Hard flags: the ways a disclosure misleads most often (reference/disclosure.md, lessons 1–8). */
export function flagsOf(d: Disclosure): DisclosureFlag[] {
  const flags: DisclosureFlag[] = [];
  const costs = d.items.filter((i) => (i.kind ?? 'cost') === 'cost');
  const has = (stage: string) => costs.some((i) => i.stage === stage);
  const finalRun = costs.filter((i) => i.stage === 'final-run');
  if (finalRun.length > 0 && !has('hardware') && !has('experiments') && !has('staff') && !has('data'))
    flags.push({
      id: 'rental-only',
      message:
        'only the final run is priced (at a rental rate): no hardware, experiments, data or staff; this is one basis of the cost, not the cost of the model',
      items: finalRun.map((i) => i.id),
    });
  if (!d.boundary || (d.boundary.included.length === 0 && d.boundary.excluded.length === 0))
    flags.push({
      id: 'no-boundary',
      message: 'no boundary: the disclosure does not say what is in and out of the total',
      items: [],
    });
  if (!d.items.some((i) => i.uncertainty !== undefined))
    flags.push({
      id: 'no-uncertainty',
      message: 'no item gives a range: every total is a point value with no stated uncertainty',
      items: [],
    });
  const unlabeled = d.items.filter(
    (i) => i.priceBasis === undefined && (i.unitPrice !== undefined || i.amount !== undefined),
  );
  if (unlabeled.length > 0)
    flags.push({
      id: 'unlabeled-basis',
      message: `${unlabeled.length} priced item${unlabeled.length === 1 ? ' does' : 's do'} not say whether the price is list, contracted, billed or effective`,
      items: unlabeled.map((i) => i.id),
    });
  // Tokens × list price is what revenue would be if every token were billed: theoretical by construction.
  const revenue = d.items.filter((i) => i.kind === 'revenue');
  const asActual = revenue.filter(
    (i) => i.revenueBasis === undefined || (i.revenueBasis === 'actual' && i.priceBasis === 'list'),
  );
  if (asActual.length > 0)
    flags.push({
      id: 'theoretical-revenue-as-actual',
      message:
        'revenue that is not labeled theoretical, or is computed at list price but labeled actual: list price × tokens is theoretical revenue',
      items: asActual.map((i) => i.id),
    });
  const shared = d.items.filter(
    (i) => (i.shared === true || (i.level ?? 'model') === 'fleet') && i.allocation === undefined,
  );
  if (shared.length > 0)
    flags.push({
      id: 'shared-without-allocation-key',
      message:
        'shared or fleet-wide costs without an allocation key: they cannot be attributed to the model reproducibly',
      items: shared.map((i) => i.id),
    });
  return flags;
}
