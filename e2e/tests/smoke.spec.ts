// Smoke test: the release bundle loads, the app mounts and renders something, and the
// shared fixture sees no console errors, page errors or off-origin requests.
import { test, expect } from '../fixtures';

test('the app loads and renders without errors', async ({ page, shot }) => {
  const response = await page.goto('/');
  expect(response?.ok(), 'index.html is served').toBeTruthy();
  await expect(page).toHaveTitle('Cloud Patterns Playground');

  // Leptos mounts into <body>: wait until something other than Trunk's
  // <script>/<link> tags is there and visible, i.e. the wasm ran.
  const rendered = page.locator('body > :not(script):not(link):not(style)').first();
  await expect(rendered).toBeVisible();
  await expect(page.locator('body')).not.toHaveText(/^\s*$/);
  // The wasm mounted the app: the loading frame the HTML shows until then is gone.
  await expect(page.getByTestId('boot')).toHaveCount(0);

  await shot('smoke-home');
});
