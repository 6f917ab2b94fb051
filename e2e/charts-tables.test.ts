import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Download } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeE2e, settle } from './browser.ts';
import { nodeEstimator } from './engine.ts';

/**
 * Issue 15's web findings, each checked where it was seen: charts with honest scales and whole labels,
 * the catalog's compute for devices without a BF16 peak, tables that download, and long tables that
 * fit a phone.
 */
/** The browser runs remotely (one shared Chromium): a download is saved to a local file to be read. */
async function savedText(download: Download, file: string): Promise<string> {
  await download.saveAs(file);
  return readFileSync(file, 'utf8');
}

describeE2e('charts, tables and phones', (e2e) => {
  it('disclose: totals from $5M to $2.5B sit on a log axis, labels whole, the legend one entry per stage', async () => {
    const { page } = await e2e.open('#/disclose');
    await page.getByTestId('bases-table').waitFor();
    const reference = page.locator('select').first();
    await reference.selectOption({ label: 'deepseek-v3-reconstructed.yaml' });
    await page.getByRole('button', { name: 'Load reference' }).click();
    const caption = page.locator('[data-testid="chart-bases"] figcaption');
    await expect.poll(() => caption.textContent(), settle).toContain('log scale');
    // Every basis is named in full in the chart (no "…" cut at a margin). The plotting library is a chunk
    // of its own, so the caption can be there before the chart is drawn: poll the chart's text.
    const labels = await page
      .locator('[data-testid="bases-table"] tbody tr[data-basis] th')
      .allTextContents();
    const chartText = async () =>
      (await page.locator('[data-testid="chart-bases"] svg text').allTextContents()).join(' ');
    for (const label of labels) await expect.poll(chartText, settle).toContain(label.split(' ')[0]);
    expect(await chartText()).not.toContain('…');
    const swatches = await page.locator('[data-testid="chart-stages"] [class*="swatch"]').allTextContents();
    expect(new Set(swatches).size).toBe(swatches.length);
    await e2e.screenshot(page, 'disclose-reconstructed-charts');
  });

  it('watch: a fraction is drawn and labelled in percent', async () => {
    const { page } = await e2e.open('#/watch');
    const svgText = page.locator('[data-testid^="chart-"] svg').first();
    await svgText.waitFor();
    const all = (await svgText.locator('text').allTextContents()).join(' ');
    expect(all).toContain('(%)');
    expect(all).not.toContain('fraction');
  });

  it('decide: break-even pairs are named whole, with tokens as 10B, not 10G', async () => {
    // A workload where self-hosting does break even with the API (support-bot's API is cheaper at every
    // volume since the calibration of issue 14): the page opens on it from its link.
    const { page } = await e2e.open('#/decide?workload=batch-summarise.yaml');
    const chart = page.locator('[data-testid="chart-break-even"] svg').first();
    await chart.waitFor({ timeout: 15_000 });
    const all = (await chart.locator('text').allTextContents()).join(' ');
    expect(all).not.toMatch(/\d+G\b/);
    expect(all).not.toContain('…');
    expect(all).toMatch(/\d+B tokens/);
  });

  it('catalog: Apple and CPU devices show the dense peak they list, as the CLI does', async () => {
    const apple = nodeEstimator().catalog.devices.find(
      (d) => d.class === 'apple-silicon' && d.compute.denseTflops.bf16 === undefined,
    );
    expect(apple).toBeDefined();
    const { page } = await e2e.open('#/catalog');
    await page.getByTestId('catalog-search').fill(apple?.id ?? '');
    const cell = page.locator('[data-testid="catalog-table"] tbody tr').first().locator('td').nth(1);
    const fp16 = apple?.compute.denseTflops.fp16;
    await expect.poll(() => cell.textContent(), settle).toBe(`${fp16} (fp16)`);
  });

  it('the hardware table downloads as CSV and JSON with the engine’s raw values', async () => {
    const { page } = await e2e.open('#/estimate');
    await page.getByTestId('hardware-table').waitFor();
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-hardware-csv').click(),
    ]);
    const csvFile = join(e2e.context.artifactsDir, 'hardware.csv');
    await csv.saveAs(csvFile);
    const csvText = readFileSync(csvFile, 'utf8');
    expect(csvText.split('\r\n')[0]).toBe(
      'hardware,name,fits,outputTokensPerSecond,ttftMs,tpotMs,usdPerMillionOutput',
    );
    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-hardware-json').click(),
    ]);
    const rows = JSON.parse(await savedText(json, join(e2e.context.artifactsDir, 'hardware.json'))) as Array<{
      hardware: string;
      outputTokensPerSecond: number | null;
    }>;
    const h100 = rows.find((r) => r.hardware === 'h100-sxm');
    const engine = nodeEstimator().inference({
      model: 'llama-3.1-70b',
      hardware: 'h100-sxm',
      count: 2,
      weights: 'fp8',
      batch: 32,
    });
    expect(h100?.outputTokensPerSecond).toBe(engine.throughput.outputTokensPerSecond.value);
    expect(rows.length).toBe(csvText.trim().split('\r\n').length - 1);
  });

  for (const p of [
    { path: '#/', name: 'overview', maxPx: 4000 },
    { path: '#/audit', name: 'audit', maxPx: 4000 },
  ]) {
    it(`${p.name} at 390 px: long tables as cards, under ${p.maxPx} px tall`, async () => {
      const { page } = await e2e.open(p.path, { width: 390, height: 844 });
      await page.locator('table').first().waitFor({ timeout: 15_000 });
      await page.waitForTimeout(500);
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      // Where the height goes, for whoever must bring it back under budget.
      const parts = await page.$$eval('main#main > *, tbody tr', (els) =>
        els.map(
          (el) =>
            `${el.tagName.toLowerCase()}${el.getAttribute('data-claim') ? `[${el.getAttribute('data-claim')}]` : ''}: ${Math.round(el.getBoundingClientRect().height)}`,
        ),
      );
      console.log(`${p.name} at 390 px: ${height} px tall (${parts.join(', ')})`);
      await e2e.screenshot(page, `${p.name}-390px-cards`);
      expect(height).toBeLessThan(p.maxPx);
    });
  }

  it('audit: the claims come first in the editor; the device definitions fold away', async () => {
    const { page } = await e2e.open('#/audit');
    const claims = await page.getByTestId('audit-text').inputValue();
    expect(claims.startsWith('claims:')).toBe(true);
    expect(await page.getByTestId('audit-text-preamble-section').getAttribute('open')).toBeNull();
  });
});
