// Small things a student's-eye review found on the retry lab (the template
// every later lab inherits): the guide's conclusion reachable on a phone with a
// cue that there is more; theory text that reads at WCAG AA in light and dark;
// the retry budget's strip saying why retries stop and what the end means, and
// the retry quota made visible; timeline bars and strip stretches that tell
// what they are by tap and by keyboard, not only by hover.
import { test, expect } from '../fixtures';
import { cli, noGuidedPauses, presetFragment, presetLink } from '../lab';
import { type Frame, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A preset's link with `--set` overrides, as a fragment. */
function presetWith(id: string, sets: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  const file = join(dir, 'config.json');
  const link = presetLink(id);
  writeFileSync(file, execFileSync(cli(), ['decode', link], { encoding: 'utf8' }));
  const url = execFileSync(cli(), ['url', file, ...sets.flatMap((s) => ['--set', s])], { encoding: 'utf8' }).trim();
  return url.split('#')[1];
}

/**
 * Whether the guide's last words are in view inside its text box (and in the
 * window): the conclusion a student must be able to reach.
 */
async function conclusionInView(where: Page | Frame) {
  return where.evaluate(() => {
    const p = document.querySelector('[data-testid=guide] p') as HTMLElement;
    const text = p.firstChild ?? p;
    const range = document.createRange();
    const len = (text.textContent ?? '').length;
    range.setStart(text, Math.max(0, len - 3));
    range.setEnd(text, len);
    const end = range.getBoundingClientRect();
    const box = p.getBoundingClientRect();
    return end.bottom <= box.bottom + 1 && end.top >= box.top - 1 && end.bottom <= window.innerHeight;
  });
}

/** Presses "more ↓" until the guide has no more below (at most a few times). */
async function readToTheEnd(where: Page | Frame) {
  const more = where.getByTestId('guide-more');
  for (let i = 0; i < 8 && (await more.count()) > 0; i++) {
    await more.click();
    await where.waitForTimeout(450); // a smooth scroll
  }
  await expect(more).toHaveCount(0);
}

test.describe('the guide on a phone', () => {
  test.use({ hasTouch: true, isMobile: true });
  for (const [width, height] of [
    [390, 844],
    [360, 740],
  ] as const) {
    test(`${width}×${height}: a long guide says there is more, and its conclusion is reachable`, async ({ page }) => {
      await page.setViewportSize({ width, height });
      await page.goto(`/#${presetFragment('storm_jitter')}`);
      await expect(page.getByTestId('guide')).toBeVisible();
      // The box is shorter than the text: the cue is on screen, beside the text.
      const more = page.getByTestId('guide-more');
      await expect(more).toBeVisible();
      expect(await conclusionInView(page), 'the conclusion starts out of sight').toBe(false);
      const cue = (await more.boundingBox())!;
      const box = (await page.getByTestId('guide-text').boundingBox())!;
      expect(cue.y + cue.height, 'the cue sits in the guide box').toBeLessThanOrEqual(box.y + box.height + 1);
      expect(cue.x, 'the cue stands beside the text, never over its words').toBeGreaterThanOrEqual(box.x + box.width - 1);
      expect(cue.y + cue.height, 'the cue is in the first screen').toBeLessThanOrEqual(height);
      expect(Math.min(cue.width, cue.height), 'the cue is big enough to tap').toBeGreaterThanOrEqual(28);
      await readToTheEnd(page);
      expect(await conclusionInView(page), 'the conclusion is in view after "more"').toBe(true);
    });
  }
});

test.describe('the player bar on a phone', () => {
  test.use({ hasTouch: true, isMobile: true });
  test('390×844: the bar says more of it is to the right, and says nothing once scrolled there', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/#${presetFragment('storm_jitter', 'es')}`);
    const bar = page.locator('.player');
    await expect(page.getByTestId('play')).toBeVisible();
    const hint = () =>
      bar.evaluate((e) => {
        const after = getComputedStyle(e, '::after');
        return { display: after.display, content: after.content, position: after.position };
      });
    // The seed and "New seed" are past the bar's right edge: the cue is drawn.
    const seedBox = (await page.getByTestId('new-seed').boundingBox())!;
    const barBox = (await bar.boundingBox())!;
    expect(seedBox.x + seedBox.width, 'New seed starts out of sight').toBeGreaterThan(barBox.x + barBox.width);
    expect(await hint()).toEqual({ display: 'flex', content: '"›" / ""', position: 'sticky' });
    // What the first screen of the bar shows (the clock, the speed and its value)
    // stands clear of the cue, at 390 px and at 360 px.
    for (const width of [390, 360]) {
      await page.setViewportSize({ width, height: 844 });
      const bar = (await page.locator('.player').boundingBox())!;
      const value = (await page.locator('.player .speed output').boundingBox())!;
      const cue = await page.locator('.player').evaluate((e) => parseFloat(getComputedStyle(e, '::after').width));
      expect(cue, 'the cue is drawn').toBeGreaterThanOrEqual(20);
      expect(value.x + value.width, `${width} px: the speed's value clear of the cue`).toBeLessThanOrEqual(bar.x + bar.width - cue);
    }
    await page.setViewportSize({ width: 390, height: 844 });
    // Scrolled to the end: New seed is in view, with the cue's room after it
    // (the cue and its cover stand there, over no control).
    await bar.evaluate((e) => { e.scrollLeft = e.scrollWidth; });
    const end = (await page.getByTestId('new-seed').boundingBox())!;
    expect(end.x + end.width, 'New seed clear of the cue').toBeLessThanOrEqual(barBox.x + barBox.width - 30);
    expect(end.x, 'New seed in view').toBeGreaterThanOrEqual(barBox.x);
    // On a desktop nothing overflows and no cue is drawn.
    await page.setViewportSize({ width: 1440, height: 900 });
    expect((await hint()).display).toBe('none');
  });
});

test('theory text reads at WCAG AA (4.5:1) in light and dark', async ({ browser }) => {
  for (const colorScheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ colorScheme, viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    // Tenacity: theory beside the measurement; the storm: theory whose
    // assumptions the run breaks (drawn differently) and the notes.
    for (const id of ['tenacity', 'storm_budget']) {
      await page.goto(`/#${presetFragment(id)}`);
      await expect(page.locator('.metrics-table .theory').first()).toBeAttached();
      const worst = await page.evaluate(() => {
        const rgba = (s: string) => {
          const m = s.match(/rgba?\(([^)]+)\)/);
          if (!m) return [0, 0, 0, 0];
          const v = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
          return [v[0], v[1], v[2], v[3] ?? 1];
        };
        const over = (top: number[], under: number[]) => {
          const a = top[3];
          return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat(1);
        };
        const lum = (c: number[]) => {
          const f = (v: number) => {
            const s = v / 255;
            return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
          };
          return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
        };
        // The background under an element: its ancestors' backgrounds, blended.
        const background = (el: Element) => {
          const layers: number[][] = [];
          for (let e: Element | null = el; e; e = e.parentElement) layers.push(rgba(getComputedStyle(e).backgroundColor));
          let bg = [255, 255, 255, 1];
          for (const l of layers.reverse()) bg = over(l, bg);
          return bg;
        };
        // Opacity multiplies down the tree.
        const opacity = (el: Element) => {
          let o = 1;
          for (let e: Element | null = el; e; e = e.parentElement) o *= parseFloat(getComputedStyle(e).opacity);
          return o;
        };
        const out: { text: string; ratio: number }[] = [];
        const els = document.querySelectorAll('.metrics-table .theory, .metrics-table .theory *, .theory-notes, .theory-notes *');
        for (const el of els) {
          const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim());
          if (!own || !(el as HTMLElement).getClientRects().length) continue;
          const bg = background(el);
          const c = rgba(getComputedStyle(el).color);
          const fg = over([c[0], c[1], c[2], c[3] * opacity(el)], bg);
          const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
          out.push({ text: (el.textContent ?? '').trim().slice(0, 40), ratio: (l1 + 0.05) / (l2 + 0.05) });
        }
        out.sort((a, b) => a.ratio - b.ratio);
        return { n: out.length, worst: out[0] };
      });
      expect(worst.n, `${colorScheme} ${id}: theory text found`).toBeGreaterThan(0);
      expect(worst.worst.ratio, `${colorScheme} ${id}: "${worst.worst.text}"`).toBeGreaterThanOrEqual(4.5);
    }
    await context.close();
  }
});

test('the retry budget strip says why retries stop, and what the end means', async ({ page }) => {
  await page.goto(`/#${presetFragment('storm_budget')}`);
  const strip = page.getByTestId('budget-strip').last();
  await expect(strip).toBeVisible();
  // The threshold line is named, in words, where it is drawn.
  await expect(strip.getByTestId('budget-threshold-label')).toHaveText(/^\d+ tokens or fewer: retries refused$/);
  await noGuidedPauses(page);
  await page.getByTestId('speed').fill('3');
  await page.getByTestId('play').click();
  await expect(page.getByTestId('finished')).toBeVisible({ timeout: 20_000 });
  // At the end the bucket has refilled: the strip says how low it went and what it refused.
  const now = strip.getByTestId('budget-now');
  await expect(now).toContainText('run over');
  await expect(now).toContainText(/it fell to \d+/);
  await expect(now).toContainText(/\d+ retries refused/);
  await expect(now).not.toHaveText(/^\W*20 of 20 tokens · retries allowed$/);
});

test('with the AWS retry quota, the strip shows its level and the cost of a retry', async ({ page }) => {
  const quota = '{"capacity":500,"retry_cost":5,"timeout_cost":10,"success_deposit":1,"scope":"shared"}';
  await page.goto(`/#${presetWith('storm_budget', ['compare.budget=null', `compare.retry_quota=${quota}`])}`);
  // Side B has the quota (side A retries without one).
  const strip = page.getByTestId('budget-strip');
  await expect(strip).toHaveCount(1);
  await expect(strip.locator('.strip-title')).toHaveText('Retry quota (AWS SDKs)');
  await expect(strip.getByTestId('budget-now')).toHaveText(/500 of 500 tokens · retries allowed/);
  await expect(strip.getByTestId('quota-cost')).toContainText('a retry costs 5 tokens (10 after a timeout)');
  // Mid-outage the bucket drains: the level drawn goes down with it.
  await noGuidedPauses(page);
  await page.getByTestId('speed').fill('3');
  await page.getByTestId('play').click();
  await expect(page.getByTestId('finished')).toBeVisible({ timeout: 20_000 });
  await expect(strip.locator('.strip-axis')).toContainText(/retries refused so far: [1-9]/);
});

test('timeline bars and breaker stretches tell what they are by tap and by keyboard', async ({ browser }) => {
  const context = await browser.newContext({ hasTouch: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`/#${presetFragment('storm_breaker')}`);
  await noGuidedPauses(page);
  await page.getByTestId('speed').fill('3');
  await page.getByTestId('play').click();
  await expect(page.getByTestId('finished')).toBeVisible({ timeout: 20_000 });

  // Timeline: a tap on a bar writes its text under the list.
  const timeline = page.getByTestId('request-timeline').first();
  const bar = timeline.locator('.tl-bar[data-tip]').first();
  await bar.scrollIntoViewIfNeeded();
  const barText = await bar.getAttribute('data-tip');
  await bar.tap();
  await expect(timeline.getByTestId('timeline-tip')).toHaveText(barText!);
  await expect(timeline.getByTestId('timeline-tip')).toHaveAttribute('aria-live', 'polite');
  // Keyboard: focus the list, ← → go through the bars; the player does not step.
  const time = await page.getByTestId('sim-time').textContent();
  await timeline.locator('.tl-scroll').focus();
  await page.keyboard.press('Home');
  const first = await timeline.locator('[data-tip]').first().getAttribute('data-tip');
  await expect(timeline.getByTestId('timeline-tip')).toHaveText(first!);
  await page.keyboard.press('ArrowRight');
  const second = await timeline.locator('[data-tip]').nth(1).getAttribute('data-tip');
  await expect(timeline.getByTestId('timeline-tip')).toHaveText(second!);
  await expect(timeline.locator('.tip-picked')).toHaveCount(1);
  expect(await page.getByTestId('sim-time').textContent(), 'the arrows did not step the run').toBe(time);

  // Breaker strip: the same by tap and by keyboard.
  const strip = page.getByTestId('breaker-strip').last();
  const body = strip.getByTestId('breaker-body');
  await body.scrollIntoViewIfNeeded();
  const seg = strip.getByTestId('breaker-seg').first();
  await seg.tap({ position: { x: 2, y: 10 } });
  await expect(strip.getByTestId('strip-tip')).toHaveText((await seg.getAttribute('data-tip'))!);
  await body.focus();
  await page.keyboard.press('End');
  const last = await strip.getByTestId('breaker-seg').last().getAttribute('data-tip');
  await expect(strip.getByTestId('strip-tip')).toHaveText(last!);
  await expect(strip.getByTestId('strip-tip')).toContainText(/ from .* to /);
  // The focusable parts have a name for screen readers.
  await expect(body).toHaveAttribute('aria-label', 'Circuit breaker');
  await context.close();
});
