import { z } from 'zod';
import { openProbability, seedNumber, wholeNumber } from '../input/numbers.ts';

/**
 * Options of the investigate tests as the CLI flags and the HTTP API give them: one schema, so
 * `--alpha 0` and `{"alpha": 0}` are refused with the same words.
 */

const seed = seedNumber();

/** OverlapOptions; every field defaults as the CLI does. */
export const overlapOptionsSchema = z.strictObject({
  spanWords: wholeNumber(2)
    .optional()
    .meta({ description: 'O1: minimum verbatim span in words (--span-words, 12)' }),
  containmentSizes: z
    .array(wholeNumber(1).max(64, { error: 'n-gram sizes go up to 64' }))
    .min(1)
    .optional()
    .meta({ description: 'O2: n-gram sizes (--ngram 8..13 is [8,9,10,11,12,13])' }),
  phraseWords: wholeNumber(1)
    .optional()
    .meta({ description: 'O3: phrase length in words (--phrase-words, 6)' }),
  phraseMinPrompts: wholeNumber(1).optional().meta({
    description: 'O3: split-A teacher answers a phrase must appear in (--phrase-min-prompts, 3)',
  }),
  seed: seed.optional().meta({ description: 'seed of the O3 prompt split (--seed, 1)' }),
  teacherNames: z
    .array(z.string().min(1))
    .optional()
    .meta({ description: 'O4: names identifying the teacher (--teacher-name)' }),
  watermark: z
    .strictObject({
      key: seed,
      gamma: openProbability().default(0.25),
      contextWidth: wholeNumber(1).default(1),
    })
    .optional()
    .meta({
      description:
        "O5: the teacher's green-list key, fraction and context width (--watermark-key, --gamma, --context-width)",
    }),
  alpha: openProbability()
    .optional()
    .meta({ description: 'level for intervals, power and Holm (--alpha, 0.05)' }),
});

export const overlapOptionFlags: Record<string, string> = {
  spanWords: '--span-words',
  containmentSizes: '--ngram',
  phraseWords: '--phrase-words',
  phraseMinPrompts: '--phrase-min-prompts',
  seed: '--seed',
  'watermark.key': '--watermark-key',
  'watermark.gamma': '--gamma',
  'watermark.contextWidth': '--context-width',
  alpha: '--alpha',
};

/** LogInvestigationOptions as given (the cluster null draws are not a user option). */
export const logOptionsSchema = z.strictObject({
  q: openProbability(),
  seed,
  rareShare: openProbability(),
  minSharedTemplates: wholeNumber(1),
  largeMaxTokens: wholeNumber(1),
});

export const logOptionFlags: Record<string, string> = {
  q: '--q',
  seed: '--seed',
  rareShare: '--rare-share',
  minSharedTemplates: '--min-shared-templates',
  largeMaxTokens: '--large-max-tokens',
};
