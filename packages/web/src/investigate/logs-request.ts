import type { LogInvestigationOptions, LogsReport } from '@clearbox/core';
import { readAnswer } from '../api/answer.ts';

/**
 * The page's side of `POST /api/investigate/logs` (packages/server/src/routes/investigate-logs.ts): the
 * logs are read by DuckDB on the server, as `clearbox investigate logs` reads them, so this page needs
 * the Clearbox server (`npm start` or `clearbox serve`); nothing is computed in the browser.
 */

/** The formats the endpoint reads; Parquet travels as base64, the text formats as they are. */
export type LogFormat = 'jsonl' | 'csv' | 'parquet';

/** A log file as the person chose it: its own name, and its content as the endpoint wants it. */
export interface ChosenLog {
  name: string;
  format: LogFormat;
  /** The text (JSONL, CSV) or the base64 of the bytes (Parquet). */
  content: string;
  bytes: number;
}

/** The format a file name says, or a sentence saying which names are read. */
export function logFormatOf(name: string): LogFormat | { problem: string } {
  const lower = name.toLowerCase();
  if (/\.(jsonl|ndjson|json)$/.test(lower)) return 'jsonl';
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.parquet')) return 'parquet';
  return { problem: `${name}: not a log file the endpoint reads: name it .jsonl, .csv or .parquet` };
}

/** Bytes as base64, in slices so a large file does not overflow the argument list of fromCharCode. */
export function base64Of(bytes: Uint8Array): string {
  let binary = '';
  const slice = 0x8000;
  for (let i = 0; i < bytes.length; i += slice)
    binary += String.fromCharCode(...bytes.subarray(i, i + slice));
  return btoa(binary);
}

/** The page's settings, as the endpoint's `options` and `map` (the CLI's flags). */
export interface LogSettings {
  q: string;
  seed: string;
  rareShare: string;
  minSharedTemplates: string;
  largeMaxTokens: string;
  map: string;
  /** Accounts in the traffic to use as the reference: comma- or line-separated. */
  referenceAccounts: string;
}

export const defaultLogSettings: LogSettings = {
  q: '0.01',
  seed: '1',
  rareShare: '0.02',
  minSharedTemplates: '3',
  largeMaxTokens: '4096',
  map: '',
  referenceAccounts: '',
};

/** The account list as the CLI's --reference-accounts reads it: trimmed, blank entries dropped, once each. */
export function accountListOf(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,\n\r]/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

/**
 * The request body. Numbers are sent as typed (a blank field is left to the endpoint's default), so
 * that a bad value is refused by the endpoint's own schema with the words the CLI uses.
 */
export function logsRequestBody(
  traffic: ChosenLog,
  reference: ChosenLog | undefined,
  settings: LogSettings,
): Record<string, unknown> {
  const options: Record<string, number> = {};
  const numbers: Array<[keyof LogSettings, keyof LogInvestigationOptions | 'largeMaxTokens']> = [
    ['q', 'q'],
    ['seed', 'seed'],
    ['rareShare', 'rareShare'],
    ['minSharedTemplates', 'minSharedTemplates'],
    ['largeMaxTokens', 'largeMaxTokens'],
  ];
  for (const [field, option] of numbers) {
    const text = settings[field].trim();
    if (text !== '') options[option] = Number(text);
  }
  const accounts = accountListOf(settings.referenceAccounts);
  return {
    traffic: traffic.content,
    format: traffic.format,
    ...(reference ? { reference: reference.content } : {}),
    ...(accounts.length > 0 ? { referenceAccounts: accounts } : {}),
    ...(settings.map.trim() === '' ? {} : { map: settings.map.trim() }),
    options,
  };
}

export type LogsOutcome = { kind: 'report'; report: LogsReport } | { kind: 'problem'; message: string };

/**
 * The endpoint's names for the inputs (`traffic.jsonl`, `reference.csv`) followed by the person's own
 * file names, so a problem names the file they chose.
 */
export function withChosenNames(
  message: string,
  traffic: ChosenLog,
  reference: ChosenLog | undefined,
): string {
  let out = message;
  for (const [role, chosen] of [
    ['traffic', traffic],
    ['reference', reference],
  ] as const) {
    if (!chosen) continue;
    const sent = `${role}.${chosen.format}`;
    if (sent !== chosen.name) out = out.split(sent).join(`${sent} (${chosen.name})`);
  }
  return out;
}

/** One line: a problem's detail never spans lines on the page, whatever the server sends. */
const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();

/** Sends the logs; a refusal (4xx, 5xx, no server) comes back as one line to show, never thrown. */
export async function requestLogsReport(
  traffic: ChosenLog,
  reference: ChosenLog | undefined,
  settings: LogSettings,
): Promise<LogsOutcome> {
  let response: Response;
  try {
    response = await fetch('/api/investigate/logs', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(logsRequestBody(traffic, reference, settings)),
    });
  } catch {
    return {
      kind: 'problem',
      message:
        'the Clearbox server cannot be reached: log investigation runs on it (`npm start` or `clearbox serve`), or run `clearbox investigate logs` locally',
    };
  }
  const { data, problem } = await readAnswer(response, `the server answered HTTP ${response.status}`);
  if (problem === undefined && (data as { kind?: string } | undefined)?.kind === 'clearbox.investigate.logs')
    return { kind: 'report', report: data as LogsReport };
  const detail = oneLine(problem ?? `the server answered HTTP ${response.status} without a report`);
  const hint =
    response.status === 413
      ? ': the files travel in JSON (Parquet as base64, a third larger); or run `clearbox investigate logs` on them locally'
      : '';
  return { kind: 'problem', message: withChosenNames(detail, traffic, reference) + hint };
}
