/**
 * Disclose benchmark. Target (issue 3): a disclosure with 10,000 items and 10,000 Monte Carlo draws
 * reports in under 2 s on one core: JSON text → validation → every basis, completeness, flags,
 * cross-checks and 10^8 item draws. The same process first times the bare PRNG producing the same
 * 10^8 random numbers, and prints the ratio of the report to it, so the result reads the same on a
 * faster or slower machine. The same document as YAML is timed too (the YAML parser alone is slower
 * than the whole report from JSON; it is printed, not part of the target). Generated with a fixed seed.
 */
import { performance } from 'node:perf_hooks';
import {
  createRandom,
  type Disclosure,
  type DisclosureItem,
  disclosureToYaml,
  evaluateDisclosure,
  parseDisclosure,
  STAGES,
} from '@clearbox/core';
import { loadDefaultCatalog } from '@clearbox/store';

const ITEMS = 10_000;
const DRAWS = 10_000;
const TARGET_SECONDS = 2;

/** A large disclosure with every kind of item: owned hardware, GPU-hours priced and unpriced, ranges of each distribution. */
export function syntheticDisclosure(items: number, seed = 11): Disclosure {
  const random = createRandom(seed);
  const distributions = ['lognormal', 'normal', 'uniform', 'triangular'] as const;
  const list: DisclosureItem[] = [
    {
      id: 'cluster',
      stage: 'hardware',
      class: 'commercial',
      description: 'owned H100 cluster',
      quantity: 1024,
      unit: 'GPUs',
      unitPrice: 30000,
      priceBasis: 'billed',
      provision: 'owned',
      hardware: 'h100-sxm',
      evidence: 'disclosed',
      source: { title: 'synthetic', date: '2025-01' },
      owned: { acquired: '2024-06', usefulLifeYears: 5, utilization: 0.8, depreciation: 'straight-line' },
      uncertainty: { lowFactor: 0.9, highFactor: 1.2 },
    },
  ];
  for (let i = 1; i < items; i++) {
    const stage = STAGES[i % STAGES.length] ?? 'final-run';
    const item: DisclosureItem = {
      id: `item-${i}`,
      stage,
      class: i % 3 === 0 ? 'commercial' : 'technical',
      description: `synthetic item ${i}`,
      evidence: i % 4 === 0 ? 'estimated' : 'disclosed',
      priceBasis: 'effective',
      source: { title: 'synthetic', date: '2025-01' },
      uncertainty: {
        distribution: distributions[i % 4] ?? 'lognormal',
        lowFactor: 0.5 + 0.4 * random.nextOpen01(),
        highFactor: 1.1 + random.nextOpen01(),
      },
    };
    if (stage === 'final-run' || stage === 'experiments') {
      item.quantity = Math.round(1000 + 100_000 * random.nextOpen01());
      item.unit = 'GPU-hours';
      item.hardware = 'h100-sxm';
      if (i % 2 === 0) item.unitPrice = 2 + random.nextOpen01();
    } else item.amount = Math.round(1e6 * random.nextOpen01());
    if (stage === 'deployment') item.recurrence = 'per-day';
    list.push(item);
  }
  return {
    version: 1,
    id: 'bench',
    status: 'draft',
    publisher: { name: 'bench' },
    model: { name: 'bench model' },
    period: { start: '2025-01-01', end: '2025-06-30' },
    boundary: { included: ['everything'], excluded: [] },
    quantities: { hardware: 'h100-sxm', gpus: 1024, wallClockDays: 90 },
    items: list,
  };
}

function best<T>(runs: number, f: () => T): { seconds: number; result: T } {
  let seconds = Number.POSITIVE_INFINITY;
  let result: T | undefined;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = f();
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
  }
  return { seconds, result: result as T };
}

export function benchDisclose(): string[] {
  const catalog = loadDefaultCatalog();
  const doc = syntheticDisclosure(ITEMS);
  const file = { path: 'bench.json', text: JSON.stringify(doc) };
  const yamlFile = { path: 'bench.yaml', text: disclosureToYaml(doc) };

  // Baseline: the bare cost of the random numbers (one 32-bit draw per item and draw).
  const baseline = best(3, () => {
    const r = createRandom(1);
    const bits = new Uint32Array(ITEMS);
    let sum = 0;
    for (let d = 0; d < DRAWS; d++) {
      r.fillUint32(bits);
      sum += bits[d % ITEMS] ?? 0;
    }
    return sum;
  });
  const parse = best(3, () => parseDisclosure(file));
  const yaml = best(1, () => parseDisclosure(yamlFile));
  const report = best(3, () => evaluateDisclosure(catalog, parseDisclosure(file), { draws: DRAWS, seed: 1 }));
  const json = best(3, () => JSON.stringify(report.result).length);

  const total = report.seconds;
  const ok = total < TARGET_SECONDS;
  return [
    `disclosure: ${ITEMS} items (${(file.text.length / 1e6).toFixed(1)} MB of JSON), ${DRAWS} Monte Carlo draws, ${report.result.bases.length} bases`,
    `baseline, bare PRNG × ${(ITEMS * DRAWS).toExponential(0)} numbers: ${baseline.seconds.toFixed(2)} s`,
    `parse + validate only: ${parse.seconds.toFixed(2)} s (the same document as YAML: ${yaml.seconds.toFixed(2)} s, not part of the target)`,
    `report (parse, validate, bases, Monte Carlo, completeness, cross-checks): ${total.toFixed(2)} s = ${(total / baseline.seconds).toFixed(2)}× the baseline; target < ${TARGET_SECONDS} s ${ok ? 'OK' : 'FAIL'}`,
    `JSON of the report: ${(json.result / 1e6).toFixed(1)} MB in ${json.seconds.toFixed(2)} s (not part of the target)`,
  ];
}
