import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { auditClaims, auditContext, type TextFile } from '@clearbox/core';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeE2e, settle } from './browser.ts';
import { nodeEstimator } from './engine.ts';

const dataDir = fileURLToPath(new URL('../packages/core/data/', import.meta.url));
const claimsPath = `${dataDir}claims/deepseek-briefing.yaml`;
const claimsText = readFileSync(claimsPath, 'utf8');

/** `clearbox audit` in Node: the verdicts the page must show. */
function nodeAudit(text: string) {
  const disclosures = new Map<string, TextFile>();
  for (const f of readdirSync(`${dataDir}disclosures`)) {
    const path = `${dataDir}disclosures/${f}`;
    disclosures.set(f.replace(/\.ya?ml$/, ''), { path, text: readFileSync(path, 'utf8') });
  }
  const e = nodeEstimator();
  return auditClaims(auditContext(e.catalog, disclosures, e), { path: claimsPath, text });
}

async function shownVerdicts(page: Page): Promise<Record<string, string>> {
  return page.$$eval('[data-testid="audit-table"] tr[data-claim]', (rows) =>
    Object.fromEntries(rows.map((r) => [r.getAttribute('data-claim'), r.getAttribute('data-verdict')])),
  );
}

describeE2e('Audit page', (e2e) => {
  it('the briefing’s claims get the engine’s verdicts; editing a claim recomputes its verdict', async () => {
    const expected = nodeAudit(claimsText);
    expect(expected.results.length).toBeGreaterThan(5);
    const { page } = await e2e.open('#/audit');
    await page.getByTestId('audit-table').waitFor({ timeout: 15_000 });
    const want = Object.fromEntries(expected.results.map((r) => [r.id, r.verdict]));
    await expect.poll(() => shownVerdicts(page), settle).toEqual(want);
    await e2e.screenshot(page, 'audit');
    // Qualifiers and sensitivity lines from the engine are on the page, beside the verdict.
    const row = (id: string) => page.locator(`tr[data-claim="${id}"]`);
    await expect
      .poll(() =>
        row('deepseek-hardware-500m').locator('[data-qualifier]').first().getAttribute('data-qualifier'),
      )
      .toBe('consistent-with-source');
    const line = expected.results.find((r) => r.id === 'v2-price-vs-gpt-4-turbo')?.sensitivity[0] ?? '';
    expect(line).toContain("'about'");
    expect(
      (await row('v2-price-vs-gpt-4-turbo').getByTestId('audit-sensitivity').textContent()) ?? '',
    ).toContain(line);

    // Claim ten times the cost on the same GPU-hours: the verdict must follow the engine's.
    const edited = claimsText.replace('claimedUsd: 5.576e6', 'claimedUsd: 55.76e6');
    expect(edited).not.toBe(claimsText);
    const after = nodeAudit(edited).results.find((r) => r.id === 'v3-training-cost')?.verdict;
    expect(after).toBeDefined();
    expect(after).not.toBe(want['v3-training-cost']);
    // The editor shows the claims; the device definitions before them fold away.
    await page.getByTestId('audit-text').fill(edited.slice(edited.indexOf('\nclaims:') + 1));
    await expect
      .poll(() => page.locator('tr[data-claim="v3-training-cost"]').getAttribute('data-verdict'), {
        timeout: 15_000,
      })
      .toBe(after);
  });
});
