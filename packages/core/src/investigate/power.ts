import { formatNumber } from '../figure/explain.ts';
import { burstiness, type FeatureVector, normalisedEntropy } from './log-features.ts';

/**
 * The power statement of a run (issue 12, point 3): for this reference, q and number of tests, the
 * smallest campaign that would have been flagged, so that "nothing flagged" says what could and could
 * not have been seen. A campaign is a set of accounts of one profile (below); its accounts are scored
 * by the run's own calibrated model (features, conformal p against the reference, tail fit), and BH
 * flags all k of them whenever each has p <= k q / m (at rank k the BH condition holds whatever the
 * other units do). That is a sufficient condition: the cluster test can flag a campaign whose members
 * it links at smaller sizes, so these sizes are upper bounds on the smallest detectable campaign.
 */
export type CampaignProfileId = 'machine-paced' | 'human-paced';

const profileDescriptions: Record<CampaignProfileId, string> = {
  'machine-paced':
    'every request elicits reasoning with a large max tokens, one private template, the reference median output length and topic spread, requests evenly spaced round the clock over the whole period',
  'human-paced':
    'the same requests sent with the reference median timing (gap regularity and hour-of-day spread), as a campaign with jittered timing would',
};

export interface PowerInputs {
  referenceAccounts: number;
  q: number;
  tests: number;
  /** Days of the observation window: the most active days of any reference account. */
  periodDays: number;
  /** Median output tokens per request over the reference accounts. */
  medianOutputTokens: number;
  /** Reference medians used by the profiles. */
  referenceMedians: { topicCoverage: number; gapRegularity: number; hourEntropy: number };
  /** The p that BH uses for an account with these features, from this run's calibrated model. */
  accountP: (v: FeatureVector) => number;
}

export interface DetectableSize {
  accounts: number;
  /** The fewest requests per account from which every account of the campaign is flagged; null: none up to the largest tried. */
  requestsPerAccount: number | null;
}

export interface PowerProfile {
  profile: CampaignProfileId;
  description: string;
  detectable: DetectableSize[];
  /** The detectable campaign with the fewest requests in all, or null if none is. */
  smallest: { accounts: number; requestsPerAccount: number; requests: number } | null;
  /** Whether the issue's target campaign (4 accounts x 500 requests each) would have been flagged. */
  fourByFiveHundred: boolean;
}

export interface PowerStatement {
  referenceAccounts: number;
  q: number;
  tests: number;
  method: string;
  profiles: PowerProfile[];
  text: string;
}

export const powerCampaignSizes = [1, 2, 4, 8, 16, 32, 64, 128] as const;
export const maxRequestsTried = 1_000_000;

/** Request counts tried: 2 to 10^6, about 10% apart. */
function requestGrid(): number[] {
  const grid: number[] = [];
  for (let r = 2; r <= maxRequestsTried; r = Math.max(r + 1, Math.round(r * 1.1))) grid.push(r);
  return grid;
}

/** The features of one campaign account sending r requests. */
export function campaignFeatures(profile: CampaignProfileId, r: number, inputs: PowerInputs): FeatureVector {
  const days = Math.max(1, Math.min(inputs.periodDays, r));
  const v: FeatureVector = {
    requestsPerDay: r / days,
    outputTokensPerDay: (r * inputs.medianOutputTokens) / days,
    templating: r >= 2 ? 1 : 0,
    topicCoverage: inputs.referenceMedians.topicCoverage,
    reasoningShare: 1,
    largeMaxTokensShare: 1,
    logitBiasSweep: 0,
  };
  if (profile === 'machine-paced') {
    const hours = new Array<number>(24).fill(0);
    for (let i = 0; i < r; i++) hours[i % 24] = (hours[i % 24] as number) + 1;
    v.hourEntropy = normalisedEntropy(hours, 24);
    // A scheduler's gaps: 1% jitter around a fixed period.
    if (r >= 3) v.gapRegularity = -burstiness(r, 1, 0.01);
  } else {
    v.hourEntropy = inputs.referenceMedians.hourEntropy;
    if (r >= 3) v.gapRegularity = inputs.referenceMedians.gapRegularity;
  }
  return v;
}

const grid = requestGrid();

function profilePower(profile: CampaignProfileId, inputs: PowerInputs): PowerProfile {
  const p = grid.map((r) => inputs.accountP(campaignFeatures(profile, r, inputs)));
  const detectable = powerCampaignSizes.map((k) => {
    const threshold = (k * inputs.q) / inputs.tests;
    // The smallest r from which every larger r tried is flagged too (scores need not rise monotonically).
    let from: number | null = null;
    for (let i = grid.length - 1; i >= 0 && (p[i] as number) <= threshold; i--) from = grid[i] as number;
    return { accounts: k, requestsPerAccount: from };
  });
  let smallest: PowerProfile['smallest'] = null;
  for (const d of detectable) {
    if (d.requestsPerAccount === null) continue;
    const requests = d.accounts * d.requestsPerAccount;
    if (smallest === null || requests < smallest.requests)
      smallest = { accounts: d.accounts, requestsPerAccount: d.requestsPerAccount, requests };
  }
  const four = detectable.find((d) => d.accounts === 4);
  return {
    profile,
    description: profileDescriptions[profile],
    detectable,
    smallest,
    fourByFiveHundred: four?.requestsPerAccount !== null && (four?.requestsPerAccount ?? Infinity) <= 500,
  };
}

function describeProfile(p: PowerProfile): string {
  if (p.smallest === null)
    return `a ${p.profile} extraction campaign could not have been flagged at any size tried (up to ${powerCampaignSizes.at(-1)} accounts × ${formatNumber(maxRequestsTried)} requests each)`;
  const sizes = p.detectable
    .filter((d) => d.requestsPerAccount !== null)
    .map((d) => `${d.accounts} × ${formatNumber(d.requestsPerAccount as number)}`)
    .join(', ');
  const alone = p.detectable[0]?.requestsPerAccount === null ? '; no single account alone' : '';
  return `a ${p.profile} extraction campaign would have been flagged from (accounts × requests each) ${sizes}${alone}; 4 × 500 ${p.fourByFiveHundred ? 'would' : 'would not'} have been`;
}

export function powerStatement(inputs: PowerInputs): PowerStatement {
  const profiles = (['machine-paced', 'human-paced'] as const).map((id) => profilePower(id, inputs));
  const text = `Power at q = ${inputs.q} over ${formatNumber(inputs.tests)} tests against ${formatNumber(inputs.referenceAccounts)} reference accounts: ${profiles.map(describeProfile).join('; ')}. Smaller campaigns, and ones without reasoning elicitation or large outputs, could not have been seen on their accounts alone (a cluster of linked accounts can be flagged at smaller sizes).`;
  return {
    referenceAccounts: inputs.referenceAccounts,
    q: inputs.q,
    tests: inputs.tests,
    method: `synthetic campaign accounts of each profile (${profiles.map((p) => `${p.profile}: ${p.description}`).join('; ')}) scored by this run's calibrated model; a campaign of k accounts is flagged when each has p ≤ k q / m (BH at rank k), tried for k in ${powerCampaignSizes.join(', ')} and requests per account from 2 to ${formatNumber(maxRequestsTried)}, about 10% apart`,
    profiles,
    text,
  };
}
