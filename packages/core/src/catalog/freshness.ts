import type { Catalog } from './catalog.ts';

/** The catalog's tables, as the CLI and the web catalog page name them. */
export type CatalogTable = 'hardware' | 'tiers' | 'models' | 'prices' | 'fx';

/** How fresh one catalog entry is: when it was last checked and the date of its newest source. */
export interface EntryFreshness {
  table: CatalogTable;
  id: string;
  /** Date the entry was last compared with its sources (absent: never recorded). */
  checked?: string;
  /** The newest date among the entry's sources and dated prices. */
  newestSource: string;
  /** Calendar months from the newest source's month to the as-of month. */
  ageMonths: number;
}

/** A fact that rests on memory, not on a source read: notes tag it "tag U" (recalled, unverified). */
export interface RecalledFact {
  table: CatalogTable;
  id: string;
  /** Field path of the note, e.g. `memory.source.note`. */
  path: string;
  note: string;
}

/** One table's as-of dates, for the heading of each catalog table. */
export interface TableAsOf {
  table: CatalogTable;
  entries: number;
  /** Oldest and newest `checked` dates among the entries (absent when none records one). */
  oldestChecked?: string;
  newestChecked?: string;
  /** The newest source date in the table. */
  newestSource: string;
}

const RECALLED = /\btag U\b/i;

interface Entry {
  table: CatalogTable;
  id: string;
  checked?: string | undefined;
  value: unknown;
}

function entriesOf(catalog: Catalog): Entry[] {
  return [
    ...catalog.devices.map((d) => ({ table: 'hardware' as const, id: d.id, checked: d.checked, value: d })),
    ...catalog.tiers.map((t) => ({ table: 'tiers' as const, id: t.id, checked: t.checked, value: t })),
    ...catalog.models.map((m) => ({ table: 'models' as const, id: m.id, checked: m.checked, value: m })),
    ...catalog.prices.map((p) => ({ table: 'prices' as const, id: p.id, value: p })),
    ...catalog.fx.map((f) => ({ table: 'fx' as const, id: `${f.base}/${f.quote}@${f.date}`, value: f })),
  ];
}

/** Every `date` (and price `effective`) field under a value: sources, price ranges, availability. */
function datesUnder(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) datesUnder(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      // A price's `effective` date is when it was published, so it dates the entry like a source.
      if ((key === 'date' || key === 'effective') && typeof v === 'string') out.push(v);
      else if (key !== 'checked') datesUnder(v, out);
    }
  }
  return out;
}

function notesUnder(value: unknown, path: string, out: Array<{ path: string; note: string }>): void {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) notesUnder(v, `${path}[${i}]`, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      const next = path ? `${path}.${key}` : key;
      if (typeof v === 'string' && (key === 'note' || key === 'notes' || key === 'title')) {
        if (RECALLED.test(v)) out.push({ path: next, note: v });
      } else notesUnder(v, next, out);
    }
  }
}

/** `YYYY-MM` or `YYYY-MM-DD` as a month count, for ages in whole months. */
function monthIndex(date: string): number {
  return Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
}

/** ISO dates sort as strings, so the last one is the newest. */
function latest(dates: readonly string[]): string {
  return [...dates].sort().at(-1) ?? '';
}

/** Freshness of every entry as of a date (the caller's today: engines never read the clock). */
export function catalogFreshness(catalog: Catalog, asOf: string): EntryFreshness[] {
  return entriesOf(catalog).map((e) => {
    const newestSource = latest(datesUnder(e.value));
    const out: EntryFreshness = {
      table: e.table,
      id: e.id,
      newestSource,
      ageMonths: newestSource ? monthIndex(asOf) - monthIndex(newestSource) : Number.POSITIVE_INFINITY,
    };
    if (e.checked !== undefined) out.checked = e.checked;
    return out;
  });
}

/** Entries whose newest source is more than `months` months older than `asOf`, oldest first. */
export function staleEntries(catalog: Catalog, asOf: string, months: number): EntryFreshness[] {
  return catalogFreshness(catalog, asOf)
    .filter((f) => f.ageMonths > months)
    .sort((a, b) => b.ageMonths - a.ageMonths || a.table.localeCompare(b.table) || a.id.localeCompare(b.id));
}

/** Facts still resting on memory ("tag U" in a note or title): each stays flagged until checked. */
export function recalledFacts(catalog: Catalog): RecalledFact[] {
  const out: RecalledFact[] = [];
  for (const e of entriesOf(catalog)) {
    const found: Array<{ path: string; note: string }> = [];
    notesUnder(e.value, '', found);
    for (const f of found) out.push({ table: e.table, id: e.id, path: f.path, note: f.note });
  }
  return out;
}

/** The as-of dates of each table: the span of its entries' checked dates and its newest source. */
export function tablesAsOf(catalog: Catalog): TableAsOf[] {
  const tables: CatalogTable[] = ['hardware', 'tiers', 'models', 'prices', 'fx'];
  const entries = entriesOf(catalog);
  return tables.map((table) => {
    const rows = entries.filter((e) => e.table === table);
    const checked = rows
      .map((r) => r.checked)
      .filter((c): c is string => c !== undefined)
      .sort();
    const out: TableAsOf = {
      table,
      entries: rows.length,
      newestSource: latest(rows.flatMap((r) => datesUnder(r.value))),
    };
    const oldest = checked[0];
    const newest = checked.at(-1);
    if (oldest !== undefined) out.oldestChecked = oldest;
    if (newest !== undefined) out.newestChecked = newest;
    return out;
  });
}
