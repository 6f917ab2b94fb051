import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bufferIo } from '../src/io.ts';
import { main } from '../src/main.ts';

/**
 * Malformed disclosures through the real CLI: whatever the document, the answer is exit 0 (it happened
 * to be valid) or exit 2 with one `clearbox: error:` message and no stack trace; never exit 1 (the
 * internal-error path), never a throw out of main().
 */
const tmp = mkdtempSync(join(tmpdir(), 'clearbox-disclose-fuzz-'));
const source = new URL('../../core/data/disclosures/deepseek-v3-reconstructed.yaml', import.meta.url);
const validText = readFileSync(source, 'utf8');
const valid = parse(validText) as Record<string, unknown>;

let counter = 0;
async function runOn(text: string, ext: string, ...extra: string[]) {
  const file = join(tmp, `doc-${counter++}.${ext}`);
  writeFileSync(file, text);
  const io = bufferIo();
  const code = await main(['disclose', ...extra, file], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

function expectCleanOutcome(r: { code: number; err: string }): void {
  expect([0, 2]).toContain(r.code);
  if (r.code === 2) {
    expect(r.err).toMatch(/^clearbox: error: \S/);
    expect(r.err).not.toMatch(/\n\s+at .+:\d+:\d+\)?/);
    expect(r.err).not.toContain('internal error');
  }
}

/** Sets a value at a random path of a deep copy: the structural mutations a schema must catch. */
function mutate(doc: unknown, path: number[], value: unknown): unknown {
  const copy = structuredClone(doc) as Record<string, unknown> | unknown[];
  let node: unknown = copy;
  for (let depth = 0; depth < path.length; depth++) {
    if (node === null || typeof node !== 'object') break;
    const keys = Object.keys(node as object);
    if (keys.length === 0) break;
    const key = keys[(path[depth] ?? 0) % keys.length] as string;
    const child = (node as Record<string, unknown>)[key];
    if (depth === path.length - 1 || child === null || typeof child !== 'object') {
      (node as Record<string, unknown>)[key] = value;
      break;
    }
    node = child;
  }
  return copy;
}

describe('fuzz: malformed disclosures always give exit 2 and a message, never a crash', () => {
  it('text damage: cut, spliced and garbled YAML and JSON', async () => {
    const json = JSON.stringify(valid);
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.nat(),
        fc.nat(),
        fc.string({ maxLength: 12 }),
        async (asJson, at, len, insert) => {
          const text = asJson ? json : validText;
          const start = at % text.length;
          const damaged = text.slice(0, start) + insert + text.slice(start + (len % 40));
          expectCleanOutcome(await runOn(damaged, asJson ? 'json' : 'yaml', 'check'));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('structural damage: any value at any path', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
        fc.oneof(
          fc.anything(),
          fc.double(),
          fc.constantFrom(-1, 0, 1e308, '', 'GBP', '2024-13-01', null, [], {}),
        ),
        async (path, value) => {
          const doc = mutate(valid, path, value);
          expectCleanOutcome(await runOn(JSON.stringify(doc), 'json', 'check'));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('report (engine, Monte Carlo, renderers) on damaged documents', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(), { minLength: 2, maxLength: 4 }),
        fc.anything(),
        async (path, value) => {
          const doc = mutate(valid, path, value);
          expectCleanOutcome(await runOn(JSON.stringify(doc), 'json', 'report', '--draws', '100', '--json'));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => {
        expectCleanOutcome(await runOn(text, 'yaml', 'check'));
      }),
      { numRuns: 100 },
    );
  });
});
