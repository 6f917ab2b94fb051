import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCatalog, pricesInForce } from '@clearbox/core';
import { layeredCatalog, loadShippedCatalog, readStoredPriceTable } from '@clearbox/store';
import { describe, expect, it } from 'vitest';
import { bufferIo } from '../src/io.ts';
import { main } from '../src/main.ts';

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const fixture = new URL('./fixtures/litellm-prices.json', import.meta.url).pathname;
const malformed = new URL('./fixtures/litellm-malformed.json', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'clearbox-prices-'));

describe('clearbox prices', () => {
  it('lists every price with its USD equivalent and the two computed comparisons', async () => {
    const r = await run('prices');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /deepseek-v2-chat-2024-05\s+deepseek\s+deepseek-chat\s+2024-05-06\s+2024-08-02\s+CNY\s+1\s+-\s+2\s+\$0\.138/,
    );
    expect(r.out).toContain('o3-mini output price vs o1-mini: −63.3%, against o1-mini at its launch price');
    expect(r.out).toContain('o3-mini output price vs o1-mini: ±0.0%');
    expect(r.out).toMatch(/DeepSeek-V2 input price as a share of GPT-4 Turbo's: 1\.38% \(1\/72\)/);
  });

  it('--json gives rows with USD Figures at each price’s date and the comparisons as Figures', async () => {
    const r = await run('prices', '--provider', 'deepseek', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.prices.every((p: { provider: string }) => p.provider === 'deepseek')).toBe(true);
    const v2 = json.prices.find((p: { id: string }) => p.id === 'deepseek-v2-chat-2024-05');
    expect(v2.usd.input.value).toBeCloseTo(1 / 7.229, 10);
    expect(v2.usd.input.formula).toContain('fx(CNY→USD) at 2024-05-06');
    expect(v2.usd.fx.note).toBe('rate of 2024-05-01');
    expect(v2.source.title).toMatch(/DeepSeek-V2/);
    const ids = json.comparisons.map((c: { id: string }) => c.id);
    expect(ids).toEqual([
      'o3-mini-vs-o1-mini-launch',
      'o3-mini-vs-o1-mini-same-day',
      'deepseek-v2-vs-gpt-4-turbo-input',
      'deepseek-v2-vs-gpt-4-turbo-output',
    ]);
    expect(json.comparisons[0].figure.value).toBeCloseTo(-0.6333, 4);
  });

  it('--model filters by catalog model, API model or id', async () => {
    const r = await run('prices', '--model', 'deepseek-r1', '--layer', 'clearbox', '--json');
    const ids = JSON.parse(r.out).prices.map((p: { id: string }) => p.id);
    expect(ids).toEqual(['deepseek-r1-reasoner-2025-01', 'deepseek-r1-reasoner-2025-01-cny']);
    // Without --layer, the hosted DeepSeek-R1 prices of the genai-prices layer are listed too.
    const all = JSON.parse((await run('prices', '--model', 'deepseek-r1', '--json')).out).prices;
    expect(all.find((p: { id: string }) => p.id === 'gp-fireworks-deepseek-r1-0528')).toMatchObject({
      layer: 'genai-prices',
      model: 'deepseek-r1',
    });
    const none = await run('prices', '--model', 'no-such-model');
    expect(none.code).toBe(0);
    expect(none.out).toContain('no prices match the filter');
  });

  it('an unknown provider exits 2 with the closest names', async () => {
    const r = await run('prices', '--provider', 'opnai');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^clearbox: error: unknown provider "opnai"; closest: openai(, [\w-]+)*\n$/);
  });
});

describe('clearbox prices import-litellm', () => {
  it('writes a price file that buildCatalog reads back, and reports bad rows by key and field', async () => {
    const out = join(tmp, 'litellm.yaml');
    const r = await run('prices', 'import-litellm', fixture, '--out', out, '--effective', '2025-03-01');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /wrote 4 chat prices to .*litellm\.yaml \(effective 2025-03-01\); skipped 3 non-chat entries; 3 bad fields/,
    );
    expect(r.err).toContain('"example/broken-chat" input_cost_per_token: expected a non-negative number');
    expect(r.err).toContain('"example/broken-chat" output_cost_per_token: missing');
    expect(r.err).toContain(
      '"example/broken-chat" max_input_tokens: expected a positive whole number, got "lots"',
    );
    const text = readFileSync(out, 'utf8');
    const catalog = buildCatalog([{ path: 'imported/prices/litellm.yaml', text }]);
    expect(catalog.prices.map((p) => p.id)).toEqual([
      'gpt-4o-2024-08-06',
      'claude-3-5-sonnet-20240620',
      'groq-llama3-70b-8192',
      'deepseek-deepseek-chat',
    ]);
    const sonnet = catalog.prices[1];
    expect(sonnet).toMatchObject({
      provider: 'anthropic',
      inputPerMillion: 3,
      outputPerMillion: 15,
      cachedInputPerMillion: 0.3,
      cacheWritePerMillion: 3.75,
      contextTokens: 200000,
      effective: '2025-03-01',
    });
    expect(catalog.prices[3]).toMatchObject({
      apiModel: 'deepseek-chat',
      inputPerMillion: 0.27,
      cachedInputPerMillion: 0.07,
    });
    expect(sonnet?.source.title).toContain(fixture);
  });

  it('prints the YAML without --out, and the result as JSON with --json', async () => {
    const yaml = await run('prices', 'import-litellm', fixture, '--effective', '2025-03-01');
    expect(yaml.code).toBe(0);
    expect(yaml.out).toMatch(/^# Imported by `clearbox prices import-litellm`/);
    expect(yaml.out).toContain('id: groq-llama3-70b-8192');
    const json = await run('prices', 'import-litellm', fixture, '--json');
    const result = JSON.parse(json.out);
    expect(result.effective).toBe(new Date().toISOString().slice(0, 10));
    expect(result.skipped.map((s: { key: string }) => s.key)).toEqual([
      'sample_spec',
      'text-embedding-3-small',
      'dall-e-3',
    ]);
    expect(result.badRows).toHaveLength(3);
  });

  it('malformed JSON exits 2 with file:line:column, never a stack trace', async () => {
    const r = await run('prices', 'import-litellm', malformed);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `clearbox: error: ${malformed}:5:5: malformed JSON: expected ',' or '}' after a property value, found "\\""\n`,
    );
  });

  it('a missing file, a bad date and a non-object document exit 2 with one line', async () => {
    const missing = await run('prices', 'import-litellm', join(tmp, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^clearbox: error: .*nope\.json: cannot read file \(ENOENT\)\n$/);
    const date = await run('prices', 'import-litellm', fixture, '--effective', '1 March');
    expect(date.code).toBe(2);
    expect(date.err).toBe('clearbox: error: --effective: expected a date as YYYY-MM-DD, got "1 March"\n');
    const list = join(tmp, 'list.json');
    writeFileSync(list, '[{"mode": "chat"}]');
    const notObject = await run('prices', 'import-litellm', list);
    expect(notObject.code).toBe(2);
    expect(notObject.err).toMatch(/list\.json: expected one JSON object keyed by model id/);
  });
});

describe('clearbox prices --conflicts', () => {
  it('lists where two layers price the same model on the same date and disagree', async () => {
    const r = await run('prices', '--conflicts');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /from \d+ providers: [\d,]+ genai-prices \(@pydantic\/genai-prices 0\.1\.8, as of 2026-09-23\)/,
    );
    expect(r.out).toMatch(
      /deepseek\s+2026-09-23\s+clearbox: deepseek-v3\.1-chat-2025-09\s+genai-prices: gp-deepseek-deepseek-chat\s+input 0\.56 vs 0\.27, output 1\.68 vs 1\.1/,
    );
    const json = JSON.parse((await run('prices', '--conflicts', '--json')).out);
    expect(json.conflicts.length).toBeGreaterThan(0);
    expect(json.conflicts[0]).toHaveProperty('differences');
    expect(json.layers.map((l: { layer: string }) => l.layer)).toEqual(['genai-prices', 'clearbox']);
  });
});

describe('clearbox prices update', () => {
  const newer = new URL('./fixtures/genai-prices-newer.json', import.meta.url).pathname;

  it('saves a newer genai-prices table as the store layer, which then prices the models it lists', async () => {
    const db = join(tmp, 'update.db');
    const r = await run('prices', 'update', newer, '--db', db, '--as-of', '2026-12-01', '--json');
    expect(r.code, r.err).toBe(0);
    const out = JSON.parse(r.out);
    expect(out.table).toMatchObject({ id: 1, asOf: '2026-12-01', providers: 3 });
    expect(out.layering.counts.store).toBe(5);
    expect(out.layering.layers.map((l: { layer: string }) => l.layer)).toEqual([
      'genai-prices',
      'clearbox',
      'store',
    ]);
    // The store's Groq llama3-8b-8192 ($0.09) disagrees with Clearbox's corrected $0.08 on its date.
    expect(
      out.layering.conflicts.some(
        (c: { used: { layer: string }; other: { id: string } }) =>
          c.used.layer === 'store' && c.other.id === 'groq-llama3-8b-2024',
      ),
    ).toBe(true);
    const catalog = layeredCatalog(loadShippedCatalog(), readStoredPriceTable(db));
    const together = pricesInForce(catalog.prices, '2026-12-04').filter(
      (p) => p.apiModel === 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo',
    );
    expect(together.map((p) => [p.layer, p.inputPerMillion, p.model])).toEqual([
      ['store', 0.1, 'llama-3.1-8b'],
    ]);
    const human = await run('prices', 'update', newer, '--db', db, '--as-of', '2026-12-02');
    expect(human.out).toMatch(
      /^saved .*genai-prices-newer\.json as price table #2 in .*update\.db \(as of 2026-12-02, 3 providers/,
    );
  });

  it('reads the table from a URL (a local server here)', async () => {
    const server = createServer((_req, res) => res.end(readFileSync(newer)));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    try {
      const db = join(tmp, 'url.db');
      const r = await run('prices', 'update', `http://127.0.0.1:${port}/data.json`, '--db', db, '--json');
      expect(r.code, r.err).toBe(0);
      expect(JSON.parse(r.out).table.label).toBe(`http://127.0.0.1:${port}/data.json`);
    } finally {
      server.close();
    }
  });

  it('bad input exits 2 with one line naming the file and field, and writes nothing', async () => {
    const db = join(tmp, 'bad.db');
    const bad = join(tmp, 'bad.json');
    const table = JSON.parse(readFileSync(newer, 'utf8'));
    table[1].models[0].prices.output_mtok = 'cheap';
    writeFileSync(bad, JSON.stringify(table));
    const r = await run('prices', 'update', bad, '--db', db);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^clearbox: error: .*bad\.json: not a genai-prices data file: \[1\]\.models\[0\]\.prices\.output_mtok: [^\n]+\n$/,
    );
    expect(readStoredPriceTable(db)).toBeUndefined();
    const date = await run('prices', 'update', newer, '--db', db, '--as-of', '1 Dec');
    expect(date.code).toBe(2);
    expect(date.err).toMatch(/--as-of: expected a date as YYYY-MM-DD/);
    const missing = await run('prices', 'update', join(tmp, 'nope.json'), '--db', db);
    expect(missing.code).toBe(2);
    expect(readStoredPriceTable(db)).toBeUndefined();
  });
});
