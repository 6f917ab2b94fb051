import type { AccountStats } from '@clearbox/core';

/** Two engines' per-account statistics: numbers within a relative 1e-9, lists equal as sets. */
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

export function compareStats(duck: AccountStats[], click: AccountStats[]): string[] {
  const problems: string[] = [];
  const byKey = new Map(click.map((s) => [`${s.reference}\u0000${s.account}`, s]));
  if (duck.length !== click.length) problems.push(`accounts: ${duck.length} vs ${click.length}`);
  for (const d of duck) {
    const c = byKey.get(`${d.reference}\u0000${d.account}`);
    if (!c) {
      problems.push(`${d.account}: missing in ClickHouse`);
      continue;
    }
    for (const key of Object.keys(d) as Array<keyof AccountStats>) {
      const a = d[key];
      const b = c[key];
      if (typeof a === 'number') {
        if (!close(a, b as number)) problems.push(`${d.account}.${key}: ${a} vs ${b}`);
      } else if (key === 'templates' || key === 'ips' || key === 'userAgents') {
        const sort = (x: unknown) =>
          JSON.stringify([...(x as unknown[])].map((v) => JSON.stringify(v)).sort());
        if (sort(a) !== sort(b)) problems.push(`${d.account}.${key} differ`);
      } else if (JSON.stringify(a) !== JSON.stringify(b))
        problems.push(`${d.account}.${key}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }
  }
  return problems;
}
