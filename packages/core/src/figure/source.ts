/** Where a fact comes from: every catalog fact and every assumption carries one. */
export interface Source {
  title: string;
  url?: string;
  /** ISO date (YYYY-MM-DD or YYYY-MM) the fact was published or read. */
  date: string;
  note?: string;
}

/** A catalog or document source (zod output: optional fields may be undefined) as a Source. */
export function toSource(source: {
  title: string;
  url?: string | undefined;
  date: string;
  note?: string | undefined;
}): Source {
  const out: Source = { title: source.title, date: source.date };
  if (source.url !== undefined) out.url = source.url;
  if (source.note !== undefined) out.note = source.note;
  return out;
}
