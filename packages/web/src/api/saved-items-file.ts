import type { ItemCollection } from './items.ts';

/**
 * Saved items leave the server as one JSON file and come back from it: a backup, or a way to hand a
 * colleague one's scenarios. A file is checked whole before anything is written, so a bad file adds
 * nothing (never half an import), and what is wrong is said in one line.
 */
export const SAVED_ITEMS_FORMAT = 'clearbox-saved-items';

export interface SavedItemsFile {
  format: typeof SAVED_ITEMS_FORMAT;
  version: 1;
  collection: ItemCollection;
  items: Array<{ name: string; content: unknown }>;
}

export function savedItemsFile(
  collection: ItemCollection,
  items: ReadonlyArray<{ name: string; content: unknown }>,
): string {
  const file: SavedItemsFile = {
    format: SAVED_ITEMS_FORMAT,
    version: 1,
    collection,
    items: items.map((i) => ({ name: i.name, content: i.content })),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** The server refuses names over this length; checked here so no item of a file is written before it. */
const MAX_NAME = 200;
/** A saved-items file is small; anything larger is not one. */
export const MAX_SAVED_ITEMS_FILE_BYTES = 8 * 1024 * 1024;

export type ParsedSavedItems =
  | { ok: true; items: Array<{ name: string; content: unknown }> }
  | { ok: false; message: string };

/**
 * The items of a file made by `savedItemsFile` for this collection, each one this panel can load
 * (`accepts`), or the one line saying what is wrong, naming the file and the item.
 */
export function parseSavedItemsFile(
  fileName: string,
  text: string,
  collection: ItemCollection,
  accepts: (content: unknown) => boolean,
  label: string,
): ParsedSavedItems {
  const fail = (message: string): ParsedSavedItems => ({ ok: false, message: `${fileName}: ${message}` });
  if (text.length > MAX_SAVED_ITEMS_FILE_BYTES)
    return fail(`larger than ${MAX_SAVED_ITEMS_FILE_BYTES / 1024 / 1024} MB: not a saved-items file`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return fail('not JSON: choose a file exported with “Export to a file”');
  }
  const file = data as Partial<SavedItemsFile> | null;
  if (typeof file !== 'object' || file === null || file.format !== SAVED_ITEMS_FORMAT)
    return fail(`not a Clearbox saved-items file (expected "format": "${SAVED_ITEMS_FORMAT}")`);
  if (file.version !== 1) return fail(`version ${String(file.version)} is not known (expected 1)`);
  if (file.collection !== collection)
    return fail(
      `holds ${String(file.collection)}, not ${collection}: import it on the page that saves those`,
    );
  if (!Array.isArray(file.items) || file.items.length === 0) return fail('holds no items');
  const items: Array<{ name: string; content: unknown }> = [];
  for (const [i, item] of file.items.entries()) {
    const where = `item ${i + 1}`;
    if (typeof item !== 'object' || item === null) return fail(`${where} is not an object`);
    const { name, content } = item as { name?: unknown; content?: unknown };
    if (typeof name !== 'string' || name.trim() === '') return fail(`${where} has no name`);
    if (name.length > MAX_NAME) return fail(`${where}: the name is longer than ${MAX_NAME} characters`);
    if (!accepts(content)) return fail(`${where} ("${name.slice(0, 40)}") is not a ${label}`);
    items.push({ name: name.trim(), content });
  }
  return { ok: true, items };
}
