import { type Figure, isFigure } from '../../figure/figure.ts';
import type { Source } from '../../figure/source.ts';
import type { ClaimOrigin } from '../audit.ts';

function urlKey(url: string | undefined): string | undefined {
  if (!url) return undefined;
  return url
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/[#?].*$/, '')
    .replace(/\/+$/, '');
}

/** Two sources are the same publication when their addresses match, or (without addresses) their titles. */
export function sameSource(a: Source, b: Source): boolean {
  const ua = urlKey(a.url);
  const ub = urlKey(b.url);
  if (ua && ub) return ua === ub;
  return a.title.trim().toLowerCase() === b.title.trim().toLowerCase();
}

/** Every source in a figure's derivation tree. */
export function sourcesOf(f: Figure, out: Source[] = []): Source[] {
  out.push(...f.sources);
  for (const input of f.inputs) if (isFigure(input)) sourcesOf(input, out);
  return out;
}

/**
 * Whether the evidence rests only on the claim's own source (or the estimate it repeats): then it
 * can show the claim is consistent with its source, never that it holds independently.
 */
export function onlyClaimSource(evidence: Figure, origin: ClaimOrigin | undefined): Source | undefined {
  if (!origin) return undefined;
  const own = [origin.source, ...(origin.basedOn ? [origin.basedOn] : [])];
  const sources = sourcesOf(evidence);
  if (sources.length === 0) return undefined;
  const match = (s: Source) => own.find((o) => sameSource(s, o));
  if (!sources.every((s) => match(s))) return undefined;
  return match(sources[0] as Source);
}
