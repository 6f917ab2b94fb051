/**
 * FOCUS import (issue 15): a billing export is read as a stream, so memory stays flat however large
 * the bill. Generated exports of 50 MB and 200 MB (fixed seed) are imported, each in its own process
 * (peak RSS is per process), beside a plain line count of the same file through the same read stream
 * in a process that loaded the same modules: the floor any streaming reader pays, in time and memory.
 * Targets: the 200 MB import completes with V8's heap capped at 64 MB (the file as one string is 400 MB:
 * only a stream fits), its uncapped peak RSS grows by under 0.25 byte per extra input byte from 50 to
 * 200 MB, and it takes under 20× the line count. Before the stream: 26 s and 3 GB (issue 15), and
 * 70 s and 2.7 GB measured on this project's loaded 2-core machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFocusBill } from './focus-bill.ts';

const SIZES_MB = [50, 200] as const;
const HEAP_CAP_MB = 64;
const MAX_GROWTH_PER_BYTE = 0.25;
const MAX_TIME_RATIO = 20;
const child = fileURLToPath(new URL('./focus-child.ts', import.meta.url));

interface Measure {
  seconds: number;
  maxRssBytes: number;
  result: number;
}

function measure(mode: 'import' | 'scan', path: string, nodeFlags: string[] = []): Measure {
  const r = spawnSync(process.execPath, [...nodeFlags, '--import', 'tsx', child, mode, path], {
    encoding: 'utf8',
  });
  if (r.status !== 0)
    throw new Error(`bench focus: ${mode} ${path} exited ${r.status}: ${r.stderr.slice(-400)}`);
  return JSON.parse(r.stdout) as Measure;
}

/** The better of two runs: the machine's load only ever adds time. */
function best(mode: 'import' | 'scan', path: string, nodeFlags: string[] = []): Measure {
  const a = measure(mode, path, nodeFlags);
  const b = measure(mode, path, nodeFlags);
  return a.seconds <= b.seconds ? a : b;
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

export async function benchFocus(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'clearbox-focus-bench-'));
  try {
    const lines: string[] = [];
    const rss: number[] = [];
    let last: { imported: Measure; scan: Measure } | undefined;
    for (const size of SIZES_MB) {
      const path = join(dir, `bill-${size}mb.csv`);
      const rows = await writeFocusBill(path, size * 1e6);
      const scan = best('scan', path);
      const imported = best('import', path);
      rss.push(imported.maxRssBytes);
      last = { imported, scan };
      lines.push(
        `${size} MB export, ${rows.toLocaleString('en-US')} rows → ${imported.result} items: import ${imported.seconds.toFixed(2)} s, peak RSS ${mb(imported.maxRssBytes)}; line count ${scan.seconds.toFixed(2)} s, peak RSS ${mb(scan.maxRssBytes)}; ratio ${(imported.seconds / scan.seconds).toFixed(1)}×`,
      );
    }
    const biggest = join(dir, `bill-${SIZES_MB[1]}mb.csv`);
    let capped: string;
    try {
      const m = measure('import', biggest, [`--max-old-space-size=${HEAP_CAP_MB}`]);
      capped = `${m.result} items in ${m.seconds.toFixed(2)} s, peak RSS ${mb(m.maxRssBytes)} OK`;
    } catch (error) {
      capped = `${(error as Error).message.slice(0, 200)} FAIL`;
    }
    const growth = ((rss[1] as number) - (rss[0] as number)) / ((SIZES_MB[1] - SIZES_MB[0]) * 1e6);
    const ratio = last ? last.imported.seconds / last.scan.seconds : Number.NaN;
    lines.push(
      `bounded memory: the ${SIZES_MB[1]} MB import with the heap capped at ${HEAP_CAP_MB} MB: ${capped}`,
      `peak RSS growth from ${SIZES_MB[0]} to ${SIZES_MB[1]} MB: ${growth.toFixed(3)} byte per input byte (target < ${MAX_GROWTH_PER_BYTE}) ${growth < MAX_GROWTH_PER_BYTE ? 'OK' : 'FAIL'}`,
      `time: ${ratio.toFixed(1)}× the line count of the same ${SIZES_MB[1]} MB (target < ${MAX_TIME_RATIO}×) ${ratio < MAX_TIME_RATIO ? 'OK' : 'FAIL'}`,
    );
    return lines;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
