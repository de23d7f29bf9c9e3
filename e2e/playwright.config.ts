// Playwright configuration for the e2e suite. Run it with `cargo xtask test`, which
// builds the RELEASE bundle (trunk build --release, wasm-opt included), serves dist/
// on 127.0.0.1 and sets E2E_BASE_URL. To run against something else by hand:
//   E2E_BASE_URL=http://127.0.0.1:8080/ npx playwright test
import { defineConfig } from '@playwright/test';

const baseURL = process.env.E2E_BASE_URL;
if (!baseURL) {
  throw new Error(
    'E2E_BASE_URL is not set. Run the suite with `cargo xtask test` (or `cargo xtask test e2e`), ' +
      'or point it at a running server: E2E_BASE_URL=http://127.0.0.1:8080/ npx playwright test',
  );
}

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  forbidOnly: !!process.env.CI,
  retries: 0,
  // 2-core machines: one browser per core at most.
  workers: process.env.CI ? 1 : 2,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL,
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    // Service workers would hide requests from page.route(); the fixture must see them all.
    serviceWorkers: 'block',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      // Debian's Chromium (apt-get install chromium). Never `npx playwright install`:
      // this machine cannot download browsers.
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium' }],
});
