#!/usr/bin/env node
// Starts the CLI from plain JavaScript: the packed package's bundle, or in a checkout the bundle of the
// sources on disk (built by npm ci's prepare step, rebuilt here when a source is newer). Falls back to
// compiling the TypeScript through tsx when no bundle can be had, or when CLEARBOX_FROM_SOURCE=1.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

// `clearbox ... | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

async function loadMain() {
  const sourceMain = new URL('../src/main.ts', import.meta.url);
  if (!existsSync(fileURLToPath(sourceMain))) return import('../dist/package/clearbox.js');
  if (process.env.CLEARBOX_FROM_SOURCE !== '1') {
    try {
      const { devBundlePath, sourceKey } = await import('../build/source-key.mjs');
      const root = fileURLToPath(new URL('../../..', import.meta.url));
      const key = sourceKey(root);
      let bundle = devBundlePath(root, key);
      if (!existsSync(bundle)) bundle = await (await import('../build/bundle.mjs')).buildDevBundle(key);
      return await import(pathToFileURL(bundle).href);
    } catch {
      // No esbuild (a production install of the checkout) or a failed build: run the sources instead.
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(sourceMain.href);
}

const { main } = await loadMain();
process.exitCode = await main(process.argv.slice(2));
