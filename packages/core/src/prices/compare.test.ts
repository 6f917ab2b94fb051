import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shippedCatalog } from '../../test/load-catalog.ts';
import { priceChange, priceRatio } from './compare.ts';
import { buyerComparisons, priceTable } from './listing.ts';
import { priceSideValue } from './side.ts';

const catalog = shippedCatalog();

describe('priceRatio', () => {
  it('DeepSeek-V2 vs GPT-4 Turbo: CNY 1 at the May 2024 rate (7.229) against $10 input, CNY 2 against $30 output', () => {
    const input = priceRatio(catalog, 'deepseek-v2-chat-2024-05', 'gpt-4-turbo-2024-04', 'input');
    expect(input.value).toBeCloseTo(1 / 7.229 / 10, 10); // 0.01383: 1.4% of GPT-4 Turbo
    const output = priceRatio(catalog, 'deepseek-v2-chat-2024-05', 'gpt-4-turbo-2024-04', 'output');
    expect(output.value).toBeCloseTo(2 / 7.229 / 30, 10); // 0.00922: 0.9%
    expect(input.formula).toMatch(/own effective date/);
  });

  it('blends with the share of input tokens stated in the formula', () => {
    const r = priceRatio(catalog, 'gpt-4o-2024-08-06', 'gpt-4o-mini-2024-07', 'blended');
    // (0.75·2.5 + 0.25·10) / (0.75·0.15 + 0.25·0.6) = 4.375 / 0.2625
    expect(r.value).toBeCloseTo(4.375 / 0.2625, 10);
    const half = priceRatio(catalog, 'gpt-4o-2024-08-06', 'gpt-4o-mini-2024-07', 'blended', 0.5);
    expect(half.value).toBeCloseTo(6.25 / 0.375, 10);
    expect(JSON.stringify(half)).toContain('w = 0.5');
  });

  it('compares different sides when each price names its own', () => {
    const r = priceRatio(
      catalog,
      { price: 'o1-2024-12', side: 'cached-input' },
      { price: 'o1-2024-12', side: 'input' },
    );
    expect(r.value).toBe(0.5);
  });

  it('compares prices in one currency as listed, with no exchange rate', () => {
    const r = priceRatio(
      catalog,
      'deepseek-r1-reasoner-2025-01-cny',
      'deepseek-v3-chat-2025-02-cny',
      'output',
    );
    expect(r.value).toBe(2);
    expect(JSON.stringify(r)).not.toContain('fx(');
  });

  it('pins one exchange-rate date when asked', () => {
    const r = priceRatio(catalog, 'deepseek-v2-chat-2024-05', 'gpt-4-turbo-2024-04', 'input', 0.75, {
      fxDate: '2025-01-15',
    });
    expect(r.value).toBeCloseTo(1 / 7.2957 / 10, 10);
  });

  it('names an unknown id with the closest ones and a missing side', () => {
    expect(() => priceRatio(catalog, 'o3-mini-2025', 'o1-mini-2025-01')).toThrow(
      /unknown price "o3-mini-2025".*o3-mini-2025-01/,
    );
    expect(() => priceRatio(catalog, 'gpt-4-8k-2023', 'o1-2024-12', 'cached-input')).toThrow(
      /gpt-4-8k-2023.*no cached-input/,
    );
    expect(() => priceSideValue(catalog.prices[0] as never, 'blended', 1.5)).toThrow(/between 0 and 1/);
  });

  it('ratio(a, b) · ratio(b, a) = 1 for any two prices, side and blend weight (property)', () => {
    const ids = catalog.prices.map((p) => p.id);
    fc.assert(
      fc.property(
        fc.constantFrom(...ids),
        fc.constantFrom(...ids),
        fc.constantFrom('input', 'output', 'blended', 'cached-input' as const),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (a, b, side, w) => {
          const pa = catalog.prices.find((p) => p.id === a);
          const pb = catalog.prices.find((p) => p.id === b);
          fc.pre(
            side !== 'cached-input' ||
              (pa?.cachedInputPerMillion !== undefined && pb?.cachedInputPerMillion !== undefined),
          );
          const product = priceRatio(catalog, a, b, side, w).value * priceRatio(catalog, b, a, side, w).value;
          expect(product).toBeCloseTo(1, 12);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('priceChange', () => {
  it('o3-mini vs o1-mini output: −63.3% against the launch price, 0% against the same-day price', () => {
    expect(priceChange(catalog, 'o1-mini-2024-09', 'o3-mini-2025-01', 'output').value).toBeCloseTo(
      (4.4 - 12) / 12,
      12,
    );
    expect(priceChange(catalog, 'o1-mini-2025-01', 'o3-mini-2025-01', 'output').value).toBe(0);
  });

  it('DeepSeek-V3 after the promotion: input (cache miss) up from $0.14 to $0.27', () => {
    const c = priceChange(catalog, 'deepseek-v3-chat-promo-2024-12', 'deepseek-v3-chat-2025-02', 'input');
    expect(c.value).toBeCloseTo(0.27 / 0.14 - 1, 12);
  });
});

describe('price listing and buyer comparisons', () => {
  it('shows each price in USD at its own date', () => {
    const [v2] = priceTable(catalog, { model: 'deepseek-v2' }).filter(
      (r) => r.id === 'deepseek-v2-chat-2024-05',
    );
    expect(v2?.usd.fx.value).toBeCloseTo(1 / 7.229, 12);
    expect(v2?.usd.input.value).toBeCloseTo(1 / 7.229, 12);
    expect(v2?.usd.output.value).toBeCloseTo(2 / 7.229, 12);
    expect(priceTable(catalog, { provider: 'OpenAI' }).every((r) => r.provider === 'openai')).toBe(true);
    expect(() => priceTable(catalog, { provider: 'opnai' })).toThrow(/unknown provider "opnai"/);
  });

  it('answers the two buyer questions with computed figures', () => {
    const byId = Object.fromEntries(buyerComparisons(catalog).map((c) => [c.id, c.figure.value]));
    expect(byId['o3-mini-vs-o1-mini-launch']).toBeCloseTo(-0.6333, 4);
    expect(byId['o3-mini-vs-o1-mini-same-day']).toBe(0);
    expect(byId['deepseek-v2-vs-gpt-4-turbo-input']).toBeCloseTo(0.01383, 5);
    expect(byId['deepseek-v2-vs-gpt-4-turbo-output']).toBeCloseTo(0.00922, 5);
  });
});
