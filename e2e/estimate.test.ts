import type { InferenceOptions } from '@clearbox/core';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { inPageWords } from '../packages/web/src/estimate/flags.ts';
import { trainingFields } from '../packages/web/src/estimate/training-view.ts';
import { humanFigure } from '../packages/web/src/format.ts';
import { describeE2e, settle } from './browser.ts';
import { nodeEstimator } from './engine.ts';

/** The inference calculator's starting values, spelled out as engine options: the rest are the CLI's defaults. */
const startingRequest: InferenceOptions = {
  model: 'llama-3.1-70b',
  hardware: 'h100-sxm',
  count: 2,
  weights: 'fp8',
  batch: 32,
};

/** Types like a person: clears the field, then one key at a time (each keystroke recomputes). */
async function typeInto(page: Page, testId: string, text: string): Promise<void> {
  const field = page.getByTestId(testId);
  await field.fill('');
  await field.pressSequentially(text);
}

async function shown(page: Page, scope: string, figure: string): Promise<{ value: number; text: string }> {
  const stat = page.locator(`[data-testid="${scope}"] [data-figure="${figure}"]`);
  return {
    value: Number(await stat.getAttribute('data-value')),
    text: (await stat.locator('.stat-value').textContent()) ?? '',
  };
}

async function expectShown(page: Page, scope: string, figure: string, expected: { value: number }) {
  await page.waitForFunction(
    ([sel, v]) => Number(document.querySelector(sel as string)?.getAttribute('data-value')) === v,
    [`[data-testid="${scope}"] [data-figure="${figure}"]`, expected.value] as const,
    { timeout: 5000 },
  );
}

describeE2e('Estimate page', (e2e) => {
  it('shows the engine’s numbers for the starting request', async () => {
    const { page } = await e2e.open('#/estimate');
    const engine = nodeEstimator().inference(startingRequest);
    const tps = await shown(page, 'infer-result', 'outputTokensPerSecond');
    expect(tps.value).toBe(engine.throughput.outputTokensPerSecond.value);
    expect(tps.text).toBe(humanFigure(engine.throughput.outputTokensPerSecond));
    const usd = await shown(page, 'infer-result', 'usdPerMillionOutputTokens');
    expect(usd.text).toBe(humanFigure(engine.usdPerMillionOutputTokens));
  });

  it('recomputes as you type the batch and follows a change of hardware', async () => {
    const { page } = await e2e.open('#/estimate');
    const before = await shown(page, 'infer-result', 'outputTokensPerSecond');
    await typeInto(page, 'infer-batch', '128');
    const at128 = nodeEstimator().inference({ ...startingRequest, batch: 128 });
    expect(at128.throughput.outputTokensPerSecond.value).not.toBe(before.value);
    await expectShown(page, 'infer-result', 'outputTokensPerSecond', at128.throughput.outputTokensPerSecond);
    const after = await shown(page, 'infer-result', 'outputTokensPerSecond');
    expect(after.text).toBe(humanFigure(at128.throughput.outputTokensPerSecond));
    const tpot = await shown(page, 'infer-result', 'tpotSeconds');
    expect(tpot.text).toBe(humanFigure(at128.tpotSeconds));

    await page.getByTestId('infer-hardware').selectOption('h200');
    const onH200 = nodeEstimator().inference({ ...startingRequest, batch: 128, hardware: 'h200' });
    await expectShown(page, 'infer-result', 'outputTokensPerSecond', onH200.throughput.outputTokensPerSecond);
    await expect
      .poll(() => page.locator('[data-figure="memory"] .membar-legend').textContent(), settle)
      .toContain(
        `${humanFigure(onH200.memory.totalBytes)} of ${humanFigure(onH200.memory.capacityBytes)} usable`,
      );
    await e2e.screenshot(page, 'estimate-h200-batch-128');
  });

  it('shows a typing mistake at its field and keeps the rest of the form', async () => {
    const { page } = await e2e.open('#/estimate');
    await typeInto(page, 'infer-count', 'two');
    const field = page.getByTestId('infer-count');
    await expect.poll(() => field.getAttribute('aria-invalid'), settle).toBe('true');
    const errorId = (await field.getAttribute('aria-describedby'))?.split(' ').at(-1) ?? '';
    await expect
      .poll(() => page.locator(`[id="${errorId}"]`).textContent(), settle)
      .toBe('expected a whole number of at least 1, got "two"');
    // The last valid result stays, marked as such, rather than the page blanking.
    await expect.poll(() => page.getByTestId('stale-note').count(), settle).toBe(1);
    expect(await page.getByTestId('infer-result').getAttribute('class')).toBe('stale');
    // typeInto clears the field first: the last request that computed had no count (the CLI's 1 device).
    const { count: _cleared, ...lastValid } = startingRequest;
    const kept = await shown(page, 'infer-result', 'outputTokensPerSecond');
    expect(kept.value).toBe(nodeEstimator().inference(lastValid).throughput.outputTokensPerSecond.value);
    await typeInto(page, 'infer-count', '4');
    await page.getByTestId('infer-result').waitFor();
    const engine = nodeEstimator().inference({ ...startingRequest, count: 4 });
    await expectShown(page, 'infer-result', 'outputTokensPerSecond', engine.throughput.outputTokensPerSecond);
  });

  it('names the engine’s own input errors at the field they are about', async () => {
    const { page } = await e2e.open('#/estimate');
    // Mixtral 8x7B has no disclosed token count: the engine asks for --tokens, the form shows it at Tokens.
    let message = '';
    try {
      nodeEstimator().training({ model: 'mixtral-8x7b', hardware: 'h800', count: 2048, gpuHours: 2_788_000 });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('--tokens');
    await page.getByTestId('train-model').selectOption('mixtral-8x7b');
    const field = page.getByTestId('train-tokens');
    await expect.poll(() => field.getAttribute('aria-invalid'), settle).toBe('true');
    const errorId = (await field.getAttribute('aria-describedby'))?.split(' ').at(-1) ?? '';
    await expect
      .poll(() => page.locator(`[id="${errorId}"]`).textContent(), settle)
      .toBe(inPageWords(message.replace('--tokens: ', ''), trainingFields));
    await typeInto(page, 'train-tokens', '8T');
    await page.getByTestId('train-result').waitFor();
  });

  it('opens every number to its derivation', async () => {
    const { page } = await e2e.open('#/estimate');
    const engine = nodeEstimator().inference(startingRequest);
    const stat = page.locator('[data-testid="infer-result"] [data-figure="outputTokensPerSecond"]');
    await stat.locator('summary').first().click();
    await expect
      .poll(() => stat.locator('.derivation .formula').nth(1).textContent(), settle)
      .toBe(engine.throughput.outputTokensPerSecond.formula);
    // Inputs open further: the first input figure's own summary names it.
    const firstInput = engine.throughput.outputTokensPerSecond.inputs.find((i) => 'formula' in i);
    if (firstInput) {
      await expect
        .poll(() => stat.locator('.derivation details.fig > summary code').first().textContent(), settle)
        .toBe(firstInput.name);
    }
  });

  it('draws throughput and latency against batch', async () => {
    const { page } = await e2e.open('#/estimate');
    await page.locator('[data-testid="chart-throughput"] svg').first().waitFor();
    await page.locator('[data-testid="chart-latency"] svg').first().waitFor();
    const rows = await page.locator('[data-testid="hardware-table"] tbody tr').count();
    expect(rows).toBeGreaterThan(10);
  });

  it('training: typing GPU-hours gives the engine’s cost and implied MFU', async () => {
    const { page } = await e2e.open('#/estimate');
    await typeInto(page, 'train-gpu-hours', '3000000');
    const engine = nodeEstimator().training({
      model: 'deepseek-v3',
      hardware: 'h800',
      count: 2048,
      gpuHours: 3_000_000,
      usdPerGpuHour: 2,
    });
    await expectShown(page, 'train-result', 'costUsd', engine.costUsd);
    const mfu = await shown(page, 'train-result', 'mfu');
    expect(mfu.value).toBe(engine.mfu.value);
    expect(mfu.text).toBe(humanFigure(engine.mfu));
  });

  it('saves a scenario to the server and loads it back after a reload', async () => {
    const { page } = await e2e.open('#/estimate');
    await typeInto(page, 'infer-batch', '77');
    await page.getByTestId('infer-hardware').selectOption('mi300x');
    const saved = page.getByTestId('infer-saved');
    await saved.locator('summary').click();
    await page.getByTestId('infer-saved-name').fill('e2e: 70B on MI300X at batch 77');
    await page.getByTestId('infer-saved-save').click();
    await expect
      .poll(() => page.getByTestId('infer-saved-status').textContent(), settle)
      .toMatch(/^saved .* \(revision 1\)$/);

    // A fresh page without the link opens on the defaults; the saved item brings the scenario back.
    const fresh = await e2e.open('#/estimate');
    await expect.poll(() => fresh.page.getByTestId('infer-batch').inputValue(), settle).toBe('32');
    await fresh.page.getByTestId('infer-saved').locator('summary').click();
    await fresh.page
      .locator('.saved-list li', { hasText: 'e2e: 70B on MI300X at batch 77' })
      .getByRole('button', { name: 'Load' })
      .click();
    await expect.poll(() => fresh.page.getByTestId('infer-batch').inputValue(), settle).toBe('77');
    await expect.poll(() => fresh.page.getByTestId('infer-hardware').inputValue(), settle).toBe('mi300x');
    const engine = nodeEstimator().inference({ ...startingRequest, batch: 77, hardware: 'mi300x' });
    await expectShown(
      fresh.page,
      'infer-result',
      'outputTokensPerSecond',
      engine.throughput.outputTokensPerSecond,
    );

    const listed = (await (await fetch(`${e2e.context.baseUrl}/api/scenarios`)).json()) as Array<{
      name: string;
    }>;
    expect(listed.map((i) => i.name)).toContain('e2e: 70B on MI300X at batch 77');
  });

  it('keeps the form in the address, so a link or a reload gives the same result', async () => {
    const { page } = await e2e.open('#/estimate');
    await page.getByTestId('infer-model').selectOption('deepseek-v3');
    await page.getByTestId('infer-hardware').selectOption('h200');
    await typeInto(page, 'infer-count', '8');
    await typeInto(page, 'infer-batch', 'max');
    await expect.poll(() => page.evaluate(() => location.hash), settle).toContain('--batch+max');
    const link = await page.evaluate(() => location.hash);
    const request: InferenceOptions = {
      model: 'deepseek-v3',
      hardware: 'h200',
      count: 8,
      weights: 'fp8',
      batch: 'max',
    };
    const engine = nodeEstimator().inference(request);
    await expectShown(page, 'infer-result', 'usdPerMillionOutputTokens', engine.usdPerMillionOutputTokens);
    await page.reload();
    await expectShown(page, 'infer-result', 'usdPerMillionOutputTokens', engine.usdPerMillionOutputTokens);
    const other = await e2e.open(link);
    await expectShown(other.page, 'infer-result', 'batch', engine.batch);
    expect(await other.page.getByTestId('infer-command').textContent()).toBe(
      'clearbox estimate infer --model deepseek-v3 --hardware h200 --count 8 --weights fp8 --batch max',
    );
  });

  it('names the page’s control, not a CLI flag, in training warnings', async () => {
    const { page } = await e2e.open('#/estimate');
    const warnings = page.locator('[data-testid="train-result"] [data-testid="warnings"]');
    await expect.poll(() => warnings.textContent(), settle).toContain('“ZeRO stage”');
    expect(await warnings.textContent()).not.toMatch(/--[a-z]/);
  });
});
