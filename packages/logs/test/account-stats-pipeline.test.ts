import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@clearbox/core';
import { afterEach, describe, expect, it } from 'vitest';
import { accountStats, type SqlRunner } from '../src/account-stats.ts';
import { loadLogs } from '../src/duckdb/load.ts';
import { DuckSession } from '../src/duckdb/session.ts';
import type { Cell } from '../src/features/index.ts';

// accountStats decodes each result while DuckDB runs the statements after it: the statements must still
// run one at a time, in the same order, with the same statistics as decoding each result at once, and a
// failing statement must reject the call only once nothing runs on the connection any more.
const parameters = { largeMaxTokens: 4096, rareShare: 0.05 };

function logFile(): string {
  const rng = createRng(11);
  const lines: string[] = [];
  for (let a = 0; a < 30; a++) {
    let t = 1_740_787_200_000 + rng.int(86_400_000);
    for (let i = 0; i < 5 + rng.int(40); i++) {
      t += 1 + rng.int(3_600_000);
      lines.push(
        JSON.stringify({
          ts: t,
          account: `acct-${a}`,
          prompt: `Template ${a % 7} asks: please answer question ${rng.int(900)} about ${rng.pick(['rivers', 'tax law', 'proteins'])} step by step`,
          inputTokens: 10 + rng.int(100),
          outputTokens: 10 + rng.int(500),
          ip: `10.0.0.${a % 4}`,
        }),
      );
    }
  }
  const file = join(mkdtempSync(join(tmpdir(), 'clearbox-pipeline-')), 'logs.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

interface Recorded {
  runner: SqlRunner;
  order: string[];
  /** Most statements in flight at once. */
  maxInFlight: () => number;
  inFlight: () => number;
}

function recording(session: DuckSession, options: { pipelined: boolean; failOn?: RegExp }): Recorded {
  const order: string[] = [];
  let inFlight = 0;
  let most = 0;
  const track = async <T>(sql: string, f: () => Promise<T>): Promise<T> => {
    order.push(sql);
    inFlight++;
    most = Math.max(most, inFlight);
    try {
      if (options.failOn?.test(sql)) {
        // A real failing statement, run on the connection.
        await session.run("SELECT CAST('not a number' AS INTEGER)");
      }
      return await f();
    } finally {
      inFlight--;
    }
  };
  const runner: SqlRunner = {
    dialect: 'duckdb',
    run: (sql) => track(sql, () => session.run(sql)),
    rows: (sql) => track(sql, () => session.plainRows(sql) as Promise<Cell[][]>),
    ...(options.pipelined
      ? { fetch: (sql: string) => track(sql, () => session.fetchPlainRows(sql) as Promise<() => Cell[][]>) }
      : {}),
  };
  return { runner, order, maxInFlight: () => most, inFlight: () => inFlight };
}

const sessions: DuckSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});

async function loaded(file: string): Promise<DuckSession> {
  const session = await DuckSession.open();
  sessions.push(session);
  await loadLogs(session, [{ path: file, role: 'traffic' }], {}, [
    'acct-0',
    'acct-1',
    'acct-2',
    'acct-3',
    'acct-4',
  ]);
  return session;
}

describe('accountStats, results decoded while the next statements run', () => {
  it('runs the same statements one at a time, in the same order, with the same statistics', async () => {
    const file = logFile();
    const eager = recording(await loaded(file), { pipelined: false });
    const pipelined = recording(await loaded(file), { pipelined: true });
    const a = await accountStats(eager.runner, parameters);
    const b = await accountStats(pipelined.runner, parameters);
    expect(b).toEqual(a);
    expect(a.length).toBe(30);
    expect(a.some((s) => s.templates.length > 0)).toBe(true);
    expect(pipelined.order).toEqual(eager.order);
    expect(pipelined.order.length).toBeGreaterThan(8);
    expect(pipelined.maxInFlight()).toBe(1);
  });

  it('rejects with the failing statement, once no statement runs any more', async () => {
    const run = recording(await loaded(logFile()), { pipelined: true, failOn: /template_words AS/ });
    await expect(accountStats(run.runner, parameters)).rejects.toThrow(/Conversion Error/);
    expect(run.inFlight()).toBe(0);
    // Nothing after the failing statement was started.
    expect(run.order.at(-1)).toMatch(/template_words AS/);
    expect(run.maxInFlight()).toBe(1);
  });
});
