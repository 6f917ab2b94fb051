import { findDevice, findModel } from '../../catalog/catalog.ts';
import type { InferenceEstimate, InferenceOptions } from '../../estimate/inference.ts';
import { type Figure, figure } from '../../figure/figure.ts';
import type { CheckOf } from '../claim-schema.ts';
import { claimedValue, describeClaimed, matchClaimed } from '../claimed.ts';
import type { AuditContext } from '../context.ts';
import type { CheckOutcome, Verdict } from '../verdict.ts';
import { claimedFigure, num } from './common.ts';

type Per = 'user' | 'aggregate';
/** Searching for the smallest replica stops here (a Groq deployment of a 671B model needs thousands of chips). */
const MAX_SEARCH_COUNT = 1 << 14;

export const verdictSeverity: Record<Verdict, number> = {
  holds: 0,
  'holds-on-basis': 1,
  plausible: 1,
  misleading: 2,
  unverifiable: 3,
  false: 4,
  implausible: 5,
};

/** The smallest device count (a power of two, or any count up to 8) whose memory holds the model at batch 1. */
export function smallestFittingCount(ctx: AuditContext, options: InferenceOptions): number | undefined {
  for (let count = 1; count <= MAX_SEARCH_COUNT; count = count < 8 ? count + 1 : count * 2) {
    if (ctx.estimator.inference({ ...options, count, batch: 1 }).fits) return count;
  }
  return undefined;
}

interface Run {
  estimate: InferenceEstimate;
  /** The same configuration at 100% compute and memory efficiency: the physical ceiling. */
  ceiling: InferenceEstimate;
  count: number;
  countSearched: boolean;
}

function run(
  ctx: AuditContext,
  options: InferenceOptions,
  per: Per,
  count: number | undefined,
): Run | undefined {
  const found = count ?? smallestFittingCount(ctx, options);
  if (found === undefined) return undefined;
  const o: InferenceOptions = {
    ...options,
    count: found,
    batch: options.batch ?? (per === 'user' ? 1 : 'max'),
  };
  return {
    estimate: ctx.estimator.inference(o),
    ceiling: ctx.estimator.inference({ ...o, efficiencyCompute: 1, efficiencyMemory: 1 }),
    count: found,
    countSearched: count === undefined,
  };
}

function tps(e: InferenceEstimate, per: Per): Figure {
  return per === 'user' ? e.throughput.perUserTokensPerSecond : e.throughput.outputTokensPerSecond;
}

interface PerReading {
  per: Per;
  verdict: Verdict;
  sentence: string;
  figures: Figure[];
}

function readTokensPerSecond(check: CheckOf<'throughput'>, r: Run, per: Per, where: string): PerReading {
  const claimed = check.claimed ?? 0;
  const predicted = tps(r.estimate, per);
  const ceiling = figure({ ...tps(r.ceiling, per), name: `${predicted.name}Ceiling` });
  ceiling.note = 'same configuration at 100% compute and memory efficiency: no implementation can beat it';
  const said = describeClaimed(claimed, check.tolerance);
  const what =
    per === 'user' ? 'tokens/s for one user' : `tokens/s in aggregate (batch ${r.estimate.batch.value})`;
  const figures = [predicted, ceiling];
  const head = `${where}: about ${num(predicted.value)} ${what}, at most ${num(ceiling.value)} at perfect efficiency.`;
  // A speed claim is achievable when the computed speed reaches it (or matches it within the tolerance).
  const reaches = (value: number) => {
    const m = matchClaimed(claimed, value, check.tolerance);
    return m.holds || m.factor >= 1;
  };
  if (!r.estimate.fits)
    return { per, verdict: 'false', sentence: `${where} does not fit in memory.`, figures };
  if (reaches(predicted.value))
    return { per, verdict: 'holds', sentence: `${head} The claimed ${said} is within that.`, figures };
  if (reaches(ceiling.value))
    return {
      per,
      verdict: 'holds-on-basis',
      sentence: `${head} The claimed ${said} needs efficiencies above those measured on this hardware class.`,
      figures,
    };
  return {
    per,
    verdict: 'implausible',
    sentence: `${head} The claimed ${said} exceeds what the hardware's compute and memory bandwidth allow.`,
    figures,
  };
}

/** Claimed tokens/s (per user or aggregate) and "N× faster than" against the roofline estimate and its ceiling. */
export function checkThroughput(ctx: AuditContext, check: CheckOf<'throughput'>): CheckOutcome {
  const model = findModel(ctx.catalog, check.model);
  const device = findDevice(ctx.catalog, check.hardware);
  const options: InferenceOptions = { model: model.id, hardware: device.id };
  if (check.weights !== undefined) options.weights = check.weights;
  if (check.engine !== undefined) options.engine = check.engine;
  if (check.batch !== undefined) options.batch = check.batch;
  if (check.input !== undefined) options.inputTokens = check.input;
  if (check.output !== undefined) options.outputTokens = check.output;
  let pers: Per[] = check.per ? [check.per] : ['user', 'aggregate'];
  const readings: PerReading[] = [];
  const assumptions: string[] = [
    'Roofline estimate with efficiencies calibrated on published measurements; the ceiling sets both to 100%.',
  ];
  const sentences: string[] = [];
  const figures: Figure[] = [];
  let verdict: Verdict = 'holds';
  const runs = new Map<Per, Run>();
  for (const per of pers) {
    const r = run(ctx, options, per, check.count);
    if (!r) {
      // Only reached when the claim names no count: the estimator, not the claim, has run out.
      const one = ctx.estimator.inference({ ...options, batch: 1 });
      return {
        verdict: 'unverifiable',
        explanation: `Clearbox's estimator finds no count of ${device.name} (up to ${num(MAX_SEARCH_COUNT)}) that holds ${model.name}: it needs ${num(one.memory.totalBytes.value / 1e9)} GB on one device, including a runtime overhead of ${num(one.memory.overheadBytes.value / 1e9)} GB per device, against ${num(one.memory.capacityBytes.value / 1e9)} GB each. The speed cannot be computed until the estimator models this hardware's memory.`,
        figures: [one.memory.overheadBytes, one.memory.capacityBytes],
        assumptions: [
          ...assumptions,
          'A per-device memory model for this hardware class (e.g. no runtime reserve on SRAM-only chips) would make the claim checkable.',
        ],
      };
    }
    runs.set(per, r);
  }
  // At batch 1 an "aggregate" is one user's speed: not a second reading of the claim.
  const aggregate = runs.get('aggregate');
  if (!check.per && aggregate && aggregate.estimate.batch.value <= 1) {
    pers = ['user'];
    assumptions.push(
      `The largest batch that fits ${num(aggregate.count)} devices is 1, so there is no aggregate reading distinct from one user's speed.`,
    );
    if (check.claimed !== undefined) {
      const perUser = tps(aggregate.estimate, 'user').value;
      const replicas = Math.ceil(claimedValue(check.claimed) / perUser);
      assumptions.push(
        `As an aggregate over a deployment, ${num(claimedValue(check.claimed))} tokens/s would take ${num(replicas)} replicas of ${num(aggregate.count)} devices (${num(replicas * aggregate.count)} devices) each serving one user: the claim names no deployment, so that reading is not checked.`,
      );
    }
  }
  const firstRun = runs.get(pers[0] ?? 'user') as Run;
  if (firstRun.countSearched)
    assumptions.push(
      `Devices: not stated, so the smallest count that holds the model (${num(firstRun.count)}) is assumed.`,
    );
  const where = `${model.name} (${firstRun.estimate.weights}) on ${num(firstRun.count)} ${device.name}`;
  if (check.claimed !== undefined) {
    for (const per of pers) readings.push(readTokensPerSecond(check, runs.get(per) as Run, per, where));
    figures.push(claimedFigure('claimedTokensPerSecond', check.claimed, 'tokens/s', check.tolerance));
    for (const r of readings) figures.push(...r.figures);
    if (pers.length === 1) {
      const only = readings[0] as PerReading;
      verdict = only.verdict;
      sentences.push(only.sentence);
    } else {
      const best = readings.reduce((a, b) =>
        verdictSeverity[b.verdict] < verdictSeverity[a.verdict] ? b : a,
      );
      const worst = readings.reduce((a, b) =>
        verdictSeverity[b.verdict] > verdictSeverity[a.verdict] ? b : a,
      );
      verdict =
        best.verdict === worst.verdict
          ? best.verdict
          : best.verdict === 'holds'
            ? 'holds-on-basis'
            : best.verdict;
      sentences.push(
        ...readings.map((r) => `${r.per === 'user' ? 'Per user' : 'In aggregate'}: ${r.sentence}`),
      );
      if (best.verdict !== worst.verdict)
        assumptions.push(
          `The claim does not say per user or aggregate: it ${best.verdict === 'holds' ? 'holds' : 'comes closest'} as ${best.per === 'user' ? 'a per-user speed' : 'an aggregate throughput'}.`,
        );
    }
  }
  if (check.versus !== undefined && check.claimedRatio !== undefined) {
    const vs = findDevice(ctx.catalog, check.versus.hardware);
    const per: Per = check.per ?? 'user';
    const mine = runs.get(per) ?? (run(ctx, options, per, check.count) as Run);
    const vsOptions: InferenceOptions = { ...options, hardware: vs.id };
    if (check.versus.weights !== undefined) vsOptions.weights = check.versus.weights;
    const theirs = run(ctx, vsOptions, per, check.versus.count);
    if (!theirs) {
      sentences.push(
        `${model.name} does not fit on any number of ${vs.name} searched, so the speed-up cannot be computed.`,
      );
      verdict = verdictSeverity[verdict] >= verdictSeverity.unverifiable ? verdict : 'unverifiable';
    } else {
      const ratio = figure({
        name: 'speedup',
        value: tps(mine.estimate, per).value / tps(theirs.estimate, per).value,
        unit: 'ratio',
        formula: `tokens/s on ${device.id} / tokens/s on ${vs.id} (${per === 'user' ? 'per user' : 'aggregate'}, same model and workload)`,
        inputs: [tps(mine.estimate, per), tps(theirs.estimate, per)],
      });
      const ceilingRatio = figure({
        name: 'speedupAtCeilings',
        value: tps(mine.ceiling, per).value / tps(theirs.ceiling, per).value,
        unit: 'ratio',
        formula: 'the same ratio with both at 100% efficiency',
        inputs: [tps(mine.ceiling, per), tps(theirs.ceiling, per)],
      });
      figures.push(
        ratio,
        ceilingRatio,
        claimedFigure('claimedSpeedup', check.claimedRatio, 'ratio', check.tolerance),
      );
      const said = describeClaimed(check.claimedRatio, check.tolerance);
      const against = `${num(theirs.count)} ${vs.name}${theirs.countSearched ? ' (the smallest count that holds the model)' : ''}`;
      // As with a speed, a speed-up is achieved when the computed one reaches it: "10× faster" holds
      // when the estimate is 10× or more (the explanation says when the claim understates it).
      const reached = (x: number) => {
        const m = matchClaimed(check.claimedRatio as never, x, check.tolerance);
        return m.holds || m.factor >= 1;
      };
      const onEstimate = reached(ratio.value);
      const onCeiling = reached(ceilingRatio.value);
      const ratioVerdict: Verdict = onEstimate ? 'holds' : onCeiling ? 'holds-on-basis' : 'false';
      sentences.push(
        `Against ${against}, ${device.name} is ${num(ratio.value)}× as fast ${per === 'user' ? 'per user' : 'in aggregate'} (${num(ceilingRatio.value)}× at perfect efficiency on both); claimed ${said}: ${onEstimate ? (matchClaimed(check.claimedRatio as never, ratio.value, check.tolerance).holds ? 'matches' : 'reached (the claim understates the estimate)') : onCeiling ? 'reached only at the ceilings' : 'not reached'}.`,
      );
      if (
        verdictSeverity[ratioVerdict] > verdictSeverity[verdict] ||
        (verdict === 'holds' && ratioVerdict !== 'holds')
      )
        verdict = ratioVerdict;
      assumptions.push(
        'A different device count on either side changes the speed-up: per-user speed is set by memory bandwidth and interconnect.',
      );
    }
  }
  return { verdict, explanation: sentences.join(' '), figures, assumptions };
}
