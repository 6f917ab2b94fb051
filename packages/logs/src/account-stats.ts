import { type AccountStats, TOPIC_BUCKETS } from '@clearbox/core';
import { type Cell, type Dialect, type FeatureParameters, features } from './features/index.ts';

/** What the per-account pipeline needs from an engine: statements and rows of plain cells. */
export interface SqlRunner {
  readonly dialect: Dialect;
  run(sql: string): Promise<void>;
  rows(sql: string): Promise<Cell[][]>;
  /**
   * Optional: a query that resolves once its result is fetched, with a function that decodes its rows,
   * so the engine can run the next statement while JavaScript decodes and reads these rows.
   */
  fetch?(sql: string): Promise<() => Cell[][]>;
}

/** The per-row columns every feature derives, for the engine's `request_rows` view. */
export function featureRowColumns(dialect: Dialect): string[] {
  return features.flatMap((f) => f.sql[dialect].rowColumns ?? []);
}

function emptyStats(account: string, reference: boolean): AccountStats {
  return {
    account,
    reference,
    requests: 0,
    inputTokens: 0,
    outputTokens: 0,
    activeDays: 0,
    reasoningRequests: 0,
    largeMaxTokensRequests: 0,
    gapCount: 0,
    gapMean: 0,
    gapSd: 0,
    hours: new Array<number>(24).fill(0),
    topics: new Array<number>(TOPIC_BUCKETS).fill(0),
    templates: [],
    privateTemplateUses: 0,
    logitBiasSweep: 0,
    ips: [],
    userAgents: [],
  };
}

/**
 * Per-account statistics of the valid rows, in the engine's dialect: every feature's aggregates in one
 * GROUP BY pass into `account_aggregates`, its outputs read in one query, then each feature's own query.
 * The order of everything returned is fixed (reference flag, then account), whatever the engine.
 */
export async function accountStats(
  runner: SqlRunner,
  parameters: FeatureParameters,
): Promise<AccountStats[]> {
  const dialect = runner.dialect;
  const aggregates = features.flatMap((f) => f.sql[dialect].aggregates?.(parameters) ?? []);
  const create =
    dialect === 'duckdb'
      ? 'CREATE TEMP TABLE account_aggregates AS'
      : 'CREATE TABLE account_aggregates ENGINE = Memory AS';
  const withOutputs = features.filter((f) => f.sql[dialect].outputs?.length);
  const outputs = withOutputs.flatMap((f) => f.sql[dialect].outputs ?? []);
  const names = outputs.map((_, i) => `output_${i}`);
  // The outputs (list work over each account's values) are computed in the aggregate's own statement,
  // which runs in parallel; a separate statement over the per-account table ran on one thread.
  const derived = features.flatMap((f) => f.sql[dialect].derived ?? []);
  const scratch = features.flatMap((f) => f.sql[dialect].scratch ?? []);
  const stored =
    scratch.length === 0 ? '*' : `* ${dialect === 'duckdb' ? 'EXCLUDE' : 'EXCEPT'} (${scratch.join(', ')})`;
  await runner.run(`${create}
SELECT ${stored}, ${outputs.map((o, i) => `${o} AS ${names[i]}`).join(',\n  ')}
FROM (SELECT *, ${derived.length > 0 ? derived.join(',\n  ') : 'true AS no_derived'}
  FROM (SELECT is_reference, account, ${aggregates.join(',\n  ')}
    FROM request_rows WHERE defect IS NULL GROUP BY is_reference, account))`);
  const stats = new Map<string, AccountStats>();
  const key = (reference: Cell | undefined, account: Cell | undefined) =>
    `${reference ? 'R' : 'T'}\u0000${String(account)}`;
  const readOutputs = (rows: Cell[][]) => {
    for (const row of rows) {
      const s = emptyStats(String(row[1]), Boolean(row[0]));
      let at = 2;
      for (const feature of withOutputs) {
        const n = feature.sql[dialect].outputs?.length ?? 0;
        feature.readOutputs?.(s, row.slice(at, at + n));
        at += n;
      }
      stats.set(key(row[0], row[1]), s);
    }
  };
  const steps: Array<{ prepare: string[]; query: string; read: (rows: Cell[][]) => void }> = [
    {
      prepare: [],
      query: `SELECT is_reference, account, ${names.join(', ')} FROM account_aggregates ORDER BY is_reference, account`,
      read: readOutputs,
    },
  ];
  for (const feature of features) {
    const query = feature.sql[dialect].query;
    if (!query) continue;
    steps.push({
      prepare: feature.sql[dialect].prepare?.(parameters) ?? [],
      query: query(parameters),
      read: (rows) => {
        for (const row of rows) {
          const s = stats.get(key(row[0], row[1]));
          if (s) feature.readQuery?.(s, row.slice(2));
        }
      },
    });
  }
  // The statements run one after another, in this order, on the engine; each result is decoded and read
  // in JavaScript while the engine runs the statements after it (the template lists alone are 3.4
  // million keys on the bench's 50,000 accounts, decoded and sorted on the one JavaScript thread).
  const fetch =
    runner.fetch?.bind(runner) ??
    (async (sql: string) => {
      const rows = await runner.rows(sql);
      return () => rows;
    });
  let previous: Promise<unknown> = Promise.resolve();
  const fetched = steps.map((step) => {
    const result = previous.then(async () => {
      for (const statement of step.prepare) await runner.run(statement);
      return fetch(step.query);
    });
    // Awaited in order below; a failure is reported there, once the engine is idle.
    result.catch(() => undefined);
    previous = result;
    return result;
  });
  try {
    for (const [i, result] of fetched.entries()) steps[i]?.read((await result)());
  } catch (error) {
    await Promise.allSettled(fetched);
    throw error;
  }
  return [...stats.values()];
}
