import type { TextFile } from '@clearbox/core';

/** The reference disclosures that ship in packages/core/data/disclosures, bundled as text. */
const raw = import.meta.glob<string>('../../../core/data/disclosures/*.{yaml,yml,json}', {
  query: '?raw',
  import: 'default',
  eager: true,
});

const references: readonly TextFile[] = Object.keys(raw)
  .sort()
  .map((key) => ({ path: key.replace(/^(\.\.\/)+core\//, ''), text: raw[key] ?? '' }));

/**
 * The same array on every call: pages memoize on it, and a fresh array per render made the Disclose
 * page re-evaluate every reference disclosure (10,000 Monte Carlo draws each, ~1 s together) on each
 * keystroke, which froze the text field.
 */
export function referenceDisclosures(): readonly TextFile[] {
  return references;
}

export function referenceDisclosure(id: string): TextFile {
  const file = referenceDisclosures().find((f) => f.path.endsWith(`/${id}.yaml`));
  if (!file) throw new Error(`reference disclosure ${id} is not bundled`);
  return file;
}
