import { describe, expect, it } from 'vitest';
import { shippedCatalog } from '../../test/load-catalog.ts';
import { fxRate } from '../catalog/fx.ts';

const catalog = shippedCatalog();

/** The ids the Audit and Decide pillars reference: renaming one breaks them. */
const contractIds = [
  'deepseek-v2-chat-2024-05',
  'deepseek-v2-chat-2024-08',
  'deepseek-v3-chat-promo-2024-12',
  'deepseek-v3-chat-2025-02',
  'deepseek-v3-chat-2025-02-cny',
  'deepseek-r1-reasoner-2025-01',
  'deepseek-r1-reasoner-2025-01-cny',
  'gpt-4-8k-2023',
  'gpt-4-turbo-2024-04',
  'gpt-4o-2024-05-13',
  'gpt-4o-2024-08-06',
  'gpt-4o-mini-2024-07',
  'o1-2024-12',
  'o1-mini-2024-09',
  'o1-mini-2025-01',
  'o3-mini-2025-01',
  'gpt-3.5-turbo-2024',
  'claude-3.5-sonnet-2024-06',
  'claude-3.5-haiku-2024-11',
  'claude-3-opus-2024-03',
  'gemini-1.5-flash-2024-08',
  'gemini-1.5-pro-2024',
  'gemini-2.0-flash-2025-02',
  'groq-llama3-70b-2024',
  'groq-llama3-8b-2024',
];

describe('the shipped price catalog', () => {
  it('has every id the other pillars reference', () => {
    const ids = new Set(catalog.prices.map((p) => p.id));
    expect(contractIds.filter((id) => !ids.has(id))).toEqual([]);
  });

  it('gives every price and every rate a source with a title and a date', () => {
    for (const p of catalog.prices) {
      expect(p.source.title.length, p.id).toBeGreaterThan(10);
      expect(p.source.date, p.id).toMatch(/^\d{4}-\d{2}/);
      expect(p.effective, p.id).toMatch(/^\d{4}-\d{2}/);
      if (p.offPeak) expect(p.offPeak.source.date, p.id).toMatch(/^\d{4}-\d{2}/);
    }
    for (const r of catalog.fx) {
      expect(r.source.title.length, `${r.base}/${r.quote} ${r.date}`).toBeGreaterThan(10);
      expect(r.source.date).toMatch(/^\d{4}-\d{2}/);
    }
  });

  it('links `model` only to models in the catalog', () => {
    const models = new Set(catalog.models.map((m) => m.id));
    for (const p of catalog.prices) if (p.model !== undefined) expect(models.has(p.model), p.id).toBe(true);
  });

  it('keeps successive prices of one billed model from overlapping in time', () => {
    const groups = new Map<string, typeof catalog.prices>();
    for (const p of catalog.prices) {
      const key = `${p.provider}/${p.apiModel}/${p.currency}`;
      groups.set(key, [...(groups.get(key) ?? []), p]);
    }
    for (const [key, list] of groups) {
      const sorted = [...list].sort((a, b) => a.effective.localeCompare(b.effective));
      for (let i = 0; i < sorted.length; i++) {
        const p = sorted[i];
        const next = sorted[i + 1];
        if (!p) continue;
        if (p.until !== undefined) expect(p.until > p.effective, p.id).toBe(true);
        if (next) {
          expect(p.until, `${key}: ${p.id} needs an until before ${next.id}`).toBeDefined();
          expect((p.until ?? '') <= next.effective, `${p.id} overlaps ${next.id}`).toBe(true);
        }
      }
    }
  });

  it('lists cached input below the full input price and DeepSeek off-peak from 2025-02-26', () => {
    for (const p of catalog.prices) {
      if (p.cachedInputPerMillion !== undefined)
        expect(p.cachedInputPerMillion, p.id).toBeLessThan(p.inputPerMillion);
    }
    const v3 = catalog.prices.find((p) => p.id === 'deepseek-v3-chat-2025-02');
    const r1 = catalog.prices.find((p) => p.id === 'deepseek-r1-reasoner-2025-01');
    expect(v3?.offPeak).toMatchObject({
      startUtc: '16:30',
      endUtc: '00:30',
      inputDiscount: 0.5,
      effective: '2025-02-26',
    });
    expect(r1?.offPeak).toMatchObject({ inputDiscount: 0.75, outputDiscount: 0.75, effective: '2025-02-26' });
  });

  it('has USD→CNY and EUR↔USD rates in every quarter of 2024 and 2025', () => {
    for (const year of ['2024', '2025']) {
      for (const quarter of [
        ['01', '02', '03'],
        ['04', '05', '06'],
        ['07', '08', '09'],
        ['10', '11', '12'],
      ]) {
        for (const pair of ['CNY', 'EUR']) {
          const hit = catalog.fx.some(
            (r) =>
              (r.base === pair || r.quote === pair) &&
              r.date.startsWith(`${year}-`) &&
              quarter.includes(r.date.slice(5, 7)),
          );
          expect(hit, `${pair} ${year} Q${quarter[0]}`).toBe(true);
        }
      }
    }
  });

  it('agrees with the CNY/USD ratio implied by DeepSeek’s own two price lists (~7.3 in 2025)', () => {
    const usd = catalog.prices.find((p) => p.id === 'deepseek-v3-chat-2025-02');
    const cny = catalog.prices.find((p) => p.id === 'deepseek-v3-chat-2025-02-cny');
    const implied = (cny?.outputPerMillion ?? 0) / (usd?.outputPerMillion ?? 1);
    const market = fxRate(catalog.fx, 'USD', 'CNY', '2025-02-08').value;
    expect(implied).toBeCloseTo(7.27, 2);
    expect(Math.abs(market / implied - 1)).toBeLessThan(0.02);
  });
});

describe('fxRate on the shipped rates', () => {
  it('picks the latest rate on or before the date', () => {
    expect(fxRate(catalog.fx, 'USD', 'CNY', '2024-10-15').value).toBe(7.0881);
    expect(fxRate(catalog.fx, 'USD', 'CNY', '2024-11-01').value).toBe(7.2063);
    expect(fxRate(catalog.fx, 'USD', 'CNY', '2025-02-08').value).toBe(7.2734);
    expect(fxRate(catalog.fx, 'USD', 'CNY', '2024-05-06').value).toBe(7.229);
    expect(fxRate(catalog.fx, 'EUR', 'USD', '2024-07-10').value).toBe(1.0835);
  });

  it('inverts the listed pair and falls back to the earliest rate with a note', () => {
    expect(fxRate(catalog.fx, 'CNY', 'USD', '2024-10-15').value).toBeCloseTo(1 / 7.0881, 12);
    expect(fxRate(catalog.fx, 'USD', 'EUR', '2024-07-10').value).toBeCloseTo(1 / 1.0835, 12);
    const early = fxRate(catalog.fx, 'USD', 'CNY', '2020-01-01');
    expect(early.value).toBe(7.125);
    expect(early.note).toMatch(/earliest/);
  });
});
