import { existsSync } from 'node:fs';
import { disclosureToYaml, type FocusImportOptions, InputError, STAGES } from '@clearbox/core';
import { importFocusFile, writeFileAtomic } from '@clearbox/store';
import type { Command } from 'commander';
import type { Io } from '../io.ts';
import { parseChoice } from '../options.ts';

/**
 * `clearbox disclose import-focus BILL.csv`: FOCUS 1.x cloud bill rows → a draft disclosure's items. The
 * bill is read as a stream (exports run to gigabytes), so it is exempt from --max-input-size.
 */
export function registerDiscloseImportFocus(disclose: Command, io: Io): void {
  disclose
    .command('import-focus')
    .description('turn FinOps FOCUS 1.x cost and usage rows into disclosure items (a draft disclosure)')
    .argument(
      '<bill>',
      'FOCUS export, .csv or .csv.gz (BilledCost, EffectiveCost, BillingCurrency, ChargePeriodStart/End, ...), read as a stream',
    )
    .option('--out <file>', 'write the draft disclosure (YAML) here instead of printing it')
    .option('--stage <stage>', 'stage of compute rows without an x_Stage column (default final-run)')
    .option('--model <name>', 'model name for the draft header')
    .action(async (bill: string, flags: { out?: string; stage?: string; model?: string }) => {
      const options: FocusImportOptions = {};
      if (flags.stage !== undefined) options.defaultStage = parseChoice('--stage', flags.stage, STAGES);
      if (flags.model !== undefined) options.modelName = flags.model;
      // Refused before hours of reading, not after.
      if (flags.out !== undefined && existsSync(flags.out))
        throw new InputError('file exists; choose another path or remove it', flags.out);
      const { disclosure, rows } = await importFocusFile(bill, options);
      const text = disclosureToYaml(
        disclosure,
        `Draft disclosure imported from the FOCUS bill ${bill}.\nAdd boundary, quantities and the stages a bill cannot show; then: clearbox disclose check FILE`,
      );
      if (flags.out === undefined) {
        io.out(text);
        return;
      }
      writeFileAtomic(flags.out, text);
      io.out(
        `wrote ${flags.out}: ${disclosure.items.length} items from ${rows.toLocaleString('en-US')} rows of ${bill}\n`,
      );
    });
}
