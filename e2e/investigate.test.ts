import {
  type CorpusRecord,
  defaultCorporaSpec,
  defaultOverlapOptions,
  generateCorpora,
  syntheticTeacherNames,
} from '@clearbox/core';
import { investigateOverlapTexts } from '@clearbox/store';
import { expect, it } from 'vitest';
import { describeE2e, settle, unlabeledControls } from './browser.ts';

/** What `clearbox investigate synth corpora` + `clearbox investigate overlap` give for the page's synthetic set. */
function nodeOverlap(seed: number) {
  const synth = generateCorpora({
    ...defaultCorporaSpec,
    seed,
    prompts: 200,
    baselines: 2,
    referenceTexts: 50,
  });
  const file = (label: string) => ({
    path: `${label}.jsonl`,
    text: `${(synth.corpora[label] as CorpusRecord[]).map((r) => JSON.stringify(r)).join('\n')}\n`,
  });
  return investigateOverlapTexts(
    {
      teacher: file('teacher'),
      suspect: file('suspect'),
      baselines: [file('baseline-1'), file('baseline-2')],
      reference: file('reference'),
      options: {
        ...defaultOverlapOptions,
        teacherNames: [...syntheticTeacherNames],
        watermark: { key: 42, gamma: 0.25, contextWidth: 1 },
      },
    },
    new Date(),
  );
}

describeE2e('Investigate page', (e2e) => {
  it('the synthetic overlap p-values and caveat are those of `clearbox investigate overlap`; a new seed recomputes', async () => {
    const expected = nodeOverlap(1);
    const o1 = expected.tests.find((t) => t.id === 'O1');
    expect(o1).toBeDefined();
    const { page, errors } = await e2e.open('#/investigate');
    await page.getByTestId('investigate-table').waitFor({ timeout: 20_000 });
    const row = (id: string) => page.locator(`[data-testid="investigate-table"] tr[data-test-id="${id}"]`);
    await expect.poll(() => row('O1').getAttribute('data-p'), settle).toBe(String(o1?.p));
    // O1 is exact. The other tests go through exp/log of tiny tail probabilities, where Chromium's V8
    // and Node's may differ in the last bit (seen: O5 p 1.55e-29 one ulp apart), so: 12 digits.
    for (const t of expected.tests) {
      const p = Number(await row(t.id).getAttribute('data-p'));
      if (t.p === 0) expect(p).toBe(0);
      else expect(p / t.p).toBeCloseTo(1, 12);
      const holm = await row(t.id).getAttribute('data-p-holm');
      if (t.pHolm === null) expect(holm).toBe('null');
      else expect(Number(holm) / t.pHolm).toBeCloseTo(1, 12);
    }
    expect(await page.getByTestId('investigate-statement').textContent()).toBe(expected.statement);
    await e2e.screenshot(page, 'investigate');

    const next = nodeOverlap(7);
    expect(next.tests[0]?.p).not.toBe(o1?.p);
    await page.getByTestId('investigate-seed').fill('7');
    await page.getByTestId('investigate-generate').click();
    await expect.poll(() => row('O1').getAttribute('data-p'), settle).toBe(String(next.tests[0]?.p));

    // No baseline, no verdict (as the CLI refuses).
    await page.getByTestId('investigate-baseline-1-text').fill('');
    await page.getByTestId('investigate-baseline-2-text').fill('');
    await expect
      .poll(() => page.getByTestId('investigate-problems').textContent(), settle)
      .toContain('no baseline');
    expect(errors).toEqual([]);
  });

  it('every control has a label', async () => {
    const { page } = await e2e.open('#/investigate');
    await page.getByTestId('investigate-table').waitFor({ timeout: 20_000 });
    const unlabeled = await unlabeledControls(page, 'main');
    expect(unlabeled).toEqual([]);
  });
});
