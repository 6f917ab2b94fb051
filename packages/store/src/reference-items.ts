import { existsSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseYamlOrJson } from '@clearbox/core';
import { defaultDataDir, readTextFiles } from './catalog-files.ts';
import type { SavedItem, SavedItemKind, SavedItemStore } from './saved-items.ts';

/** Folders of the shipped data that become saved items on first start, and the kind they become. */
export const referenceFolders: ReadonlyArray<[folder: string, kind: SavedItemKind]> = [
  ['disclosures', 'disclosure'],
  ['claims', 'claim-set'],
];

/** A readable name: the document's own title or model name when it has one, else the file name. */
function nameOf(content: unknown, path: string): string {
  const doc = content as Record<string, unknown> | null;
  const model = doc?.model as Record<string, unknown> | string | undefined;
  for (const candidate of [
    doc?.title,
    doc?.name,
    typeof model === 'string' ? model : model?.name,
    typeof model === 'object' ? model?.id : undefined,
  ]) {
    if (typeof candidate === 'string' && candidate.trim() !== '') return candidate;
  }
  return basename(path).replace(/\.(ya?ml|json)$/i, '');
}

/**
 * Saves the reference disclosures and claim sets that ship in data/ as items, once per file
 * (keyed by the path under data/), so a later start neither duplicates nor resurrects them.
 */
export function preloadReferenceItems(items: SavedItemStore, dataDir: string = defaultDataDir): SavedItem[] {
  const added: SavedItem[] = [];
  for (const [folder, kind] of referenceFolders) {
    const dir = join(dataDir, folder);
    if (!existsSync(dir)) continue;
    for (const file of readTextFiles(dir)) {
      const content = parseYamlOrJson(file);
      const source = relative(dataDir, resolve(file.path)).split(/[\\/]/).join('/');
      const item = items.preload(kind, source, { name: nameOf(content, file.path), content });
      if (item) added.push(item);
    }
  }
  return added;
}
