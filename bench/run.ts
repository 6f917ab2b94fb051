/**
 * `npm run bench`: every pillar's speed and memory targets, one section each, run in this process.
 * Each section measures its own baseline in the same run and prints ratios, so results compare across
 * machines; nothing here is a timed assertion in the test suite.
 */
import { benchDecide } from './decide.ts';
import { benchDisclose } from './disclose.ts';
import { benchEstimate } from './estimate.ts';
import { benchInvestigate } from './investigate.ts';
import { benchServer } from './server.ts';
import { benchWeb } from './web.ts';

const sections: Array<[string, () => string[] | Promise<string[]>]> = [
  ['estimate', benchEstimate],
  ['decide', benchDecide],
  ['disclose', benchDisclose],
  ['server', benchServer],
  ['web', benchWeb],
  ['investigate', benchInvestigate],
];

let failed = false;
for (const [name, run] of sections) {
  const lines = await run();
  process.stdout.write(`== ${name}\n${lines.join('\n')}\n\n`);
  if (lines.some((l) => l.includes('FAIL'))) failed = true;
}
process.exitCode = failed ? 1 : 0;
