import { existsSync } from 'node:fs';
import { disclosureToYaml, type FocusImportOptions, InputError, importFocus, STAGES } from '@clearbox/core';
import { readTextFile, writeFileAtomic } from '@clearbox/store';
import type { Command } from 'commander';
import type { Io } from '../io.ts';
import { parseChoice } from '../options.ts';

/** `clearbox disclose import-focus BILL.csv`: FOCUS 1.x cloud bill rows → a draft disclosure's items. */
export function registerDiscloseImportFocus(disclose: Command, io: Io): void {
  disclose
    .command('import-focus')
    .description('turn FinOps FOCUS 1.x cost and usage rows into disclosure items (a draft disclosure)')
    .argument(
      '<bill>',
      'FOCUS CSV export (BilledCost, EffectiveCost, BillingCurrency, ChargePeriodStart/End, ...)',
    )
    .option('--out <file>', 'write the draft disclosure (YAML) here instead of printing it')
    .option('--stage <stage>', 'stage of compute rows without an x_Stage column (default final-run)')
    .option('--model <name>', 'model name for the draft header')
    .action((bill: string, flags: { out?: string; stage?: string; model?: string }) => {
      const options: FocusImportOptions = {};
      if (flags.stage !== undefined) options.defaultStage = parseChoice('--stage', flags.stage, STAGES);
      if (flags.model !== undefined) options.modelName = flags.model;
      if (!/\.csv$/i.test(bill)) throw new InputError('expected a .csv FOCUS export', bill);
      const disclosure = importFocus(readTextFile(bill), options);
      const text = disclosureToYaml(
        disclosure,
        `Draft disclosure imported from the FOCUS bill ${bill}.\nAdd boundary, quantities and the stages a bill cannot show; then: clearbox disclose check FILE`,
      );
      if (flags.out === undefined) {
        io.out(text);
        return;
      }
      if (existsSync(flags.out))
        throw new InputError('file exists; choose another path or remove it', flags.out);
      writeFileAtomic(flags.out, text);
      io.out(`wrote ${flags.out}: ${disclosure.items.length} items from ${bill}\n`);
    });
}
