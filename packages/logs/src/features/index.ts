import type { Feature } from './feature.ts';
import { largeRequests } from './large-requests.ts';
import { ips, userAgents } from './links.ts';
import { logitBiasSweep } from './logit-bias-sweep.ts';
import { reasoning } from './reasoning.ts';
import { templates } from './templates.ts';
import { timing } from './timing.ts';
import { topics } from './topics.ts';
import { volume } from './volume.ts';

export type { Cell, Dialect, Feature, FeatureParameters, FeatureSql } from './feature.ts';
export { TOPIC_SAMPLE } from './topics.ts';

/** Every per-account statistic, each with its SQL in both dialects (features/<name>.ts). */
export const features: readonly Feature[] = [
  volume,
  reasoning,
  largeRequests,
  timing,
  topics,
  templates,
  logitBiasSweep,
  ips,
  userAgents,
];
