import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import type { E2eContext } from './context.ts';

/** A page under test and everything it did that a test may want to check afterwards. */
export interface TrackedPage {
  page: Page;
  /** Requests to anything but the server under test (the app must make none). */
  foreignRequests: string[];
  /** Console errors and uncaught exceptions. */
  errors: string[];
}

export interface E2e {
  readonly context: E2eContext;
  /** A fresh page at `path` (a hash route like `#/estimate`), once the app has rendered its main area. */
  open(path: string, viewport?: { width: number; height: number }): Promise<TrackedPage>;
  screenshot(page: Page, name: string): Promise<string>;
}

/**
 * A describe block whose tests drive the one shared Chromium (launched in global-setup.ts); each file
 * connects its own client to it. Skipped, with the reason in the title, only when the browser is absent.
 */
export function describeE2e(name: string, body: (e2e: E2e) => void): void {
  const context = inject('e2e');
  const suite = context.skip ? describe.skip : describe;
  suite(context.skip ? `${name} (skipped: ${context.skip})` : name, () => {
    let browser: Browser;
    const contexts: BrowserContext[] = [];
    beforeAll(async () => {
      browser = await chromium.connect(context.wsEndpoint);
    });
    afterAll(async () => {
      for (const c of contexts) await c.close();
      await browser?.close();
    });
    body({
      context,
      async open(path, viewport = { width: 1280, height: 900 }) {
        const ctx = await browser.newContext({ viewport });
        contexts.push(ctx);
        const page = await ctx.newPage();
        const foreignRequests: string[] = [];
        const errors: string[] = [];
        page.on('request', (r) => {
          if (!r.url().startsWith(context.baseUrl)) foreignRequests.push(r.url());
        });
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.goto(`${context.baseUrl}/${path}`);
        // A page's code is a lazy chunk: wait until its placeholder (aria-busy) has given way to the page,
        // or every check that reads the page at once races the chunk on a loaded machine.
        await page.waitForSelector('main#main > :not([aria-busy="true"])');
        return { page, foreignRequests, errors };
      },
      async screenshot(page, name) {
        const file = join(context.artifactsDir, `${name}.png`);
        await page.screenshot({ path: file, fullPage: true });
        return file;
      },
    });
  });
}

/** How long a check waits for the page to settle (a render, a fetch) before it fails. */
export const settle = { timeout: 5000, interval: 50 };

/** Form controls under `scope` with no label, no aria-label and (for buttons) no text: each as HTML. */
export function unlabeledControls(page: Page, scope = ''): Promise<string[]> {
  const selector = ['input', 'select', 'textarea', 'button']
    .map((tag) => `${scope} ${tag}`.trim())
    .join(', ');
  return page.$$eval(selector, (els) =>
    els
      .filter((el) => {
        const labels = (el as HTMLInputElement).labels;
        const text = el.tagName === 'BUTTON' ? (el.textContent ?? '').trim() : '';
        return !(labels && labels.length > 0) && !el.getAttribute('aria-label') && !text;
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}
