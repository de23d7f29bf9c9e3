// The shared lab page on the release build: the lesson is in the first screen
// (both stage cards with their verdict mini-charts), numbers read mid-run are
// marked provisional and point the same way as at the end, theory sits beside
// the measurement, and the guide survives an edit.
import { test, expect } from '../fixtures';
import { type Page } from '@playwright/test';
import { noGuidedPauses, presetFragment, runToEnd, settledUrl } from '../lab';

async function openPreset(page: Page, id: string) {
  await page.goto('/#/en/retry');
  await expect(page.getByTestId('play')).toBeVisible();
  await page.getByTestId(`preset-${id}`).click();
  await expect(page.getByTestId('guide')).toHaveAttribute('data-preset', id);
}

test('both verdict mini-charts are in the first screen at 1440×900', async ({ page, shot }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openPreset(page, 'storm_budget');
  for (const side of ['A', 'B']) {
    const chart = page.getByTestId(`verdict-${side}`);
    await expect(chart).toBeVisible();
    const box = await chart.boundingBox();
    expect(box, `verdict ${side} has a box`).not.toBeNull();
    expect(box!.y + box!.height, `verdict ${side} ends inside the first screen`).toBeLessThanOrEqual(900);
  }
  // Both cards share one time axis: the same right-hand tick label.
  const ends = await page.locator('.verdict-svg').evaluateAll((svgs) =>
    svgs.map((s) => [...s.querySelectorAll('text.verdict-tick')].pop()?.textContent),
  );
  expect(ends[0]).toBe(ends[1]);
  await shot('lab-page-first-screen-1440');
});

test('mid-run numbers are provisional and point the way the end does', async ({ page }) => {
  await openPreset(page, 'storm_budget');
  await page.getByTestId('speed').fill('1');
  await page.getByTestId('guide-on').uncheck();
  await page.getByTestId('play').click();
  // Read as a student does, with the table in view: off screen while playing it
  // is rebuilt only about once a second (it is exact again the moment it shows).
  await page.locator('.metrics-body').scrollIntoViewIfNeeded(); // the table inside is rebuilt
  // Mid-run: the provisional note and the in-progress bars are there.
  await expect(page.getByTestId('provisional-note')).toBeVisible({ timeout: 10_000 });
  await expect(page.getByTestId('outcomes-a')).toContainText('still in progress');
  await expect(page.locator('td.provisional').first()).toBeVisible();
  // Success rate over arrived requests: B ahead of A mid-run, as at the end.
  const rate = async (side: 'a' | 'b') => {
    const row = page.locator('tr[data-metric=success_rate]');
    const text = await row.getByTestId(new RegExp(`^metric-${side}-`)).locator('.measured').textContent();
    return parseFloat((text ?? '').replace(',', '.'));
  };
  await page.waitForFunction(() => {
    const t = document.querySelector('[data-testid=sim-time]')?.textContent ?? '';
    return /(\d+(\.\d+)?) s/.test(t) && parseFloat(t) > 30;
  }, null, { timeout: 20_000 });
  const [midA, midB] = [await rate('a'), await rate('b')];
  expect(midB, `mid-run B (${midB}) beats A (${midA})`).toBeGreaterThan(midA);
  await expect(page.getByTestId('finished')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('provisional-note')).toHaveCount(0);
  await expect(page.locator('td.provisional')).toHaveCount(0);
  const [endA, endB] = [await rate('a'), await rate('b')];
  expect(endB).toBeGreaterThan(endA);
});

test('theory sits beside the measurement, with its caveat when assumptions fail', async ({ page }) => {
  await openPreset(page, 'tenacity');
  const success = page.locator('tr[data-metric=success_rate]');
  await expect(success.locator('.theory')).toContainText('87.5 %');
  await expect(success.locator('.theory-formula')).toContainText('1 − p');
  // The storm has an outage: theory's assumptions do not hold, and it says so.
  await page.getByTestId('preset-storm_jitter').click();
  await expect(page.getByTestId('theory-notes')).toContainText(/outage/i);
});

test('the guide survives an edit, marked modified, and goes back to the preset', async ({ page }) => {
  await openPreset(page, 'exponential');
  await page.getByTestId('seed').fill('77');
  await page.getByTestId('seed').press('Enter');
  await expect(page.getByTestId('guide')).toHaveAttribute('data-preset', 'exponential');
  await expect(page.getByTestId('guide-modified')).toBeVisible();
  await expect(page).toHaveURL(/#\/en\/retry\/2\./);
  await page.getByTestId('guide-back').click();
  await expect(page.getByTestId('guide-modified')).toHaveCount(0);
  await expect(page.getByTestId('preset-exponential')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('seed')).not.toHaveValue('77');
});

test('on a phone the presets are one select and the stage is in the first screen', async ({ page, shot }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/#/en/retry');
  await expect(page.getByTestId('preset-select')).toBeVisible();
  await expect(page.getByTestId('preset-tenacity')).toBeHidden();
  await page.getByTestId('preset-select').selectOption('storm_breaker');
  await expect(page.getByTestId('guide')).toHaveAttribute('data-preset', 'storm_breaker');
  await shot('lab-page-phone-390');
});

// A finished run's bar on a phone: "Finished" is a ✓ (the word pushed the
// speed and its value out of view; the greyed Play and the full scrubber say it).
// On a phone it is for screen readers only (even a ✓ put the value under the
// cue); the play button is its icon, so the clock is in view on a 440 px one too.
for (const width of [440, 390]) {
  test(`on a ${width} px phone a finished run keeps the clock and the speed in view in the one-line bar`, async ({ page }) => {
    await page.setViewportSize({ width, height: 844 });
    await page.goto('/#/es/retry');
    await noGuidedPauses(page);
    const scrub = page.getByTestId('scrub');
    await expect(scrub).toHaveAttribute('max', /\d/);
    await scrub.fill((await scrub.getAttribute('max'))!);
    const done = page.getByTestId('finished');
    await expect(done).toHaveText('Terminado');
    const bar = (await page.locator('.player').boundingBox())!;
    expect((await done.boundingBox())!.width, 'for screen readers only').toBeLessThan(2);
    // …and the disabled play button says it: ✓ in place of ▶.
    const icon = await page.getByTestId('play').evaluate((b) => getComputedStyle(b.querySelector('.icon')!, '::before').content);
    expect(icon).toContain('✓');
    for (const what of ['[data-testid=sim-time]', '.speed output']) {
      const r = (await page.locator(`.player ${what}`).boundingBox())!;
      expect(r.x + r.width, `${what} is in view without scrolling the bar`).toBeLessThanOrEqual(bar.x + bar.width - 20);
    }
  });
}

// "Zoom to the shorter run" is offered where the squeezed chart is: on the card
// of the side that ended early (the herd's jittered B, ~4 s of a ~30 s axis),
// under its mini-chart's key, never moving the chart or the stage, so A's and
// B's charts stay level (beside the title it wrapped the title at 1280 px and
// pushed B's chart down); checked, both charts end at B's end. On a phone in
// Spanish it takes the card's width, unclipped.
for (const [w, h, lang] of [[1440, 900, 'en'], [1280, 800, 'en'], [390, 844, 'es']] as const) {
  test(`the zoom toggle sits on the shorter side's card at ${w}×${h} (${lang})`, async ({ page, shot }) => {
    await page.setViewportSize({ width: w, height: h });
    await page.goto(`/retry.html#${presetFragment('herd', lang)}`);
    await expect(page.getByTestId('play')).toBeVisible();
    await expect(page.getByTestId('zoom-shorter')).toHaveCount(0);
    // In the page, not the window: Play scrolls the cards up under the bar.
    const stageTop = () => page.locator('[data-side=B] .verdict').evaluate((el) => el.getBoundingClientRect().top + window.scrollY);
    const before = await stageTop();
    await runToEnd(page);
    const toggle = page.locator('section.side[data-side=B] .zoom-toggle');
    await expect(toggle).toBeVisible();
    await expect(page.locator('section.side[data-side=A] .zoom-toggle')).toHaveCount(0);
    await expect(toggle).toContainText(lang === 'es' ? 'Ampliar a la ejecución de B' : "Zoom to B's run");
    // Nothing of it is cut, and it stays inside its card.
    const fits = await toggle.evaluate((el) => el.scrollWidth <= el.clientWidth + 1);
    expect(fits, 'the toggle text is not clipped').toBe(true);
    const [t, card] = [(await toggle.boundingBox())!, (await page.locator('section.side[data-side=B]').boundingBox())!];
    expect(t.x).toBeGreaterThanOrEqual(card.x);
    expect(t.x + t.width).toBeLessThanOrEqual(card.x + card.width + 0.5);
    expect(await stageTop(), 'appearing, it did not push the chart down').toBe(before);
    const plotTops = await page.locator('.lab-stage .sides > section.side .verdict-plot').evaluateAll((plots) =>
      plots.map((p) => Math.round(p.getBoundingClientRect().top)));
    expect(plotTops, 'A\'s and B\'s charts are level').toEqual([plotTops[0], plotTops[0]]);
    // Where it takes its own line (half a phone), A's stage moves down with
    // B's: the two drawings still start level.
    const drawingTops = await page.locator('.lab-stage .sides > section.side').evaluateAll((cards) =>
      cards.map((c) => c.querySelector('.verdict-wrap')!.nextElementSibling!.getBoundingClientRect().top));
    expect(drawingTops).toHaveLength(2);
    expect(Math.abs(drawingTops[0] - drawingTops[1]), `stage tops ${drawingTops}`).toBeLessThanOrEqual(1);
    const axisEnd = (side: string) =>
      page.locator(`[data-testid=verdict-${side}] text.verdict-tick`).last().textContent();
    const whole = await axisEnd('A');
    await page.getByTestId('zoom-shorter').check();
    await expect.poll(() => axisEnd('A')).not.toBe(whole);
    expect(await axisEnd('B')).toBe(await axisEnd('A'));
    await expect(toggle).toContainText(`0–${await axisEnd('B')})`);
    await shot(`lab-page-zoom-toggle-${w}-${lang}`);
  });
}

// On a phone the share buttons are icons beside the title: "Link copied."
// shows under them without moving them over the title, then goes away.
test('on a phone, "Link copied." never pushes the share buttons over the title', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/retry.html#/es/retry');
  const copy = page.getByTestId('copy-link');
  await expect(copy).toBeVisible();
  await expect(copy.locator('.icon svg')).toBeVisible();
  const before = (await copy.boundingBox())!;
  const title = (await page.locator('main.lab h1').boundingBox())!;
  await copy.click();
  const status = page.locator('.lab-header .share-status');
  await expect(status).toHaveText('Enlace copiado.');
  const after = (await copy.boundingBox())!;
  expect(Math.abs(after.x - before.x), 'the button stays put').toBeLessThan(1);
  const titleAfter = (await page.locator('main.lab h1').boundingBox())!;
  expect(titleAfter.height, 'the title did not re-wrap').toBe(title.height);
  await expect(status).toHaveText('', { timeout: 5_000 });
});

// A | B: both cards share their rows, so a summary that wraps on one side
// (Spanish, longer) never leaves one drawing lower than the other.
for (const [lab, id] of [['retry', 'storm_jitter'], ['choreography', 'demo'], ['cqrs', 'crud_vs_cqrs'], ['replica', 'variants'], ['availability', 'month']] as const) {
  for (const [w, h] of [[1440, 900], [390, 844]] as const) {
    test(`${lab}: A's and B's drawings start level at ${w}×${h} (es)`, async ({ page }) => {
      await page.setViewportSize({ width: w, height: h });
      await page.goto(`/${lab}.html#${presetFragment(id, 'es', lab)}`);
      await expect(page.getByTestId('play')).toBeVisible();
      const tops = await page.locator('.lab-stage .sides > section.side').evaluateAll((cards) =>
        cards.map((c) => [c.querySelector('.verdict-wrap')!, c.querySelector('.verdict-wrap')!.nextElementSibling!]
          .map((e) => e.getBoundingClientRect().top)));
      expect(tops).toHaveLength(2);
      expect(Math.abs(tops[0][0] - tops[1][0]), `mini-charts ${tops}`).toBeLessThanOrEqual(1);
      expect(Math.abs(tops[0][1] - tops[1][1]), `drawings ${tops}`).toBeLessThanOrEqual(1);
    });
  }
}

// Printed (a teacher's handout), every panel is drawn: the panels kept
// off-screen unrendered while a run plays came out as blank space.
test('printed, the charts, metrics and log panels are all drawn', async ({ page }) => {
  await page.goto('/#/en/retry');
  await expect(page.getByTestId('play')).toBeVisible();
  await runToEnd(page);
  const skips = () =>
    page.locator('.lab-metrics, .lab-charts, .lab-log').evaluateAll((els) =>
      els.map((e) => getComputedStyle(e).contentVisibility),
    );
  expect((await skips()).length).toBeGreaterThanOrEqual(3);
  expect(await skips()).toContain('auto');
  await expect(page.getByTestId('print-link'), 'on paper only').toBeHidden();
  await page.emulateMedia({ media: 'print' });
  expect(new Set(await skips())).toEqual(new Set(['visible']));
  // A side card kept whole moved to page 2 and left half of page 1 empty:
  // the card may break between its parts, each part kept whole.
  const breaks = await page.locator('.side').first().evaluate((side) => ({
    card: getComputedStyle(side).breakInside,
    parts: [...new Set([...side.children].map((c) => getComputedStyle(c).breakInside))],
    chart: getComputedStyle(side.querySelector('.verdict-wrap')!).breakAfter,
  }));
  expect(breaks).toEqual({ card: 'auto', parts: ['avoid'], chart: 'avoid' });
  // And the charts have their drawings (not an empty box).
  const charts = page.locator('.lab-charts');
  expect((await charts.boundingBox())!.height).toBeGreaterThan(200);
  await expect(charts.locator('svg').first()).toBeAttached();
  // A handout, not a control panel: the buttons that play, share or export
  // the run are left off; what ran (time, guide, settings) stays.
  for (const id of ['play', 'step', 'reset', 'new-seed', 'copy-link', 'embed', 'preset-tenacity', 'export-toggle', 'seed-sweep-run', 'scrub']) {
    await expect(page.getByTestId(id), `${id} is not printed`).toBeHidden();
  }
  await expect(page.getByTestId('sim-time')).toBeVisible();
  await expect(page.getByTestId('guide-text')).toBeVisible();
  // The handout can be replayed: its seed and link are printed.
  await expect(page.getByTestId('print-link')).toBeVisible();
  await expect(page.getByTestId('print-link')).toContainText('This run (seed 3) replays at:');
  expect(await page.getByTestId('print-link').locator('.mono').textContent()).toBe(page.url().replace(/\?.*#/, '#'));
  // Settings folded away (a <details>) are opened while it prints, and
  // closed again after.
  const folded = page.locator('aside.lab-controls details:not([open])');
  const before = await folded.count();
  expect(before).toBeGreaterThan(0);
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  await expect(folded).toHaveCount(0);
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  await expect(folded).toHaveCount(before);
  // On a wide (landscape) page the settings column printed one screen of
  // its fields and cut the rest: it is printed whole.
  await page.setViewportSize({ width: 1100, height: 800 });
  const aside = page.locator('aside.lab-controls');
  const cut = await aside.evaluate((el) => ({
    position: getComputedStyle(el).position,
    hidden: el.scrollHeight - el.clientHeight,
  }));
  expect(cut).toEqual({ position: 'static', hidden: 0 });
  const last = page.locator('aside.lab-controls .field:visible').last();
  await expect(last).toBeVisible();
  expect((await last.boundingBox())!.y).toBeGreaterThan(800);
});

// The key figures the guide names sit level on A and B, under the
// mini-charts: at 1440 even when one card's chart title wraps around "Zoom to
// B's run"; two-up on a phone, a figure a line, above the lab's drawing
// (at the cards' foot they were 2,480 px down a replica page).
for (const [w, h] of [[1440, 900], [390, 844]] as const) {
  test(`the key figures sit level on A and B at ${w}×${h}`, async ({ page, shot }) => {
    await page.setViewportSize({ width: w, height: h });
    await page.goto(`/#${presetFragment('storm_budget', 'es')}`);
    await runToEnd(page);
    const boxes = await page.locator('.key-figures-top .key-figures').evaluateAll((els) =>
      els.map((el) => el.getBoundingClientRect()).filter((r) => r.height > 0).map((r) => ({ top: r.top, bottom: r.bottom })),
    );
    const tops = boxes.map((b) => b.top);
    expect(tops, 'both cards show their figures').toHaveLength(2);
    expect(Math.abs(tops[0] - tops[1])).toBeLessThan(2);
    // Above each card's own drawing, a line or two a figure.
    const own = await page.locator('.lab-stage .side > .key-figures-top + *').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().top));
    for (const [i, b] of boxes.entries()) expect(b.bottom).toBeLessThanOrEqual(own[i] + 1);
    if (w < 640) expect(Math.max(...boxes.map((b) => b.bottom - b.top)), 'compact on a phone').toBeLessThan(110);
    if (w >= 640) {
      await expect(page.locator('[data-side=B] .zoom-toggle')).toBeVisible();
      expect(tops[0] + 40, 'in the first screen').toBeLessThan(h);
      await expect(page.getByTestId('key-figures-A').locator('dt').first()).toHaveText('Tasa de éxito');
    }
    await shot(`key-figures-level-${w}`);
  });
}

// A Spanish reader types a decimal comma with the keyboard: Chromium's number
// box dropped it ("12,5" became 125, refused, or "1,5" became 15, taken). The
// box is text now: the comma is the decimal mark, the link keeps 12.5 %, and
// the arrow keys step from the value.
test('settings: a decimal comma typed in Spanish is read as one', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/retry.html#/es/retry');
  await expect(page.getByTestId('play')).toBeVisible();
  const box = page.getByTestId('transient').locator('input.num');
  await expect(box).toHaveAttribute('inputmode', 'decimal');
  const first = page.url();
  await box.click();
  await box.press('Control+a');
  await box.pressSequentially('12,5');
  await box.press('Tab');
  await expect(box).toHaveValue('12,5');
  await expect(page.getByTestId('transient').getByTestId('field-error')).toHaveCount(0);
  await expect(box).toHaveAttribute('aria-valuenow', '12.5');
  await expect.poll(() => page.url()).not.toBe(first);
  // The link replays 12.5 %, shown in Spanish.
  const link = await settledUrl(page);
  const fresh = await page.context().newPage();
  await fresh.goto(link);
  await expect(fresh.getByTestId('transient').locator('input.num')).toHaveValue('12,5');
  await fresh.close();
  // One step (1 %) up from the value, not from the minimum.
  await box.focus();
  await box.press('ArrowUp');
  await expect(box).toHaveValue('13,5');
  await box.press('ArrowDown');
  await box.press('ArrowDown');
  await expect(box).toHaveValue('11,5');
  // Typed but not yet confirmed, then an arrow: one step from what was typed.
  await box.fill('7');
  await box.press('ArrowUp');
  await expect(box).toHaveValue('8');
  // A space that groups nothing is no number ("1 5" was taken as 15).
  await box.fill('1 5');
  await box.press('Tab');
  await expect(page.getByTestId('transient').getByTestId('field-error')).toContainText('«1 5» no es un número');
  await expect(box).toHaveAttribute('aria-valuenow', '8');
  // "1,000" is 1 here, and the box says how it read it.
  const latency = page.getByTestId('latency').locator('input.num');
  await latency.fill('1,000');
  await latency.press('Tab');
  await expect(page.getByTestId('latency').getByTestId('field-error')).toContainText('1,000 se lee como 1 ms');
  await expect(page.getByTestId('latency').getByTestId('field-error')).toContainText('para 1000, escríbelo sin la coma');
  // The small boxes outside the settings read a comma too, and say what they refuse.
  const seeds = page.getByTestId('seed-sweep-count');
  const before = await seeds.inputValue();
  await seeds.fill('1,5');
  await seeds.press('Enter');
  await expect(seeds).toHaveValue(before);
  expect(await seeds.evaluate((e) => (e as HTMLInputElement).validationMessage)).toBe(
    '«Semillas» admite un número entero de 1 a 1.000: «1,5» no se aplica.',
  );
  await seeds.fill('1.000');
  await seeds.press('Enter');
  await expect(page.getByTestId('seed-sweep-run')).toHaveText('Ejecutar 1.000 semillas');
  // "1,000" would be 1 here: refused, saying how it reads.
  await seeds.fill('1,000');
  await seeds.press('Enter');
  expect(await seeds.evaluate((e) => (e as HTMLInputElement).validationMessage)).toContain('1,000 sería 1');
  await expect(seeds).toHaveValue('1000');
  // Replica's node outages: "2,5" is refused, not taken as 25.
  await page.goto('/replica.html#/es/replica');
  await expect(page.getByTestId('play')).toBeVisible();
  const outages = page.getByTestId('node-outages');
  if (!(await outages.getByTestId('window-row').count())) await outages.getByTestId('window-add').click();
  const to = outages.getByTestId('window-row').first().locator('input.num').last();
  await to.fill('2,5');
  await to.press('Tab');
  await expect(outages.getByTestId('field-error')).toContainText('«2,5» no es un tiempo válido aquí');
  // Another cell taken meanwhile: the refused one's message stays, as its text does.
  const from = outages.getByTestId('window-row').first().locator('input.num').nth(1);
  await from.fill('500');
  await from.press('Tab');
  await expect(outages.getByTestId('field-error')).toContainText('«2,5» no es un tiempo válido aquí');
  await expect(to).toHaveValue('2,5');
  await to.fill('12.000');
  await to.press('Tab');
  await expect(outages.getByTestId('field-error')).toHaveCount(0);
  const reopened = await page.context().newPage();
  await reopened.goto(await settledUrl(page));
  await expect(reopened.getByTestId('node-outages').getByTestId('window-row').first().locator('input.num').last()).toHaveValue('12000');
  await reopened.close();
});

// Bad input in the settings is said under the field it was typed in, names
// that field, and loses nothing: the typed text stays, the run and the link
// keep the last valid settings, and no rate quietly changes another.
test('settings: what a field cannot take is said under it, and nothing is lost', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/retry.html#/en/retry');
  await expect(page.getByTestId('play')).toBeVisible();
  const box = (tid: string) => page.getByTestId(tid).locator('input.num');
  const set = async (tid: string, v: string) => {
    await box(tid).fill(v);
    await box(tid).press('Tab');
  };
  const first = page.url();
  await set('transient', '80');
  await expect.poll(() => page.url()).not.toBe(first);
  const link = page.url();
  await set('permanent', '50');
  await page.waitForTimeout(500);
  // The transient rate is not cut to 50 % to make room: the sum is refused.
  await expect(box('transient')).toHaveValue('80');
  const notApplied = page.getByTestId('permanent').getByTestId('field-not-applied');
  await expect(notApplied).toContainText('Not applied');
  await expect(notApplied).toContainText('add up to more than 1');
  await expect(notApplied).toBeInViewport();
  expect(page.url(), 'the link keeps the last valid settings').toBe(link);
  // Another field changed meanwhile: the error stays under the field that brought it.
  await set('a-max-attempts', '4');
  await expect(notApplied).toContainText('add up to more than 1');
  await expect(page.getByTestId('a-max-attempts').getByTestId('field-not-applied')).toHaveCount(0);
  await set('permanent', '10');
  await expect(notApplied).toHaveCount(0);
  // Out of range: refused, named, the typed text kept.
  await set('transient', '200');
  const error = page.getByTestId('transient').getByTestId('field-error');
  await expect(error).toHaveText('“Transient failure rate” goes from 0 to 100 %: 200 is not applied; it stays at 80 %.');
  await expect(box('transient')).toHaveValue('200');
  await expect(box('transient')).toHaveAttribute('aria-invalid', 'true');
  // Empty: said, not ignored.
  await set('a-max-attempts', '');
  await expect(page.getByTestId('a-max-attempts').getByTestId('field-error')).toContainText('“Max attempts”: type a number');
  // Another field's message never writes over what was typed here.
  await expect(box('transient')).toHaveValue('200');
  await expect(error).toContainText('200 is not applied');
  // A whole-number setting given 2.5 says what it kept.
  await set('a-max-attempts', '2.5');
  await expect(page.getByTestId('a-max-attempts').getByTestId('field-error')).toHaveText(
    "“Max attempts” takes whole numbers only: 2.5 is set to 2.",
  );
  // A list that is not one (replica's slow nodes), in Spanish.
  await page.goto('/replica.html#/es/replica');
  await expect(page.getByTestId('play')).toBeVisible();
  const slow = page.getByTestId('slow').locator('input');
  await slow.fill('abc');
  await slow.press('Tab');
  await expect(page.getByTestId('slow').getByTestId('field-error')).toContainText('«abc» no es una lista de números enteros');
  await expect(slow).toHaveValue('abc');
  // An availability target of 100 % cannot be run: said, not shown as if it were.
  await page.goto('/availability.html#/en/availability');
  await expect(page.getByTestId('play')).toBeVisible();
  await set('slo', '100');
  await expect(page.getByTestId('slo').getByTestId('field-error')).toContainText('goes from 0 to 99.9999 %: 100 is not applied');
});

// On a phone the settings come after every result: a button beside the title
// goes there, and one at their top comes back to the run. Not on wide screens,
// where the settings are the left column.
test('phone: ⚙ goes to the settings and back to the run', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/choreography.html#/en/choreography');
  await expect(page.getByTestId('play')).toBeVisible();
  const jump = page.getByTestId('settings-jump');
  await expect(jump).toBeInViewport();
  await expect(jump).toHaveAccessibleName(/Settings/);
  await expect(page.locator('#controls-title')).not.toBeInViewport();
  await jump.click();
  await expect(page.locator('#controls-title')).toBeInViewport();
  // Keyboard and screen-reader users go there too.
  await expect(page.locator('aside.lab-controls')).toBeFocused();
  await page.getByTestId('run-jump').click();
  await expect(page.getByTestId('play')).toBeInViewport();
  await expect(page.locator('.lab-player')).toBeFocused();
  await page.setViewportSize({ width: 1440, height: 900 });
  await expect(jump).toBeHidden();
  await expect(page.getByTestId('run-jump')).toBeHidden();
});

// "Skip to content" is the first Tab stop: it moves focus into the lab and
// keeps the link (its `#main` once replaced the fragment, and the home page
// said there is no lab called "main").
for (const lab of ['retry', 'cqrs']) {
  test(`${lab}: skip to content keeps the lab, its language and its run`, async ({ page }) => {
    await page.goto(`/${lab}.html#${presetFragment(lab === 'retry' ? 'storm_budget' : 'replicas', 'es', lab)}`);
    await expect(page.getByTestId('play')).toBeVisible();
    const before = await settledUrl(page);
    await page.keyboard.press('Tab');
    await expect(page.getByTestId('skip-link')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('main#main')).toBeFocused();
    expect(page.url()).toBe(before);
    await expect(page.getByTestId('link-problem')).toHaveCount(0);
    await expect(page.locator('html')).toHaveAttribute('lang', 'es');
    // The next Tab goes on from inside the lab, not from the top of the page.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('main#main'))).toBe(true);
  });
}

// The share buttons keep their place under the pointer: "Link copied." shows
// below them, the embed code opens under the title, and Escape or its Close
// button closes it, focus back on "Embed".
test('share buttons stay put; the embed panel closes with Escape and with Close', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/#${presetFragment('storm_budget', 'es')}`);
  const embed = page.getByTestId('embed');
  await expect(embed).toBeVisible();
  const at = await embed.boundingBox();
  await page.getByTestId('copy-link').click();
  await expect(page.locator('.lab-header .share-status')).toHaveText(/copiado/);
  expect(await embed.boundingBox()).toEqual(at);
  await embed.click();
  await expect(page.getByTestId('embed-panel')).toBeVisible();
  expect(await embed.boundingBox()).toEqual(at);
  await expect(embed).toHaveAttribute('aria-expanded', 'true');
  await page.getByTestId('embed-snippet').focus();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('embed-panel')).toHaveCount(0);
  await expect(embed).toBeFocused();
  await embed.click();
  await page.getByTestId('embed-close').click();
  await expect(page.getByTestId('embed-panel')).toHaveCount(0);
  await expect(embed).toBeFocused();
});

// On a phone too: the header's icon buttons stay beside the title when the
// embed code opens below, and the panel's "Copy" buttons keep their words.
test('phone: the embed panel opens under the header, its Copy buttons say so', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/#${presetFragment('storm_budget', 'es')}`);
  const embed = page.getByTestId('embed');
  await expect(embed).toBeVisible();
  const at = await embed.boundingBox();
  await embed.click();
  await expect(page.getByTestId('embed-panel')).toBeVisible();
  expect(await embed.boundingBox()).toEqual(at);
  const copy = page.getByTestId('copy-embed-snippet');
  await expect(copy).toHaveText(/Copiar/);
  expect(await copy.evaluate((b) => parseFloat(getComputedStyle(b).fontSize))).toBeGreaterThan(10);
  const panel = await page.getByTestId('embed-panel').boundingBox();
  expect(panel!.y, 'the panel opens below the buttons').toBeGreaterThan(at!.y + at!.height);
  expect(panel!.x + panel!.width).toBeLessThanOrEqual(390);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('embed-panel')).toHaveCount(0);
});

// Dark mode: the ticked scenario's border was the focus ring's blue, so a
// ticked and a focused scenario looked alike; the ticked one is now filled.
test('the ticked scenario is filled, unlike a focused one (light and dark)', async ({ page }) => {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`/retry.html#${presetFragment('herd', 'en')}`);
    await expect(page.getByTestId('play')).toBeVisible();
    const ticked = page.locator('.presets .chip[aria-pressed=true]');
    await expect(ticked).toHaveCount(1);
    const other = page.locator('.presets .chip[aria-pressed=false]').first();
    await other.focus();
    const bg = (l: typeof ticked) => l.evaluate((e) => getComputedStyle(e).backgroundColor);
    expect(await bg(ticked), colorScheme).not.toBe(await bg(other));
  }
});

// On a laptop (1280×800, 1366×768) the stage cards start near the fold, under
// the title, the player and the guide: pressing Play scrolls the page just
// enough to show the cards — their mini-chart, key figures and the lab's own
// drawing — with their top under the player bar, which sticks there with
// Pause in reach. Nothing moves on a phone (its stage is in the first screen
// already) nor when the reader has scrolled past the cards' top.
const LAB_DEMOS = ['retry', 'choreography', 'cqrs', 'replica', 'availability'];
const stageGeometry = (page: Page) =>
  page.evaluate(() => {
    const bar = document.querySelector('.lab-player')!.getBoundingClientRect();
    const card = document.querySelector('.lab-stage .side')!.getBoundingClientRect();
    const play = document.querySelector('[data-testid=play]')!.getBoundingClientRect();
    return { y: window.scrollY, barBottom: bar.bottom, cardTop: card.top, cardBottom: card.bottom, playTop: play.top, playBottom: play.bottom };
  });
for (const [w, h] of [[1280, 800], [1366, 768]]) {
  for (const lab of LAB_DEMOS) {
    test(`${lab} at ${w}×${h}: Play brings the stage cards up under the player bar, once`, async ({ page, shot }) => {
      await page.setViewportSize({ width: w, height: h });
      await page.goto(`/${lab}.html#/en/${lab}`);
      await noGuidedPauses(page);
      await expect(page.locator('.lab-stage .side').first()).toBeVisible();
      const before = await stageGeometry(page);
      expect(before.y).toBe(0);
      expect(before.cardBottom, 'before Play the card runs past the window').toBeGreaterThan(h);
      await page.getByTestId('play').click();
      await expect.poll(async () => (await stageGeometry(page)).y).toBeGreaterThan(0);
      // Settled (the scroll is smooth unless motion is reduced).
      let last = -1;
      await expect.poll(async () => { const y = (await stageGeometry(page)).y; const same = y === last; last = y; return same; }, { intervals: [150] }).toBe(true);
      const after = await stageGeometry(page);
      expect(after.cardTop, 'the card is not under the bar').toBeGreaterThanOrEqual(after.barBottom - 1);
      expect(after.cardTop, 'the card starts just under the bar').toBeLessThanOrEqual(after.barBottom + 20);
      expect(after.playTop, 'Pause stays in the window').toBeGreaterThanOrEqual(0);
      expect(after.playBottom).toBeLessThanOrEqual(after.cardTop);
      await expect(page.getByTestId('play')).toHaveAttribute('aria-pressed', 'true');
      await expect(page.getByTestId('verdict-A')).toBeInViewport({ ratio: 1 });
      if (lab === 'retry' && w === 1280) await shot('lab-page-play-1280');
      // With the guided pauses on, the first moment's caption comes over the
      // cards, under the bar, and Play on leaves the page where it is: no second jump.
      await page.goto('about:blank');
      await page.goto(`/${lab}.html#/en/${lab}`);
      await expect(page.getByTestId('guide-on')).toBeChecked();
      await page.getByTestId('play').click();
      const caption = page.getByTestId('moment-caption');
      await expect(caption).toBeVisible({ timeout: 60_000 });
      await page.waitForTimeout(600);
      const atMoment = await stageGeometry(page);
      const c = (await caption.boundingBox())!;
      expect(c.y, 'the caption is under the bar').toBeGreaterThanOrEqual(atMoment.barBottom - 1);
      expect(c.y, 'the caption is where the cards were').toBeLessThanOrEqual(atMoment.barBottom + 20);
      await page.getByTestId('moment-play').click();
      await page.waitForTimeout(600);
      expect(Math.abs((await stageGeometry(page)).y - atMoment.y), 'Play on does not move the page').toBeLessThanOrEqual(2);
    });
  }
}

test('Play leaves the page where it is on a phone and for a reader past the stage', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/retry.html#/en/retry');
  await noGuidedPauses(page);
  await page.getByTestId('play').click();
  await page.waitForTimeout(700);
  expect((await stageGeometry(page)).y, 'a phone does not scroll').toBe(0);
  await page.getByTestId('play').click();

  await page.setViewportSize({ width: 1280, height: 800 });
  const { cardTop } = await stageGeometry(page);
  // The reader is in the metrics below the cards: Space resumes the run there.
  await page.evaluate((y) => window.scrollTo(0, y), cardTop + 600);
  const y = (await stageGeometry(page)).y;
  await page.locator('body').press('Space');
  await expect(page.getByTestId('play')).toHaveAttribute('aria-pressed', 'true');
  await page.waitForTimeout(700);
  expect((await stageGeometry(page)).y).toBe(y);
});

// The wide bar keeps its shape while a run plays and once it ends: the clock
// keeps one width ("0 ms" … "1 min 21 s"), "Finished" and "behind" are a ✓ and
// a ! with their words for screen readers, so the scrubber never moves under
// the pointer and the stage is not pushed down at the end.
for (const [w, h, lang] of [[1280, 800, 'en'], [1280, 800, 'es'], [1366, 768, 'pt'], [1440, 900, 'es']] as const) {
  test(`the player bar keeps its shape from start to finish at ${w}×${h} (${lang})`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    await page.goto(`/retry.html#${presetFragment('storm_jitter', lang)}`);
    await noGuidedPauses(page);
    const shape = () => page.evaluate(() => {
      const box = (s: string) => { const r = document.querySelector(s)!.getBoundingClientRect(); return [Math.round(r.left), Math.round(r.width), Math.round(r.height)]; };
      return { bar: box('.lab-player'), play: box('[data-testid=play]'), clock: box('.sim-time'), scrubber: box('.scrubber') };
    });
    const start = await shape();
    await page.getByTestId('speed').fill('2');
    await page.getByTestId('play').click();
    await expect(page.getByTestId('sim-time')).toContainText(/\d+([.,]\d+)? s/, { timeout: 20_000 });
    expect(await shape(), 'while it plays').toEqual(start);
    await page.getByTestId('speed').fill('3');
    await expect(page.getByTestId('finished')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('sim-time')).toContainText('min');
    expect(await shape(), 'once it has finished').toEqual(start);
    // The word is still there for screen readers, and as the badge's tooltip.
    await expect(page.getByTestId('finished')).toHaveAttribute('title', /.+/);
    expect((await page.getByTestId('finished').textContent())!.length).toBeGreaterThan(3);
  });
}
