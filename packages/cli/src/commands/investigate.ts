import type { Command } from 'commander';
import type { Io } from '../io.ts';
import { registerInvestigateLogs } from './investigate-logs.ts';
import { registerInvestigateOverlap } from './investigate-overlap.ts';
import { registerInvestigateSynth } from './investigate-synth.ts';

/** `clearbox investigate logs|overlap|synth`: distillation evidence from API logs and model outputs. */
export function registerInvestigate(program: Command, io: Io): void {
  const investigate = program
    .command('investigate')
    .description('distillation evidence: API-log statistics and output-overlap tests with p-values');
  registerInvestigateLogs(investigate, io);
  registerInvestigateOverlap(investigate, io);
  registerInvestigateSynth(investigate, io);
  // The program configures its direct children; nested commands need the same treatment.
  const nested = (c: Command): void => {
    for (const sub of c.commands) {
      sub.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
      nested(sub);
    }
  };
  nested(investigate);
}
