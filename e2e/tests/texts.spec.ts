// The browser build carries only the catalogue's keys; each page fetches its reader's
// language for that page (i18n/<lang>-<page>-<id>.txt: the shared texts and its own lab's)
// before it mounts, and another one on a switch.
//
// These tests use Playwright's own `test`, not ../fixtures: the first makes the texts
// fail on purpose (the browser then reports the 404 and the page logs why on the
// console, which the fixture would count as a failure). The second checks requests.
import { test, expect } from '@playwright/test';

test('a page that cannot load its texts says so in its language, never a blank page', async ({ page }) => {
  await page.route('**/i18n/*.txt', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.goto('retry.html#/es/retry');
  const error = page.locator('[data-boot-error]');
  await expect(error).toBeVisible();
  await expect(error).toContainText('La página no pudo cargar sus textos');
  await expect(error.locator('code')).toContainText('HTTP 404');
  await expect(page.getByTestId('boot').getByRole('status')).toBeHidden();
  await expect(page.getByTestId('boot').locator('.site-header')).toBeVisible();
});

test('a page fetches only its reader\'s language, and the next one on a switch', async ({ page }) => {
  const texts: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/i18n/')) texts.push(r.url().split('/').pop()!.slice(0, 9));
  });
  await page.goto('retry.html#/pt/retry');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Retentativas (Retry)');
  expect(texts).toEqual(['pt-retry-']);
  await page.getByTestId('lang').selectOption('en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Retry');
  await expect(page.getByTestId('play')).toContainText('Play');
  expect(texts).toEqual(['pt-retry-', 'en-retry-']);
  await page.getByTestId('lang').selectOption('pt');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Retentativas (Retry)');
  expect(texts).toEqual(['pt-retry-', 'en-retry-']);
});
