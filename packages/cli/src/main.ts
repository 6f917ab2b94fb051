import { CommanderError } from 'commander';
import { type Io, processIo } from './io.ts';
import { buildProgram } from './program.ts';

/** Runs the CLI: 0 ok, 1 failed check, 2 bad input (one line on stderr, never a stack trace). */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  try {
    const program = await buildProgram(io, argv);
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // A command that ran fine but found something (watch: an alert fired) exits 1, for cron and CI.
      if (error.code === 'clearbox.findings') return 1;
      // Help and version exit through here with code 0; usage errors were already printed by commander.
      return error.exitCode === 0 ||
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version'
        ? 0
        : 2;
    }
    const { ClearboxError, isStackOverflow } = await import('@clearbox/core');
    if (error instanceof ClearboxError) {
      io.err(`clearbox: error: ${error.message}\n`);
      return 2;
    }
    // A stack overflow is a document nested past what a walker could take: the user's input, not a bug.
    if (isStackOverflow(error)) {
      io.err('clearbox: error: input nested too deep for this command\n');
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`clearbox: internal error: ${firstLine(message)}\n`);
    return 1;
  }
}

/** Bugs are reported in one line: the first line of the message, clipped. */
function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? '';
  return line.length > 320 ? `${line.slice(0, 320)}…` : line;
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (invokedDirectly) process.exitCode = await main(process.argv.slice(2));
