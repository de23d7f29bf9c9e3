// The CQRS lab, end to end, on the release build: every preset opened from its link
// shows the CLI's numbers (A and B, and the trace hash); a knob goes into the URL and
// the reopened URL gives the same run; the stage shows the text's demo (not found,
// then a stale Pending); the compact embed fits a 720 px frame; the page speaks
// Spanish; and ?bench=1 measures a run of a million commands.
import { test, expect } from '../fixtures';
import { cli, metricsJson, noGuidedPauses, presetFragment, presetLink, presetLinks, runToEnd } from '../lab';
import { type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';

test('every CQRS preset link reproduces the CLI metrics (A and B)', async ({ page, baseURL }) => {
  test.setTimeout(300_000);
  const list = presetLinks('cqrs', baseURL);
  expect(list.length).toBeGreaterThanOrEqual(8);
  for (const p of list) {
    const fragment = p.link.slice(p.link.indexOf('#'));
    // A fresh load per link, as a student opening it would (the home page sends it on).
    await page.goto('about:blank');
    await page.goto(`/${fragment}`);
    await expect(page).toHaveURL(/\/cqrs\.html/);
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
  }
});

test('a knob goes into the URL, and the reopened URL gives the same run', async ({ page }) => {
  await page.goto('/cqrs.html#/en/cqrs');
  await noGuidedPauses(page);
  const before = page.url();
  const delay = page.getByTestId('p0-delay').locator('input.num');
  await delay.fill('500');
  await delay.press('Enter');
  await expect.poll(() => page.url()).not.toBe(before);
  const link = page.url();
  expect(link).toMatch(/#\/en\/cqrs\/2\./);
  // Reopened: the knob is there, and the run is the CLI's run of the same link.
  await page.goto('about:blank');
  await page.goto(link);
  await expect(page.getByTestId('p0-delay').locator('input.num')).toHaveValue('500');
  await runToEnd(page);
  const browser = await metricsJson(page);
  const out = JSON.parse(execFileSync(cli(), ['run', link], { encoding: 'utf8' }));
  expect(browser.metrics).toEqual(out.metrics);
  expect(browser.trace_hash).toBe(out.trace_hash);
  // A 0.5 s copy: the read 3 s later finds the order, and the read at once still does not.
  expect(browser.metrics.not_found_reads).toBe(1);
  // A value the engine refuses is named, with its field.
  await page.getByTestId('p0-mode').locator('select').selectOption('queue');
  // A pause that ends before it starts.
  await page.getByTestId('p0-pauses-add').click();
  await page.getByTestId('p0-pauses-0-to').locator('input.num').fill('1');
  await page.getByTestId('p0-pauses-0-to').locator('input.num').press('Enter');
  // Named by the field's label and the pause's number, not a config path
  // (`projector.pauses[0]`), at the panel's top and under the field.
  await expect(page.getByTestId('config-errors')).toContainText('“Projector pauses” (no. 1): it must end after it starts');
  await expect(page.getByTestId('p0-pauses-0-to').getByTestId('field-not-applied')).toContainText('“Projector pauses” (no. 1)');
});

async function setNumber(page: Page, testid: string, value: string) {
  const input = page.getByTestId(testid).locator('input.num');
  await input.fill(value);
  await input.press('Enter');
}

test('every script step and every pause is editable: knob, URL, reopen, the same run', async ({ page }) => {
  await page.goto('/cqrs.html#/en/cqrs');
  await noGuidedPauses(page);
  // Script: step 4 updates to Delivered at 3.9 s; step 2 becomes user 7's create;
  // a step is added (a read of order 2, user 7's) and step 3 removed.
  await page.getByTestId('step-3-status').locator('select').selectOption('delivered');
  await setNumber(page, 'step-3-at', '3900');
  await page.getByTestId('step-1-kind').locator('select').selectOption('create');
  await setNumber(page, 'step-1-user', '7');
  await page.getByTestId('step-add').click();
  await setNumber(page, 'step-6-order', '2');
  await page.getByTestId('step-2-remove').click();
  await expect(page.getByTestId('script-steps').locator(':scope > li')).toHaveCount(6);
  // Two projector pauses (queue mode), the second edited.
  await page.getByTestId('p0-mode').locator('select').selectOption('queue');
  await page.getByTestId('p0-pauses-add').click();
  await page.getByTestId('p0-pauses-add').click();
  await setNumber(page, 'p0-pauses-1-from', '6');
  await setNumber(page, 'p0-pauses-1-to', '6.5');
  await expect(page.getByTestId('config-errors')).toHaveCount(0);
  await expect.poll(() => page.url()).toContain('/cqrs/2.');
  // The link follows the knobs a moment later: take it once it has settled.
  let link = page.url();
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(700);
    if (page.url() === link) break;
    link = page.url();
  }
  await page.goto('about:blank');
  await page.goto(link);
  await expect(page.getByTestId('step-2-status').locator('select')).toHaveValue('delivered');
  await expect(page.getByTestId('step-2-at').locator('input.num')).toHaveValue('3900');
  await expect(page.getByTestId('step-1-user').locator('input.num')).toHaveValue('7');
  await expect(page.getByTestId('step-5-order').locator('input.num')).toHaveValue('2');
  await expect(page.getByTestId('p0-pauses-1-to').locator('input.num')).toHaveValue('6.5');
  await runToEnd(page);
  const browser = await metricsJson(page);
  const out = JSON.parse(execFileSync(cli(), ['run', link], { encoding: 'utf8' }));
  expect(browser.metrics).toEqual(out.metrics);
  expect(browser.trace_hash).toBe(out.trace_hash);
  expect(out.metrics.commands).toBe(3);
  // Removing the only pause left: the list is empty, and the link says so.
  await page.getByTestId('p0-pauses-1-remove').click();
  await page.getByTestId('p0-pauses-0-remove').click();
  await expect(page.getByTestId('p0-pauses').locator('li')).toHaveCount(0);
});

test('one time span: the lanes, the stage chart and the full charts share it, now in one place', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/cqrs.html#/en/cqrs');
  await noGuidedPauses(page);
  // A few events in (the clock part-way along the run).
  for (let i = 0; i < 5 && (await page.getByTestId('step').isEnabled()); i++) await page.getByTestId('step').click();
  await expect(page.getByTestId('timelines-0').locator('.cqrs-now')).toHaveCount(1);
  // The lanes' axis ends where the run's domain does (the demo's last read, 7.1 s).
  await expect(page.getByTestId('timelines-0').locator('.cqrs-axis').last()).toHaveText('7.10 s');
  const xs = await page.evaluate(() => {
    const at = (sel: string) => document.querySelector(sel)?.getBoundingClientRect().x ?? NaN;
    return { lanes: at('[data-testid=timelines-0] .cqrs-now'), chart: at('[data-testid=verdict-A] .verdict-now') };
  });
  expect(Math.abs(xs.lanes - xs.chart)).toBeLessThanOrEqual(2);
  // The demo is too small for a rate: its stage chart counts reads so far.
  await expect(page.getByTestId('verdict-A')).toContainText('running totals');
});

test('the full charts mark now, and the mark moves with the clock', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/cqrs.html#/en/cqrs');
  await noGuidedPauses(page);
  const now = (id: string) => page.getByTestId(id).locator('line.chart-now');
  const x = () => now('chart-backlog').evaluate((l) => l.getBoundingClientRect().x);
  for (let i = 0; i < 3; i++) await page.getByTestId('step').click();
  await expect(now('chart-backlog')).toHaveCount(1);
  await expect(now('chart-lag')).toHaveCount(1);
  const first = await x();
  // The clock moves on a few events: the line follows it to the right.
  for (let i = 0; i < 4; i++) await page.getByTestId('step').click();
  await expect.poll(x).toBeGreaterThan(first + 5);
  // As far along each chart's x axis as the stage card's mini-chart puts its own now line
  // (the charts' left margins differ: compare shares of the axis).
  const shares = await page.evaluate(() => {
    const num = (e: Element | null, a: string) => Number(e?.getAttribute(a));
    const share = (id: string) => {
      const fig = document.querySelector(`[data-testid=${id}]`)!;
      const axis = fig.querySelector('line.chart-axis');
      return (num(fig.querySelector('line.chart-now'), 'x1') - num(axis, 'x1')) / (num(axis, 'x2') - num(axis, 'x1'));
    };
    const svg = document.querySelector('[data-testid=verdict-A] svg')!;
    const w = Number(svg.getAttribute('viewBox')!.split(' ')[2]);
    // The mini-chart's plot: 30 px left, 6 px right.
    const card = (num(svg.querySelector('.verdict-now'), 'x1') - 30) / (w - 36);
    return { backlog: share('chart-backlog'), lag: share('chart-lag'), card };
  });
  expect(shares.backlog).toBeGreaterThan(0);
  expect(Math.abs(shares.backlog - shares.card)).toBeLessThan(0.005);
  expect(Math.abs(shares.lag - shares.card)).toBeLessThan(0.005);
});

/** A run whose sides end far apart: A's projector is slower than the writes and drains its
 * backlog seconds after the traffic stops; B copies inside the command and ends with it. */
function unevenSides(baseURL: string | undefined): string {
  const config = {
    workload: { kind: 'poisson', writes_per_s: 30, reads_per_s: 10, duration_ms: 4000, users: 20, update_share: 0.3, cancel_share: 0 },
    projector: { mode: 'queue', service_ms: 60 },
    compare: { sync: 'inline' },
  };
  const link = execFileSync(cli(), ['url', '-', '--base', new URL('/', baseURL).toString()], {
    encoding: 'utf8',
    input: JSON.stringify({ lab: 'cqrs', seed: 11, config }),
  }).trim();
  return link.slice(link.indexOf('#'));
}

test('zoom to the shorter run: the lanes show the stage charts\' time window', async ({ page, baseURL, shot }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/cqrs.html${unevenSides(baseURL)}`);
  await runToEnd(page);
  const read = () =>
    page.evaluate(() => {
      const last = (sel: string) => {
        const all = document.querySelectorAll(sel);
        return all[all.length - 1]?.textContent ?? '';
      };
      const lane = document.querySelector('[data-testid=timelines-0]')!;
      return {
        lanes: [last('[data-testid=timelines-0] .cqrs-axis'), last('[data-testid=timelines-1] .cqrs-axis')],
        charts: [last('[data-testid=verdict-A] .verdict-tick'), last('[data-testid=verdict-B] .verdict-tick')],
        ticks: [...lane.querySelectorAll('.cqrs-tick--commit')].map((t) => t.getBoundingClientRect().x),
        right: lane.querySelector('svg')!.getBoundingClientRect().right,
      };
    });
  const whole = await read();
  // The lanes' axis ends where the stage cards' charts do: the run's whole span.
  expect(whole.lanes).toEqual(whole.charts);
  await page.getByTestId('zoom-shorter').check();
  await expect.poll(async () => (await read()).lanes[0]).not.toBe(whole.lanes[0]);
  const zoomed = await read();
  // Both lanes and both charts now end where B's shorter run does.
  expect(zoomed.lanes).toEqual(zoomed.charts);
  expect(zoomed.lanes[0]).toBe(zoomed.lanes[1]);
  // A's commits are spread wider (its last one, before B's end, further right), and none
  // is past the end.
  expect(zoomed.ticks[zoomed.ticks.length - 1]).toBeGreaterThan(whole.ticks[whole.ticks.length - 1] + 10);
  for (const x of zoomed.ticks) expect(x).toBeLessThanOrEqual(zoomed.right);
  await shot('cqrs-zoom-shorter-1440');
  await page.getByTestId('zoom-shorter').uncheck();
  await expect.poll(async () => (await read()).lanes).toEqual(whole.lanes);
  expect((await read()).ticks).toEqual(whole.ticks);
});

for (const lang of ['es', 'pt']) {
  for (const width of [1440, 390]) {
    test(`nothing on the stage is clipped (${lang}, ${width} px)`, async ({ page }) => {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`/cqrs.html#/${lang}/cqrs`);
      await noGuidedPauses(page);
      await runToEnd(page);
      const clipped = await page.evaluate(() => {
        const out: string[] = [];
        const stage = document.querySelector('[data-testid=cqrs-stage-0]')!;
        for (const e of stage.querySelectorAll<HTMLElement>('.cqrs-flow, .cqrs-legend span, .cqrs-telling, .cqrs-tank-facts dd, .cqrs-stores-caption')) {
          if (e.scrollWidth > e.clientWidth + 1) out.push(`${e.className}: ${e.textContent}`);
        }
        const svg = stage.querySelector('.cqrs-svg')!.getBoundingClientRect();
        for (const t of stage.querySelectorAll<SVGTextElement>('.cqrs-svg text')) {
          const r = t.getBoundingClientRect();
          if (r.right > svg.right + 1 || r.left < svg.left - 1) out.push(`svg: ${t.textContent}`);
        }
        return out;
      });
      expect(clipped).toEqual([]);
    });
  }
}

/** Every tank's count that is not whole inside its tank (its borders off), with why. */
async function cutCounts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const tank of document.querySelectorAll<HTMLElement>('.cqrs-tank')) {
      const count = tank.querySelector<HTMLElement>('.cqrs-tank-count')!;
      const range = document.createRange();
      range.selectNodeContents(count);
      const t = range.getBoundingClientRect();
      const b = tank.getBoundingClientRect();
      const bw = parseFloat(getComputedStyle(tank).borderLeftWidth);
      const inner = { left: b.left + bw, right: b.right - bw, top: b.top, bottom: b.bottom - bw };
      const what = `"${count.textContent}" (${Math.round(t.left)},${Math.round(t.top)} ${Math.round(t.width)}×${Math.round(t.height)}) in tank (${Math.round(b.left)},${Math.round(b.top)} ${Math.round(b.width)}×${Math.round(b.height)})`;
      if (t.width === 0 || t.height === 0) out.push(`${what}: not drawn`);
      else if (t.left < inner.left - 0.5 || t.right > inner.right + 0.5 || t.top < inner.top - 0.5 || t.bottom > inner.bottom + 0.5) out.push(`${what}: cut`);
    }
    return out;
  });
}

/** The tank's flow labels ("in: 1 change so far →") with a word broken over two lines. */
async function brokenWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const flow of document.querySelectorAll<HTMLElement>('.cqrs-flow')) {
      const walker = document.createTreeWalker(flow, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        for (const m of text.matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(node, m.index!);
          range.setEnd(node, m.index! + m[0].length);
          const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (lines.size > 1) out.push(`"${m[0]}" in "${flow.innerText}" (${flow.clientWidth} px wide)`);
        }
      }
    }
    return out;
  });
}

test('the tank\'s count is never cut: 1440 × 900 (empty, filling, draining)', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  // Text 003's demo (a backlog of 0 or 1), then a projector paused 10 s (hundreds waiting).
  await page.goto('/cqrs.html#/en/cqrs');
  await noGuidedPauses(page);
  expect(await cutCounts(page)).toEqual([]);
  for (let i = 0; i < 3; i++) await page.getByTestId('step').click();
  expect(await cutCounts(page)).toEqual([]);
  await page.goto(`/cqrs.html#${presetFragment('paused', 'en', 'cqrs')}`);
  await noGuidedPauses(page);
  await page.getByTestId('speed').fill('1');
  await page.getByTestId('play').click();
  for (let i = 0; i < 4; i++) {
    await page.waitForTimeout(700);
    expect(await cutCounts(page)).toEqual([]);
  }
  await expect(page.getByTestId('finished')).toBeVisible({ timeout: 30_000 });
  expect(await cutCounts(page)).toEqual([]);
});

test('the tank\'s count is never cut, its flows never break a word: half a phone (390 × 844, es, A | B)', async ({ page, shot }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/cqrs.html#${presetFragment('crud_vs_cqrs', 'es', 'cqrs')}`);
  await expect(page.locator('.lab-stage .side')).toHaveCount(2);
  await noGuidedPauses(page);
  expect(await cutCounts(page)).toEqual([]);
  await page.getByTestId('play').click();
  await page.waitForTimeout(1500);
  await page.getByTestId('play').click();
  await expect(page.locator('.cqrs-tank')).toHaveCount(1); // A is one store: no queue
  expect(await cutCounts(page)).toEqual([]);
  expect(await brokenWords(page)).toEqual([]);
  await runToEnd(page);
  expect(await cutCounts(page)).toEqual([]);
  expect(await brokenWords(page)).toEqual([]);
  await page.locator('.cqrs-tank').scrollIntoViewIfNeeded();
  await shot('cqrs-tank-phone-390-es');
  // Half a phone puts what comes in above the tank and what goes out below it,
  // on the card's width: beside it they had ~50 px and broke inside words.
  for (const preset of ['replicas', 'read_your_writes', 'code_as_written']) {
    await page.goto(`/cqrs.html#${presetFragment(preset, 'es', 'cqrs')}`);
    await noGuidedPauses(page);
    expect(await brokenWords(page), `${preset} before it plays`).toEqual([]);
    await page.getByTestId('step').click();
    await page.getByTestId('step').click();
    expect(await brokenWords(page), `${preset} after two steps`).toEqual([]);
    const [tank, flowIn, flowOut] = await Promise.all(['.cqrs-tank', '.cqrs-flow--in', '.cqrs-flow--out']
      .map(async (sel) => (await page.locator(sel).last().boundingBox())!));
    expect(flowIn.y + flowIn.height, `${preset}: in above the tank`).toBeLessThanOrEqual(tank.y + 1);
    expect(flowOut.y, `${preset}: out below the tank`).toBeGreaterThanOrEqual(tank.y + tank.height - 1);
  }
});

test('the stores fit half a phone (390 × 844, es, A | B): short column names, the caption whole', async ({ page, shot }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/cqrs.html#${presetFragment('crud_vs_cqrs', 'es', 'cqrs')}`);
  await expect(page.locator('.lab-stage .side')).toHaveCount(2);
  await runToEnd(page);
  const b = page.getByTestId('stores-1');
  await expect(b.locator('thead th')).toHaveText(['#', 'Escritura', 'Lectura']);
  await expect(page.getByTestId('stores-0').locator('.cqrs-stores-caption')).toContainText('El único almacén:');
  const cut = await b.evaluate((box) => {
    const out: string[] = [];
    const scroll = box.querySelector<HTMLElement>('.cqrs-stores-scroll')!;
    if (scroll.scrollWidth > scroll.clientWidth + 1) out.push(`table ${scroll.scrollWidth} px in ${scroll.clientWidth} px`);
    const caption = box.querySelector<HTMLElement>('.cqrs-stores-caption')!;
    if (scroll.contains(caption)) out.push('the caption scrolls');
    const card = box.closest('.side')!.getBoundingClientRect();
    for (const e of [caption, ...box.querySelectorAll<HTMLElement>('th')]) {
      const r = e.getBoundingClientRect();
      if (e.scrollWidth > e.clientWidth + 1 || r.right > card.right + 1) out.push(`cut: ${e.textContent}`);
    }
    return out;
  });
  expect(cut).toEqual([]);
  await b.scrollIntoViewIfNeeded();
  await shot('cqrs-stores-phone-390-es');
});

test('the stage tells the text\'s demo: not found, found, a stale Pending', async ({ page, shot }) => {
  await page.goto('/cqrs.html#/en/cqrs');
  await noGuidedPauses(page);
  const stage = page.getByTestId('cqrs-stage-0');
  // Step until the first read has been answered.
  for (let i = 0; i < 8 && (await stage.locator('.cqrs-probe').count()) === 0; i++) {
    await page.getByTestId('step').click();
  }
  await expect(stage.locator('.cqrs-probe').first()).toHaveAttribute('data-outcome', 'not_found');
  await expect(page.getByTestId('telling-0')).toContainText('not found');
  await expect(page.getByTestId('stores-0').locator('td[data-state=missing]')).toHaveCount(1);
  await runToEnd(page);
  const outcomes = await stage.locator('.cqrs-probe').evaluateAll((ps) => ps.map((p) => p.getAttribute('data-outcome')));
  expect(outcomes).toEqual(['not_found', 'fresh', 'stale', 'fresh']);
  await expect(page.getByTestId('log-a')).toContainText('order not found');
  await expect(page.getByTestId('log-a')).toContainText('query database updated');
  await shot('cqrs-demo-end-1440');
});

test('compact embed fits a 720 px frame', async ({ page }) => {
  await page.setViewportSize({ width: 720, height: 720 });
  await page.goto('/cqrs.html?embed=1#/en/cqrs');
  await expect(page.getByTestId('play')).toBeVisible();
  await expect(page.locator('.site-header')).toHaveCount(0);
  const m = await page.evaluate(() => {
    const doc = document.documentElement;
    const stages = [...document.querySelectorAll('.cqrs-svg')].map((s) => s.getBoundingClientRect().bottom);
    return { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, stages };
  });
  expect(m.scrollWidth).toBeLessThanOrEqual(m.clientWidth + 1);
  expect(m.stages.length).toBe(1);
  for (const bottom of m.stages) expect(bottom).toBeLessThanOrEqual(720);
});

test('the page speaks Spanish', async ({ page }) => {
  await page.goto('/cqrs.html#/es/cqrs');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('CQRS');
  await expect(page.getByTestId('play')).toContainText('Reproducir');
  await expect(page.getByTestId('timelines-0')).toContainText('Log de escritura');
  await expect(page.getByTestId('summary-A')).toContainText('copia tras');
  await page.getByTestId('step').click();
  await expect(page.getByTestId('log-a').getByTestId('log-entry').first()).toContainText('pedido');
  await expect(page).toHaveURL(/#\/es\/cqrs\//);
});

test('CQRS WASM throughput (?bench=1), recorded for the notes', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/cqrs.html?bench=1');
  await expect(page.getByTestId('bench-total')).toBeVisible({ timeout: 220_000 });
  const rows = await page.locator('[data-testid=bench] tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      run: tr.getAttribute('data-run'),
      commands: Number(tr.getAttribute('data-commands')),
      events: Number(tr.getAttribute('data-events')),
      ms: Number(tr.getAttribute('data-ms')),
    })),
  );
  expect(rows.map((r) => r.run)).toEqual(['cqrs_1m_commands']);
  for (const r of rows) {
    expect(r.commands).toBeGreaterThan(990_000);
    expect(r.ms).toBeGreaterThan(0);
    console.log(
      `cqrs bench (Chromium, wasm): ${r.commands} commands, ${r.events} events in ${r.ms} ms → ` +
        `${Math.round(r.commands / (r.ms / 1000))} commands/s, ${Math.round(r.events / (r.ms / 1000))} events/s`,
    );
  }
});

test('big CQRS runs stay responsive: frame times while playing, recorded for the notes', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  for (const rate of [1_000, 3_000, 10_000]) {
    const link = execFileSync(
      cli(),
      ['url', '-', '--base', new URL('/', baseURL).toString(), '--set',
        `workload={"kind":"poisson","writes_per_s":${rate},"reads_per_s":${rate},"duration_ms":60000,"users":1000,"update_share":0.3,"cancel_share":0.05}`],
      { encoding: 'utf8', input: '{"lab":"cqrs","config":{}}' },
    ).trim();
    await page.goto(`/cqrs.html?autoplay=1${link.slice(link.indexOf('#'))}`);
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
    console.log(`cqrs smoothness ${rate} commands/s + ${rate} reads/s × 60 s: ${stats.frames} frames in 3 s, p95 frame ${stats.p95.toFixed(1)} ms, worst ${stats.worst.toFixed(1)} ms, simulated ${simTime}`);
    // Never frozen: every frame came within a second.
    expect(stats.worst).toBeLessThan(1000);
  }
});

test("the scrubber's far right is the end of the run: the demo's last read is in", async ({ page }) => {
  // The demo's last event (the read that finds 'Shipped') comes a moment after its
  // nominal 7.1 s: dragging to the end must land after it, not at the axis' end.
  await page.goto(`/cqrs.html#${presetFragment('demo', 'en', 'cqrs')}`);
  await noGuidedPauses(page);
  const scrub = page.getByTestId('scrub');
  await scrub.fill((await scrub.getAttribute('max')) ?? '0');
  await expect(page.getByTestId('finished')).toBeVisible();
  await expect(page.getByTestId('provisional-note')).toHaveCount(0);
  const browser = await metricsJson(page);
  const out = JSON.parse(execFileSync(cli(), ['run', presetLink('demo', 'cqrs')], { encoding: 'utf8' }));
  expect(browser.metrics).toEqual(out.metrics);
  // The End key too, from the start.
  await scrub.focus();
  await page.keyboard.press('Home');
  await expect(page.getByTestId('finished')).toHaveCount(0);
  await page.keyboard.press('End');
  await expect(page.getByTestId('finished')).toBeVisible();
});

test("the demo's last guided moment shows the read that finds 'Shipped', as the run ends", async ({ page }) => {
  // The read asked at 7.1 s answers a fraction of a millisecond later, the run's last
  // event: the moment is shown at the end, with the answer on the stage, not before it.
  await page.goto(`/cqrs.html#${presetFragment('demo', 'en', 'cqrs')}`);
  await page.getByTestId('speed').fill('8');
  for (let n = 1; n <= 4; n++) {
    await page.getByTestId('play').click();
    await expect(page.getByTestId('moment-caption').locator('.moment-step')).toHaveText(`${n}/4`);
  }
  const caption = page.getByTestId('moment-caption');
  await expect(caption).toContainText('this read finds Shipped');
  await expect(caption.locator('.moment-hint')).toHaveCount(0);
  await expect(page.getByTestId('finished')).toBeVisible();
  await expect(page.getByTestId('telling-0')).toContainText('Shipped, up to date');
});

// Read replicas have lanes of their own, each read ends on the lane of the
// replica that answered it, and the reads that went back in time are ringed:
// on A (eventual), never on B (monotonic reads), as many as the metric counts
// when every read is drawn.
test('replicas: a lane per replica, reads on the answering lane, back-in-time reads ringed', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/cqrs.html#${presetFragment('replicas', 'en', 'cqrs')}`);
  await runToEnd(page, { fastest: true, timeout: 60_000 });
  for (const side of [0, 1]) {
    const svg = page.getByTestId(`timelines-${side}`);
    await expect(svg.locator('.cqrs-tick--replica').first()).toBeAttached();
    await expect(svg).toContainText('Read replica R1');
    await expect(svg).toContainText('Read replica R2');
    await expect(page.getByTestId(`back-key-${side}`)).toBeVisible();
  }
  expect(await page.getByTestId('timelines-0').locator('.cqrs-probe--back').count()).toBeGreaterThan(0);
  await expect(page.getByTestId('timelines-1').locator('.cqrs-probe--back')).toHaveCount(0);
  const titles = await page.getByTestId('timelines-0').locator('.cqrs-probe--back title').allTextContents();
  for (const t of titles) expect(t).toMatch(/Replica R[12] answered\. Older than what this reader had already seen/);
});

test('replicas: each lag field is named by its lane (R1, R2), in its label and its messages; the legend keeps "not found" apart from stale', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/cqrs.html#${presetFragment('replicas', 'es', 'cqrs')}`);
  await expect(page.getByTestId('replica-lag-0').locator('label')).toHaveText('Réplica R1 atrasada');
  await expect(page.getByTestId('replica-lag-1').locator('label')).toHaveText('Réplica R2 atrasada');
  const box = page.getByTestId('replica-lag-1').locator('input.num');
  await box.fill('99999999');
  await box.press('Tab');
  await expect(page.getByTestId('replica-lag-1')).toContainText('«Réplica R2 atrasada» va de 0 a 600.000 ms: 99.999.999 no se aplica; sigue en 2.000 ms.');
  // "Not found" is counted apart from stale answers (the metrics say so): the key does not call it stale.
  const key = page.locator('.lab-stage').getByText('no encontrado (aún sin copiar)').first();
  await expect(key).toBeVisible();
  await expect(page.locator('.lab-stage')).not.toContainText('obsoleta: no encontrado');
});

test('replicas on half a phone (390 × 844, es): R1 and R2 are a second table under the first, nothing scrolls sideways', async ({ page, shot }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/cqrs.html#${presetFragment('replicas', 'es', 'cqrs')}`);
  await expect(page.locator('.lab-stage .side')).toHaveCount(2);
  await page.getByTestId('play').click();
  await expect(page.locator('.moment-caption')).toBeVisible({ timeout: 30_000 });
  for (const side of [0, 1]) {
    const box = page.getByTestId(`stores-${side}`);
    await expect(box.locator('table')).toHaveCount(2);
    await expect(box.locator('table').first().locator('thead th')).toHaveText(['#', 'Escritura', 'Lectura']);
    await expect(box.locator('table').nth(1).locator('thead th')).toHaveText(['#', 'R1', 'R2']);
    const wide = await box.evaluate((b) =>
      [...b.querySelectorAll<HTMLElement>('.cqrs-stores-scroll')].filter((s) => s.scrollWidth > s.clientWidth + 1).length);
    expect(wide).toBe(0);
  }
  // The first moment's lesson, in the table: order 1 is on R1, not yet on R2.
  const replicas = page.getByTestId('stores-0').locator('table').nth(1);
  await expect(replicas.locator('tbody tr').first().locator('td').nth(1)).toContainText('no encontrado');
  await replicas.scrollIntoViewIfNeeded();
  await shot('cqrs-replicas-stores-phone-390-es');
});
