// Shared fixture for every e2e spec. Import `test` and `expect` from here, never from
// '@playwright/test' directly:
//
//   import { test, expect } from '../fixtures';
//
// For every test it
//   * fails the test on any console.error or uncaught page error (pageerror), and
//   * fails the test if any request leaves the app's origin (the request is also
//     aborted, so nothing ever reaches the outside world);
// and it provides `shot(name)`, which saves a full-page screenshot to
// e2e/screenshots/<name>.png (gitignored) for a human to look at.
import { test as base, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCREENSHOT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');

/** Schemes that never touch the network. */
const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'about:']);

type Fixtures = {
  /** Problems seen so far in this test (console errors, page errors, off-origin requests). */
  problems: string[];
  /** Save a full-page screenshot to e2e/screenshots/<name>.png. */
  shot: (name: string, page?: Page) => Promise<string>;
};

export const test = base.extend<Fixtures>({
  problems: async ({}, use) => {
    await use([]);
  },

  page: async ({ page, baseURL, problems }, use, testInfo) => {
    if (!baseURL) throw new Error('baseURL is not configured (E2E_BASE_URL)');
    const origin = new URL(baseURL).origin;
    const offOrigin = (url: string) => {
      const u = new URL(url);
      return !LOCAL_SCHEMES.has(u.protocol) && u.origin !== origin;
    };

    page.on('console', (msg) => {
      if (msg.type() === 'error') {
        const loc = msg.location();
        const where = loc.url ? ` (${loc.url}:${loc.lineNumber})` : '';
        problems.push(`console.error: ${msg.text()}${where}`);
      }
    });
    page.on('pageerror', (err) => {
      const stack = err.stack && err.stack.includes(err.message) ? err.stack : '';
      problems.push(`uncaught page error: ${stack || `${err.name}: ${err.message}`}`);
    });
    // Every request goes through here; anything off the origin is recorded and aborted.
    await page.context().route('**/*', async (route) => {
      const req = route.request();
      if (offOrigin(req.url())) {
        problems.push(`request left the origin ${origin}: ${req.method()} ${req.url()}`);
        await route.abort('blockedbyclient');
      } else {
        await route.fallback();
      }
    });
    // Belt and braces for what routing does not see (e.g. WebSockets).
    page.on('request', (req) => {
      if (offOrigin(req.url())) problems.push(`request left the origin ${origin}: ${req.method()} ${req.url()}`);
    });
    page.on('websocket', (ws) => {
      const u = new URL(ws.url());
      if (u.host !== new URL(origin).host) problems.push(`WebSocket left the origin ${origin}: ${ws.url()}`);
    });

    await use(page);

    const unique = [...new Set(problems)];
    if (unique.length > 0) {
      await testInfo.attach('problems', { body: unique.join('\n'), contentType: 'text/plain' });
    }
    expect(unique, 'console errors, page errors or requests leaving the origin').toEqual([]);
  },

  shot: async ({ page }, use) => {
    await use(async (name: string, target: Page = page) => {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
      await target.screenshot({ path, fullPage: true });
      return path;
    });
  },
});

export { expect };
