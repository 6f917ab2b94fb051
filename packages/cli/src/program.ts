import { Command } from 'commander';
import type { Io } from './io.ts';

type Register = (program: Command, io: Io) => void;

/**
 * Each top-level command's module loads only when that command runs: a command pulls in core, zod and
 * the catalog schemas, so `clearbox --version` or `clearbox estimate ...` should not pay for `serve`'s
 * HTTP stack or `investigate`'s log engines. Help and unknown commands load every module.
 */
const commandModules: Record<string, () => Promise<Register>> = {
  estimate: async () => {
    const [train, infer] = await Promise.all([
      import('./commands/estimate-train.ts'),
      import('./commands/estimate-infer.ts'),
    ]);
    return (program, io) => {
      const estimate = program
        .command('estimate')
        .description('physics-based estimates of training and inference');
      train.registerEstimateTrain(estimate, io);
      infer.registerEstimateInfer(estimate, io);
    };
  },
  catalog: async () => (await import('./commands/catalog.ts')).registerCatalog,
  validate: async () => (await import('./commands/validate.ts')).registerValidate,
  audit: async () => (await import('./commands/audit.ts')).registerAudit,
  watch: async () => (await import('./commands/watch.ts')).registerWatch,
  prices: async () => (await import('./commands/prices.ts')).registerPrices,
  decide: async () => (await import('./commands/decide.ts')).registerDecide,
  disclose: async () => (await import('./commands/disclose.ts')).registerDisclose,
  serve: async () => (await import('./commands/serve.ts')).registerServe,
  investigate: async () => (await import('./commands/investigate.ts')).registerInvestigate,
};

/** The commands `argv` can reach: the one it names, none for a bare --version, else all of them. */
function commandsFor(argv: readonly string[] | undefined): string[] {
  const all = Object.keys(commandModules);
  if (argv === undefined) return all;
  const named = argv.find((arg) => !arg.startsWith('-'));
  if (named !== undefined) return named in commandModules ? [named] : all;
  return argv.length > 0 && argv.every((arg) => arg === '--version' || arg === '-V') ? [] : all;
}

/** The CLI program; with `argv`, only the modules of the command it runs are loaded. */
export async function buildProgram(io: Io, argv?: readonly string[]): Promise<Command> {
  const program = new Command('clearbox')
    .description('Clearbox: the economics of AI models, with every number explained')
    .version('0.1.0')
    .option(
      '--max-input-size <size>',
      'largest document a command reads, e.g. 64MB (default 32MB; logs and FOCUS bills stream and are exempt)',
    )
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  // The limit is reset on every run (tests run many programs in one process); store loads lazily.
  program.hook('preAction', async () => {
    const size = program.opts<{ maxInputSize?: string }>().maxInputSize;
    const [{ DEFAULT_MAX_INPUT_BYTES }, { setMaxInputBytes }, { parseByteSize }] = await Promise.all([
      import('@clearbox/core'),
      import('@clearbox/store'),
      import('./options.ts'),
    ]);
    setMaxInputBytes(size === undefined ? DEFAULT_MAX_INPUT_BYTES : parseByteSize('--max-input-size', size));
  });
  const registers = await Promise.all(
    commandsFor(argv).map((name) => (commandModules[name] as () => Promise<Register>)()),
  );
  for (const register of registers) register(program, io);
  const nested = (command: Command): Command[] => command.commands.flatMap((c) => [c, ...nested(c)]);
  for (const command of nested(program)) {
    command.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  }
  return program;
}
