import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEstimator } from '@clearbox/core';
import { loadDefaultCatalog, loadShippedCalibration, openDatabase, SavedItemStore } from '@clearbox/store';
import { type AppDeps, createApp } from '../src/index.ts';

/** One estimator for the whole test file, as the server holds one. */
export const estimator = createEstimator(loadDefaultCatalog(), loadShippedCalibration);

export function tempDir(prefix = 'clearbox-server-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A built web app stand-in: an index.html and one hashed asset. */
export function fakeWebDist(): string {
  const dist = tempDir('clearbox-dist-');
  mkdirSync(join(dist, 'assets'));
  writeFileSync(
    join(dist, 'index.html'),
    '<!doctype html><title>Clearbox</title><script type="module" src="/assets/app-1.js"></script>',
  );
  writeFileSync(join(dist, 'assets', 'app-1.js'), 'export {};');
  return dist;
}

export function testApp(overrides: Partial<AppDeps> = {}) {
  const log: string[] = [];
  const deps: AppDeps = {
    estimator,
    items: new SavedItemStore(openDatabase(':memory:')),
    maxBodyBytes: 64 * 1024,
    requestTimeoutMs: 10_000,
    webDist: join(tempDir(), 'no-dist'),
    accessLog: (line) => log.push(line),
    errorLog: (line) => log.push(line),
    ...overrides,
  };
  return { app: createApp(deps), log, deps };
}

export const jsonBody = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
