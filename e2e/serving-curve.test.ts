import { expect, it } from 'vitest';
import { humanNumber } from '../packages/web/src/format.ts';
import { describeE2e, settle } from './browser.ts';
import { nodeEstimator } from './engine.ts';

const args = '--model deepseek-r1 --hardware h200 --count 8 --weights fp8 --concurrency 1,4,16,64 --mtp 0.85';

describeE2e('Estimate page: the serving curve', (e2e) => {
  it('plots the engine’s curve for the concurrencies typed, one dot per concurrency', async () => {
    const { page, errors } = await e2e.open(`#/estimate?${new URLSearchParams({ infer: args })}`);
    const engine = nodeEstimator().inference({
      model: 'deepseek-r1',
      hardware: 'h200',
      count: 8,
      weights: 'fp8',
      concurrency: [1, 4, 16, 64],
      mtpAcceptance: 0.85,
    });
    const pareto = page.getByTestId('chart-serving-pareto');
    await expect.poll(() => pareto.locator('svg circle').count(), settle).toBe(4);
    const caption = (await pareto.locator('figcaption').textContent()) ?? '';
    for (const p of engine.curve)
      expect(caption).toContain(
        `c=${p.concurrency}: ${humanNumber(p.outputTokensPerSecondPerDevice)} per device`,
      );
    const latency = page.getByTestId('chart-serving-latency');
    await expect.poll(() => latency.locator('svg circle').count(), settle).toBe(8);
    await pareto.scrollIntoViewIfNeeded();
    await e2e.screenshot(page, 'estimate-serving-curve');
    expect(errors).toEqual([]);
  });

  it('names the field when a concurrency is not a whole number', async () => {
    const typo = args.replace('1,4,16,64', '1,x');
    const { page } = await e2e.open(`#/estimate?${new URLSearchParams({ infer: typo })}`);
    const field = page.getByTestId('infer-concurrency');
    await expect.poll(() => field.getAttribute('aria-invalid'), settle).toBe('true');
    const errorId = (await field.getAttribute('aria-describedby'))?.split(' ').at(-1) ?? '';
    await expect
      .poll(() => page.locator(`[id="${errorId}"]`).textContent(), settle)
      .toContain('comma-separated whole numbers');
  });
});
