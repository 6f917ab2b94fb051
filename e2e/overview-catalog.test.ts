import { copyFileSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluateDisclosure, parseDisclosure } from '@clearbox/core';
import { expect, it } from 'vitest';
import { humanFigure } from '../packages/web/src/format.ts';
import { describeE2e, settle } from './browser.ts';
import { nodeEstimator } from './engine.ts';

describeE2e('Overview and Catalog pages', (e2e) => {
  it('overview: the $5.576M headline and the implied MFU are the engine’s', async () => {
    const { page } = await e2e.open('#/', { width: 1280, height: 1000 });
    const engine = nodeEstimator().training({
      model: 'deepseek-v3',
      hardware: 'h800',
      dtype: 'fp8',
      count: 2048,
      gpuHours: 2_788_000,
      usdPerGpuHour: 2,
    });
    const headline = page.locator('[data-testid="overview-stats"] [data-figure="costUsd"]');
    await expect.poll(() => headline.getAttribute('data-value'), settle).toBe(String(engine.costUsd.value));
    await expect.poll(() => headline.locator('.stat-value').textContent(), settle).toBe('$5.576M');
    const fp8 = engine.mfuByDtype.fp8;
    expect(fp8).toBeDefined();
    if (fp8) {
      const mfu = page.locator('[data-testid="overview-stats"] [data-figure="mfu(fp8)"] .stat-value');
      await expect.poll(() => mfu.textContent(), settle).toBe(humanFigure(fp8));
    }
    // Every basis of the reconstructed disclosure, beside the headline, as the Disclose engine computes it.
    const path = fileURLToPath(
      new URL('../packages/core/data/disclosures/deepseek-v3-reconstructed.yaml', import.meta.url),
    );
    const report = evaluateDisclosure(
      nodeEstimator().catalog,
      parseDisclosure({ path, text: readFileSync(path, 'utf8') }),
      { estimator: nodeEstimator() },
    );
    expect(report.bases.length).toBeGreaterThan(3);
    for (const basis of report.bases) {
      const row = page.locator(`[data-testid="overview-bases"] tr[data-basis="${basis.id}"]`);
      await expect.poll(() => row.getAttribute('data-value'), settle).toBe(String(basis.total.value));
    }
    const file = await e2e.screenshot(page, 'overview-readme');
    // `CLEARBOX_DOCS_SCREENSHOT=1` refreshes the README's committed screenshot from this run.
    if (process.env.CLEARBOX_DOCS_SCREENSHOT === '1') {
      copyFileSync(file, fileURLToPath(new URL('../docs/overview.png', import.meta.url)));
    }
  });

  it('catalog: search narrows the table and every row shows its source and date', async () => {
    const { page } = await e2e.open('#/catalog');
    const rows = page.locator('[data-testid="catalog-table"] tbody tr');
    const all = await rows.count();
    expect(all).toBe(nodeEstimator().catalog.devices.length);
    // Every table says when its facts were checked and how recent its newest source is.
    const asOf = page.getByTestId('catalog-as-of');
    await expect
      .poll(() => asOf.textContent(), settle)
      .toMatch(/^As of \d{4}-\d{2}-\d{2}: \d+ entries, checked/);
    await page.getByTestId('catalog-search').fill('h800');
    await expect.poll(() => rows.count(), settle).toBe(1);
    const link = rows.first().locator('a').first();
    await expect.poll(() => link.getAttribute('href'), settle).toMatch(/^https:\/\//);

    await page.getByRole('tab', { name: 'Models' }).click();
    await page.getByTestId('catalog-search').fill('deepseek');
    const deepseek = nodeEstimator().catalog.models.filter((m) =>
      `${m.id} ${m.name}`.toLowerCase().includes('deepseek'),
    );
    await expect.poll(() => rows.count(), settle).toBe(deepseek.length);
    await expect
      .poll(() => asOf.textContent(), settle)
      .toContain(`${nodeEstimator().catalog.models.length} entries`);
    await e2e.screenshot(page, 'catalog-models-deepseek');
  });
});
