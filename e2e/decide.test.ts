import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decide, parseWorkload } from '@clearbox/core';
import { expect, it } from 'vitest';
import { describeE2e, settle } from './browser.ts';
import { nodeEstimator } from './engine.ts';

const path = fileURLToPath(new URL('../packages/core/data/workloads/support-bot.yaml', import.meta.url));
const text = readFileSync(path, 'utf8');

/** `clearbox decide` in Node (without the sensitivity table, as the page runs it). */
function nodeDecide(workloadText: string) {
  const e = nodeEstimator();
  return decide(e.catalog, e.efficiencies, parseWorkload({ path, text: workloadText }, e.catalog), {
    sensitivity: false,
  });
}

async function cheapestShown(page: import('playwright-core').Page) {
  const row = page.locator('[data-testid="decide-plans"] tbody tr').first();
  return { id: await row.getAttribute('data-plan'), value: await row.getAttribute('data-value') };
}

describeE2e('Decide page', (e2e) => {
  it('the cheapest plan is the engine’s; the charts draw; a narrower quality bar changes the answer', async () => {
    const expected = nodeDecide(text);
    const best = expected.best.overall;
    expect(best).not.toBeNull();
    const { page } = await e2e.open('#/decide');
    await page.getByTestId('decide-result').waitFor({ timeout: 15_000 });
    await expect
      .poll(() => cheapestShown(page), settle)
      .toEqual({ id: best?.id ?? '', value: String(best?.monthlyUsd.value) });
    await page.locator('[data-testid="chart-frontier"] svg').first().waitFor();
    await page.locator('[data-testid="chart-break-even"] svg').first().waitFor();
    await e2e.screenshot(page, 'decide');

    // Only Llama 3.3 70B acceptable: the DeepSeek API drops out, so the answer must change on the page.
    const narrower = text.replace(
      'minModels: [deepseek-v3, llama-3.3-70b, qwen2.5-72b]',
      'minModels: [llama-3.3-70b]',
    );
    expect(narrower).not.toBe(text);
    const after = nodeDecide(narrower).best.overall;
    expect(after?.id).not.toBe(best?.id);
    await page.getByTestId('decide-text').fill(narrower);
    await expect
      .poll(() => cheapestShown(page), { timeout: 15_000 })
      .toEqual({ id: after?.id ?? '', value: String(after?.monthlyUsd.value) });
  });
});
