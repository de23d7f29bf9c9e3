// The retry lab, end to end, on the release build: open it from the home page,
// play, step, change a knob and see the URL change, reopen the URL and get the
// same config and metrics (and the CLI's numbers), compare A | B, switch
// language, embed it, and survive hostile links.
import { test, expect } from '../fixtures';
import { cli, metricsJson, noGuidedPauses, presetLink, presetLinks, runToEnd } from '../lab';
import { type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { deflateRawSync, deflateSync, inflateSync } from 'node:zlib';



/**
 * A share payload for any JSON, packed exactly as codec `version` packs it, then base64url:
 * version 2 (what the app writes today) is zlib, with a checksum; version 1 is raw deflate.
 */
function payload(json: unknown, version: 1 | 2 = 2): string {
  const text = Buffer.from(JSON.stringify(json));
  return (version === 1 ? deflateRawSync(text) : deflateSync(text)).toString('base64url');
}

/** The seed and config in a page's address (a version 2 link). */
function decodedConfig(url: string): unknown {
  const data = new URL(url).hash.split('/').pop()!.split('.')[1];
  return JSON.parse(inflateSync(Buffer.from(data, 'base64url')).toString());
}

/** `data` with one character changed, as a link damaged when copied would have. */
function damaged(data: string): string {
  const i = Math.floor(data.length / 2);
  return data.slice(0, i) + (data[i] === 'A' ? 'B' : 'A') + data.slice(i + 1);
}

async function openLab(page: Page, fragment = '/en/retry') {
  await page.goto(`/#${fragment}`);
  await expect(page.getByTestId('play')).toBeVisible();
}

test('home lists the five labs; only built ones are links', async ({ page, shot }) => {
  await page.goto('/#/en');
  const cards = page.locator('[data-testid=lab-list] > li');
  await expect(cards).toHaveCount(5);
  // Every lab has its page: none is coming.
  await expect(page.locator('.lab-card.coming')).toHaveCount(0);
  await expect(page.getByTestId('open-cqrs')).toBeVisible();
  await expect(page.getByTestId('open-availability')).toBeVisible();
  await expect(page.getByTestId('open-choreography')).toBeVisible();
  await expect(page.getByTestId('open-replica')).toBeVisible();
  await expect(page.locator('.lab-card.coming a')).toHaveCount(0);
  await shot('home-1440');
  await page.setViewportSize({ width: 360, height: 800 });
  await shot('home-360');
  await page.getByTestId('open-retry').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Retry');
  await expect(page).toHaveURL(/#\/en\/retry\/2\./);
});

test('play, pause with the keyboard, and step one event at a time', async ({ page }) => {
  await openLab(page);
  await page.getByTestId('preset-scripted').click();
  await expect(page.getByTestId('guide')).toBeVisible();
  const entries = page.getByTestId('log-a').getByTestId('log-entry');
  const before = await entries.count();
  await page.getByTestId('step').click();
  await expect.poll(() => entries.count()).toBeGreaterThan(before);
  const afterStep = await entries.count();
  // → steps too, even with focus on a button (the Step button was just pressed).
  await expect(page.getByTestId('step')).toBeFocused();
  await page.keyboard.press('ArrowRight');
  // One event may narrate more than one line (a failure and the wait it causes).
  await expect.poll(() => entries.count()).toBeGreaterThan(afterStep);
  // Space plays (with focus off the buttons, where Space presses the button itself);
  // the scripted story ends with success on attempt 3.
  await noGuidedPauses(page);
  await page.locator('h1').click();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('play')).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('speed').fill('2');
  await expect(page.getByTestId('finished')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('log-a')).toContainText('attempt 3');
  const m = await metricsJson(page);
  expect(m.metrics.succeeded).toBe(1);
  expect(m.metrics.calls).toBe(3);
});

test('a knob changes the URL; the URL reproduces config and metrics, as the CLI does', async ({ page, context, shot }) => {
  await openLab(page);
  const urlBefore = page.url();
  const transient = page.getByTestId('transient').locator('input.num');
  await transient.fill('30');
  await transient.press('Tab');
  await expect.poll(() => page.url()).not.toBe(urlBefore);
  const urlWithKnob = page.url();
  const seed = page.getByTestId('seed');
  await seed.fill('4242');
  await seed.press('Enter');
  // URL writes wait for the knobs to rest (~120 ms): wait for this one.
  await expect.poll(() => page.url()).not.toBe(urlWithKnob);
  await expect.poll(() => page.url()).toContain('/en/retry/2.');
  const shared = page.url();
  await runToEnd(page);
  const first = await metricsJson(page);
  expect(first.seed).toBe(4242);
  await shot('retry-lab-finished');

  const fresh = await context.newPage();
  await fresh.goto(shared);
  await expect(fresh.getByTestId('transient').locator('input.num')).toHaveValue('30');
  await expect(fresh.getByTestId('seed')).toHaveValue('4242');
  await runToEnd(fresh);
  const second = await metricsJson(fresh);
  expect(second).toEqual(first);

  // The CLI runs the same link to the same numbers and the same trace.
  const out = JSON.parse(execFileSync(cli(), ['run', shared], { encoding: 'utf8' }));
  expect(out.metrics).toEqual(first.metrics);
  expect(out.trace_hash).toBe(first.trace_hash);
  expect(out.events).toBe(first.events);
});

test('every preset link reproduces the CLI metrics (A and B)', async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  const list = presetLinks('retry', baseURL);
  expect(list.length).toBeGreaterThanOrEqual(6);
  for (const p of list) {
    const fragment = p.link.slice(p.link.indexOf('#'));
    // A fresh load per link, as a student opening it would.
    await page.goto('about:blank');
    await page.goto(`/${fragment}`);
    await runToEnd(page);
    const browser = await metricsJson(page);
    const out = JSON.parse(execFileSync(cli(), ['run', p.link], { encoding: 'utf8' }));
    expect(browser.metrics, p.id).toEqual(out.metrics);
    expect(browser.trace_hash, p.id).toBe(out.trace_hash);
    if (out.b) expect(browser.b.metrics, `${p.id} (B)`).toEqual(out.b.metrics);
  }
});

test('A | B side by side on one clock', async ({ page, shot }) => {
  await openLab(page);
  await page.getByTestId('preset-storm_breaker').click();
  await expect(page.locator('.side[data-side=B]')).toBeVisible();
  // Each side says what it runs.
  await expect(page.getByTestId('summary-A')).toHaveText('Exponential backoff · No jitter · up to 8 attempts');
  await expect(page.getByTestId('summary-B')).toContainText('Circuit breaker');
  // What sets B apart is in bold; what both run is not.
  await expect(page.getByTestId('summary-B').locator('.differs').first()).toContainText('Circuit breaker');
  await expect(page.getByTestId('summary-B').locator('.differs', { hasText: 'Exponential backoff' })).toHaveCount(0);
  await expect(page.getByTestId('metrics').locator('thead th')).toHaveCount(3);
  await runToEnd(page);
  const m = await metricsJson(page);
  expect(m.b.metrics.load_amplification).toBeLessThan(m.metrics.load_amplification);
  expect(m.b.metrics.gave_up.breaker_open).toBeGreaterThan(0);
  expect(m.metrics.gave_up.breaker_open).toBe(0);
  await shot('retry-storm-breaker-1440');
  await page.setViewportSize({ width: 360, height: 800 });
  await shot('retry-storm-breaker-360');
});

test('language switch reaches every string and stays in the URL', async ({ page }) => {
  await openLab(page);
  await page.getByTestId('lang').selectOption('es');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Reintentos (Retry)');
  await expect(page.getByTestId('play')).toContainText('Reproducir');
  await expect(page).toHaveURL(/#\/es\/retry\//);
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Reintentos (Retry)');
  await page.getByTestId('lang').selectOption('pt');
  await expect(page.getByTestId('play')).toContainText('Reproduzir');
});

test('a link made by version 1 (raw deflate) still opens its config', async ({ page }) => {
  await openLab(page, '/en/retry/1.' + payload({ seed: 4242, config: { service: { transient_failure_rate: 0.3 } } }, 1));
  await expect(page.getByTestId('transient').locator('input.num')).toHaveValue('30');
  await expect(page.getByTestId('seed')).toHaveValue('4242');
  await expect(page.getByTestId('link-problem')).toHaveCount(0);
});

test('hostile and broken links show a message and safe defaults', async ({ page }) => {
  // A setting is named as its field is labelled (not `service.transient_failure_rate`).
  const cases: [string, RegExp][] = [
    // Version 2 links (zlib), as the app writes them today.
    ['/en/retry/2.' + payload({ seed: 1, config: { service: { transient_failure_rate: 5 } } }), /“Transient failure rate” must be between 0 and 1/],
    ['/en/retry/2.' + payload({ seed: 1, config: { strategy: [5] } }), /strategy could not be read: expected an object/],
    ['/en/retry/2.' + damaged(payload({ seed: 4242, config: { service: { transient_failure_rate: 0.3 } } })), /damaged/],
    ['/en/retry/2.' + payload({ seed: 1, config: {} }, 1), /damaged/],
    ['/en/retry/2.' + deflateSync(Buffer.alloc(5_000_000, 32)).toString('base64url'), /far too much data/],
    // Version 1 links (raw deflate) still decode, so their hostile values are still caught.
    ['/en/retry/1.' + payload({ seed: 1, config: { service: { transient_failure_rate: 5 } } }, 1), /“Transient failure rate” must be between 0 and 1/],
    ['/en/retry/1.' + payload({ seed: 1, config: { strategy: { max_attempts: 1e12 } } }, 1), /“Max attempts” could not be read: .* from 0 to 4,294,967,295/],
    ['/en/retry/1.' + payload({ seed: 1, config: { nonsense: true } }, 1), /could not be read/],
    ['/en/retry/9.' + payload({}), /version/],
    ['/en/retry/1.eJyrVkrOzy0', /damaged/],
    ['/en/retry/1.' + 'A'.repeat(20_000), /too long/],
    ['/en/retry/1.' + deflateRawSync(Buffer.alloc(5_000_000, 32)).toString('base64url'), /far too much data/],
    ['/en/nowhere', /no lab called/],
  ];
  for (const [fragment, message] of cases) {
    await page.goto(`/#${fragment}`);
    await expect(page.getByTestId('link-problem'), fragment.slice(0, 60)).toContainText(message);
  }
  // A query pasted inside the fragment is ignored, not misread as a lab.
  await page.goto('/#/en/retry?embed=1');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Retry');
  await expect(page.getByTestId('link-problem')).toHaveCount(0);
  // A wrong field is put back to its default; the rest of the link is kept, and it runs.
  await page.goto('/#/en/retry/2.' + payload({ seed: 4242, config: { service: { transient_failure_rate: 5, latency_ms: 300 } } }));
  await expect(page.getByTestId('link-problem')).toContainText('These are back to their defaults');
  await expect(page.getByTestId('link-problem')).toContainText('the rest of the link is kept');
  await expect(page.getByTestId('transient').locator('input.num')).toHaveValue('50');
  await expect(page.getByTestId('seed')).toHaveValue('4242');
  await expect(page.getByTestId('latency').locator('input.num')).toHaveValue('300');
  // …and the address is the mended run's: sharing it again shares what is shown.
  await expect.poll(() => decodedConfig(page.url())).toMatchObject({ seed: 4242, config: { service: { transient_failure_rate: 0.5, latency_ms: 300 } } });
  await page.getByTestId('step').click();
  await expect(page.getByTestId('log-a').getByTestId('log-entry').first()).toBeVisible();
});

test('embed mode: no chrome, paused, height reported, snippet offered', async ({ page, baseURL }) => {
  await page.goto('/?embed=1#/en/retry');
  await expect(page.getByTestId('play')).toBeVisible();
  await expect(page.locator('.site-header')).toHaveCount(0);
  await page.waitForTimeout(500);
  await expect(page.getByTestId('sim-time')).toHaveText('0 ms');
  // The compact embed has no share bar: the snippet is offered by the full page.
  await expect(page.getByTestId('embed')).toBeHidden();
  await page.goto('/#/en/retry');
  await page.getByTestId('embed').click();
  const snippet = await page.getByTestId('embed-snippet').inputValue();
  expect(snippet).toContain('<iframe');
  expect(snippet).toContain('?embed=1#/en/retry/2.');
  // The optional script resizes its frame to the height the lab reports.
  expect(await page.getByTestId('embed-script').inputValue()).toContain('cloud-patterns-playground:height');
  await expect(page.getByTestId('open-full')).toHaveAttribute('href', /^[^?]*#\/en\/retry\/2\./);

  // In a frame: the parent hears the height; autoplay=1 plays. The parent is a page
  // on the same origin (Chromium blocks a public page from framing localhost).
  const heights: number[] = [];
  await page.exposeFunction('reportHeight', (h: number) => heights.push(h));
  const parentUrl = new URL('/course-page.html', baseURL).toString();
  // A long run (the storm preset, 60 simulated seconds), so it is still playing when scrolled.
  const storm = presetLink('storm_budget', 'retry', baseURL);
  const src = new URL(`/?embed=1&autoplay=1${storm.slice(storm.indexOf('#'))}`, baseURL).toString();
  await page.route(parentUrl, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><title>course</title><script>
        addEventListener('message', (e) => {
          if (e.data && e.data.type === 'cloud-patterns-playground:height') window.reportHeight(e.data.height);
        });
      </script><iframe src="${src}" style="width:800px;height:600px;border:0"></iframe>
      <div style="height:3000px"></div>`,
    }),
  );
  await page.goto(parentUrl);
  await expect.poll(() => heights.length).toBeGreaterThan(0);
  expect(Math.max(...heights)).toBeGreaterThan(400);
  const frame = page.frameLocator('iframe');
  await expect(frame.getByTestId('play')).toHaveAttribute('aria-pressed', 'true');
  // Neither a guided moment (the first is at 15 s) nor the run's end may pause it
  // meanwhile, however slow the machine: no guided pauses, the slowest speed.
  await frame.getByTestId('guide-on').uncheck();
  const speed = frame.getByTestId('speed');
  await speed.fill((await speed.getAttribute('min')) ?? '-1');
  if ((await frame.getByTestId('play').getAttribute('aria-pressed')) !== 'true') await frame.getByTestId('play').click();
  await expect(frame.getByTestId('play')).toHaveAttribute('aria-pressed', 'true');
  // Scrolled out of view it pauses; back in view it plays on.
  await page.evaluate(() => window.scrollTo(0, 2500));
  await expect(frame.getByTestId('play')).toHaveAttribute('aria-pressed', 'false');
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(frame.getByTestId('play')).toHaveAttribute('aria-pressed', 'true');
});

test('WASM engine throughput (?bench=1), recorded for the notes', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/?bench=1');
  const total = page.getByTestId('bench-total');
  await expect(total).toBeVisible({ timeout: 100_000 });
  console.log(`WASM throughput: ${await total.textContent()}`);
  const events = Number(await total.getAttribute('data-events'));
  expect(events).toBeGreaterThan(1000);
});

test('big runs stay responsive: frame times while playing, recorded for the notes', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const sizes = [
    [200, 60_000],
    [1_000, 60_000],
    // The most clients a workload may have (the work bound allows this storm:
    // at worst 1.5 M calls in the service at once).
    [5_000, 60_000],
  ];
  for (const [clients, duration] of sizes) {
    const link = execFileSync(
      cli(),
      ['url', '-', '--base', new URL('/', baseURL).toString(), '--set', `workload={"kind":"poisson","clients":${clients},"rate_per_client":1.0,"duration_ms":${duration}}`,
        '--set', 'service.capacity=400', '--set', 'service.outages=[{"from_ms":20000,"to_ms":30000}]',
        '--set', 'strategy.wait=exponential', '--set', 'strategy.base_ms=100', '--set', 'strategy.max_attempts=5', '--set', 'strategy.attempt_timeout_ms=1000'],
      { encoding: 'utf8', input: '{}' },
    ).trim();
    const fragment = link.slice(link.indexOf('#'));
    await page.goto(`/?autoplay=1${fragment}`);
    await expect(page.getByTestId('play')).toHaveAttribute('aria-pressed', 'true');
    // Count animation frames for 3 s of wall time; the page must keep painting.
    const stats = await page.evaluate(
      () =>
        new Promise<{ frames: number; worst: number; p95: number }>((resolve) => {
          const gaps: number[] = [];
          let last = performance.now();
          const start = last;
          const tick = (t: number) => {
            gaps.push(t - last);
            last = t;
            if (t - start < 3000) requestAnimationFrame(tick);
            else {
              gaps.sort((a, b) => a - b);
              resolve({ frames: gaps.length, worst: gaps[gaps.length - 1], p95: gaps[Math.floor(gaps.length * 0.95)] });
            }
          };
          requestAnimationFrame(tick);
        }),
    );
    const simTime = await page.getByTestId('sim-time').textContent();
    console.log(`smoothness ${clients} clients × ${duration / 1000} s: ${stats.frames} frames in 3 s, p95 frame ${stats.p95.toFixed(1)} ms, worst ${stats.worst.toFixed(1)} ms, simulated ${simTime}`);
    // Never frozen: every frame came within a second.
    expect(stats.worst).toBeLessThan(1000);
  }
});
