import { describe, expect, it } from 'vitest';
import { bufferIo } from '../src/io.ts';
import { main } from '../src/main.ts';

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe('clearbox catalog: freshness', () => {
  it('--json without a section reports every table as of a date and how many facts are still recalled (tag U)', async () => {
    const r = await run('catalog', '--json', '--as-of', '2026-12-04');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out);
    expect(summary.asOf).toBe('2026-12-04');
    const hardware = summary.tables.find((t: { table: string }) => t.table === 'hardware');
    expect(hardware.entries).toBeGreaterThanOrEqual(45);
    expect(hardware.oldestChecked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(summary.recalled.count).toBe(summary.recalled.facts.length);
    expect(summary.recalled.count).toBeGreaterThan(0);
    for (const f of summary.recalled.facts) expect(f.note).toMatch(/tag U/i);
  });

  it('--stale lists the entries whose newest source is older than --months, oldest first; exit 0', async () => {
    const year = JSON.parse((await run('catalog', '--stale', '--json', '--as-of', '2026-12-04')).out);
    expect(year.months).toBe(12);
    for (const e of year.entries) expect(e.ageMonths).toBeGreaterThan(12);
    const ages = year.entries.map((e: { ageMonths: number }) => e.ageMonths);
    expect([...ages].sort((a, b) => b - a)).toEqual(ages);
    // The Llama 2 configs (2023-07) are stale at a year; the DGX Spark entry (2026-06) is not.
    const ids = year.entries.map((e: { id: string }) => e.id);
    expect(ids).toContain('llama-2-7b');
    expect(ids).not.toContain('dgx-spark');
    const half = JSON.parse(
      (await run('catalog', '--stale', '--months', '6', '--json', '--as-of', '2026-12-04')).out,
    );
    expect(half.entries.length).toBeGreaterThan(year.entries.length);
    const table = await run('catalog', '--stale', '--months', '24', '--as-of', '2026-12-04');
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/entries whose newest source is more than 24 months before 2026-12-04/);
  });

  it('shows the range where sources disagree and labels system-share and estimated power', async () => {
    const r = await run('catalog', 'hardware');
    expect(r.out).toMatch(/ascend-910b\s+accelerator\s+280 \(280-320\)/);
    expect(r.out).toMatch(/ascend-910c .*1,460 sys-share/);
    expect(r.out).toMatch(/tpu-v6e .*390 est/);
  });

  it('a bad --as-of or --months is one clear line, exit 2', async () => {
    const r = await run('catalog', '--stale', '--as-of', 'yesterday');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--as-of');
    expect(r.err).not.toContain('    at ');
  });
});
