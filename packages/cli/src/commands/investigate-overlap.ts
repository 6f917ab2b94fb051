import {
  checkOptions,
  defaultOverlapOptions,
  formatNumber,
  InputError,
  overlapOptionFlags,
  overlapOptionsSchema,
  renderOverlapReportHtml,
} from '@clearbox/core';
import { investigateOverlapFiles } from '@clearbox/store';
import { type Command, CommanderError } from 'commander';
import type { Io } from '../io.ts';
import { parseInteger, parseNumber, parseSeed } from '../options.ts';
import { renderTable } from '../render/table.ts';
import { collect, writeReport } from './investigate-output.ts';

interface Flags {
  teacher: string;
  suspect: string;
  baseline?: string[];
  reference?: string;
  spanWords: string;
  ngram: string;
  phraseWords: string;
  phraseMinPrompts: string;
  seed: string;
  teacherName?: string[];
  watermarkKey?: string;
  gamma: string;
  contextWidth: string;
  alpha: string;
  json?: boolean;
  out?: string;
}

function range(text: string): number[] {
  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(text.trim());
  if (!m?.[1]) throw new InputError(`expected N or N..M (e.g. 8..13), got "${text}"`, '--ngram');
  const lo = Number(m[1]);
  const hi = m[2] ? Number(m[2]) : lo;
  if (lo < 1 || hi < lo || hi > 64)
    throw new InputError(`expected 1 <= N <= M <= 64, got "${text}"`, '--ngram');
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

export function registerInvestigateOverlap(investigate: Command, io: Io): void {
  investigate
    .command('overlap')
    .description(
      "test whether a suspect model's outputs copy a teacher's more than baseline models do (O1-O5, Holm); exit 1 when a pre-registered test is significant",
    )
    .requiredOption('--teacher <file>', 'teacher outputs: JSONL {"promptId", "text"}')
    .requiredOption('--suspect <file>', 'suspect outputs for the same prompts')
    .option(
      '--baseline <file>',
      'a baseline model answering the same prompts; repeat (two or more recommended)',
      collect,
    )
    .option('--reference <file>', 'public reference corpus: spans and phrases found there are excluded')
    .option('--span-words <n>', 'O1: minimum verbatim span in words (L)', '12')
    .option('--ngram <range>', 'O2: n-gram sizes for containment', '8..13')
    .option('--phrase-words <n>', 'O3: signature phrase length in words', '6')
    .option('--phrase-min-prompts <n>', 'O3: a phrase must appear in this many split-A teacher answers', '3')
    .option('--seed <n>', 'seed of the O3 prompt split', '1')
    .option(
      '--teacher-name <name>',
      'O4: a name identifying the teacher in self-reports (repeat), e.g. ChatGPT',
      collect,
    )
    .option('--watermark-key <n>', "O5: the teacher's green-list key (integer)")
    .option('--gamma <g>', 'O5: green-list fraction', '0.25')
    .option('--context-width <h>', 'O5: context words hashed with each word', '1')
    .option('--alpha <a>', 'level for intervals, power and the Holm verdict', '0.05')
    .option('--json', 'print the report as JSON (tests[] of {id, statistic, p, effect, interval, ...})')
    .option('--out <file>', 'write the evidence report: .html (self-contained) or .json')
    .action((flags: Flags) => {
      const watermark = {
        key: flags.watermarkKey === undefined ? undefined : parseSeed('--watermark-key', flags.watermarkKey),
        gamma: parseNumber('--gamma', flags.gamma),
        contextWidth: parseInteger('--context-width', flags.contextWidth),
      };
      const options = {
        ...defaultOverlapOptions,
        spanWords: parseInteger('--span-words', flags.spanWords),
        containmentSizes: range(flags.ngram),
        phraseWords: parseInteger('--phrase-words', flags.phraseWords),
        phraseMinPrompts: parseInteger('--phrase-min-prompts', flags.phraseMinPrompts),
        seed: parseSeed('--seed', flags.seed),
        teacherNames: flags.teacherName ?? [],
        alpha: parseNumber('--alpha', flags.alpha),
        ...(watermark.key === undefined ? {} : { watermark: { ...watermark, key: watermark.key } }),
      };
      // --gamma and --context-width are checked without a key too: a wrong value is a mistake either way.
      checkOptions(
        overlapOptionsSchema,
        { ...options, watermark: { ...watermark, key: watermark.key ?? 0 } },
        overlapOptionFlags,
      );
      const report = investigateOverlapFiles(
        {
          teacher: flags.teacher,
          suspect: flags.suspect,
          baselines: flags.baseline ?? [],
          ...(flags.reference ? { reference: flags.reference } : {}),
          options,
        },
        new Date(),
      );
      if (flags.out) writeReport(flags.out, report, () => renderOverlapReportHtml(report));
      if (flags.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
      else {
        const rows = [['test', 'n', 'statistic', 'effect', 'interval', 'p', 'p (Holm)', 'power']];
        for (const t of report.tests) {
          rows.push([
            `${t.id} ${t.name}${t.corroborationOnly ? ' (corroboration)' : ''}`,
            String(t.n),
            formatNumber(t.statistic),
            formatNumber(t.effect),
            `[${formatNumber(t.interval[0])}, ${formatNumber(t.interval[1])}]`,
            formatNumber(t.p),
            t.pHolm === null ? '-' : formatNumber(t.pHolm),
            t.power ? formatNumber(t.power.value) : '-',
          ]);
        }
        io.out(
          `${renderTable(rows, ['left', 'right', 'right', 'right', 'left', 'right', 'right', 'right'])}\n${report.statement}\n`,
        );
        if (flags.out) io.out(`report written to ${flags.out}\n`);
      }
      if (report.tests.some((t) => t.pHolm !== null && t.pHolm <= options.alpha)) {
        throw new CommanderError(1, 'clearbox.findings', 'significant overlap');
      }
    });
}
