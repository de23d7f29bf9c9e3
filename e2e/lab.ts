// Steps every spec takes on a lab page. Import from here instead of copying them.
import { expect } from './fixtures';
import { type Page } from '@playwright/test';

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
