/**
 * Runs CLI cases in one process, one JSON line per case on stdout: `{"start": i}` before a case (written
 * synchronously, so it is out before a V8 abort) and `{"i", "code", "err"}` after it. The fuzz suite
 * spawns this once, and again after the case a crash or a hang took down.
 */
import { readFileSync, writeSync } from 'node:fs';
import { bufferIo } from '../../src/io.ts';
import { main } from '../../src/main.ts';

const [casesFile, startText] = process.argv.slice(2);
const cases = JSON.parse(readFileSync(casesFile as string, 'utf8')) as string[][];
for (let i = Number(startText ?? 0); i < cases.length; i++) {
  writeSync(1, `${JSON.stringify({ start: i })}\n`);
  const io = bufferIo();
  const code = await main(cases[i] as string[], io);
  writeSync(1, `${JSON.stringify({ i, code, err: io.stderr().slice(0, 4000) })}\n`);
}
