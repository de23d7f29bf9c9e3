// One page and one wasm per lab, plus a home page: every old link still opens the same
// thing (through the pages' inline redirect), the home page loads no lab's wasm, and
// each page shows its frame and a loading message before any wasm arrives.
import { test, expect } from '../fixtures';
import { type Page, type Request } from '@playwright/test';
import { deflateSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The pages the xtask writes from site/page.html: one per line of site/pages.tsv. */
const PAGES = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'site', 'pages.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => {
    const [stem, bin, title, en, es, pt] = l.split('\t');
    return { stem, bin, title, loading: { en, es, pt } };
  });

/** A version-2 share payload (zlib + base64url), as the app writes it. */
function payload(json: unknown): string {
  return deflateSync(Buffer.from(JSON.stringify(json))).toString('base64url');
}

const CONFIGURED = '/en/retry/2.' + payload({ seed: 4242, config: { service: { transient_failure_rate: 0.3 } } });

/** Path and fragment of the page's URL once the lab has mounted. */
async function landed(page: Page) {
  await expect(page.getByTestId('play')).toBeVisible();
  const u = new URL(page.url());
  return { path: u.pathname, search: u.search, hash: u.hash };
}

function wasmRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r: Request) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith('.wasm')) seen.push(path.slice(path.lastIndexOf('/') + 1));
  });
  return seen;
}

test('an old link opens the lab page with the same config', async ({ page }) => {
  // Straight to the lab page…
  await page.goto(`/retry.html#${CONFIGURED}`);
  const direct = await landed(page);
  expect(direct.path).toMatch(/\/retry\.html$/);
  // …and the same link as it was shared before the split, on the site's root.
  await page.goto('about:blank');
  await page.goto(`/#${CONFIGURED}`);
  const redirected = await landed(page);
  expect(redirected).toEqual(direct);
  await expect(page.getByTestId('transient').locator('input.num')).toHaveValue('30');
  await expect(page.getByTestId('seed')).toHaveValue('4242');
  await expect(page.getByTestId('link-problem')).toHaveCount(0);
});

test('old short links, language and query survive the redirect', async ({ page }) => {
  await page.goto('/#/es/retry');
  const es = await landed(page);
  expect(es.path).toMatch(/\/retry\.html$/);
  expect(es.hash).toMatch(/^#\/es\/retry\/2\./);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Reintentos (Retry)');

  // Without a language, or with a query pasted inside the fragment.
  await page.goto('/#/retry');
  expect((await landed(page)).path).toMatch(/\/retry\.html$/);
  await page.goto('/#/en/retry?embed=1');
  expect((await landed(page)).path).toMatch(/\/retry\.html$/);

  // ?embed=1 (and autoplay) stay in the query: no site chrome, playing.
  await page.goto('/?embed=1&autoplay=1#/en/retry');
  const embedded = await landed(page);
  expect(embedded.path).toMatch(/\/retry\.html$/);
  expect(embedded.search).toBe('?embed=1&autoplay=1');
  await expect(page.locator('.site-header')).toHaveCount(0);
  // Autoplay plays — until the preset's first guided moment, where it pauses on its caption.
  await expect(
    page.locator('[data-testid=play][aria-pressed=true]').or(page.getByTestId('moment-caption')),
  ).toBeVisible();
});

test('a link in a language the site lacks opens its lab as linked, and says so', async ({ page }) => {
  // On the site's root (an old link) and on the lab's own page.
  for (const start of ['/', '/retry.html']) {
    await page.goto('about:blank');
    await page.goto(`${start}#${CONFIGURED.replace('/en/', '/fr/')}`);
    const at = await landed(page);
    expect(at.path).toMatch(/\/retry\.html$/);
    await expect(page.getByTestId('transient').locator('input.num')).toHaveValue('30');
    await expect(page.getByTestId('seed')).toHaveValue('4242');
    await expect(page.getByTestId('link-problem')).toContainText('the language “fr”');
    await expect(page.getByTestId('link-problem')).not.toContainText('no lab');
  }
});

test('a lab page sends other pages\' links home, and its links lead home', async ({ page }) => {
  // The home fragment belongs to the home page.
  await page.goto('/retry.html#/pt');
  await expect(page.getByTestId('lab-list')).toBeVisible();
  expect(new URL(page.url()).pathname).not.toMatch(/retry\.html$/);
  expect(new URL(page.url()).hash).toBe('#/pt');
  // Another lab's bare route goes to that lab's own page.
  await page.goto('/retry.html#/en/availability');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Availability');
  expect(new URL(page.url()).pathname).toMatch(/\/availability\.html$/);
  // A lab with its own page: its configured link (what `playground url` prints) sent
  // to a page that is not its own goes to its page, fragment kept.
  const choreography = '/en/choreography/2.' + payload({ seed: 1, config: { stock: 5 } });
  for (const start of ['/retry.html', '/']) {
    await page.goto(`${start}#${choreography}`);
    await expect(page.getByTestId('choreo-stage-0')).toBeVisible();
    expect(new URL(page.url()).pathname).toMatch(/\/choreography\.html$/);
    // Its config was read (the page then writes the whole config back into the URL).
    await expect(page.getByTestId('stock').locator('input.num')).toHaveValue('5');
    expect(new URL(page.url()).hash).toMatch(/^#\/en\/choreography\/2\./);
  }

  // A lab page opened with no fragment shows its lab.
  await page.goto('/retry.html');
  await expect(page.getByTestId('play')).toBeVisible();
  expect(new URL(page.url()).hash).toMatch(/^#\/(en|es|pt)\/retry\//);

  // "All labs" and the brand go to the home page; the home card comes back.
  await page.getByRole('link', { name: '← All labs' }).click();
  await expect(page.getByTestId('lab-list')).toBeVisible();
  expect(new URL(page.url()).pathname).not.toMatch(/retry\.html$/);
  await page.getByTestId('open-retry').click();
  await expect(page.getByTestId('play')).toBeVisible();
  expect(new URL(page.url()).pathname).toMatch(/\/retry\.html$/);
  await page.locator('.site-header .brand').click();
  await expect(page.getByTestId('lab-list')).toBeVisible();
});

test("every home card opens its lab on the lab's demo, guide and moments included", async ({ page }) => {
  // A link with no configuration opened the lab's defaults with seed 3: in four labs
  // that matched no preset, so the page came with no guide, no moments, no lesson.
  for (const [lab, demo] of [['retry', 'tenacity'], ['choreography', 'demo'], ['cqrs', 'demo'], ['replica', 'demo'], ['availability', 'experiment']]) {
    await page.goto('/#/es');
    await page.getByTestId(`open-${lab}`).click();
    await expect(page).toHaveURL(new RegExp(`/${lab}\\.html#/es/${lab}/2\\.`));
    await expect(page.getByTestId('guide')).toHaveAttribute('data-preset', demo);
    await expect(page.getByTestId('guide-text')).not.toBeEmpty();
    // …and the same in a course page's frame.
    await page.goto(`/${lab}.html?embed=1#/pt/${lab}`);
    await expect(page.getByTestId('guide')).toHaveAttribute('data-preset', demo);
  }
});

test('the home page loads no lab wasm; a lab page loads only its own', async ({ page }) => {
  const home = wasmRequests(page);
  await page.goto('/#/en');
  await expect(page.getByTestId('lab-list')).toBeVisible();
  expect(home).toHaveLength(1);
  expect(home[0]).toMatch(/^home-[0-9a-f]+_bg\.wasm$/);

  await page.goto('about:blank');
  const lab = wasmRequests(page);
  await page.goto(`/retry.html#${CONFIGURED}`);
  await landed(page);
  expect(lab).toHaveLength(1);
  expect(lab[0]).toMatch(/^retry-[0-9a-f]+_bg\.wasm$/);
});

test('each page shows its frame and a loading message before any wasm', async ({ page, request, browser, baseURL }) => {
  for (const [path, text] of [
    ['/', 'Loading the playground…'],
    ['/retry.html', 'Loading the retry lab…'],
  ]) {
    const res = await request.get(path);
    expect(res.ok()).toBeTruthy();
    const html = await res.text();
    expect(html).toMatch(/id="?boot/); // (the release build's HTML is minified)
    expect(html).toContain(text);
    expect(html).toContain('<noscript>');
    // Relative URLs only, so the site works under any sub-path.
    expect(html).not.toMatch(/(src|href)="?\/(?!\/)/);
    expect(html).not.toMatch(/from ?["'`]\//);
  }

  // With the wasm held back, the frame and the message show, in the link's language.
  const slow = await browser.newContext();
  try {
    await slow.route('**/*.wasm', () => {}); // never answered
    const p = await slow.newPage();
    await p.goto(new URL('/#/es', baseURL).toString());
    await expect(p.getByTestId('boot')).toBeVisible();
    // (the three languages are in the HTML; only the link's shows)
    await expect(p.getByTestId('boot').locator('[data-l]:visible')).toHaveText('Cargando el playground…');
    await expect(p.locator('.site-header .brand')).toBeVisible();
  } finally {
    await slow.close();
  }

  // Once the app mounts, the loading frame is gone.
  await page.goto('/#/en');
  await expect(page.getByTestId('lab-list')).toBeVisible();
  await expect(page.getByTestId('boot')).toHaveCount(0);
});

test('every page in site/pages.tsv is built from the one template, and every lab is reachable from every page', async ({ page, request }) => {
  // Six pages × five labs: thirty page loads, each with its wasm (over 30 s on a busy machine).
  test.setTimeout(120_000);
  expect(PAGES[0].stem).toBe('index');
  expect(PAGES.length).toBeGreaterThan(1);
  const labs = PAGES.slice(1).map((p) => p.stem);
  for (const p of PAGES) {
    const file = p.stem === 'index' ? '/' : `/${p.stem}.html`;
    const res = await request.get(file);
    expect(res.ok(), file).toBeTruthy();
    const html = await res.text();
    // Its own title, loading message in the three languages, binary, and the shared frame.
    expect(html, file).toContain(`<title>${p.title.replaceAll('&', '&amp;')}</title>`);
    for (const text of Object.values(p.loading)) expect(html, file).toContain(text);
    expect(html, file).toMatch(new RegExp(`${p.bin}-[0-9a-f]+_bg\\.wasm`));
    expect(html, file).toContain('<noscript>');
    expect(html, file).not.toContain('{{');
    // Every page sends every lab's old link to that lab's page (the template's LABS).
    for (const lab of labs) {
      await page.goto(`${file}#/en/${lab}`);
      await expect(page.getByTestId('play')).toBeVisible();
      expect(new URL(page.url()).pathname, `${file} → ${lab}`).toMatch(new RegExp(`/${lab}\\.html$`));
    }
  }
});
