import { Command } from 'commander';
import { registerAudit } from './commands/audit.ts';
import { registerCatalog } from './commands/catalog.ts';
import { registerDecide } from './commands/decide.ts';
import { registerDisclose } from './commands/disclose.ts';
import { registerEstimateInfer } from './commands/estimate-infer.ts';
import { registerEstimateTrain } from './commands/estimate-train.ts';
import { registerInvestigate } from './commands/investigate.ts';
import { registerPrices } from './commands/prices.ts';
import { registerServe } from './commands/serve.ts';
import { registerValidate } from './commands/validate.ts';
import { registerWatch } from './commands/watch.ts';
import type { Io } from './io.ts';

export function buildProgram(io: Io): Command {
  const program = new Command('clearbox')
    .description('Clearbox: the economics of AI models, with every number explained')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  const estimate = program
    .command('estimate')
    .description('physics-based estimates of training and inference');
  registerEstimateTrain(estimate, io);
  registerEstimateInfer(estimate, io);
  registerCatalog(program, io);
  registerValidate(program, io);
  registerAudit(program, io);
  registerWatch(program, io);
  registerPrices(program, io);
  registerDecide(program, io);
  registerDisclose(program, io);
  registerServe(program, io);
  registerInvestigate(program, io);
  for (const command of [...program.commands, ...estimate.commands]) {
    command.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  }
  return program;
}
