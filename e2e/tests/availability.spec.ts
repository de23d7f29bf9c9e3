// The availability lab, end to end, on the release build: every preset opened from its
// link shows the CLI's numbers (A, and B where the preset compares, and the trace hash);
// a knob goes into the URL and the reopened URL gives the same run; the stage draws the
// topology in lanes and switches the command route on failover; the seismograph shows
// the band; the compact embed fits a 720 px frame; the page speaks Spanish; and
// ?bench=1 measures a simulated day at 100 requests/s and the month preset.
import { test, expect } from '../fixtures';
import { cli, metricsJson, noGuidedPauses, presetFragment, presetLinks, runToEnd, settledUrl } from '../lab';
import { execFileSync } from 'node:child_process';

test('every availability preset link reproduces the CLI metrics (A and B)', async ({ page, baseURL }) => {
  test.setTimeout(480_000);
  const list = presetLinks('availability', baseURL);
  expect(list.map((p) => p.id)).toEqual([
    'experiment',
    'no_redundancy',
    'aggressive_timeout',
    'phi_accrual',
    'rejoin',
    'split_brain',
    'month',
    'capacity',
  ]);
  for (const p of list) {
    const fragment = p.link.slice(p.link.indexOf('#'));
    // A fresh load per link, as a student opening it would (the home page sends it on).
    await page.goto('about:blank');
    await page.goto(`/${fragment}`);
    await expect(page).toHaveURL(/\/availability\.html/);
    await expect(page.getByTestId('guide')).toHaveAttribute('data-preset', p.id);
    await expect(page.getByTestId('guide-text')).not.toBeEmpty();
    await runToEnd(page, { fastest: true, timeout: 150_000 });
    const browser = await metricsJson(page);
    const out = JSON.parse(execFileSync(cli(), ['run', p.link], { encoding: 'utf8' }));
    expect(browser.metrics, p.id).toEqual(out.metrics);
    expect(browser.trace_hash, p.id).toBe(out.trace_hash);
    if (p.id === 'aggressive_timeout') {
      // A's "—" says why: a false alarm had failed over before the crash.
      await expect(page.getByTestId('key-figures-A').locator('[data-metric=detection_ms] .key-note')).toHaveText(
        'none to measure: a false alarm had already declared the primary down when it crashed',
      );
      await expect(page.getByTestId('key-figures-B').locator('.key-note')).toHaveCount(0);
    }
    if (out.b) {
      expect(browser.b.metrics, `${p.id} (B)`).toEqual(out.b.metrics);
      expect(browser.b.trace_hash, `${p.id} (B)`).toBe(out.b.trace_hash);
    } else {
      expect(browser.b ?? null, p.id).toBeNull();
    }
  }
});

test('a knob goes into the URL, and the reopened URL gives the same run', async ({ page }) => {
  await page.goto('/availability.html#/en/availability');
  await noGuidedPauses(page);
  const before = page.url();
  const k = page.getByTestId('a-k').locator('input.num');
  await k.fill('1');
  await k.press('Enter');
  await expect.poll(() => page.url()).not.toBe(before);
  const link = page.url();
  expect(link).toMatch(/#\/en\/availability\/2\./);
  await page.goto('about:blank');
  await page.goto(link);
  await expect(page.getByTestId('a-k').locator('input.num')).toHaveValue('1');
  await runToEnd(page, { fastest: true, timeout: 150_000 });
  const browser = await metricsJson(page);
  const out = JSON.parse(execFileSync(cli(), ['run', link], { encoding: 'utf8' }));
  expect(browser.metrics).toEqual(out.metrics);
  // A value the engine refuses is named, with its field.
  await page.getByTestId('a-interval').locator('input.num').fill('10');
  await page.getByTestId('a-interval').locator('input.num').press('Enter');
  await page.getByTestId('duration').locator('input.num').fill('2678400');
  await page.getByTestId('duration').locator('input.num').press('Enter');
  // By the fields' labels, as they read in the panel (it named config paths).
  await expect(page.getByTestId('config-errors')).toContainText('lower “Requests per second” or “Run for”, or raise “Ping every”');
  await expect(page.getByTestId('config-errors')).not.toContainText('load.');
});

test('capacity is honoured: a knob into the URL, the reopened URL the same run, and 504s', async ({ page }) => {
  await page.goto('/availability.html#/en/availability');
  await noGuidedPauses(page);
  const before = page.url();
  const cap = page.getByTestId('queries-capacity').locator('input.num');
  await expect(page.getByTestId('queries-capacity')).toContainText('The rest wait their turn');
  // One worker for ~70 queries/s of 30 ms each: the queue only grows.
  await page.getByTestId('rate').locator('input.num').fill('100');
  await page.getByTestId('rate').locator('input.num').press('Enter');
  await expect.poll(() => page.url()).not.toBe(before);
  const withRate = page.url();
  await cap.fill('1');
  await cap.press('Enter');
  await expect.poll(() => page.url()).not.toBe(withRate);
  const link = page.url();
  await page.goto('about:blank');
  await page.goto(link);
  await expect(page.getByTestId('queries-capacity').locator('input.num')).toHaveValue('1');
  await runToEnd(page, { fastest: true, timeout: 150_000 });
  const browser = await metricsJson(page);
  const out = JSON.parse(execFileSync(cli(), ['run', link], { encoding: 'utf8' }));
  expect(browser.metrics).toEqual(out.metrics);
  expect(out.metrics.errors['504']).toBeGreaterThan(100);
  expect(out.metrics.query_availability).toBeLessThan(0.5);
  // The one worker's utilisation beside queueing theory: ρ = λ·S ÷ c, with
  // S the log-normal's mean (30 ms median × e^0.125), far above 1.
  expect(out.metrics.queries_busy).toBeGreaterThan(0.95);
  const busy = page.getByTestId('metrics').locator('tr', { hasText: 'Query workers busy' }).first();
  await expect(busy.locator('.theory-formula')).toContainText('ρ = λ·S ÷ c = 70/s × 34 ms ÷ 1 = 2.38');
  await expect(busy.locator('.theory')).toContainText(/theory 9\d\.\d %/);
  // The stage's queries box shows its workers.
  await expect(page.locator('[data-lane=queries]').first()).toContainText(/[01]\/1 workers busy/);
});

test('every projector pause is a row: added, edited, into the URL and back', async ({ page }) => {
  await page.goto('/availability.html#/en/availability');
  await noGuidedPauses(page);
  await page.getByTestId('projector-mode').locator('select').selectOption('queue');
  await page.getByTestId('pause-add').click();
  await page.getByTestId('pause-add').click();
  await expect(page.getByTestId('pause-1')).toBeVisible();
  await expect.poll(() => page.url()).toMatch(/#\/en\/availability\/2\./);
  // The URL follows each edit: wait for the second window's end to reach it.
  const withPauses = await settledUrl(page);
  const to = page.getByTestId('pause-1').getByTestId('pause-to').locator('input.num');
  await to.fill('95');
  await to.press('Enter');
  await expect.poll(() => page.url()).not.toBe(withPauses);
  // …with the edit in it, as the CLI reads the link (under load a write still
  // pending from adding the second window could change it first, and settle,
  // without the edit)…
  const decoded = (u: string) => execFileSync(cli(), ['decode', u], { encoding: 'utf8' });
  await expect.poll(() => decoded(page.url()), { timeout: 15_000 }).toContain('95000');
  // …and settled.
  const link = await settledUrl(page);
  await page.goto('about:blank');
  await page.goto(link);
  await expect(page.getByTestId('pause-1').getByTestId('pause-to').locator('input.num')).toHaveValue('95');
  await expect(page.getByTestId('pause-0').getByTestId('pause-to').locator('input.num')).toHaveValue('30');
  await runToEnd(page, { fastest: true, timeout: 150_000 });
  const browser = await metricsJson(page);
  const out = JSON.parse(execFileSync(cli(), ['run', link], { encoding: 'utf8' }));
  expect(browser.metrics).toEqual(out.metrics);
  // A window that ends before it starts is named by its label and number.
  await page.getByTestId('pause-1').getByTestId('pause-to').locator('input.num').fill('1');
  await page.getByTestId('pause-1').getByTestId('pause-to').locator('input.num').press('Enter');
  await expect(page.getByTestId('config-errors')).toContainText('“Projector pause” (no. 2)');
});

test('the stage names the gap between the crash and its detection', async ({ page }) => {
  await page.goto('/availability.html#/en/availability');
  await noGuidedPauses(page);
  const gap = page.getByTestId('av-gap-0');
  await expect(gap).toHaveClass(/quiet/);
  await page.getByTestId('scrub').fill('31000');
  await expect(gap).not.toHaveClass(/quiet/);
  await expect(gap).toContainText(/The primary crashed 1(\.\d)? s ago — the monitor has not noticed yet \(\d of 3 pings missed\)/);
});

test('the stage draws the topology; the command route switches on failover', async ({ page, shot }) => {
  await page.goto('/availability.html#/en/availability');
  const stage = page.getByTestId('av-stage-0');
  for (const lane of ['clients', 'gateway', 'monitor', 'primary', 'backup', 'queries']) {
    await expect(stage.locator(`[data-lane=${lane}]`)).toHaveCount(1);
  }
  await expect(stage.locator('[data-route=primary]')).toHaveAttribute('data-on', '1');
  await expect(stage.locator('[data-route=backup]')).toHaveAttribute('data-on', '0');
  // Play at ×10 until the backup serves (~40 s): the route points at it; then pause.
  await noGuidedPauses(page);
  await page.getByTestId('speed').fill('1');
  await page.getByTestId('play').click();
  await expect(stage.locator('[data-route=backup]')).toHaveAttribute('data-on', '1', { timeout: 30_000 });
  await page.getByTestId('play').click();
  await expect(stage.locator('[data-route=primary]')).toHaveAttribute('data-on', '0');
  await expect(page.getByTestId('av-seismo-0').locator('[data-band=promoted]')).not.toHaveCount(0);
  await shot('availability-failover-1440');
  // The DOM stays bounded: at most 96 dots.
  expect(await stage.locator('svg.av-svg circle.av-dot').count()).toBeLessThanOrEqual(96);
});

test('compact embed fits a 720 px frame', async ({ page }) => {
  await page.setViewportSize({ width: 720, height: 720 });
  await page.goto('/availability.html?embed=1#/en/availability');
  await expect(page.getByTestId('play')).toBeVisible();
  await expect(page.locator('.site-header')).toHaveCount(0);
  const m = await page.evaluate(() => {
    const doc = document.documentElement;
    return { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth };
  });
  expect(m.scrollWidth).toBeLessThanOrEqual(m.clientWidth + 1);
  await expect(page.getByTestId('av-stage-0').locator('svg.av-svg')).toBeVisible();
});

test('in an 820×720 embed the dots\' whole key is in the frame, 503 and 504 too', async ({ page }) => {
  await page.setViewportSize({ width: 820, height: 720 });
  await page.goto(`/availability.html?embed=1#${presetFragment('aggressive_timeout', 'en', 'availability')}`);
  await expect(page.getByTestId('play')).toBeVisible();
  const foot = await page.locator('.compact-foot').evaluate((e) => e.getBoundingClientRect().top);
  for (const side of [0, 1]) {
    const items = await page
      .getByTestId(`av-stage-${side}`)
      .locator('.av-legend-item')
      .evaluateAll((els) => els.map((e) => ({ text: e.textContent ?? '', bottom: e.getBoundingClientRect().bottom })));
    expect(items.map((i) => i.text).join(' ')).toContain('504');
    for (const i of items) expect(i.bottom, `${i.text} above the guide`).toBeLessThanOrEqual(foot);
  }
  // With nothing to say, the crash-to-detection line takes no room.
  await expect(page.getByTestId('av-gap-0')).toHaveClass(/quiet/);
  expect((await page.getByTestId('av-gap-0').boundingBox())!.height).toBeLessThan(1);
});

test('the page speaks Spanish', async ({ page }) => {
  await page.goto('/availability.html#/es/availability');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Disponibilidad');
  await expect(page.getByTestId('play')).toContainText('Reproducir');
  await expect(page.getByTestId('av-stage-0')).toContainText('Clientes');
  await expect(page.getByTestId('summary-A')).toContainText('Respaldo en frío');
  await expect(page).toHaveURL(/#\/es\/availability\//);
});

test('availability WASM throughput (?bench=1), recorded for the notes', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/availability.html?bench=1');
  await expect(page.getByTestId('bench-total')).toBeVisible({ timeout: 220_000 });
  const rows = await page.locator('[data-testid=bench] tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      run: tr.getAttribute('data-run'),
      requests: Number(tr.getAttribute('data-requests')),
      events: Number(tr.getAttribute('data-events')),
      ms: Number(tr.getAttribute('data-ms')),
      worst: Number(tr.getAttribute('data-worst')),
      warm: Number(tr.getAttribute('data-warm-worst')),
      p90: Number(tr.getAttribute('data-warm-p90')),
    })),
  );
  expect(rows.map((r) => r.run)).toEqual(['day_100_rps', 'month_preset']);
  for (const r of rows) {
    expect(r.requests).toBeGreaterThan(0);
    expect(r.ms).toBeGreaterThan(0);
    console.log(
      `availability bench (Chromium, wasm): ${r.run}: ${r.requests} requests, ${r.events} events in ${r.ms} ms → ` +
        `${Math.round(r.requests / (r.ms / 1000))} requests/s, ${Math.round(r.events / (r.ms / 1000))} events/s; slowest 20k-event chunk ${r.worst} ms (warm: ${r.warm} ms, warm p90 ${r.p90} ms)`,
    );
  }
  // How long a frame's chunk takes is printed above for the notes, never asserted:
  // performance lives in benchmarks, not in timed tests (on a busy 2-core CI machine
  // the warm p90 went from ~16 ms to 74 ms with no change to the code). What the test
  // does check: both runs measured their chunks.
  for (const r of rows) expect(r.warm).toBeGreaterThanOrEqual(r.p90);
});
