import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeE2e, settle } from './browser.ts';

/**
 * Issue 15, web parity: every page's form lives in its URL (a link shares it, a reload keeps it), every
 * table downloads as CSV and JSON, and saved items go to a file and come back from one.
 */

async function savedText(e2e: { context: { artifactsDir: string } }, download: Download, name: string) {
  const file = join(e2e.context.artifactsDir, name);
  await download.saveAs(file);
  return readFileSync(file, 'utf8');
}

async function downloadOf(page: Page, testId: string): Promise<Download> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return download;
}

const slow = { timeout: 20_000, interval: 100 };

describeE2e('form state in the URL survives a reload', (e2e) => {
  it('audit: an edited claims file', async () => {
    const { page, errors } = await e2e.open('#/audit');
    await page.getByTestId('audit-table').waitFor({ timeout: 20_000 });
    const text = page.getByTestId('audit-text');
    const edited = `${await text.inputValue()}\n# checked by e2e\n`;
    await text.evaluate((el, value) => {
      (el as HTMLTextAreaElement).value = value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, edited);
    await expect.poll(() => page.evaluate(() => location.hash), settle).toContain('claims-text=');
    await page.reload();
    await expect.poll(() => page.getByTestId('audit-text').inputValue(), slow).toBe(edited);
    expect(errors).toEqual([]);
  });

  it('watch: the since date; a malformed one is named at its field while the table stays', async () => {
    const { page, errors } = await e2e.open('#/watch');
    await page.getByTestId('watch-table').waitFor({ timeout: 20_000 });
    await page.getByTestId('watch-since').fill('2024-01');
    await expect.poll(() => page.evaluate(() => location.hash), settle).toContain('since=2024-01');
    await page.reload();
    await expect.poll(() => page.getByTestId('watch-since').inputValue(), slow).toBe('2024-01');
    await expect
      .poll(() => page.getByTestId('watch-alerts').textContent(), slow)
      .toContain('on or after 2024-01');
    await page.getByTestId('watch-since').fill('Jan 2024');
    await expect.poll(() => page.getByTestId('watch-since-error').textContent(), settle).toContain('YYYY-MM');
    await expect.poll(() => page.getByTestId('watch-report').getAttribute('class'), settle).toBe('stale');
    expect(errors).toEqual([]);
  });

  it('investigate: the settings; a bad alpha is named at its field', async () => {
    const { page, errors } = await e2e.open('#/investigate');
    await page.getByTestId('investigate-table').waitFor({ timeout: 30_000 });
    await page.getByTestId('investigate-alpha').fill('0.01');
    await page.getByTestId('investigate-span').fill('10');
    await page.reload();
    await expect.poll(() => page.getByTestId('investigate-alpha').inputValue(), slow).toBe('0.01');
    await expect.poll(() => page.getByTestId('investigate-span').inputValue(), slow).toBe('10');
    await page.getByTestId('investigate-table').waitFor({ timeout: 30_000 });
    await page.getByTestId('investigate-alpha').fill('2');
    await expect
      .poll(() => page.locator('[data-testid="investigate-alpha"] ~ .field-error').textContent(), slow)
      .toContain('alpha');
    await expect.poll(() => page.getByTestId('investigate-report').getAttribute('class'), slow).toBe('stale');
    expect(errors).toEqual([]);
  });

  it('catalog: the section and the search', async () => {
    const { page, errors } = await e2e.open('#/catalog');
    await page.getByRole('tab', { name: 'Models' }).click();
    await page.getByTestId('catalog-search').fill('llama 70b');
    await page.reload();
    await expect
      .poll(() => page.getByRole('tab', { name: 'Models' }).getAttribute('aria-selected'), slow)
      .toBe('true');
    await expect.poll(() => page.getByTestId('catalog-search').inputValue(), settle).toBe('llama 70b');
    const names = await page.locator('[data-testid="catalog-table"] tbody th').allTextContents();
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect(n.toLowerCase()).toMatch(/llama.*70b/);
    expect(errors).toEqual([]);
  });
});

describeE2e('every table downloads', (e2e) => {
  it('watch rules, catalog models and the investigate tests: CSV and JSON with the shown rows', async () => {
    const watch = (await e2e.open('#/watch')).page;
    await watch.getByTestId('watch-table').waitFor({ timeout: 20_000 });
    const rules = await watch.locator('[data-testid="watch-table"] tbody tr').count();
    const csv = await savedText(e2e, await downloadOf(watch, 'export-watch-rules-csv'), 'watch-rules.csv');
    expect(csv.split('\r\n')[0]).toBe(
      'signal,rule,severity,condition,unit,latestDate,latestValue,firings,lastFired,alert',
    );
    expect(csv.trim().split('\r\n').length - 1).toBe(rules);

    const catalog = (await e2e.open('#/catalog?section=models&q=deepseek')).page;
    await catalog.locator('[data-testid="catalog-table"] tbody tr').first().waitFor();
    const shown = await catalog.locator('[data-testid="catalog-table"] tbody tr').count();
    const models = JSON.parse(
      await savedText(e2e, await downloadOf(catalog, 'export-catalog-models-json'), 'catalog-models.json'),
    ) as Array<{ id: string; totalParams: number }>;
    expect(models.length).toBe(shown);
    expect(models.find((m) => m.id === 'deepseek-v3')?.totalParams).toBeGreaterThan(6e11);

    const investigate = (await e2e.open('#/investigate')).page;
    await investigate.getByTestId('investigate-table').waitFor({ timeout: 30_000 });
    const o1 = await investigate.locator('tr[data-test-id="O1"]').getAttribute('data-p');
    const tests = JSON.parse(
      await savedText(
        e2e,
        await downloadOf(investigate, 'export-investigate-overlap-json'),
        'investigate-overlap.json',
      ),
    ) as Array<{ test: string; p: number }>;
    expect(String(tests.find((t) => t.test === 'O1')?.p)).toBe(o1);
  });
});

describeE2e('saved items to a file and back', (e2e) => {
  it('a bad file gets one line at the control and adds nothing; an exported file imports', async () => {
    const { page, errors } = await e2e.open('#/decide');
    await page.getByTestId('decide-result').waitFor({ timeout: 20_000 });
    const saved = page.getByTestId('decide-saved');
    await saved.locator('summary').click();
    await page.getByTestId('decide-saved-name').fill('e2e workload for export');
    await page.getByTestId('decide-saved-save').click();
    await expect.poll(() => page.getByTestId('decide-saved-status').textContent(), settle).toMatch(/^saved /);
    // The list is read from the store when the saved-items block loads; count it only once that read and
    // the save are both in (on a loaded machine the first read can land after the save).
    await page.waitForLoadState('networkidle');
    await expect
      .poll(() => page.locator('.saved-list li', { hasText: 'e2e workload for export' }).count(), settle)
      .toBeGreaterThan(0);
    const before = await page.locator('.saved-list li').count();

    await page.getByTestId('decide-saved-import').setInputFiles({
      name: 'not-items.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"hello": 1}'),
    });
    const status = page.getByTestId('decide-saved-file-status');
    await expect
      .poll(() => status.textContent(), settle)
      .toBe('not-items.json: not a Clearbox saved-items file (expected "format": "clearbox-saved-items")');
    expect(await status.getAttribute('role')).toBe('alert');
    expect(await page.locator('.saved-list li').count()).toBe(before);

    const file = await savedText(e2e, await downloadOf(page, 'decide-saved-export'), 'decide-items.json');
    const parsed = JSON.parse(file) as {
      collection: string;
      items: Array<{ name: string; content: { calculator: string } }>;
    };
    expect(parsed.collection).toBe('scenarios');
    expect(parsed.items.every((i) => i.content.calculator === 'decide')).toBe(true);
    expect(parsed.items.map((i) => i.name)).toContain('e2e workload for export');
    await page.getByTestId('decide-saved-import').setInputFiles({
      name: 'decide-items.json',
      mimeType: 'application/json',
      buffer: Buffer.from(file),
    });
    await expect
      .poll(() => status.textContent(), settle)
      .toMatch(/^imported \d+ workloads? from decide-items.json$/);
    await expect
      .poll(() => page.locator('.saved-list li').count(), settle)
      .toBe(before + parsed.items.length);
    expect(errors).toEqual([]);
  });
});
