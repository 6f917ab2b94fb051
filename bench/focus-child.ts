/**
 * One measurement of the FOCUS bench in its own process, so its peak RSS is its own: `import FILE` runs
 * the streaming import, `scan FILE` counts the file's lines through the same read stream (the floor any
 * streaming reader pays). Both load the same modules first. Prints { seconds, maxRssBytes, result }.
 */
import { createReadStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { importFocusFile } from '@clearbox/store';

const [mode, path] = process.argv.slice(2) as [string, string];
const t0 = performance.now();
let result: number;
if (mode === 'import') {
  const imported = await importFocusFile(path);
  result = imported.disclosure.items.length;
} else {
  result = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 }))
    for (let i = (chunk as Buffer).indexOf(10); i >= 0; i = (chunk as Buffer).indexOf(10, i + 1)) result++;
}
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(
  `${JSON.stringify({ seconds, maxRssBytes: process.resourceUsage().maxRSS * 1024, result })}\n`,
);
