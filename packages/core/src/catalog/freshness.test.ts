import { describe, expect, it } from 'vitest';
import { buildCatalog } from './catalog.ts';
import { catalogFreshness, recalledFacts, staleEntries, tablesAsOf } from './freshness.ts';

const models = {
  path: 'data/models/test.yaml',
  text: [
    'version: 1',
    'models:',
    '  - id: old',
    '    name: Old',
    '    family: t',
    '    checked: 2026-11-29',
    '    architecture:',
    '      { layers: 2, hiddenSize: 8, vocabSize: 16, tiedEmbeddings: true, contextLength: 64,',
    '        attention: { type: mha, heads: 2, kvHeads: 2, headDim: 4 }, ffn: { type: gated, intermediateSize: 16 } }',
    '    source: { title: config, date: 2023-07, note: "layers recalled (tag U)" }',
    '  - id: new',
    '    name: New',
    '    family: t',
    '    checked: 2026-12-04',
    '    architecture:',
    '      { layers: 2, hiddenSize: 8, vocabSize: 16, tiedEmbeddings: true, contextLength: 64,',
    '        attention: { type: mha, heads: 2, kvHeads: 2, headDim: 4 }, ffn: { type: gated, intermediateSize: 16 } }',
    '    source: { title: config, date: 2025-01 }',
    '    published: { totalParams: 1000, source: { title: card, date: 2026-09-30 } }',
  ].join('\n'),
};

describe('catalog freshness', () => {
  const catalog = buildCatalog([models]);

  it('dates an entry by its newest source, in calendar months to the as-of date', () => {
    const f = catalogFreshness(catalog, '2026-12-04');
    expect(f.find((e) => e.id === 'old')).toMatchObject({
      newestSource: '2023-07',
      ageMonths: 41,
      checked: '2026-11-29',
    });
    expect(f.find((e) => e.id === 'new')).toMatchObject({ newestSource: '2026-09-30', ageMonths: 3 });
  });

  it('lists as stale only what is older than the limit', () => {
    expect(staleEntries(catalog, '2026-12-04', 12).map((e) => e.id)).toEqual(['old']);
    expect(staleEntries(catalog, '2026-12-04', 1).map((e) => e.id)).toEqual(['old', 'new']);
    expect(staleEntries(catalog, '2026-12-04', 60)).toEqual([]);
  });

  it('finds the facts still tagged as recalled', () => {
    expect(recalledFacts(catalog)).toEqual([
      { table: 'models', id: 'old', path: 'source.note', note: 'layers recalled (tag U)' },
    ]);
  });

  it('gives each table its span of checked dates and newest source', () => {
    const m = tablesAsOf(catalog).find((t) => t.table === 'models');
    expect(m).toEqual({
      table: 'models',
      entries: 2,
      oldestChecked: '2026-11-29',
      newestChecked: '2026-12-04',
      newestSource: '2026-09-30',
    });
  });
});
