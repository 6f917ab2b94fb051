import { describe, expect, it } from 'vitest';
import { shippedCatalog } from '../../test/load-catalog.ts';
import type { ApiPrice } from '../catalog/price-schema.ts';
import { pricesInForce } from '../decide/api-cost.ts';
import { bundledGenaiLayer, bundledGenaiProviders } from './bundled-genai.ts';
import { importGenaiPrices } from './genai-prices.ts';
import { layerCatalogPrices, matcherFor, overlayPrices } from './layers.ts';

const base = shippedCatalog();
const providers = await bundledGenaiProviders();
const layered = layerCatalogPrices(base, bundledGenaiLayer(providers, base.hosted));
const own = (id: string) => base.prices.find((p) => p.id === id);
const source = { title: 'a test source', date: '2026-01-01' };
const price = (id: string, fields: Partial<ApiPrice>): ApiPrice => ({
  id,
  apiModel: 'm',
  provider: 'p',
  currency: 'USD',
  effective: '2025-01-01',
  inputPerMillion: 1,
  outputPerMillion: 2,
  source,
  ...fields,
});

describe('overlaying price layers', () => {
  const matcher = matcherFor([]);

  it('keeps a lower price no upper price covers, and every upper price', () => {
    const out = overlayPrices(
      [price('low', { effective: '2024-01-01' })],
      [price('up', { effective: '2025-01-01' })],
      matcher,
    );
    expect(out.prices.map((p) => p.id)).toEqual(['low', 'up']);
    expect(out.conflicts).toEqual([]);
  });

  it('replaces a lower price an upper one covers on its date, and lists a disagreement as a conflict', () => {
    const low = price('low', { effective: '2025-06-01', outputPerMillion: 2.5, layer: 'genai-prices' });
    const out = overlayPrices([low], [price('up', {})], matcher);
    expect(out.prices.map((p) => p.id)).toEqual(['up']);
    expect(out.replaced).toBe(1);
    expect(out.conflicts).toEqual([
      {
        provider: 'p',
        date: '2025-06-01',
        currency: 'USD',
        used: { layer: 'clearbox', id: 'up', apiModel: 'm' },
        other: { layer: 'genai-prices', id: 'low', apiModel: 'm' },
        differences: [{ side: 'outputPerMillion', used: 2, other: 2.5 }],
      },
    ]);
  });

  it('does not cover a date after the upper price ended, nor another currency or provider', () => {
    const low = price('low', { effective: '2025-06-01' });
    expect(
      overlayPrices([low], [price('up', { until: '2025-03-01', outputPerMillion: 9 })], matcher).conflicts,
    ).toEqual([]);
    expect(
      overlayPrices([low], [price('up', { currency: 'CNY', outputPerMillion: 9 })], matcher).prices,
    ).toHaveLength(2);
    expect(
      overlayPrices([low], [price('up', { provider: 'q', outputPerMillion: 9 })], matcher).prices,
    ).toHaveLength(2);
  });

  it('recognises a billed name by the genai-prices match rule', () => {
    const table = importGenaiPrices(
      [
        {
          id: 'p',
          name: 'P',
          models: [
            { id: 'm-latest', match: { starts_with: 'm-' }, prices: { input_mtok: 1, output_mtok: 3 } },
          ],
        },
      ],
      { layer: 'genai-prices', label: 'test', asOf: '2026-01-01' },
    );
    const out = overlayPrices(
      table.prices,
      [price('up', { apiModel: 'm-2025-01-01' })],
      matcherFor(table.models),
    );
    expect(out.conflicts.map((c) => [c.used.id, c.other.id, c.differences[0]?.side])).toEqual([
      ['up', 'gp-p-m-latest', 'outputPerMillion'],
    ]);
  });
});

describe('the shipped catalog over the bundled genai-prices table', () => {
  it('keeps every Clearbox price and adds the bulk layer under it', () => {
    const l = layered.priceLayering;
    expect(l?.counts.clearbox).toBe(base.prices.length);
    expect(l?.counts['genai-prices']).toBeGreaterThan(1300);
    expect(new Set(layered.prices.map((p) => p.provider)).size).toBeGreaterThan(35);
  });

  it('reports the conflicts it finds, and the Groq and Claude 3.5 Haiku corrections agree with the package', () => {
    const conflicts = layered.priceLayering?.conflicts ?? [];
    const pairs = conflicts.map((c) => `${c.used.id} vs ${c.other.id}`);
    // DeepSeek cancelled the night discount and moved to V3.1 prices on 2025-09-05; genai-prices 0.1.8
    // still lists the V3 peak/off-peak prices for deepseek-chat.
    expect(pairs).toContain('deepseek-v3.1-chat-2025-09 vs gp-deepseek-deepseek-chat');
    expect(
      pairs.filter((p) => p.includes('groq') || p.includes('haiku') || p.includes('gemini-1.5-pro')),
    ).toEqual([]);
  });
});

describe('price corrections from the expert review (issue 11)', () => {
  it('Claude 3.5 Haiku launched 2024-11-04 at $1 / $5 and was cut to $0.80 / $4 in December 2024', () => {
    expect(own('claude-3.5-haiku-2024-11')).toMatchObject({
      effective: '2024-11-04',
      until: '2024-12',
      inputPerMillion: 1,
      outputPerMillion: 5,
      cacheWritePerMillion: 1.25,
      cachedInputPerMillion: 0.1,
    });
    expect(own('claude-3.5-haiku-2024-12')).toMatchObject({
      effective: '2024-12',
      inputPerMillion: 0.8,
      outputPerMillion: 4,
    });
    const inForce = (date: string) =>
      pricesInForce(base.prices, date).find((p) => p.apiModel === 'claude-3-5-haiku-20241022')
        ?.outputPerMillion;
    expect(inForce('2024-11-20')).toBe(5);
    expect(inForce('2025-03-01')).toBe(4);
  });

  it('Groq llama3-8b-8192 output is $0.08, and the source is dated as the package is, not 2024-05-01', () => {
    const groq = own('groq-llama3-8b-2024');
    expect(groq).toMatchObject({ inputPerMillion: 0.05, outputPerMillion: 0.08 });
    expect(groq?.source.date).not.toBe('2024-05-01');
    expect(groq?.source.note).toContain('2024-05-23');
  });

  it('Gemini 1.5 Pro has a price after the October 2024 cut: $1.25 / $5, $2.50 / $10 above 128K tokens', () => {
    const after = pricesInForce(base.prices, '2024-11-01').find((p) => p.apiModel === 'gemini-1.5-pro');
    expect(after).toMatchObject({
      id: 'gemini-1.5-pro-2024-10',
      inputPerMillion: 1.25,
      outputPerMillion: 5,
      tiers: [{ aboveInputTokens: 128000, inputPerMillion: 2.5, outputPerMillion: 10 }],
    });
    expect(
      pricesInForce(base.prices, '2024-09-01').find((p) => p.apiModel === 'gemini-1.5-pro')?.inputPerMillion,
    ).toBe(3.5);
  });
});
