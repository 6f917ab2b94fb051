/** `npm run docs:tour`: reruns the README's tour commands and writes their real output into it. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTour, repoRoot, runTourCommand, tourFolder } from './readme-tour.ts';

const path = join(repoRoot, 'README.md');
const before = readFileSync(path, 'utf8');
const folder = tourFolder();
try {
  const after = renderTour(before, (command) => {
    process.stderr.write(`$ ${command.line}\n`);
    return runTourCommand(command, folder.cwd);
  });
  if (after === before) process.stderr.write('README.md: the tour is current\n');
  else {
    writeFileSync(path, after);
    process.stderr.write('README.md: tour outputs rewritten\n');
  }
} finally {
  folder.dispose();
}
