import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { fittedConstantsPlugin } from './tools/fitted-constants-plugin.ts';

/**
 * The web app: Preact pages that run @clearbox/core in the browser. The catalog YAML is bundled as
 * text (see src/catalog-data.ts), so the built app makes no request beyond its own files; the estimator's
 * constants are fitted at build time (tools/fitted-constants-plugin.ts).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [fittedConstantsPlugin()],
  // Vite 8 transforms TS/JSX with Oxc (the `esbuild` option is deprecated there): automatic runtime from Preact.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The polyfill is for browsers without modulepreload; every browser we target has it.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
