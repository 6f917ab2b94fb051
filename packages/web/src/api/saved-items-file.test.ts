import { describe, expect, it } from 'vitest';
import { parseSavedItemsFile, savedItemsFile } from './saved-items-file.ts';

const isWorkload = (c: unknown) => (c as { calculator?: unknown } | null)?.calculator === 'decide';
const read = (text: string) => parseSavedItemsFile('mine.json', text, 'scenarios', isWorkload, 'workload');

describe('saved items as a file', () => {
  const items = [
    { name: 'support bot', content: { calculator: 'decide', text: 'version: 1\n' } },
    { name: 'batch', content: { calculator: 'decide', text: 'version: 1\n# batch\n' } },
  ];

  it('reads back what it wrote', () => {
    expect(read(savedItemsFile('scenarios', items))).toEqual({ ok: true, items });
  });

  it('refuses a bad file in one line that names the file, and the item', () => {
    const cases: Array<[string, string]> = [
      ['{', 'mine.json: not JSON'],
      ['[]', 'mine.json: not a Clearbox saved-items file'],
      [savedItemsFile('disclosures', items), 'mine.json: holds disclosures, not scenarios'],
      [savedItemsFile('scenarios', []), 'mine.json: holds no items'],
      [
        savedItemsFile('scenarios', [...items, { name: 'infer', content: { calculator: 'inference' } }]),
        'mine.json: item 3 ("infer") is not a workload',
      ],
      [
        savedItemsFile('scenarios', [{ name: ' ', content: items[0]?.content }]),
        'mine.json: item 1 has no name',
      ],
      [
        JSON.stringify({ ...JSON.parse(savedItemsFile('scenarios', items)), version: 2 }),
        'mine.json: version 2',
      ],
    ];
    for (const [text, message] of cases) {
      const result = read(text);
      expect(result.ok, text).toBe(false);
      if (!result.ok) {
        expect(result.message).toContain(message);
        expect(result.message).not.toContain('\n');
      }
    }
  });
});
