import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './context.ts';
import { startTestServer } from './test-server.ts';

const webConfig = fileURLToPath(new URL('../packages/web/vite.config.ts', import.meta.url));
const artifactsDir = fileURLToPath(new URL('./test-artifacts', import.meta.url));

/**
 * Once for all browser tests: build the web app as shipped, start the real server on a free loopback
 * port with a throwaway database, and launch ONE Chromium that every test file connects to.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await build({ configFile: webConfig, logLevel: 'warn' });
  mkdirSync(artifactsDir, { recursive: true });
  if (!existsSync(CHROMIUM_PATH)) {
    project.provide('e2e', {
      baseUrl: '',
      wsEndpoint: '',
      artifactsDir,
      skip: `${CHROMIUM_PATH} not found: browser tests skipped (install Debian's chromium: apt-get install -y chromium)`,
    });
    return async () => {};
  }
  const server = await startTestServer();
  const browser = await chromium.launchServer({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  project.provide('e2e', { baseUrl: server.url, wsEndpoint: browser.wsEndpoint(), artifactsDir });
  return async () => {
    await browser.close();
    await server.close();
  };
}
