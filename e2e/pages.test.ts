import { expect, it } from 'vitest';
import { describeE2e, settle, unlabeledControls } from './browser.ts';

const pages = [
  { path: '#/', name: 'overview', heading: 'What did DeepSeek-V3 cost?' },
  { path: '#/estimate', name: 'estimate', heading: 'Estimate' },
  { path: '#/disclose', name: 'disclose', heading: 'Disclose' },
  { path: '#/audit', name: 'audit', heading: 'Audit' },
  { path: '#/decide', name: 'decide', heading: 'Decide' },
  { path: '#/catalog', name: 'catalog', heading: 'Catalog' },
  { path: '#/watch', name: 'watch', heading: 'Watch' },
  { path: '#/investigate', name: 'investigate', heading: 'Investigate' },
];

describeE2e('every page', (e2e) => {
  for (const p of pages) {
    it(`${p.name}: renders from the server, makes no outside request, logs no error`, async () => {
      const { page, foreignRequests, errors } = await e2e.open(p.path);
      await expect.poll(() => page.locator('h1').first().textContent(), settle).toBe(p.heading);
      await expect
        .poll(() => page.locator('nav a[aria-current="page"]').textContent(), settle)
        .toBe(p.name[0]?.toUpperCase() + p.name.slice(1));
      await page.waitForLoadState('networkidle');
      await e2e.screenshot(page, p.name);
      expect(foreignRequests).toEqual([]);
      expect(errors).toEqual([]);
    });

    it(`${p.name}: every control has a label`, async () => {
      const { page } = await e2e.open(p.path);
      const unlabeled = await unlabeledControls(page);
      expect(unlabeled).toEqual([]);
    });

    it(`${p.name}: readable at 375 px (no sideways scrolling of the page)`, async () => {
      const { page } = await e2e.open(p.path, { width: 375, height: 812 });
      await page.waitForLoadState('networkidle');
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      await e2e.screenshot(page, `${p.name}-375px`);
      expect(width).toBeLessThanOrEqual(375);
    });
  }

  it('the pages are reachable from the keyboard alone', async () => {
    const { page } = await e2e.open('#/');
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      seen.push(await page.evaluate(() => document.activeElement?.textContent?.trim() ?? ''));
    }
    expect(seen).toContain('Estimate');
    // Follow the Estimate link with Enter, then Tab into the calculator's first field.
    while ((await page.evaluate(() => document.activeElement?.textContent?.trim())) !== 'Estimate') {
      await page.keyboard.press('Shift+Tab');
    }
    await page.keyboard.press('Enter');
    await page.waitForSelector('main[data-page="/estimate"]');
    // The page's code arrives after the route changes (a lazy chunk); on a loaded machine the Tabs below
    // would otherwise run through the header before the form exists. Reachability, not load time, is checked.
    await page.waitForSelector('[data-testid="infer-model"]', { timeout: 20_000 });
    let reached = '';
    for (let i = 0; i < 12 && reached !== 'infer-model'; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
    }
    expect(reached).toBe('infer-model');
  });
});
