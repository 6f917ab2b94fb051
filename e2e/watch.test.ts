import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { watchSignals } from '@clearbox/core';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeE2e, settle, unlabeledControls } from './browser.ts';

const path = fileURLToPath(
  new URL('../packages/core/data/signals/nvidia-gross-margin.yaml', import.meta.url),
);
const text = readFileSync(path, 'utf8');

/** `clearbox watch FILE [--since]` in Node: the firings the page must show. */
function nodeWatch(since?: string) {
  return watchSignals(
    { path, text },
    (p) => ({ path: p, text: readFileSync(resolve(dirname(path), p), 'utf8') }),
    since,
  );
}

async function shown(page: Page): Promise<Record<string, { fired: string; alert: string }>> {
  return page.$$eval('[data-testid="watch-table"] tr[data-rule]', (rows) =>
    Object.fromEntries(
      rows.map((r) => [
        r.getAttribute('data-rule'),
        { fired: r.getAttribute('data-fired') ?? '', alert: r.getAttribute('data-alert') ?? '' },
      ]),
    ),
  );
}

const want = (report: ReturnType<typeof nodeWatch>) =>
  Object.fromEntries(
    report.results.map((r) => [
      r.rule,
      { fired: r.firings.map((f) => f.date).join(' '), alert: String(r.alert) },
    ]),
  );

describeE2e('Watch page', (e2e) => {
  it('the NVIDIA rules fire on the same dates as `clearbox watch`; --since changes the alerts; the chart draws', async () => {
    const expected = nodeWatch();
    expect(expected.results.some((r) => r.firings.length > 0)).toBe(true);
    const { page, errors } = await e2e.open('#/watch');
    await page.getByTestId('watch-table').waitFor({ timeout: 15_000 });
    await expect.poll(() => shown(page), settle).toEqual(want(expected));
    await expect
      .poll(() => page.getByTestId('watch-alerts').getAttribute('data-alerts'), settle)
      .toBe(String(expected.alerts));
    await page
      .locator('[data-testid="chart-nvidia-gaap-gross-margin"] svg')
      .first()
      .waitFor({ timeout: 15_000 });
    await e2e.screenshot(page, 'watch');

    const since = nodeWatch('2022-01');
    expect(since.alerts).not.toBe(expected.alerts);
    await page.getByTestId('watch-since').fill('2022-01');
    await expect.poll(() => shown(page), settle).toEqual(want(since));
    await expect
      .poll(() => page.getByTestId('watch-alerts').getAttribute('data-alerts'), settle)
      .toBe(String(since.alerts));

    await page.getByTestId('watch-text').fill('version: 1\nsignals:\n  - id: x\n');
    await expect.poll(() => page.getByTestId('watch-problems').textContent(), settle).toContain('signals[0]');
    expect(errors).toEqual([]);
  });

  it('every control has a label', async () => {
    const { page } = await e2e.open('#/watch');
    await page.getByTestId('watch-table').waitFor({ timeout: 15_000 });
    const unlabeled = await unlabeledControls(page, 'main');
    expect(unlabeled).toEqual([]);
  });
});
