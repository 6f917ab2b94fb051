import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluateDisclosure, parseDisclosure, parseDisclosureData, validateDisclosure } from '@clearbox/core';
import { expect, it } from 'vitest';
import { formatUsd } from '../packages/web/src/format.ts';
import { describeE2e, settle } from './browser.ts';
import { nodeEstimator } from './engine.ts';

const disclosedPath = fileURLToPath(
  new URL('../packages/core/data/disclosures/deepseek-v3-disclosed.yaml', import.meta.url),
);
const disclosedText = readFileSync(disclosedPath, 'utf8');

/** DeepSeek's disclosure with two mistakes an author could make: a word for a number, an unknown stage. */
function malformed(): string {
  const lines = disclosedText.split('\n');
  const quantity = lines.findIndex((l) => /^\s+quantity: 2664000\s*$/.test(l));
  const stage = lines.findIndex((l, i) => i > quantity && /^\s+stage: final-run\s*$/.test(l));
  expect(quantity).toBeGreaterThan(0);
  expect(stage).toBeGreaterThan(quantity);
  lines[quantity] = lines[quantity]?.replace('2664000', 'about 2.6 million') ?? '';
  lines[stage] = lines[stage]?.replace('final-run', 'final-rnu') ?? '';
  return lines.join('\n');
}

describeE2e('Disclose page', (e2e) => {
  it('an uploaded malformed disclosure shows each problem at its field and line', async () => {
    const text = malformed();
    const file = { path: 'deepseek-v3-broken.yaml', text };
    const { data, lineOf } = parseDisclosureData(file);
    const result = validateDisclosure(data, file, lineOf);
    expect(result.success).toBe(false);
    const issues = result.success ? [] : result.issues;
    expect(issues.length).toBeGreaterThanOrEqual(2);

    const { page } = await e2e.open('#/disclose');
    await page.getByTestId('disclose-report').waitFor();
    await page.getByTestId('disclose-upload').setInputFiles({
      name: 'deepseek-v3-broken.yaml',
      mimeType: 'text/yaml',
      buffer: Buffer.from(text),
    });
    const problems = page.getByTestId('disclose-problems');
    await problems.waitFor();
    for (const issue of issues) {
      const li = problems.locator(`li[data-path="${issue.path}"]`);
      await expect.poll(() => li.count(), settle).toBeGreaterThan(0);
      const line = Number(/:(\d+)$/.exec(issue.where)?.[1]);
      await expect.poll(() => li.first().getAttribute('data-line'), settle).toBe(String(line));
      await expect.poll(() => li.first().textContent(), settle).toContain(issue.message);
      // The offending source line is shown under the message.
      await expect
        .poll(() => li.first().locator('.source-line').textContent(), settle)
        .toBe(text.split('\n')[line - 1]);
    }
    // The last report that computed stays, marked as out of date, until the problems are fixed.
    await expect.poll(() => page.getByTestId('disclose-report').getAttribute('class'), settle).toBe('stale');
    await expect.poll(() => page.getByTestId('stale-note').count(), settle).toBe(1);
    await e2e.screenshot(page, 'disclose-malformed');
  });

  it('a valid disclosure gives the engine’s bases; it saves and loads back', async () => {
    const { page } = await e2e.open('#/disclose');
    const textarea = page.getByTestId('disclose-text');
    // Pasted in one input event: Playwright's fill of this 3 KB textarea took 25-30 s on the shared
    // 2-core machine (its editability checks, not the page: the page handles the input in ~250 ms).
    await textarea.evaluate((el, text) => {
      (el as HTMLTextAreaElement).value = text;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, disclosedText);
    const report = evaluateDisclosure(
      nodeEstimator().catalog,
      parseDisclosure({ path: disclosedPath, text: disclosedText }),
      { estimator: nodeEstimator() },
    );
    const table = page.getByTestId('bases-table');
    await page.waitForFunction(
      (id) => document.querySelector(`[data-testid="bases-table"] tr[data-basis="${id}"]`) !== null,
      report.bases[0]?.id,
    );
    for (const basis of report.bases) {
      const row = table.locator(`tr[data-basis="${basis.id}"]`);
      await expect.poll(() => row.getAttribute('data-value'), settle).toBe(String(basis.total.value));
      await expect
        .poll(() => row.locator('td.num').first().textContent(), settle)
        .toBe(formatUsd(basis.total.value));
    }
    const saved = page.getByTestId('disclose-saved');
    await saved.locator('summary').click();
    await page.getByTestId('disclose-saved-name').fill('e2e DeepSeek-V3 as disclosed');
    await page.getByTestId('disclose-saved-save').click();
    await expect
      .poll(() => page.getByTestId('disclose-saved-status').textContent(), settle)
      .toMatch(/^saved /);

    const fresh = await e2e.open('#/disclose');
    await fresh.page.getByTestId('disclose-saved').locator('summary').click();
    await fresh.page
      .locator('.saved-list li', { hasText: 'e2e DeepSeek-V3 as disclosed' })
      .getByRole('button', { name: 'Load' })
      .click();
    const rental = report.bases.find((b) => b.id === 'final-run-rental');
    expect(rental).toBeDefined();
    await fresh.page.waitForFunction(
      (v) =>
        document
          .querySelector('[data-testid="bases-table"] tr[data-basis="final-run-rental"]')
          ?.getAttribute('data-value') === v,
      String(rental?.total.value),
    );
    // The loaded item is the saved disclosure (as JSON now), with DeepSeek's flags.
    await expect
      .poll(() => fresh.page.getByTestId('disclose-flags').textContent(), settle)
      .toContain('rental-only');
    await e2e.screenshot(fresh.page, 'disclose-report');
  });

  it('compares the disclosure with the references on one basis: the engine totals, a missing basis shown as such', async () => {
    const { page } = await e2e.open('#/disclose');
    const compare = page.getByTestId('disclose-compare');
    await compare.waitFor();
    const cell = (id: string, basis: string) =>
      compare.locator(`tr[data-disclosure="${id}"] td[data-basis="${basis}"]`);
    await expect
      .poll(() => cell('deepseek-v3-disclosed', 'final-run-rental').getAttribute('data-value'), settle)
      .toBe('5576000');
    await expect.poll(() => cell('gpt-4-epoch-estimates', 'final-run-rental').count(), settle).toBe(1);
    await page.getByTestId('disclose-compare-basis').selectOption('cluster-acquisition');
    // DeepSeek's own disclosure prices no hardware: that basis is missing, not zero.
    await expect
      .poll(() => cell('deepseek-v3-disclosed', 'cluster-acquisition').textContent(), settle)
      .toBe('—');
    await expect
      .poll(() => cell('deepseek-v3-reconstructed', 'cluster-acquisition').getAttribute('data-value'), settle)
      .not.toBe('');
    await e2e.screenshot(page, 'disclose-compare');
  });
});
