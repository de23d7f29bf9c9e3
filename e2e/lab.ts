// Steps every spec takes on a lab page. Import from here instead of copying them.
import { expect } from './fixtures';
import { type Page } from '@playwright/test';
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

/** Plays the run to its end at a high speed, without guided pauses. */
export async function runToEnd(page: Page) {
  await noGuidedPauses(page);
  await page.getByTestId('speed').fill('3');
  await page.getByTestId('play').click();
  await expect(page.getByTestId('finished')).toBeVisible({ timeout: 20_000 });
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
