// Steps every spec takes on a lab page. Import from here instead of copying them.
import { expect } from './fixtures';
import { type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Turns the guided pauses off (they stop the player at each moment of a preset). */
export async function noGuidedPauses(page: Page) {
  // The lab must be up first (a link at the site's root is redirected to the lab page).
  await expect(page.getByTestId('play')).toBeVisible();
  await expect(page.getByTestId('sim-time')).toBeVisible();
  const guide = page.getByTestId('guide-on');
  if (await guide.isVisible()) await guide.uncheck();
}

/**
 * Plays the run to its end without guided pauses: at ×1,000 (the slider's `3`), or with
 * `fastest` at the fastest speed the slider allows (a simulated month needs more).
 */
export async function runToEnd(page: Page, { fastest = false, timeout = 20_000 } = {}) {
  await noGuidedPauses(page);
  const speed = page.getByTestId('speed');
  const max = fastest ? Number((await speed.getAttribute('max')) ?? '3') : 3;
  await speed.fill(String(Math.max(3, Math.floor(max * 10) / 10)));
  await page.getByTestId('play').click();
  await expect(page.getByTestId('finished')).toBeVisible({ timeout });
}

/** The metrics JSON the page shows (built only while its section is open). */
export async function metricsJson(page: Page) {
  const details = page.locator('details.metrics-json');
  if (!(await details.evaluate((d: HTMLDetailsElement) => d.open))) await details.locator('summary').click();
  await expect(page.getByTestId('metrics-json')).toContainText('trace_hash');
  const text = await page.getByTestId('metrics-json').textContent();
  return JSON.parse(text ?? '{}');
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The `playground` CLI built by `cargo test` (the xtask runs engine tests first). */
export function cli(): string {
  const candidates = [
    process.env.PLAYGROUND_CLI,
    join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'debug', 'playground'),
  ].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`the playground CLI is not built (looked at ${candidates.join(', ')}); run cargo build -p playground-engine`);
  return found;
}

/** Lab `lab`'s presets as the CLI lists them (`playground presets`: id, title, link). */
export function presetLinks(lab: string, baseURL = 'http://x/'): { id: string; link: string }[] {
  return execFileSync(cli(), ['presets', '--base', new URL('/', baseURL).toString()], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.split('\t'))
    .map(([id, , link]) => ({ id, link }))
    .filter((p) => p.link.includes(`#/en/${lab}/`));
}

/** One preset's link (`{baseURL}#/en/{lab}/2.…`). */
export function presetLink(id: string, lab = 'retry', baseURL = 'http://x/'): string {
  const p = presetLinks(lab, baseURL).find((p) => p.id === id);
  if (!p) throw new Error(`no preset ${id} in lab ${lab}`);
  return p.link;
}

/** One preset's fragment (`/{lang}/{lab}/2.…`), in `lang`. */
export function presetFragment(id: string, lang = 'en', lab = 'retry'): string {
  return presetLink(id, lab).split('#')[1].replace(/^\/en\//, `/${lang}/`);
}

/** The page's URL once it has settled: the same on two polls in a row (the URL is written debounced after each edit). */
export async function settledUrl(page: Page): Promise<string> {
  let url = '';
  await expect.poll(async () => {
    const u = page.url();
    const same = u === url;
    url = u;
    return same;
  }).toBe(true);
  return url;
}
