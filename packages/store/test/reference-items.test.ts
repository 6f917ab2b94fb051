import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, preloadReferenceItems, SavedItemStore } from '../src/index.ts';

describe('preloadReferenceItems', () => {
  it('saves each reference disclosure and claim file once, named by its content', () => {
    const data = mkdtempSync(join(tmpdir(), 'clearbox-data-'));
    mkdirSync(join(data, 'disclosures'));
    mkdirSync(join(data, 'claims'));
    writeFileSync(join(data, 'disclosures', 'v3.yaml'), 'model:\n  name: DeepSeek-V3\nitems: []\n');
    writeFileSync(join(data, 'claims', 'briefing.yaml'), 'claims:\n  - id: a\n');
    const store = new SavedItemStore(openDatabase(join(data, 'db', 'x.db')));
    const added = preloadReferenceItems(store, data);
    expect(added.map((i) => [i.kind, i.name, i.source])).toEqual([
      ['disclosure', 'DeepSeek-V3', 'disclosures/v3.yaml'],
      ['claim-set', 'briefing', 'claims/briefing.yaml'],
    ]);
    expect(store.get('disclosure', added[0]?.id ?? '').content).toEqual({
      model: { name: 'DeepSeek-V3' },
      items: [],
    });
    expect(preloadReferenceItems(store, data)).toEqual([]);
  });

  it('does nothing when the data folder has no reference folders', () => {
    const data = mkdtempSync(join(tmpdir(), 'clearbox-data-'));
    const store = new SavedItemStore(openDatabase(':memory:'));
    expect(preloadReferenceItems(store, data)).toEqual([]);
  });
});
