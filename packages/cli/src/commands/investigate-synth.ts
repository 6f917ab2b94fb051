import { existsSync, statSync } from 'node:fs';
import { defaultCorporaSpec, defaultTrafficSpec, InputError } from '@clearbox/core';
import { writeSynthTraffic } from '@clearbox/logs';
import { writeSynthCorpora } from '@clearbox/store';
import type { Command } from 'commander';
import type { Io } from '../io.ts';
import { parseChoice, parseCount, parseNumber, parseSeed } from '../options.ts';

interface Flags {
  out: string;
  seed: string;
  format: string;
  scale: string;
  prompts: string;
  baselines: string;
  memorisation: string;
  phraseInheritance: string;
  watermarkInheritance: string;
}

export function registerInvestigateSynth(investigate: Command, io: Io): void {
  investigate
    .command('synth')
    .description(
      'write labelled synthetic data to measure the detectors: traffic (logs) or corpora (outputs)',
    )
    .argument('<kind>', 'traffic | corpora')
    .requiredOption('--out <dir>', 'folder to write into (created if missing)')
    .option('--seed <n>', 'random seed: the same seed writes the same files', '1')
    .option('--format <fmt>', 'traffic: jsonl, csv or parquet', 'jsonl')
    .option('--scale <x>', 'traffic: multiply every account count', '1')
    .option('--prompts <n>', 'corpora: prompts answered by every model', String(defaultCorporaSpec.prompts))
    .option('--baselines <n>', 'corpora: baseline models', String(defaultCorporaSpec.baselines))
    .option(
      '--memorisation <rate>',
      'corpora: share of prompts where the suspect copies a 20-word teacher span',
      String(defaultCorporaSpec.memorisationRate),
    )
    .option(
      '--phrase-inheritance <rate>',
      'corpora: share of suspect segments with a teacher signature phrase',
      String(defaultCorporaSpec.phraseInheritanceRate),
    )
    .option(
      '--watermark-inheritance <rate>',
      "corpora: share of suspect words sampled with the teacher's watermark bias",
      String(defaultCorporaSpec.watermarkInheritance),
    )
    .action(async (kind: string, flags: Flags) => {
      const which = parseChoice('kind', kind, ['traffic', 'corpora'] as const);
      if (existsSync(flags.out) && !statSync(flags.out).isDirectory())
        throw new InputError('is a file; --out takes a folder (created if missing)', flags.out);
      const seed = parseSeed('--seed', flags.seed);
      if (which === 'traffic') {
        const format = parseChoice('--format', flags.format, ['jsonl', 'csv', 'parquet'] as const);
        const scale = parseNumber('--scale', flags.scale);
        if (!(scale > 0 && scale <= 100))
          throw new InputError(`expected 0 < scale <= 100, got "${flags.scale}"`, '--scale');
        const files = await writeSynthTraffic(flags.out, { ...defaultTrafficSpec, seed, scale }, format);
        io.out(
          `wrote ${files.rows} rows: ${files.traffic} (with ${files.malformedInjected} malformed rows injected), ${files.reference} (benign reference), ${files.truth} (labels)\nnext: clearbox investigate logs ${files.traffic} --reference ${files.reference}\n`,
        );
        return;
      }
      const rate = (flag: string, text: string) => {
        const x = parseNumber(flag, text);
        if (!(x >= 0 && x <= 1)) throw new InputError(`expected a rate between 0 and 1, got "${text}"`, flag);
        return x;
      };
      const files = writeSynthCorpora(flags.out, {
        ...defaultCorporaSpec,
        seed,
        prompts: parseCount('--prompts', flags.prompts),
        baselines: parseCount('--baselines', flags.baselines),
        memorisationRate: rate('--memorisation', flags.memorisation),
        phraseInheritanceRate: rate('--phrase-inheritance', flags.phraseInheritance),
        watermarkInheritance: rate('--watermark-inheritance', flags.watermarkInheritance),
      });
      const f = files.files;
      const baselines = Object.keys(f)
        .filter((k) => k.startsWith('baseline-'))
        .map((k) => `--baseline ${f[k]}`)
        .join(' ');
      io.out(
        `wrote ${Object.values(f).join(', ')} and ${files.truth}\nnext: clearbox investigate overlap --teacher ${f.teacher} --suspect ${f.suspect} ${baselines} --reference ${f.reference} --teacher-name Orbis --watermark-key ${defaultCorporaSpec.watermark?.key}\n`,
      );
    });
}
