function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      prev[j] = Math.min(above + 1, (prev[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return prev[b.length] ?? 0;
}

/** The ids closest to what the user typed: substring matches first, then by edit distance. */
export function closestIds(query: string, ids: readonly string[], limit = 5): string[] {
  // Edit distance is quadratic: a 50 MB "id" once took 9 s to find no neighbour. No id is that long.
  if (query.length > 200) return [];
  const q = query.toLowerCase();
  return ids
    .map((id) => ({ id, score: id.includes(q) || q.includes(id) ? -1 : editDistance(q, id) }))
    .sort((x, y) => x.score - y.score || x.id.localeCompare(y.id))
    .slice(0, limit)
    .map((x) => x.id);
}
