// The replica failover lab, end to end, on the release build: every preset opened from
// its link shows the CLI's numbers (A, and B where it compares, and the trace hash); a
// knob goes into the URL and the reopened URL gives the same run; the matrix draws a
// column per node and the metadata server's verdicts; the compact embed fits a 720 px
// frame; the page speaks Spanish; and ?bench=1 measures a 10,000-chunk, 50-node upload.
import { test, expect } from '../fixtures';
import { cli, metricsJson, noGuidedPauses, presetFragment, presetLinks, runToEnd } from '../lab';
import { type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';

test('every replica preset link reproduces the CLI metrics (A and B)', async ({ page, baseURL }) => {
  test.setTimeout(300_000);
  const list = presetLinks('replica', baseURL);
  expect(list.length).toBe(9);
  for (const p of list) {
    const fragment = p.link.slice(p.link.indexOf('#'));
    // A fresh load per link, as a student opening it would (the home page sends it on).
    await page.goto('about:blank');
    await page.goto(`/${fragment}`);
    await expect(page).toHaveURL(/\/replica\.html/);
    await expect(page.getByTestId('guide')).toHaveAttribute('data-preset', p.id);
    await expect(page.getByTestId('guide-text')).not.toBeEmpty();
    await runToEnd(page);
    const browser = await metricsJson(page);
    const out = JSON.parse(execFileSync(cli(), ['run', p.link], { encoding: 'utf8' }));
    expect(browser.metrics, p.id).toEqual(out.metrics);
    expect(browser.trace_hash, p.id).toBe(out.trace_hash);
    if (out.b) {
      expect(browser.b.metrics, `${p.id} (B)`).toEqual(out.b.metrics);
      expect(browser.b.trace_hash, `${p.id} (B)`).toBe(out.b.trace_hash);
    } else {
      expect(browser.b ?? null, p.id).toBeNull();
    }
    // The progress bar says what the metrics say.
    await expect(page.getByTestId('replica-stage-0').getByTestId('progress').locator('[data-status=ok]')).toContainText(String(out.metrics.chunks_ok));
  }
});

test('a knob goes into the URL, and the reopened URL gives the same run', async ({ page }) => {
  await page.goto('/replica.html#/en/replica');
  await noGuidedPauses(page);
  const before = page.url();
  const chunks = page.getByTestId('chunks-per-file').locator('input.num');
  await chunks.fill('5');
  await chunks.press('Enter');
  await expect.poll(() => page.url()).not.toBe(before);
  const link = page.url();
  expect(link).toMatch(/#\/en\/replica\/2\./);
  await page.goto('about:blank');
  await page.goto(link);
  await expect(page.getByTestId('chunks-per-file').locator('input.num')).toHaveValue('5');
  await runToEnd(page);
  const browser = await metricsJson(page);
  const out = JSON.parse(execFileSync(cli(), ['run', link], { encoding: 'utf8' }));
  expect(browser.metrics).toEqual(out.metrics);
  expect(browser.metrics.chunks).toBe(5);
  // A value the engine would refuse is refused by the field, by its label
  // and range (the engine's message named a config path, `client.retry.max_attempts`).
  await page.getByTestId('max-attempts').locator('input.num').fill('0');
  await page.getByTestId('max-attempts').locator('input.num').press('Enter');
  await expect(page.getByTestId('max-attempts').getByTestId('field-error')).toContainText('“Max attempts” goes from 1 to 20');
  await expect(page.getByTestId('config-errors')).toHaveCount(0);
});

test('the matrix: a column per node, suspect then dead, repairs', async ({ page, baseURL, shot }) => {
  const rack = presetLinks('replica', baseURL).find((p) => p.id === 'rack_down')!;
  await page.goto(rack.link.slice(rack.link.indexOf('#')).replace(/^#/, '/replica.html#'));
  const stage = page.getByTestId('replica-stage-0');
  await expect(stage.locator('g.replica-node')).toHaveCount(12);
  await runToEnd(page);
  // Rack 2's nodes were declared dead, drawn as crosses; the repair copied their chunks.
  await expect(stage.locator('g.replica-node[data-health=dead]')).toHaveCount(4);
  await expect(stage.locator('g.replica-node[data-health=dead] .replica-dead')).toHaveCount(4);
  const m = await metricsJson(page);
  expect(m.metrics.data_lost_chunks).toBe(0);
  await expect(stage.getByTestId('metadata')).toContainText('4 declared dead');
  await expect(page.getByTestId('problem-nodes').locator('table')).toHaveCount(1);
  await shot('replica-rack-down-1440');
});

test('compact embed fits a 720 px frame', async ({ page }) => {
  await page.setViewportSize({ width: 720, height: 720 });
  await page.goto('/replica.html?embed=1#/en/replica');
  await expect(page.getByTestId('play')).toBeVisible();
  await expect(page.locator('.site-header')).toHaveCount(0);
  const m = await page.evaluate(() => {
    const doc = document.documentElement;
    const stage = document.querySelector('.replica-svg')?.getBoundingClientRect();
    return { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, top: stage?.top ?? 9999 };
  });
  expect(m.scrollWidth).toBeLessThanOrEqual(m.clientWidth + 1);
  expect(m.top).toBeLessThanOrEqual(720);
});

test('in an 820×720 embed the cells\' key is above the rows, whole, in the card, in two lines', async ({ page }) => {
  await page.setViewportSize({ width: 820, height: 720 });
  // Short labels in the embed: the full ones took four lines in half the frame
  // and pushed the first chunk rows under its foot.
  const want = {
    en: ['healthy', 'corrupt (!)', 'missing', 'given up'],
    es: ['sana', 'corrupta (!)', 'falta', 'abandonado'],
    pt: ['saudável', 'corrompida (!)', 'faltando', 'abandonado'],
  };
  for (const [lang, words] of Object.entries(want)) {
    await page.goto(`/replica.html?embed=1#${presetFragment('corruption', lang, 'replica')}`);
    await expect(page.getByTestId('play')).toBeVisible();
    for (const side of [0, 1]) {
      const stage = page.getByTestId(`replica-stage-${side}`);
      await expect(stage.locator('.replica-legend')).toContainText(words[0]);
      const card = await stage.evaluate((e) => e.getBoundingClientRect());
      const items = await stage
        .locator('.replica-legend li')
        .evaluateAll((els) =>
          els
            .filter((e) => getComputedStyle(e).display !== 'none')
            .map((e) => ({ text: e.textContent ?? '', ...JSON.parse(JSON.stringify(e.getBoundingClientRect())) })),
        );
      const texts = items.map((i) => i.text).join(' | ');
      for (const w of words) expect(texts, lang).toContain(w);
      for (const i of items) expect(i.right, `${lang}: ${i.text} inside the card`).toBeLessThanOrEqual(card.right + 1);
      const lines = new Set(items.map((i) => Math.round(i.top))).size;
      expect(lines, `${lang}: the key in ${lines} lines: ${texts}`).toBeLessThanOrEqual(2);
      // Above the first chunk row.
      const rows = await stage.locator('.stage-plot').evaluate((e) => e.getBoundingClientRect().top);
      for (const i of items) expect(i.bottom, `${lang}: ${i.text} above the rows`).toBeLessThanOrEqual(rows + 1);
    }
  }
  // The full page keeps the whole words.
  await page.goto(`/replica.html#${presetFragment('corruption', 'en', 'replica')}`);
  await expect(page.getByTestId('replica-stage-0').locator('.replica-legend')).toContainText('corrupt replica (!)');
});

test('the page speaks Spanish', async ({ page }) => {
  await page.goto('/replica.html#/es/replica');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Failover de réplicas');
  await expect(page.getByTestId('play')).toContainText('Reproducir');
  await expect(page.getByTestId('replica-stage-0').getByTestId('metadata')).toContainText('Servidor de metadatos');
  await expect(page.getByTestId('summary-A')).toContainText('Siguiente réplica');
  await page.getByTestId('step').click();
  await expect(page.getByTestId('log-a').getByTestId('log-entry').first()).toContainText('fragmento');
  await expect(page).toHaveURL(/#\/es\/replica\//);
});

test('replica WASM throughput (?bench=1), recorded for the notes', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/replica.html?bench=1');
  await expect(page.getByTestId('bench-total')).toBeVisible({ timeout: 150_000 });
  const rows = await page.locator('[data-testid=bench] tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      run: tr.getAttribute('data-run'),
      chunks: Number(tr.getAttribute('data-chunks')),
      nodes: Number(tr.getAttribute('data-nodes')),
      events: Number(tr.getAttribute('data-events')),
      ms: Number(tr.getAttribute('data-ms')),
    })),
  );
  expect(rows.length).toBe(1);
  for (const r of rows) {
    expect(r.chunks).toBe(10_000);
    expect(r.nodes).toBe(50);
    expect(r.ms).toBeGreaterThan(0);
    console.log(
      `replica bench (Chromium, wasm): ${r.run}: ${r.chunks} chunks × ${r.nodes} nodes, ${r.events} events in ${r.ms} ms → ` +
        `${Math.round(r.chunks / (r.ms / 1000))} chunks/s, ${Math.round(r.events / (r.ms / 1000))} events/s`,
    );
  }
});

test('a rack down: chunks at risk before the metadata server knows, silence gauges, a timeline up to now', async ({ page, baseURL, shot }) => {
  const rack = presetLinks('replica', baseURL).find((p) => p.id === 'rack_down')!;
  await page.goto(rack.link.slice(rack.link.indexOf('#')).replace(/^#/, '/replica.html#'));
  await noGuidedPauses(page);
  const stage = page.getByTestId('replica-stage-0');
  await page.getByTestId('play').click();
  // Rack 2 goes down at 1 s; its nodes are declared dead only ~10 s later: meanwhile their chunks are at risk, unknown.
  const risk = stage.getByTestId('risk');
  await expect.poll(async () => Number(await risk.getAttribute('data-at-risk')), { timeout: 20_000 }).toBeGreaterThan(0);
  await expect(risk).toHaveAttribute('data-known', '0');
  await expect(risk).toContainText('chunks at risk; it knows of 0');
  const node2 = stage.getByTestId('nodes').locator('.replica-nrow[data-node="2"]');
  await expect(node2.locator('[data-span=down]')).toHaveCount(1);
  await expect(stage.getByTestId('nodes').locator('.replica-nodes-th')).toContainText(['suspect 3 s', 'dead 10 s']);
  await shot('replica-rack-at-risk');
  await page.getByTestId('speed').fill('3');
  await expect(page.getByTestId('finished')).toBeVisible({ timeout: 30_000 });
  await expect(node2.locator('[data-span=dead]')).toHaveCount(1);
  expect(Number(await risk.getAttribute('data-known'))).toBeLessThanOrEqual(Number(await risk.getAttribute('data-at-risk')));
  // The charts are not flat: their axes reach past 1.
  for (const id of ['chart-under', 'chart-throughput']) {
    const ticks = await page.getByTestId(id).locator('.chart-grid text').allTextContents();
    const top = Math.max(...ticks.map((t) => Number(t.replace(/[^0-9.]/g, '')) || 0));
    expect(top, id).toBeGreaterThan(1);
  }
});

/** The replica lab's defaults (no preset: a bare link opens the demo), with `sets`. */
function defaultsLink(...sets: string[]): string {
  const link = execFileSync(cli(), ['url', '-', ...sets.flatMap((s) => ['--set', s])], {
    encoding: 'utf8',
    input: '{"lab":"replica","config":{}}',
  }).trim();
  return link.slice(link.indexOf('#')).replace(/^#/, '/replica.html#');
}

test('the default setup says nothing fails in it, at once', async ({ page }) => {
  await page.goto(defaultsLink());
  await expect(page.getByTestId('replica-stage-0').getByTestId('no-faults')).toContainText('Nothing fails in this setup');
});

// A large upload (50 nodes, 16 workers, 5 % failures, a node down for a minute): the page's
// size does not grow with the chunks, and its long tasks are logged for the notes.
async function playLarge(page: Page, chunks: number) {
  const link = defaultsLink(`workload.chunks_per_file=${chunks}`, 'nodes.count=50', 'nodes.failure_rate=0.05',
    'nodes.outages=[{"node":7,"from_ms":60000,"to_ms":120000}]', 'client.workers=16');
  await page.addInitScript(() => {
    if ((window as any).__long) return; // one observer per document, however many scripts
    (window as any).__long = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) (window as any).__long.push(e.duration); })
      .observe({ type: 'longtask', buffered: true });
  });
  await page.goto('about:blank');
  await page.goto(link);
  await noGuidedPauses(page);
  await page.evaluate(() => { (window as any).__long = []; });
  await page.getByTestId('play').click();
  await page.waitForTimeout(4_000);
  await page.getByTestId('play').click();
  return page.evaluate(() => ({
    long: (window as any).__long as number[],
    dom: document.querySelectorAll('*').length,
    // The stage alone: the matrix and the node panel are canvases above 16 nodes.
    stage: document.querySelectorAll('[data-testid=replica-stage-0] *').length,
  }));
}

test('1,000 and 10,000 chunks: the DOM does not grow with the chunks; long tasks logged', async ({ page }) => {
  test.setTimeout(120_000);
  const small = await playLarge(page, 1_000);
  const large = await playLarge(page, 10_000);
  for (const [n, r] of [[1_000, small], [10_000, large]] as const) {
    const max = Math.round(Math.max(0, ...r.long));
    console.log(`replica ${n} chunks: ${r.long.length} long tasks in 4 s of play, max ${max} ms, sum ${Math.round(r.long.reduce((a, b) => a + b, 0))} ms; ${r.dom} elements (stage ${r.stage})`);
  }
  // Ten times the chunks, the same stage (a fact or two in the metadata line may differ).
  expect(Math.abs(large.stage - small.stage)).toBeLessThanOrEqual(10);
  expect(large.stage).toBeLessThan(200);
});

test('a guided caption under the player bar comes down into view; far above, it stays', async ({ page, baseURL }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const demo = presetLinks('replica', baseURL).find((p) => p.id === 'demo')!;
  const caption = page.getByTestId('moment-caption');
  const bar = page.locator('.lab-player');
  const pauseAfter = async (scrollTo: (h: number) => number) => {
    await page.goto('about:blank');
    await page.goto(`/${demo.link.slice(demo.link.indexOf('#'))}`);
    await expect(page.getByTestId('guide-on')).toBeChecked();
    // Where the caption will be: just above the stage cards.
    const cards = await page.getByTestId('summary-A').boundingBox();
    const y = scrollTo(cards!.y);
    await page.evaluate((y) => window.scrollTo(0, y), y);
    await page.getByTestId('play').click();
    await expect(caption).toBeVisible({ timeout: 20_000 });
    await page.waitForTimeout(300);
  };
  // The reader scrolled to the stage: the caption (above it) would be under the bar.
  await pauseAfter((cards) => cards - 60);
  const b = (await bar.boundingBox())!;
  const c = (await caption.boundingBox())!;
  expect(c.y, 'the caption is below the player bar').toBeGreaterThanOrEqual(b.y + b.height - 1);
  expect(c.y + c.height).toBeLessThan(900);
  // The reader is in the metrics, far below: the page does not move.
  await pauseAfter((cards) => cards + 2000);
  const y = await page.evaluate(() => window.scrollY);
  expect(y).toBeGreaterThan(1500);
  expect((await caption.boundingBox())!.y + (await caption.boundingBox())!.height).toBeLessThan(0);
});
