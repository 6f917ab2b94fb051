/**
 * Decide benchmark: the self-hosting plan search is the hot loop. One workload (the support-bot chat
 * product) is searched over EVERY catalog model and device: devices per replica × TP/EP split × weight
 * and KV format × batch, pruning configurations whose weights cannot fit before any kernel run.
 * Target: the full search in under 1 s on one core, as Decide runs it: the kernel half (`evaluatePlans`),
 * one pricing that keeps what Decide reports (`summarizePlans`) and Decide's reads of it. Each sensitivity
 * scenario is one more pricing of the same plans, and `decide()` itself is timed over every model (its
 * own line, no target). Baseline, same process: the same kind of plan
 * evaluated through the Figure-building path (`estimateInference`), on a fixed sample; the ratio says
 * how much the plain-number kernel path buys. Best of 3 runs; the grid and order are deterministic.
 */
import { performance } from 'node:perf_hooks';
import {
  costAssumptions,
  createEstimator,
  decide,
  evaluatePlans,
  parseWorkload,
  searchPlans,
  summarizePlans,
  workloadSchema,
} from '@clearbox/core';
import { defaultDataDir, loadDefaultCatalog, loadShippedCalibration, readTextFile } from '@clearbox/store';

export function benchDecide(): string[] {
  const catalog = loadDefaultCatalog();
  const estimator = createEstimator(catalog, loadShippedCalibration);
  const workload = parseWorkload(readTextFile(`${defaultDataDir}/workloads/support-bot.yaml`), catalog);
  const assumptions = costAssumptions();
  const options = {
    catalog,
    efficiencies: estimator.efficiencies,
    workload,
    models: catalog.models,
    devices: catalog.devices,
  };
  const search = () => {
    const evaluated = evaluatePlans(options);
    const summary = summarizePlans(evaluated, { assumptions });
    // What Decide reads next: the cheapest configurations (ranked on first read) and each pair's cheapest.
    const ok = evaluated.groups.findIndex((g) => g.status === 'ok');
    if (summary.configurations.length > 0) summary.configurations.candidate(0);
    if (ok >= 0) summary.configurations.cheapestOfPair(ok, 'rent');
    return { evaluated, summary };
  };
  // Wall and CPU time of the best run: on a shared machine the wall clock also counts waiting for a
  // core, so CPU time (user + system) is what "on one core" means.
  let seconds = Number.POSITIVE_INFINITY;
  let cpuSeconds = Number.POSITIVE_INFINITY;
  let result = search();
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    result = search();
    const c = process.cpuUsage(c0);
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
    cpuSeconds = Math.min(cpuSeconds, (c.user + c.system) / 1e6);
  }
  const s = result.evaluated.stats;
  const rate = s.plansEvaluated / seconds;

  // One sensitivity scenario (GPU price +30%, traffic ×2): a pricing of the plans already evaluated.
  let pricingCpuSeconds = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const c0 = process.cpuUsage();
    summarizePlans(result.evaluated, { assumptions, priceScale: 1.3, trafficScale: 2 });
    const c = process.cpuUsage(c0);
    pricingCpuSeconds = Math.min(pricingCpuSeconds, (c.user + c.system) / 1e6);
  }

  // Decide end to end over every catalog model (API plans, the search, the seven sensitivity pricings,
  // the reported plans explained as Figures), best of 2.
  const everyModel = workloadSchema.parse({
    ...JSON.parse(JSON.stringify(workload)),
    quality: { ...workload.quality, minModels: catalog.models.map((m) => m.id) },
  });
  let decideCpuSeconds = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 2; i++) {
    const c0 = process.cpuUsage();
    decide(catalog, estimator.efficiencies, everyModel);
    const c = process.cpuUsage(c0);
    decideCpuSeconds = Math.min(decideCpuSeconds, (c.user + c.system) / 1e6);
  }

  // Baseline: plans of the same shape through the explained path (a fixed sample of every candidate, the
  // full list that `searchPlans` returns, untimed).
  const all = searchPlans({ ...options, assumptions });
  const sample = all.candidates.filter((_, i) => i % 97 === 0).slice(0, 200);
  let baseSeconds = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    for (const c of sample) {
      estimator.inference({
        model: c.model.id,
        hardware: c.device.id,
        count: c.count,
        tensorParallel: c.tp,
        expertParallel: c.ep,
        weights: c.weights,
        kv: c.kv,
        engine: c.engine,
        batch: c.batch,
        inputTokens: workload.inputTokens.mean,
        outputTokens: workload.outputTokens.mean,
      });
    }
    baseSeconds = Math.min(baseSeconds, (performance.now() - t0) / 1000);
  }
  const baseRate = sample.length / baseSeconds;
  // The summary must count what the full list holds (a cheap guard that both paths see the same plans).
  const consistent = all.candidates.length === result.summary.candidates;
  const verdict = cpuSeconds < 1 && consistent ? 'PASS' : 'FAIL';
  const feasible = result.evaluated.groups.filter((g) => g.status === 'ok').length;
  return [
    `plan search, ${workload.name} over all ${catalog.models.length} models × ${catalog.devices.length} devices: ${s.configurations.toLocaleString('en-US')} configurations, ${s.prunedByWeights.toLocaleString('en-US')} pruned before evaluation, ${s.plansEvaluated.toLocaleString('en-US')} plans evaluated (${s.kernelRuns.toLocaleString('en-US')} kernel runs), ${s.plansMeetingSlo.toLocaleString('en-US')} meet the SLO (${result.summary.candidates.toLocaleString('en-US')} priced candidates, one per plan and acquisition mode${consistent ? '' : `; the full list holds ${all.candidates.length.toLocaleString('en-US')}: FAIL`}), ${feasible} model×device pairs feasible`,
    `  time: ${(cpuSeconds * 1000).toFixed(0)} ms CPU, ${(seconds * 1000).toFixed(0)} ms wall (best of 3)   target < 1 s on one core (CPU): ${verdict}`,
    `  each sensitivity scenario prices the same plans again: ${(pricingCpuSeconds * 1000).toFixed(1)} ms CPU (best of 3; Decide's table has 7); decide() over every model, sensitivity included: ${(decideCpuSeconds * 1000).toFixed(0)} ms CPU (best of 2)`,
    `  ${Math.round(rate).toLocaleString('en-US')} plans evaluated/s; baseline ${Math.round(baseRate).toLocaleString('en-US')} plans/s through estimateInference (Figures), ratio ${(rate / baseRate).toFixed(1)}×`,
  ];
}
