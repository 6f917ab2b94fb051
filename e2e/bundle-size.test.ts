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
