import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/atomic-write.ts';

describe('writeFileAtomic', () => {
  it('replaces the content and leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearbox-atomic-'));
    const path = join(dir, 'report.html');
    writeFileSync(path, 'old');
    writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['report.html']);
  });

  it('keeps the old file when the target directory is gone', () => {
    expect(() => writeFileAtomic(join(tmpdir(), 'no-such-dir-clearbox', 'x.txt'), 'x')).toThrow();
  });
});
