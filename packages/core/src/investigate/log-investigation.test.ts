import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../random/distributions.ts';
import { extractionScore, scoreDrivers } from './extraction-score.ts';
import { type AccountStats, TOPIC_BUCKETS } from './log-features.ts';
import { defaultLogOptions, investigateLogs } from './log-investigation.ts';

/** An ordinary account: lognormal volume, bursty working-hour gaps, a few topics, rare reasoning asks. */
function benign(rng: Rng, account: string, reference: boolean): AccountStats {
  const requests = Math.max(1, Math.round(30 * Math.exp(0.9 * rng.normal())));
  const activeDays = Math.min(14, 1 + rng.int(Math.min(14, requests)));
  const hours = new Array<number>(24).fill(0);
  const centre = 8 + rng.int(10);
  for (let i = 0; i < requests; i++) {
    const h = (centre + Math.round(2 * rng.normal()) + 24) % 24;
    hours[h] = (hours[h] as number) + 1;
  }
  const topics = new Array<number>(TOPIC_BUCKETS).fill(0);
  const own = Array.from({ length: 1 + rng.int(4) }, () => rng.int(TOPIC_BUCKETS));
  for (let i = 0; i < Math.ceil(requests / 4); i++) {
    const t = rng.pick(own);
    topics[t] = (topics[t] as number) + 1;
  }
  const gapMean = (activeDays * 86_400_000) / requests;
  return {
    account,
    reference,
    requests,
    inputTokens: requests * 200,
    outputTokens: Math.round(requests * 350 * Math.exp(0.5 * rng.normal())),
    activeDays,
    reasoningRequests: rng.next() < 0.1 ? 1 : 0,
    largeMaxTokensRequests: 0,
    gapCount: requests - 1,
    gapMean,
    gapSd: gapMean * (1 + 2 * rng.next()),
    hours,
    topics,
    templates: rng.next() < 0.3 ? [[`private-${account}`, Math.ceil(requests / 2)]] : [],
    logitBiasSweep: 0,
    ips: [],
    userAgents: [],
  };
}

/** An honest batch pipeline: one private template, high volume, machine timing, one-token outputs. */
function batch(account: string): AccountStats {
  const requests = 4000;
  return {
    account,
    reference: false,
    requests,
    inputTokens: requests * 40,
    outputTokens: requests,
    activeDays: 14,
    reasoningRequests: 0,
    largeMaxTokensRequests: 0,
    gapCount: requests - 1,
    gapMean: 300_000,
    gapSd: 3_000,
    hours: new Array<number>(24).fill(requests / 24),
    topics: Object.assign(new Array<number>(TOPIC_BUCKETS).fill(0), { 0: requests / 4 }),
    templates: [[`batch-${account}`, requests]],
    logitBiasSweep: 0,
    ips: [],
    userAgents: [],
  };
}

/** A naive extraction account at least as extreme as the power statement's machine-paced profile. */
function machinePaced(account: string, requests: number, outputPerRequest: number): AccountStats {
  const gapMean = (14 * 86_400_000) / requests;
  return {
    account,
    reference: false,
    requests,
    inputTokens: requests * 200,
    outputTokens: requests * outputPerRequest,
    activeDays: Math.min(14, requests),
    reasoningRequests: requests,
    largeMaxTokensRequests: requests,
    gapCount: requests - 1,
    gapMean,
    gapSd: gapMean * 0.01,
    hours: Array.from({ length: 24 }, (_, h) => Math.floor(requests / 24) + (h < requests % 24 ? 1 : 0)),
    topics: new Array<number>(TOPIC_BUCKETS).fill(Math.ceil(requests / 4 / TOPIC_BUCKETS)),
    templates: [[`naive-${account}`, requests]],
    logitBiasSweep: 0,
    ips: [],
    userAgents: [],
  };
}

function population(seed: number, referenceAccounts: number, tested: number): AccountStats[] {
  const rng = createRng(seed);
  return [
    ...Array.from({ length: referenceAccounts }, (_, i) => benign(rng, `ref-${i}`, true)),
    ...Array.from({ length: tested }, (_, i) => benign(rng, `acct-${i}`, false)),
  ];
}

describe('the extraction score', () => {
  it('lets automation corroborate harvest evidence but never create it', () => {
    const floor = 1 / 501;
    const cMax = Math.log(501);
    const families = ['harvest', 'harvest', 'automation', 'automation', 'automation'] as const;
    // A batch pipeline: every automation feature at its floor, no harvest evidence.
    const pipeline = extractionScore([1, 1, floor, floor, floor], families, cMax);
    expect(pipeline.automation).toBeCloseTo(3 * cMax, 10);
    expect(pipeline.score).toBe(0);
    // A lone sweeper: one harvest feature at its floor unlocks its automation in full.
    expect(extractionScore([floor, 1, floor, floor, floor], families, cMax).score).toBeCloseTo(4 * cMax, 10);
    // Half of one floor's worth of harvest evidence counts half the automation.
    const half = Math.exp(-cMax / 2);
    expect(extractionScore([half, 1, floor, 1, 1], families, cMax).score).toBeCloseTo(
      cMax / 2 + cMax / 2,
      10,
    );
    const drivers = scoreDrivers(
      ['reasoningShare', 'largeMaxTokensShare', 'requestsPerDay', 'gapRegularity', 'hourEntropy'],
      [floor, 1, floor, 0.5, 1],
      families,
      cMax,
    );
    expect(drivers.map((d) => d.id)).toEqual(['reasoningShare', 'requestsPerDay', 'gapRegularity']);
    expect(drivers.reduce((s, d) => s + d.share, 0)).toBeCloseTo(1, 10);
  });
});

describe('investigateLogs: batch pipelines, power statement and drivers', () => {
  it('leaves an honest batch pipeline with ordinary accounts (the plain sum of every feature flagged it)', () => {
    const stats = [...population(3, 1000, 600), batch('pipeline-1'), batch('pipeline-2')];
    const r = investigateLogs(stats, { ...defaultLogOptions, q: 0.05 });
    const flagged = new Set(r.flagged.flatMap((f) => f.accounts));
    expect(flagged.has('pipeline-1')).toBe(false);
    expect(flagged.has('pipeline-2')).toBe(false);
    const pipeline = r.accountPValues.find((u) => u.account === 'pipeline-1');
    expect(pipeline?.pTail).toBeGreaterThan(0.01);
  });

  it('flags every campaign its power statement says it would, and says what drives each flag', () => {
    const base = population(5, 1000, 600);
    const probe = investigateLogs(base, { ...defaultLogOptions, q: 0.01 });
    const power = probe.calibration.power;
    expect(power.tests).toBe(probe.tested.total);
    const machine = power.profiles.find((p) => p.profile === 'machine-paced');
    const four = machine?.detectable.find((d) => d.accounts === 4)?.requestsPerAccount;
    expect(four, power.text).not.toBeNull();
    expect(power.text).toMatch(/^Power at q = 0\.01 over 600 tests against 1,000 reference accounts/);
    // Four accounts of that size (one fewer benign account keeps the number of tests): all flagged.
    const median = 350;
    const campaign = Array.from({ length: 4 }, (_, i) =>
      machinePaced(`naive-${i}`, four as number, median * 2),
    );
    const r = investigateLogs([...base.slice(0, -4), ...campaign], { ...defaultLogOptions, q: 0.01 });
    const flagged = new Set(r.flagged.flatMap((f) => f.accounts));
    for (const c of campaign) expect(flagged.has(c.account), c.account).toBe(true);
    const unit = r.flagged.find((f) => f.account === 'naive-0');
    const drivers = unit?.drivers.map((d) => d.id) ?? [];
    expect(drivers).toContain('reasoningShare');
    expect(drivers).toContain('largeMaxTokensShare');
    // A larger q needs no larger campaign.
    const loose = investigateLogs(base, { ...defaultLogOptions, q: 0.05 }).calibration.power;
    const looseFour = loose.profiles[0]?.detectable.find((d) => d.accounts === 4)?.requestsPerAccount;
    expect(looseFour as number).toBeLessThanOrEqual(four as number);
  });
});
