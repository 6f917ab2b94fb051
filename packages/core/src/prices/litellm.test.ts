import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildCatalog } from '../catalog/catalog.ts';
import { priceFileSchema } from '../catalog/price-schema.ts';
import { jsonSyntaxError, parseJsonFile } from './json-position.ts';
import { importLitellm, litellmPriceYaml, slugifyPriceId } from './litellm.ts';

const options = { effective: '2025-03-01', sourceDate: '2025-02-28' };
const file = (text: string) => ({ path: 'prices.json', text });

const sample = JSON.stringify(
  {
    sample_spec: { input_cost_per_token: 0, output_cost_per_token: 0, mode: 'one of chat, embedding, ...' },
    'gpt-4o': {
      input_cost_per_token: 2.5e-6,
      output_cost_per_token: 1e-5,
      cache_read_input_token_cost: 1.25e-6,
      litellm_provider: 'openai',
      max_input_tokens: 128000,
      mode: 'chat',
    },
    'groq/llama3-70b-8192': {
      input_cost_per_token: 5.9e-7,
      output_cost_per_token: 7.9e-7,
      litellm_provider: 'groq',
      mode: 'chat',
    },
    'text-embedding-3-small': { input_cost_per_token: 2e-8, output_cost_per_token: 0, mode: 'embedding' },
    'broken/model': { input_cost_per_token: '0.000001', litellm_provider: 'broken', mode: 'chat' },
  },
  null,
  2,
);

describe('importLitellm', () => {
  it('turns per-token USD into per-million prices, chat models only', () => {
    const r = importLitellm(file(sample), options);
    expect(r.prices.map((p) => p.id)).toEqual(['gpt-4o', 'groq-llama3-70b-8192']);
    expect(r.prices[0]).toMatchObject({
      apiModel: 'gpt-4o',
      provider: 'openai',
      currency: 'USD',
      effective: '2025-03-01',
      inputPerMillion: 2.5,
      cachedInputPerMillion: 1.25,
      outputPerMillion: 10,
      contextTokens: 128000,
    });
    expect(r.prices[1]).toMatchObject({
      apiModel: 'llama3-70b-8192',
      inputPerMillion: 0.59,
      outputPerMillion: 0.79,
    });
    expect(r.skipped.map((s) => s.key)).toEqual(['sample_spec', 'text-embedding-3-small']);
  });

  it('reports every bad field of a chat row by key and field', () => {
    const r = importLitellm(file(sample), options);
    expect(r.badRows).toEqual([
      {
        key: 'broken/model',
        field: 'input_cost_per_token',
        message: expect.stringMatching(/non-negative number.*"0.000001"/),
      },
      { key: 'broken/model', field: 'output_cost_per_token', message: expect.stringMatching(/missing/) },
    ]);
  });

  it('writes YAML that the catalog loader reads back to the same prices', () => {
    const r = importLitellm(file(sample), options);
    const yaml = litellmPriceYaml(r, file(sample), options);
    expect(priceFileSchema.safeParse(parse(yaml)).success).toBe(true);
    const catalog = buildCatalog([{ path: 'out/prices/litellm.yaml', text: yaml }]);
    expect(catalog.prices).toEqual(r.prices);
  });

  it('refuses ids that collide after slugifying, and a bad --effective', () => {
    const text = JSON.stringify({
      'A/B': { input_cost_per_token: 1e-6, output_cost_per_token: 1e-6, litellm_provider: 'x', mode: 'chat' },
      'a b': { input_cost_per_token: 1e-6, output_cost_per_token: 1e-6, litellm_provider: 'x', mode: 'chat' },
    });
    const r = importLitellm(file(text), options);
    expect(r.prices.map((p) => p.id)).toEqual(['a-b']);
    expect(r.badRows[0]).toMatchObject({ key: 'a b', field: '(key)' });
    expect(() => importLitellm(file(text), { ...options, effective: 'yesterday' })).toThrow(/--effective/);
    expect(slugifyPriceId('together_ai/meta-llama/Llama-3-70b')).toBe('together_ai-meta-llama-llama-3-70b');
  });

  it('slugifies as the four replacements do, whether or not the key is an id already', () => {
    // The replacements slugifyPriceId skips for keys that are ids already, written out in full.
    const replaced = (key: string) =>
      key
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')
        .replace(/-{2,}/g, '-')
        .replace(/^[^a-z0-9]+/, '')
        .replace(/[-.]+$/, '');
    const keys = [
      'gp-openai-gpt-4o',
      'gp-openai-gpt-4o-2024-08-06',
      'gp-x-v1.5',
      'GP-Mistral-Large',
      'a--b',
      '-a',
      '.a',
      '_a',
      'a.',
      'a-',
      'a_',
      'a/b c',
      '',
      '.',
      'deepseek/deepseek-chat:free',
    ];
    for (const key of keys) expect(slugifyPriceId(key), key).toBe(replaced(key));
  });

  it('names line and column of malformed JSON, and refuses a non-object document', () => {
    expect(() => parseJsonFile(file('{\n  "a": 1,\n  "b": }\n'))).toThrow(
      /prices\.json:3:8: malformed JSON: expected a JSON value, found "}"/,
    );
    expect(() => parseJsonFile(file('{"a": 1'))).toThrow(/1:8.*found the end of the file/);
    expect(() => importLitellm(file('[1, 2]'), options)).toThrow(/one JSON object keyed by model id/);
  });

  it('finds no error in valid JSON and one in each kind of broken JSON', () => {
    for (const ok of ['{}', '[]', '{"a":[1,-2.5e3,true,false,null,"x\\u00e9\\n"]}', ' 3 ']) {
      expect(jsonSyntaxError(ok), ok).toBeUndefined();
    }
    for (const bad of ['{a:1}', '[1,]', '{"a" 1}', '"x', '01', 'tru', '{"a":1}}', '"\\q"']) {
      expect(jsonSyntaxError(bad), bad).toBeDefined();
      expect(() => JSON.parse(bad), bad).toThrow();
    }
  });
});
