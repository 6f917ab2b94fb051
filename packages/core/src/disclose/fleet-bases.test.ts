import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shippedCatalog, shippedEstimator } from '../../test/load-catalog.ts';
import { depreciationShare } from './bases.ts';
import { dayNumber } from './dates.ts';
import { renderDisclosureHtml } from './html.ts';
import { parseDisclosure } from './parse.ts';
import { evaluateDisclosure } from './report.ts';

const catalog = shippedCatalog();
const estimator = shippedEstimator(catalog);
const path = new URL('../../data/disclosures/deepseek-v3-reconstructed.yaml', import.meta.url).pathname;
const disclosure = parseDisclosure({ path, text: readFileSync(path, 'utf8') });
const report = evaluateDisclosure(catalog, disclosure, { estimator, draws: 500 });
const basis = (id: string) => report.bases.find((b) => b.id === id);

describe('depreciationShare', () => {
  it('one purchase, a period inside its life: period / life', () => {
    expect(depreciationShare(0, 0, 1000, 100, 200)).toBeCloseTo(0.1, 12);
  });
  it('a period after the life ends takes nothing; before the purchase nothing', () => {
    expect(depreciationShare(0, 0, 1000, 1000, 1100)).toBe(0);
    expect(depreciationShare(500, 500, 1000, 0, 100)).toBe(0);
  });
  it('spending spread evenly: only the tranches bought before the period count in full', () => {
    // Half the money is spent before day 500, half after; a period [500, 600) sees the first half's
    // depreciation for 100 days and the second half's for part of it.
    const s = depreciationShare(0, 1000, 10_000, 500, 600);
    expect(s).toBeGreaterThan(0.5 * (100 / 10_000));
    expect(s).toBeLessThan(100 / 10_000);
  });
});

describe('fleet bases of the DeepSeek-V3 reconstruction (expert review, issue 13)', () => {
  const days = dayNumber('2024-12-26', true) - dayNumber('2024-10-01') + 1;

  it('fleet-period is a period cost: depreciation of the $1.6B capex in the period plus the period share of the 4-year $944M, about $100–200M', () => {
    const capex =
      1.6e9 *
      depreciationShare(
        dayNumber('2021-01'),
        dayNumber('2024-12', true),
        4 * 365.25,
        dayNumber('2024-10-01'),
        dayNumber('2024-12-26', true) + 1,
      );
    const opex = (944e6 * days) / 365.25 / 4;
    const total = basis('fleet-period')?.total.value ?? 0;
    expect(total).toBeCloseTo(capex + opex, 0);
    expect(total).toBeGreaterThan(100e6);
    expect(total).toBeLessThan(200e6);
    // Not the $2.54B sum of a cumulative capex and a multi-year opex line.
    expect(total).toBeLessThan(0.1 * 2.544e9);
  });

  it('the multi-year total of ownership is its own basis, labelled as not a model cost', () => {
    const tco = basis('fleet-ownership-total');
    expect(tco?.total.value).toBeCloseTo(1.6e9 + 944e6, 0);
    expect(tco?.label).toContain('not a model cost');
    expect(tco?.label).toContain('multi-year');
  });

  it('reports draw both fleet bases apart from the model bases, under a label that says they are not model costs', () => {
    const html = renderDisclosureHtml(report);
    const apart = html.indexOf('Company-wide fleet bases (not model costs)');
    expect(apart).toBeGreaterThan(0);
    const chart = html.slice(0, html.indexOf('<table', apart));
    expect(chart.slice(apart)).toContain('Fleet total cost of ownership');
    expect(chart.slice(0, apart)).not.toContain('Fleet total cost of ownership');
  });

  it('the training cluster was bought while the H800 was on sale (March–October 2023)', () => {
    const cluster = disclosure.items.find((i) => i.id === 'training-cluster');
    const acquired = cluster?.owned?.acquired ?? '';
    expect(acquired >= '2023-03' && acquired <= '2023-10').toBe(true);
  });

  it("an acquisition date outside the device's sale window is flagged; the reconstruction's is not", () => {
    const ok = report.findings.find((f) => f.check === 'acquisition-date');
    expect(ok?.severity).toBe('ok');
    const late = {
      ...disclosure,
      items: disclosure.items.map((i) =>
        i.owned ? { ...i, owned: { ...i.owned, acquired: '2024-01' } } : i,
      ),
    };
    const r = evaluateDisclosure(catalog, late, { estimator, draws: 200 });
    const f = r.findings.find((x) => x.check === 'acquisition-date');
    expect(f?.severity).toBe('warn');
    expect(f?.message).toContain('not on sale');
  });

  it("DeepSeek's $2/h is framed as notional, not a list price", () => {
    for (const id of ['pre-training', 'context-extension', 'post-training', 'serving'])
      expect(disclosure.items.find((i) => i.id === id)?.priceBasis, id).toBe('notional');
  });

  it('the H800 unit-price cross-check is not independent, and shows the run at the top of its own range (~$9.5M)', () => {
    const f = report.findings.find((x) => x.check === 'unit-price' && x.id.includes('h800'));
    expect(f?.severity).toBe('not-independent');
    expect(f?.message).toContain('not independent');
    const atTop = f?.figures.find((x) => x.name === 'totalAtRangeTop');
    expect(atTop?.value).toBeCloseTo(2.788e6 * 3.4, 0);
    expect(atTop?.value).toBeGreaterThan(9.4e6);
    expect(atTop?.value).toBeLessThan(9.6e6);
  });

  it('a unit price checked against a range from another source stays an ordinary finding', () => {
    const other = {
      ...disclosure,
      items: disclosure.items.map((i) => ({
        ...i,
        source: { ...i.source, url: 'https://example.org/other', title: 'another source' },
      })),
    };
    const r = evaluateDisclosure(catalog, other, { estimator, draws: 200 });
    const f = r.findings.find((x) => x.check === 'unit-price' && x.id.includes('h800'));
    expect(f?.severity).toBe('ok');
  });
});
