import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attackerKinds, defaultLogOptions, defaultTrafficSpec } from '@clearbox/core';
import {
  investigateLogFiles,
  type LogsReport,
  type SynthTrafficFiles,
  writeSynthTraffic,
} from '@clearbox/logs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeE2e, unlabeledControls } from './browser.ts';

/**
 * The logs tab of the investigate page sends the chosen files to POST /api/investigate/logs and shows
 * the report: here it must show what `clearbox investigate logs` finds in the same files.
 */

const q = 0.05;
const run = { timeout: 90_000 };
const units = (flagged: Array<{ account?: string; cluster?: string }>) =>
  flagged.map((f) => f.account ?? f.cluster ?? '').sort();

describeE2e('Investigate page: logs', (e2e) => {
  let files: SynthTrafficFiles;
  let expected: LogsReport;
  let benign: SynthTrafficFiles;
  let benignExpected: LogsReport;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clearbox-e2e-logs-'));
    // A small labelled set: 300 reference accounts, campaigns among ~40 tested accounts.
    files = await writeSynthTraffic(
      dir,
      { ...defaultTrafficSpec, referenceAccounts: 300, seed: 29, scale: 0.08 },
      'jsonl',
    );
    expected = await investigateLogFiles(
      {
        files: [files.traffic],
        referenceFiles: [files.reference],
        referenceAccounts: [],
        map: {},
        options: { ...defaultLogOptions, q },
      },
      new Date(),
    );
    // The same generator with no campaign and no batch pipeline: benign traffic only.
    benign = await writeSynthTraffic(
      join(dir, 'benign'),
      {
        ...defaultTrafficSpec,
        referenceAccounts: 300,
        seed: 31,
        scale: 0.08,
        naiveCampaigns: [],
        hydras: [],
        sweepers: 0,
        batchPipelines: 0,
      },
      'jsonl',
    );
    benignExpected = await investigateLogFiles(
      {
        files: [benign.traffic],
        referenceFiles: [benign.reference],
        referenceAccounts: [],
        map: {},
        options: defaultLogOptions,
      },
      new Date(),
    );
  }, 180_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('uploads a log and its reference, and shows the flagged campaign, the row accounting and the power statement', async () => {
    const truth = (JSON.parse(readFileSync(files.truth, 'utf8')) as { accounts: Record<string, string> })
      .accounts;
    const attacker = (a: string) => (attackerKinds as readonly string[]).includes(truth[a] ?? '');
    // The CLI finds a campaign here, so the page has one to show.
    expect(expected.flagged.some((f) => f.accounts.length > 1 && f.accounts.every(attacker))).toBe(true);

    const { page, errors, foreignRequests } = await e2e.open('#/investigate?section=logs');
    await page.getByTestId('logs-traffic-upload').setInputFiles(files.traffic);
    await page.getByTestId('logs-reference-upload').setInputFiles(files.reference);
    await page.getByTestId('logs-q').fill(String(q));
    await page.getByTestId('logs-run').click();
    await page.getByTestId('logs-flagged').waitFor(run);

    const rows = page.locator('[data-testid="logs-flagged"] tbody tr');
    const shown = await rows.evaluateAll((trs) =>
      trs.map((tr) => ({
        unit: tr.getAttribute('data-unit') ?? '',
        accounts: (tr.getAttribute('data-accounts') ?? '').split(','),
      })),
    );
    expect(shown.map((s) => s.unit).sort()).toEqual(units(expected.flagged));
    const campaign = shown.find((s) => s.accounts.length > 1 && s.accounts.every(attacker));
    expect(campaign, JSON.stringify(shown)).toBeDefined();
    // The features that drive the campaign's flag are named with their explanation.
    const driven = page.locator(
      `[data-testid="logs-flagged"] tr[data-unit="${campaign?.unit}"] li[data-driver]`,
    );
    expect(await driven.count()).toBeGreaterThan(0);
    const first = expected.flagged.find((f) => (f.account ?? f.cluster) === campaign?.unit)?.drivers[0];
    expect(await driven.first().getAttribute('data-driver')).toBe(first?.id);

    // Row accounting as the CLI counts it: the generator's injected defects are there, by reason.
    expect(await page.getByTestId('logs-rows-total').textContent()).toContain(
      expected.rows.total.toLocaleString('en-US'),
    );
    expect(expected.malformedRows.count).toBe(files.malformedInjected);
    const malformed = (await page.getByTestId('logs-rows-malformed').textContent()) ?? '';
    for (const reason of Object.keys(expected.malformedRows.byReason)) expect(malformed).toContain(reason);
    expect(await page.getByTestId('logs-inputs').textContent()).toContain('ISO 8601');

    expect(await page.getByTestId('logs-power').textContent()).toBe(expected.calibration.power.text);
    expect(await page.getByTestId('logs-procedure').textContent()).toContain('Benjamini & Bogomolov');
    expect(await page.getByTestId('logs-statement').textContent()).toBe(expected.statement);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('logs-export-json').click(),
    ]);
    const saved = join(e2e.context.artifactsDir, 'investigate-logs.json');
    await download.saveAs(saved);
    const exported = JSON.parse(readFileSync(saved, 'utf8')) as LogsReport;
    expect(exported.kind).toBe('clearbox.investigate.logs');
    expect(units(exported.flagged)).toEqual(units(expected.flagged));
    expect(exported.calibration.power.text).toBe(expected.calibration.power.text);

    expect(await unlabeledControls(page, 'main')).toEqual([]);
    await e2e.screenshot(page, 'investigate-logs');
    // The report is readable on a phone: no sideways scrolling of the page.
    await page.setViewportSize({ width: 375, height: 812 });
    await e2e.screenshot(page, 'investigate-logs-375px');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(errors).toEqual([]);
    expect(foreignRequests).toEqual([]);
  }, 150_000);

  it('a bad file is refused in one line naming the file, never a stack; nothing flagged says what could have been seen', async () => {
    const { page, errors } = await e2e.open('#/investigate?section=logs');
    // A CSV without the prompt and token columns: the endpoint's 400, with the person's file name.
    const bad = join(dir, 'my-logs.csv');
    writeFileSync(bad, 'ts,account\n2025-03-01T00:00:00Z,a\n2025-03-01T00:01:00Z,b\n');
    await page.getByTestId('logs-traffic-upload').setInputFiles(bad);
    await page.getByTestId('logs-reference-accounts').fill('a');
    await page.getByTestId('logs-run').click();
    const problem = page.getByTestId('logs-problem');
    await problem.waitFor(run);
    const text = (await problem.textContent()) ?? '';
    expect(text).toMatch(/^traffic\.csv \(my-logs\.csv\): missing required column\(s\) "prompt"/);
    expect(text).not.toMatch(/\n|Error:|at \w+ \(/);

    // A file over the server's body limit (5 MB by default): the 413 in one line, with what to do.
    const large = join(dir, 'large.jsonl');
    const row =
      '{"ts":"2025-03-01T00:00:00Z","account":"a","prompt":"hello","inputTokens":1,"outputTokens":2}\n';
    writeFileSync(large, row.repeat(Math.ceil((6 * 2 ** 20) / row.length)));
    await page.getByTestId('logs-traffic-upload').setInputFiles(large);
    await page.getByTestId('logs-run').click();
    await expect
      .poll(() => problem.textContent(), run)
      .toMatch(
        /^request body is larger than the server's limit of 5242880 bytes \(5 MB; .*clearbox investigate logs/,
      );

    // A file the endpoint cannot read is named before anything is sent.
    const odd = join(dir, 'logs.txt');
    writeFileSync(odd, 'hello\n');
    await page.getByTestId('logs-traffic-upload').setInputFiles(odd);
    expect(await problem.textContent()).toBe(
      'logs.txt: not a log file the endpoint reads: name it .jsonl, .csv or .parquet',
    );
    expect(await page.getByTestId('logs-run').isDisabled()).toBe(true);

    // Benign traffic at the default q: nothing is flagged (as the CLI finds), and the page says what
    // could and could not have been seen, as the CLI's power statement does.
    expect(benignExpected.flagged).toEqual([]);
    await page.getByTestId('logs-reference-accounts').fill('');
    await page.getByTestId('logs-traffic-upload').setInputFiles(benign.traffic);
    await page.getByTestId('logs-reference-upload').setInputFiles(benign.reference);
    await page.getByTestId('logs-run').click();
    await page.getByTestId('logs-report').waitFor(run);
    const power = page.getByTestId('logs-power');
    expect(await power.textContent()).toBe(`Nothing flagged. ${benignExpected.calibration.power.text}`);
    expect(await page.getByTestId('logs-flagged').count()).toBe(0);
    expect(await page.getByTestId('logs-problem').count()).toBe(0);
    // The browser itself logs every 4xx answer to the console; the refused file was one, on purpose.
    expect(errors.filter((e) => !/status of 4(00|13) /.test(e))).toEqual([]);
  }, 150_000);
});
