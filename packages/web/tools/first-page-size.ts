import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The first-page budget from issue 6: what a browser must fetch before the overview renders. */
export const FIRST_PAGE_BUDGET_GZIP_BYTES = 300 * 1024;

export interface FirstPageSize {
  files: Array<{ path: string; bytes: number; gzipBytes: number }>;
  gzipBytes: number;
}

const assetRef = /(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g;
/** Static imports between chunks, as Rolldown writes them (`from"./x.js"`, `import"./x.js"`). */
const staticImport = /(?:\bfrom|\bimport)\s*["']\.\/([^"']+\.js)["']/g;

/**
 * Gzip size of everything the first page loads: index.html, the scripts and styles it references,
 * and every chunk those scripts import statically. Dynamic imports (`import()`, e.g. the chart
 * library) load later and are not counted.
 */
export function firstPageSize(distDir: string): FirstPageSize {
  const seen = new Set<string>(['index.html']);
  const queue = ['index.html'];
  const files: FirstPageSize['files'] = [];
  while (queue.length) {
    const path = queue.shift() as string;
    const data = readFileSync(join(distDir, path));
    files.push({ path, bytes: data.length, gzipBytes: gzipSync(data, { level: 9 }).length });
    const text = data.toString('utf8');
    const refs =
      path === 'index.html'
        ? [...text.matchAll(assetRef)].map((m) => m[1] as string)
        : path.endsWith('.js')
          ? [...text.matchAll(staticImport)].map((m) => join(path, '..', m[1] as string))
          : [];
    for (const ref of refs) {
      if (seen.has(ref)) continue;
      seen.add(ref);
      queue.push(ref);
    }
  }
  return { files, gzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0) };
}
