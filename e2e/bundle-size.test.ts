import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { webDistDir } from '@clearbox/web';
import { expect, it } from 'vitest';
import { FIRST_PAGE_BUDGET_GZIP_BYTES, firstPageSize } from '../packages/web/tools/first-page-size.ts';

// Runs on the build made by global-setup.ts (with or without a browser).
it('the first page loads at most 300 KB gzip', () => {
  const size = firstPageSize(webDistDir);
  console.info(
    `first page: ${(size.gzipBytes / 1024).toFixed(1)} KB gzip (${size.files.map((f) => `${f.path} ${(f.gzipBytes / 1024).toFixed(1)} KB`).join(', ')})`,
  );
  expect(size.files.some((f) => f.path.endsWith('.js'))).toBe(true);
  expect(size.gzipBytes).toBeLessThanOrEqual(FIRST_PAGE_BUDGET_GZIP_BYTES);
});

// The genai-prices table (~1,500 prices) is a chunk of its own, fetched when a page needs API prices.
it('the API price table is not on the first page: a chunk loaded on demand', () => {
  // A provider id only the genai-prices table holds marks its chunk.
  const marker = 'quicksilverpro';
  const first = firstPageSize(webDistDir).files.map((f) => f.path);
  for (const path of first)
    expect(readFileSync(join(webDistDir, path), 'utf8').includes(marker), path).toBe(false);
  const chunks = readdirSync(join(webDistDir, 'assets'))
    .filter((name) => name.endsWith('.js'))
    .filter((name) => readFileSync(join(webDistDir, 'assets', name), 'utf8').includes(marker));
  expect(chunks).toHaveLength(1);
  const gzip = gzipSync(readFileSync(join(webDistDir, 'assets', chunks[0] ?? ''))).length;
  console.info(`API price table: assets/${chunks[0]} ${(gzip / 1024).toFixed(1)} KB gzip, loaded on demand`);
});
