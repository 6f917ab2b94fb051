#!/usr/bin/env node
// Runs the TypeScript sources directly: nothing needs building after `npm ci`.
import { register } from 'tsx/esm/api';

register();
// `clearbox ... | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
