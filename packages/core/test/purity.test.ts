import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };

const srcDir = new URL('../src', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Every module specifier in import/export-from statements and dynamic imports. */
export function importSpecifiers(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]/g,
    /^\s*import\s+['"]([^'"]+)['"]/gm,
  ];
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) if (m[1]) found.push(m[1]);
  return found;
}

describe('core stays browser-safe', () => {
  const declared = new Set(Object.keys(pkg.dependencies));
  const files = sourceFiles(srcDir);

  it('finds the source files', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it('imports no node:* module, no Node built-in and only declared packages', () => {
    const problems: string[] = [];
    for (const file of files) {
      for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) continue;
        const name = spec.startsWith('@')
          ? spec.split('/').slice(0, 2).join('/')
          : (spec.split('/')[0] ?? spec);
        if (spec.startsWith('node:')) problems.push(`${file}: imports ${spec}`);
        else if (!declared.has(name)) problems.push(`${file}: imports undeclared package ${spec}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the scanner catches what it must', () => {
    expect(
      importSpecifiers("import { readFileSync } from 'node:fs';\nconst x = await import('left-pad');"),
    ).toEqual(['node:fs', 'left-pad']);
  });
});
