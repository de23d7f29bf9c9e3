// The choreography lab, end to end, on the release build: every preset opened from
// its link shows the CLI's numbers (A and B, and the trace hash); a knob goes into the
// URL and the reopened URL gives the same run; the stage draws a lane per service; a
// lost event shows as the hop that never happened in choreography and as the
// orchestrator's state in orchestration; the compact embed fits a 720 px frame; the
// page speaks Spanish; and ?bench=1 measures a 10,000-order run each way.
import { test, expect } from '../fixtures';
import { type Page } from '@playwright/test';
import { cli, metricsJson, noGuidedPauses, presetLinks, runToEnd } from '../lab';
import { execFileSync } from 'node:child_process';

test('every choreography preset link reproduces the CLI metrics (A and B)', async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  const list = presetLinks('choreography', baseURL);
  expect(list.length).toBeGreaterThanOrEqual(13);
  for (const p of list) {
    const fragment = p.link.slice(p.link.indexOf('#'));
    // A fresh load per link, as a student opening it would (the home page sends it on).
    await page.goto('about:blank');
    await page.goto(`/${fragment}`);
    await expect(page).toHaveURL(/\/choreography\.html/);
    // Its guide is shown.
    await expect(page.getByTestId('guide')).toHaveAttribute('data-preset', p.id);
    await expect(page.getByTestId('guide-text')).not.toBeEmpty();
    await runToEnd(page);
    const browser = await metricsJson(page);
    const out = JSON.parse(execFileSync(cli(), ['run', p.link], { encoding: 'utf8' }));
    expect(browser.metrics, p.id).toEqual(out.metrics);
    expect(browser.trace_hash, p.id).toBe(out.trace_hash);
    expect(out.b, p.id).toBeTruthy();
    expect(browser.b.metrics, `${p.id} (B)`).toEqual(out.b.metrics);
    expect(browser.b.trace_hash, `${p.id} (B)`).toBe(out.b.trace_hash);
  }
});

test('a knob goes into the URL, and the reopened URL gives the same run', async ({ page }) => {
  await page.goto('/choreography.html#/en/choreography');
  await noGuidedPauses(page);
  const before = page.url();
  const stock = page.getByTestId('stock').locator('input.num');
  await stock.fill('0');
  await stock.press('Enter');
  await expect.poll(() => page.url()).not.toBe(before);
  const link = page.url();
  expect(link).toMatch(/#\/en\/choreography\/2\./);
  // Reopened: the knob is there, and the run is the CLI's run of the same link.
  await page.goto('about:blank');
  await page.goto(link);
  await expect(page.getByTestId('stock').locator('input.num')).toHaveValue('0');
  await runToEnd(page);
  const browser = await metricsJson(page);
  const out = JSON.parse(execFileSync(cli(), ['run', link], { encoding: 'utf8' }));
  expect(browser.metrics).toEqual(out.metrics);
  expect(browser.metrics.out_of_stock).toBe(1);
  expect(browser.b.metrics).toEqual(out.b.metrics);
  // A value the engine would refuse is refused by the field, by its label
  // and range (the engine's message named a config path, `retry.max_attempts`).
  await page.getByTestId('max-attempts').locator('input.num').fill('0');
  await page.getByTestId('max-attempts').locator('input.num').press('Enter');
  await expect(page.getByTestId('max-attempts').getByTestId('field-error')).toContainText('“Max attempts” goes from 1 to 20');
  await expect(page.getByTestId('config-errors')).toHaveCount(0);
});

test('the stage draws every service; a lost event is the hop that never happened', async ({ page, baseURL, shot }) => {
  const lost = presetLinks('choreography', baseURL).find((p) => p.id === 'event_lost')!;
  await page.goto(lost.link.slice(lost.link.indexOf('#')).replace(/^#/, '/choreography.html#'));
  for (const lane of ['customer', 'inventory', 'payment', 'delivery', 'notification']) {
    await expect(page.getByTestId('choreo-stage-0').locator(`[data-lane=${lane}]`)).toHaveCount(1);
  }
  // Orchestration draws the orchestrator in the middle instead of the bus.
  await expect(page.getByTestId('choreo-stage-1').locator('[data-lane=orchestrator]')).toHaveCount(1);
  // The full page has the whole key under each drawing; the embed's one-line key is not repeated.
  await expect(page.getByTestId('choreo-stage-0').locator('figcaption.help').first()).toBeVisible();
  await expect(page.getByTestId('choreo-stage-key')).toHaveCount(2);
  for (const key of await page.getByTestId('choreo-stage-key').all()) await expect(key).toBeHidden();
  await runToEnd(page);
  // The most telling order (a stuck one) is followed by default on both sides.
  const a = page.getByTestId('story-0');
  await expect(a.getByTestId('where-status')).toHaveText('stuck');
  await expect(a.getByTestId('missing-hop').first()).toHaveAttribute('data-why', 'lost');
  await expect(a.getByTestId('seq-missing').first()).toBeVisible();
  const b = page.getByTestId('story-1');
  await expect(b.getByTestId('orchestrator-state')).toBeVisible();
  await expect(b.getByTestId('missing-hop')).toHaveCount(0);
  // Status bars count the stuck orders the metrics report.
  const m = await metricsJson(page);
  await expect(page.getByTestId('status-0').locator('[data-status=stuck]')).toContainText(String(m.metrics.stuck));
  // Typing an order number follows that order.
  await page.getByTestId('order-input').fill('2');
  await page.getByTestId('order-input').press('Enter');
  await expect(a.locator('.choreo-where h3')).toContainText('#2');
  // An order the run never places is refused, naming the run's own range.
  const input = page.getByTestId('order-input');
  await input.fill(String(m.metrics.orders + 1));
  await input.press('Enter');
  expect(await input.evaluate((e: HTMLInputElement) => e.validationMessage)).toContain(`from 1 to ${m.metrics.orders}`);
  await expect(a.locator('.choreo-where h3')).toContainText('#2');
  await input.fill(String(m.metrics.orders));
  await input.press('Enter');
  await expect(a.locator('.choreo-where h3')).toContainText(`#${m.metrics.orders}`);
  await input.fill('2');
  await input.press('Enter');
  await expect(a.getByTestId('sequence').locator('svg.choreo-seq-body')).toBeVisible();
  // The lanes' names are their own band, kept at the top of the plot as it scrolls.
  await expect(a.getByTestId('seq-heads')).toBeVisible();
  await shot('choreo-event-lost-1440');
});

test('on a phone each side\'s sequence is a list that fits its half', async ({ page, baseURL, shot }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const lost = presetLinks('choreography', baseURL).find((p) => p.id === 'event_lost')!;
  await page.goto(lost.link.slice(lost.link.indexOf('#')).replace(/^#/, '/choreography.html#'));
  await runToEnd(page);
  for (const side of [0, 1]) {
    const story = page.getByTestId(`story-${side}`);
    const list = story.getByTestId('seq-list');
    await list.scrollIntoViewIfNeeded();
    await expect(list).toBeVisible();
    await expect(story.getByTestId('seq-heads')).toHaveCount(0);
    const plot = story.locator('.choreo-seq-plot');
    const [sw, cw] = await plot.evaluate((e) => [e.scrollWidth, e.clientWidth]);
    expect(sw, `side ${side} scrolls sideways`).toBeLessThanOrEqual(cw);
    await expect(list.locator('.choreo-seq-item.hop').first()).toContainText('→');
  }
  // Choreography's lost event is the hop that never happened, in the list too.
  await expect(page.getByTestId('story-0').getByTestId('seq-list').getByTestId('seq-missing').first()).toBeVisible();
  await shot('choreo-event-lost-390-list');
});

test('compact embed fits a 720 px frame', async ({ page }) => {
  await page.setViewportSize({ width: 720, height: 720 });
  await page.goto('/choreography.html?embed=1#/en/choreography');
  await expect(page.getByTestId('play')).toBeVisible();
  await expect(page.locator('.site-header')).toHaveCount(0);
  const m = await page.evaluate(() => {
    const doc = document.documentElement;
    const stages = [...document.querySelectorAll('.choreo-stage svg')].map((s) => s.getBoundingClientRect().bottom);
    return { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, stages };
  });
  expect(m.scrollWidth).toBeLessThanOrEqual(m.clientWidth + 1);
  expect(m.stages.length).toBe(2);
  for (const bottom of m.stages) expect(bottom).toBeLessThanOrEqual(720);
});

test('the page speaks Spanish', async ({ page }) => {
  await page.goto('/choreography.html#/es/choreography');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Coreografía vs orquestación');
  await expect(page.getByTestId('play')).toContainText('Reproducir');
  await expect(page.getByTestId('choreo-stage-0')).toContainText('Inventario');
  await expect(page.getByTestId('summary-A')).toContainText('Coreografía');
  await page.getByTestId('step').click();
  await expect(page.getByTestId('log-a').getByTestId('log-entry').first()).toContainText('pedido');
  await expect(page).toHaveURL(/#\/es\/choreography\//);
});

test('choreography WASM throughput (?bench=1), recorded for the notes', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/choreography.html?bench=1');
  await expect(page.getByTestId('bench-total')).toBeVisible({ timeout: 150_000 });
  const rows = await page.locator('[data-testid=bench] tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      run: tr.getAttribute('data-run'),
      orders: Number(tr.getAttribute('data-orders')),
      events: Number(tr.getAttribute('data-events')),
      ms: Number(tr.getAttribute('data-ms')),
    })),
  );
  expect(rows.map((r) => r.run)).toEqual(['choreography', 'orchestration']);
  for (const r of rows) {
    expect(r.orders).toBe(10_000);
    expect(r.ms).toBeGreaterThan(0);
    console.log(
      `choreography bench (Chromium, wasm): ${r.run}: ${r.orders} orders, ${r.events} events in ${r.ms} ms → ` +
        `${Math.round(r.orders / (r.ms / 1000))} orders/s, ${Math.round(r.events / (r.ms / 1000))} events/s`,
    );
  }
});

/** Opens a preset at w × h with its guided pauses on, presses Play; the moment caption's locator. */
async function playWithGuide(page: Page, baseURL: string, id: string, w: number, h: number) {
  await page.setViewportSize({ width: w, height: h });
  const p = presetLinks('choreography', baseURL).find((x) => x.id === id)!;
  await page.goto(`/${p.link.slice(p.link.indexOf('#'))}`);
  await expect(page.getByTestId('guide-on')).toBeChecked();
  await page.getByTestId('play').click();
  return page.getByTestId('moment-caption');
}

test('paused at a guided moment at 1440×900, the caption and the stage are in view', async ({ page, baseURL, shot }) => {
  const caption = await playWithGuide(page, baseURL!, 'demo', 1440, 900);
  await expect(caption).toBeVisible({ timeout: 20_000 });
  // The page scrolled it up, under the player bar (it sat near the fold, the stage below it).
  await expect.poll(async () => (await caption.boundingBox())!.y).toBeLessThan(900 * 0.4);
  const bar = (await page.locator('.lab-player').boundingBox())!;
  const top = (await caption.boundingBox())!.y;
  expect(top).toBeGreaterThanOrEqual(bar.y + bar.height - 1);
  // The stage's own drawing (the services) is on screen too.
  const stage = (await page.getByTestId('choreo-stage-0').boundingBox())!;
  expect(stage.y).toBeLessThan(900);
  await shot('choreography-moment-1440');
});

// The payment-rejected preset's second moment says B's orchestrator "now
// commands the release": its "knows" line under the stage says so too (at
// 352 ms it still waited for the payment's reply, under a "compensating" badge).
test('payment rejected, moment 2: B\'s orchestrator is undoing the reservation, as its caption says', async ({ page, baseURL }) => {
  const caption = await playWithGuide(page, baseURL!, 'payment_rejected', 1280, 800);
  await expect(caption).toContainText('1/3', { timeout: 20_000 });
  await page.getByTestId('moment-play').click();
  await expect(caption).toContainText('2/3', { timeout: 20_000 });
  await expect(caption).toContainText('now commands the release');
  const b = page.getByTestId('story-1');
  await expect(b.getByTestId('where-status')).toHaveText('compensating');
  await expect(b.getByTestId('orchestrator-state')).toContainText('undoing');
  await expect(b.getByTestId('orchestrator-state')).not.toContainText('waiting for');
});
