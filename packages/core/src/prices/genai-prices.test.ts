import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shippedCatalog } from '../../test/load-catalog.ts';
import { apiPriceSchema } from '../catalog/price-schema.ts';
import { InputError } from '../errors/clearbox-error.ts';
import { bundledGenaiLayer, bundledGenaiProviders, genaiPricesPackage } from './bundled-genai.ts';
import {
  type GenaiProvider,
  genaiDataSchema,
  genaiMatches,
  importGenaiPrices,
  parseGenaiData,
} from './genai-prices.ts';

const providers = await bundledGenaiProviders();
const catalog = shippedCatalog();
const layer = bundledGenaiLayer(providers, catalog.hosted);
const byId = new Map(layer.data.prices.map((p) => [p.id, p]));
const origin = { layer: 'store' as const, label: 'test table', asOf: '2026-12-01' };

describe('the bundled @pydantic/genai-prices table', () => {
  it('is the pinned version, and its data fits the data-file schema', () => {
    const installed = JSON.parse(
      readFileSync(
        new URL('../../../../node_modules/@pydantic/genai-prices/package.json', import.meta.url),
        'utf8',
      ),
    ) as { version: string };
    const declared = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(installed.version).toBe(genaiPricesPackage.version);
    expect(declared.dependencies['@pydantic/genai-prices']).toBe(genaiPricesPackage.version);
    expect(genaiDataSchema.safeParse(providers).success).toBe(true);
  });

  it('maps about 1,500 prices from about 40 providers, every one valid under the price schema', () => {
    const prices = layer.data.prices;
    expect(prices.length).toBeGreaterThan(1300);
    expect(new Set(prices.map((p) => p.provider)).size).toBeGreaterThan(35);
    const bad = prices.filter((p) => !apiPriceSchema.safeParse(p).success).map((p) => p.id);
    expect(bad).toEqual([]);
    expect(new Set(prices.map((p) => p.id)).size).toBe(prices.length);
    // Embeddings, OCR and audio-by-the-hour have no per-token input and output: listed, not dropped silently.
    expect(layer.data.skipped.length).toBeGreaterThan(50);
    expect(layer.data.skipped.every((s) => s.reason.length > 10)).toBe(true);
  });

  it('names the package, its version and the provider pricing URL in every source', () => {
    for (const p of layer.data.prices) {
      expect(p.source.title, p.id).toMatch(/^@pydantic\/genai-prices 0\.1\.8: /);
      expect(p.source.date).toBe('2026-09-23');
    }
    const groq = providers.find((p) => p.id === 'groq');
    expect(byId.get('gp-groq-llama3-8b-8192')?.source.url).toBe(groq?.pricing_urls?.[0]);
    expect(byId.get('gp-groq-llama3-8b-8192')?.source.url).toMatch(/^https:\/\/.*groq\.com/);
  });

  it('turns start dates into dated entries, the undated first price ending the day before', () => {
    const before = byId.get('gp-openai-o3');
    const after = byId.get('gp-openai-o3-2025-06-10');
    expect(before).toMatchObject({
      effective: '2025-06-09',
      effectiveBasis: 'in-force',
      until: '2025-06-10',
    });
    expect([before?.inputPerMillion, before?.outputPerMillion]).toEqual([10, 40]);
    expect(after).toMatchObject({ effective: '2025-06-10', inputPerMillion: 2, outputPerMillion: 8 });
    expect(after?.effectiveBasis).toBeUndefined();
    // An increase announced for 2027 stays a future entry; the current price is in force on the table date.
    expect(byId.get('gp-google-gemini-3.6-flash')).toMatchObject({
      effective: '2026-09-23',
      until: '2027-01-01',
    });
  });

  it('keeps long-context tiers: Gemini 1.5 Pro above 128K tokens', () => {
    expect(byId.get('gp-google-gemini-1.5-pro')).toMatchObject({
      inputPerMillion: 1.25,
      outputPerMillion: 5,
      tiers: [{ aboveInputTokens: 128000, inputPerMillion: 2.5, outputPerMillion: 10 }],
    });
  });

  it('turns a peak window into the off-peak rest of the day (DeepSeek: peak 00:30-16:30 UTC at twice the price)', () => {
    const chat = byId.get('gp-deepseek-deepseek-chat');
    expect(chat).toMatchObject({ inputPerMillion: 0.27, cachedInputPerMillion: 0.07, outputPerMillion: 1.1 });
    expect(chat?.offPeak).toMatchObject({
      startUtc: '16:30',
      endUtc: '00:30',
      inputDiscount: 0.5,
      outputDiscount: 0.5,
    });
  });

  it('gives hosted prices their catalog model where the provider names the weights', () => {
    const together = layer.data.prices.find(
      (p) => p.provider === 'together' && p.apiModel === 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo',
    );
    expect(together?.model).toBe('llama-3.1-8b');
    const fp8 = layer.data.prices.find((p) => p.apiModel === '@cf/meta/llama-3.1-8b-instruct-fp8');
    expect(fp8).toMatchObject({ model: 'llama-3.1-8b', precision: 'fp8' });
    expect(layer.data.prices.filter((p) => p.model === 'llama-3.1-8b').length).toBeGreaterThan(10);
  });
});

describe('the hosted-model map (data/prices/hosted.yaml)', () => {
  it('names only catalog models, each pair once, each with a dated source', () => {
    const models = new Set(catalog.models.map((m) => m.id));
    expect(catalog.hosted.length).toBeGreaterThan(40);
    for (const h of catalog.hosted) {
      expect(models.has(h.model), `${h.provider} ${h.apiModel} -> ${h.model}`).toBe(true);
      expect(h.source.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    const keys = catalog.hosted.map((h) => `${h.provider} ${h.apiModel.toLowerCase()}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('maps only billed models that genai-prices lists (a typo would map nothing)', () => {
    const listed = new Set(providers.flatMap((p) => p.models.map((m) => `${p.id} ${m.id.toLowerCase()}`)));
    expect(catalog.hosted.filter((h) => !listed.has(`${h.provider} ${h.apiModel.toLowerCase()}`))).toEqual(
      [],
    );
  });
});

describe('genai-prices match rules', () => {
  it('match like the package: case-insensitive prefixes, any-of, all-of, regex', () => {
    const rule = { or: [{ starts_with: 'claude-3-5-haiku' }, { starts_with: 'claude-3.5-haiku' }] };
    expect(genaiMatches(rule, 'claude-3-5-haiku-20241022')).toBe(true);
    expect(genaiMatches(rule, 'Claude-3.5-Haiku-latest')).toBe(true);
    expect(genaiMatches(rule, 'claude-3-haiku-20240307')).toBe(false);
    expect(genaiMatches({ and: [{ contains: 'llama' }, { ends_with: '8b' }] }, 'llama-3-8b')).toBe(true);
    expect(genaiMatches({ regex: '^gpt-4o(-\\d{4}-\\d{2}-\\d{2})?$' }, 'gpt-4o-2024-08-06')).toBe(true);
  });
});

describe('a genai-prices data file', () => {
  const table: GenaiProvider[] = [
    {
      id: 'acme',
      name: 'Acme',
      pricing_urls: ['https://acme.example/pricing'],
      models: [
        { id: 'acme-1', match: { equals: 'acme-1' }, prices: { input_mtok: 1, output_mtok: 2 } },
        {
          id: 'acme-night',
          match: { equals: 'acme-night' },
          prices: [
            { prices: { input_mtok: 1, output_mtok: 4 } },
            {
              constraint: { type: 'time_of_date', start_time: '22:00:00Z', end_time: '06:00:00Z' },
              prices: { input_mtok: 0.25, output_mtok: 1 },
            },
          ],
        },
        { id: 'acme-embed', match: { equals: 'acme-embed' }, prices: { input_mtok: 0.1 } },
      ],
    },
  ];

  it('becomes store-layer prices: a discounted night window, an embedding skipped with its reason', () => {
    const out = importGenaiPrices(table, origin);
    expect(out.prices.map((p) => p.id)).toEqual(['gps-acme-acme-1', 'gps-acme-acme-night']);
    expect(out.prices[0]).toMatchObject({
      layer: 'store',
      effective: '2026-12-01',
      effectiveBasis: 'in-force',
    });
    expect(out.prices[0]?.source.url).toBe('https://acme.example/pricing');
    expect(out.prices[1]?.offPeak).toMatchObject({
      startUtc: '22:00',
      endUtc: '06:00',
      inputDiscount: 0.75,
      outputDiscount: 0.75,
    });
    expect(out.skipped).toEqual([
      { provider: 'acme', model: 'acme-embed', reason: expect.stringContaining('no per-token output') },
    ]);
  });

  it('is validated: a bad field is one line naming the file and the path', () => {
    const bad = JSON.parse(JSON.stringify(table)) as Array<{
      models: Array<{ prices: Record<string, unknown> }>;
    }>;
    if (bad[0]?.models[0]) bad[0].models[0].prices = { input_mtok: -1, output_mtok: 2 };
    const run = () => parseGenaiData({ path: 'data.json', text: JSON.stringify(bad) });
    expect(run).toThrow(InputError);
    expect(run).toThrow(
      /^data\.json: not a genai-prices data file: \[0\]\.models\[0\]\.prices\.input_mtok: /,
    );
    expect(() => parseGenaiData({ path: 'data.json', text: '{"not": "a list"}' })).toThrow(/expected array/);
    expect(() => parseGenaiData({ path: 'data.json', text: '[{"id": ' })).toThrow(/malformed JSON/);
    expect(parseGenaiData({ path: 'data.json', text: JSON.stringify(table) })).toHaveLength(1);
  });
});
