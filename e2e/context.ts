/**
 * What the global setup hands to every browser test file (vitest `provide`/`inject`): where the real
 * server listens, the one shared browser's endpoint, and where screenshots go. `skip` is set only when
 * the browser is absent, with the reason printed by each suite.
 */
export interface E2eContext {
  baseUrl: string;
  wsEndpoint: string;
  artifactsDir: string;
  skip?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: E2eContext;
  }
}

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a headless, quiet browser that makes no requests of its own (updates, field trials). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
