/**
 * `npm run bench`: every pillar's speed and memory targets, one section each, run in this process.
 * Each section measures its own baseline in the same run and prints ratios, so results compare across
 * machines; nothing here is a timed assertion in the test suite. Arguments name the sections to run.
 */

import { benchCatalog } from './catalog.ts';
import { benchCli } from './cli.ts';
import { benchDecide } from './decide.ts';
import { benchDisclose } from './disclose.ts';
import { benchEstimate } from './estimate.ts';
import { benchFocus } from './focus.ts';
import { benchInvestigate } from './investigate.ts';
import { benchServer } from './server.ts';
import { benchWeb } from './web.ts';

const sections: Array<[string, () => string[] | Promise<string[]>]> = [
  ['estimate', benchEstimate],
  ['catalog', benchCatalog],
  ['decide', benchDecide],
  ['disclose', benchDisclose],
  ['focus', benchFocus],
  ['server', benchServer],
  ['web', benchWeb],
  ['investigate', benchInvestigate],
  ['cli', benchCli],
];

// `npm run bench -- cli estimate` runs only the sections named.
const chosen = process.argv.slice(2);
const unknown = chosen.filter((name) => !sections.some(([section]) => section === name));
if (unknown.length > 0) {
  process.stderr.write(
    `bench: unknown section ${unknown.join(', ')}; sections: ${sections.map(([n]) => n).join(', ')}\n`,
  );
  process.exit(2);
}

let failed = false;
for (const [name, run] of sections.filter(([section]) => chosen.length === 0 || chosen.includes(section))) {
  const lines = await run();
  process.stdout.write(`== ${name}\n${lines.join('\n')}\n\n`);
  if (lines.some((l) => l.includes('FAIL'))) failed = true;
}
process.exitCode = failed ? 1 : 0;
