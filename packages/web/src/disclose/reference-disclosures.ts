import type { TextFile } from '@clearbox/core';

/** The reference disclosures that ship in packages/core/data/disclosures, bundled as text. */
const raw = import.meta.glob<string>('../../../core/data/disclosures/*.{yaml,yml,json}', {
  query: '?raw',
  import: 'default',
  eager: true,
});

export function referenceDisclosures(): TextFile[] {
  return Object.keys(raw)
    .sort()
    .map((key) => ({ path: key.replace(/^(\.\.\/)+core\//, ''), text: raw[key] ?? '' }));
}

export function referenceDisclosure(id: string): TextFile {
  const file = referenceDisclosures().find((f) => f.path.endsWith(`/${id}.yaml`));
  if (!file) throw new Error(`reference disclosure ${id} is not bundled`);
  return file;
}
