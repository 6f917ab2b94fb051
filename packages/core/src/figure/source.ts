/** Where a fact comes from: every catalog fact and every assumption carries one. */
export interface Source {
  title: string;
  url?: string;
  /** ISO date (YYYY-MM-DD or YYYY-MM) the fact was published or read. */
  date: string;
  note?: string;
}
