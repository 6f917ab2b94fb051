import type { TextFile } from '@clearbox/core';
import { referenceDisclosures } from '../disclose/reference-disclosures.ts';

/** The claims files that ship in packages/core/data/claims, bundled as text. */
const raw = import.meta.glob<string>('../../../core/data/claims/*.{yaml,yml,json}', {
  query: '?raw',
  import: 'default',
  eager: true,
});

export function referenceClaims(): TextFile[] {
  return Object.keys(raw)
    .sort()
    .map((key) => ({ path: key.replace(/^(\.\.\/)+core\//, ''), text: raw[key] ?? '' }));
}

/** Reference disclosures by id (file name), the names claims may cite, as `clearbox audit` offers them. */
export function disclosuresById(): Map<string, TextFile> {
  const out = new Map<string, TextFile>();
  for (const f of referenceDisclosures())
    out.set((f.path.split('/').pop() ?? f.path).replace(/\.(ya?ml|json)$/, ''), f);
  return out;
}
