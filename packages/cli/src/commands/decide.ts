import {
  checkOptions,
  createEstimator,
  DEFAULT_DECIDE_TOP,
  decide,
  decideOptionFlags,
  decideOptionsSchema,
  InputError,
  parseWorkload,
  renderDecideHtml,
  renderDecideMarkdown,
} from '@clearbox/core';
import { loadDefaultCatalog, loadShippedCalibration, readTextFile, writeFileAtomic } from '@clearbox/store';
import type { Command } from 'commander';
import { cliFitCache } from '../fit-cache.ts';
import type { Io } from '../io.ts';
import { parseInteger } from '../options.ts';

interface Flags {
  json?: boolean;
  out?: string;
  top?: string;
  cache?: boolean;
}

export function registerDecide(program: Command, io: Io): void {
  program
    .command('decide')
    .description('API vs self-hosting for a workload: the cheapest plan that meets the latency target')
    .argument('<workload>', 'workload YAML/JSON file (version 1; see docs/decide.md)')
    .option('--json', 'print the result as JSON (api[], selfHost[], best, breakEven[], frontier[], ...)')
    .option('--out <file>', 'also write a report: .html (self-contained, every number expandable) or .md')
    .option('--top <n>', 'self-hosting plans to list, cheapest first (default 5)')
    .option(
      '--no-cache',
      'fit the calibration afresh, neither reading nor writing the fit cache (~/.cache/clearbox/fits; env CLEARBOX_NO_CACHE=1)',
    )
    .action((path: string, flags: Flags) => {
      const options = checkOptions(
        decideOptionsSchema,
        flags.top === undefined ? {} : { top: parseInteger('--top', flags.top) },
        decideOptionFlags,
      );
      const top = options.top ?? DEFAULT_DECIDE_TOP;
      const format =
        flags.out === undefined
          ? undefined
          : /\.html?$/i.test(flags.out)
            ? 'html'
            : /\.md$/i.test(flags.out)
              ? 'md'
              : 'bad';
      if (format === 'bad') throw new InputError('expected a file ending in .html or .md', '--out');
      const catalog = loadDefaultCatalog();
      const workload = parseWorkload(readTextFile(path), catalog);
      const estimator = createEstimator(
        catalog,
        loadShippedCalibration,
        undefined,
        cliFitCache(io, { enabled: flags.cache !== false }),
      );
      const result = decide(catalog, estimator.efficiencies, workload, { top });
      if (flags.out !== undefined) {
        writeFileAtomic(
          flags.out,
          format === 'html'
            ? renderDecideHtml(result)
            : renderDecideMarkdown(result, { frontier: 1000, runnersUp: 1000 }),
        );
      }
      if (flags.json) io.out(`${JSON.stringify(result, null, 2)}\n`);
      else io.out(renderDecideMarkdown(result));
      if (flags.out !== undefined && !flags.json) io.err(`wrote ${flags.out}\n`);
    });
}
