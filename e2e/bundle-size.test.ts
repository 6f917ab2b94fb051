import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

// The calibration measurements (most of the data's bytes) are a chunk of their own: the first page gets the
// constants fitted from them at build time (packages/web/tools/fitted-constants-plugin.ts).
it('the calibration measurements are not on the first page: a chunk loaded on demand', () => {
  // Each calibration file's opening comment line marks it (lines a bundler would escape are skipped).
  const dir = fileURLToPath(new URL('../packages/core/data/calibration', import.meta.url));
  const markers = readdirSync(dir)
    .map((name) => readFileSync(join(dir, name), 'utf8').split('\n')[0] ?? '')
    .filter((line) => line.startsWith('# ') && line.length > 40 && !/["'`\\$]/.test(line));
  expect(markers.length).toBeGreaterThan(5);
  const read = (path: string) => readFileSync(join(webDistDir, path), 'utf8');
  const first = firstPageSize(webDistDir).files.map((f) => read(f.path));
  const chunks = readdirSync(join(webDistDir, 'assets'))
    .filter((name) => name.endsWith('.js'))
    .map((name) => read(join('assets', name)));
  for (const marker of markers) {
    expect(
      first.some((text) => text.includes(marker)),
      marker,
    ).toBe(false);
    expect(
      chunks.some((text) => text.includes(marker)),
      marker,
    ).toBe(true);
  }
});
