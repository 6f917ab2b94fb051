/** What every run of the CLI must look like, whatever it was given. */
export interface Outcome {
  code: number;
  err: string;
}

/** Commands whose exit 1 is a finding (an alert, a flag, a significant test), not a failure. */
export const findingCommands = ['watch', 'investigate logs', 'investigate overlap'];

/**
 * The problems with an outcome, empty when it is clean: exit 0, 1 (findings only) or 2; no internal
 * error, no stack trace; one error line, or a problem list whose further lines are indented items.
 */
export function outcomeProblems(command: string, r: Outcome): string[] {
  const problems: string[] = [];
  if (![0, 1, 2].includes(r.code)) problems.push(`exit code ${r.code}`);
  if (r.code === 1 && !findingCommands.includes(command))
    problems.push('exit 1 from a command without findings');
  if (/internal error/.test(r.err)) problems.push(`internal error: ${r.err.slice(0, 300)}`);
  if (/\n\s+at .+(:\d+:\d+|\(native\))/.test(r.err)) problems.push('stack trace');
  if (/Maximum call stack/.test(r.err)) problems.push('call stack message');
  const lines = r.err.split('\n').filter((l) => l !== '' && !l.startsWith('clearbox: warning:'));
  const errors = lines.filter((l) => l.startsWith('clearbox: error:'));
  if (errors.length > 1) problems.push('several error lines');
  const stray = lines.filter((l) => !l.startsWith('clearbox: error:') && !l.startsWith('  '));
  if (stray.length > 0) problems.push(`unlisted extra lines: ${stray[0]?.slice(0, 120)}`);
  if (r.code === 2 && errors.length !== 1) problems.push('exit 2 without one error line');
  return problems;
}
