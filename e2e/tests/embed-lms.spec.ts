// The compact embed inside a course page, as a teacher would paste it: copy
// the snippet from the lab's Embed panel, put it in a course page that strips
// scripts (Canvas, Moodle: only the <iframe> is left) and in one that keeps
// the optional resize script, and check that the lab fits its 720 px frame at
// 820 px wide, shows both sides side by side, never changes height while it
// plays, asks Canvas for its height (lti.frameResize), links to the full lab
// and speaks the link's language. Then a narrow frame (390 px), and phones.
import { test, expect } from '../fixtures';
import { FRAME_HEIGHT, embedCodes, openCourse, measure, expectTwoUp, uncovered } from '../course';
import { presetFragment, runToEnd } from '../lab';
import { deflateSync } from 'node:zlib';

// The browser prefers Portuguese: the embed must still speak the link's Spanish.
test.use({ locale: 'pt-BR', viewport: { width: 1440, height: 900 } });

for (const course of ['stripped', 'scripted'] as const) {
  test(`compact embed in a course page that ${course === 'stripped' ? 'strips scripts (Canvas, Moodle)' : 'keeps the resize script'}`, async ({ page, baseURL, shot }) => {
    test.setTimeout(90_000);
    const fragment = presetFragment('storm_jitter', 'es');
    const codes = await embedCodes(page, fragment);
    // The snippet works without script: a plain iframe, fixed height, a title.
    expect(codes.frame).toMatch(/^<iframe [^>]*><\/iframe>$/);
    expect(codes.frame).not.toContain('<script');
    expect(codes.frame).toContain(`height="${FRAME_HEIGHT}"`);
    // The lab and the preset: two frames of one lab on a course page are told apart.
    expect(codes.frame).toContain('title="Reintentos (Retry) — Tormenta de reintentos tras una caída: sin jitter vs jitter"');
    expect(codes.frame).toContain('allow="clipboard-write"');
    expect(codes.frame).toContain('loading="lazy"');
    expect(codes.frame).toContain(`?embed=1#${fragment}`);
    expect(codes.script).toMatch(/^<script>[\s\S]*<\/script>$/);
    expect(codes.script).toContain('cloud-patterns-playground:height');

    const frame = await openCourse(page, baseURL!, course, 820, codes);
    if (course === 'stripped') expect(await page.content()).not.toContain('cloud-patterns-playground:height');

    // The link's language, not the browser's.
    await expect(frame.locator('h1')).toHaveText('Reintentos (Retry)');
    // Canvas's resize request reaches the parent (a JSON string Canvas parses), and the
    // page's own height message too.
    await expect
      .poll(() => page.evaluate(() => (window as any).__messages.filter((m: unknown) => typeof m === 'string').map((m: string) => JSON.parse(m))))
      .toContainEqual({ subject: 'lti.frameResize', height: FRAME_HEIGHT });
    const own = await page.evaluate(() => (window as any).__messages.filter((m: any) => m && m.type === 'cloud-patterns-playground:height'));
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((m: any) => m.height === FRAME_HEIGHT), 'a compact lab always reports its fixed height').toBe(true);

    const before = await measure(page, frame);
    expect(before.iframe.width).toBe(820);
    expect(before.iframe.height).toBe(FRAME_HEIGHT);
    expect(before.lang).toBe('es');
    // The lab fits its frame: no scrollbar inside it.
    expect(before.scrollHeight).toBeLessThanOrEqual(FRAME_HEIGHT);
    expect(before.scrollWidth).toBeLessThanOrEqual(before.clientWidth);
    expectTwoUp(before, FRAME_HEIGHT);
    await shot(`embed-${course}-820-before`);

    // Its height stays the same before, while and after playing.
    await frame.getByTestId('play').click();
    await expect(frame.getByTestId('play')).toHaveAttribute('aria-pressed', 'true');
    const heights = [before.iframe.height];
    const scrollHeights = [before.scrollHeight];
    const mainHeights = [before.mainHeight];
    for (let i = 0; i < 8; i++) {
      await page.waitForTimeout(400);
      const m = await measure(page, frame);
      heights.push(m.iframe.height);
      scrollHeights.push(m.scrollHeight);
      mainHeights.push(m.mainHeight);
    }
    expect(await frame.getByTestId('sim-time').textContent(), 'it really played').not.toBe('0 ms');
    await shot(`embed-${course}-820-playing`);
    await frame.getByTestId('play').click();
    await expect(frame.getByTestId('play')).toHaveAttribute('aria-pressed', 'false');
    const after = await measure(page, frame);
    heights.push(after.iframe.height);
    scrollHeights.push(after.scrollHeight);
    mainHeights.push(after.mainHeight);
    expect(new Set(heights), `frame heights ${heights}`).toEqual(new Set([FRAME_HEIGHT]));
    expect(Math.max(...scrollHeights)).toBeLessThanOrEqual(FRAME_HEIGHT);
    expect(new Set(mainHeights).size, `lab heights ${mainHeights}`).toBe(1);
    expectTwoUp(after, FRAME_HEIGHT);

    // Settings open over the stage, without changing the height.
    await frame.getByTestId('compact-settings').click();
    await expect(frame.getByTestId('compact-settings-panel')).toBeVisible();
    expect((await measure(page, frame)).scrollHeight).toBeLessThanOrEqual(FRAME_HEIGHT);
    await frame.getByTestId('compact-settings').click();
    await expect(frame.getByTestId('compact-settings-panel')).toBeHidden();

    // "Open full lab" opens the full page (no ?embed) at the same state.
    const open = frame.locator('.embed-open-full a, a.embed-open-full').first();
    await expect(open).toBeVisible();
    const href = new URL((await open.getAttribute('href'))!, frame.url());
    expect(href.search).toBe('');
    expect(href.pathname).toBe(new URL(frame.url()).pathname);
    expect(decodeURIComponent(href.hash)).toBe(`#${fragment}`);
    expect(await open.getAttribute('target')).toBe('_blank');
    // A screen reader hears that it opens a new tab.
    await expect(open).toHaveAccessibleName(/new tab|pestaña nueva|nova aba/);
  });
}

test('compact embed in a 390 px column: still two-up, nothing wider than the frame', async ({ page, baseURL, shot }) => {
  const fragment = presetFragment('storm_jitter', 'es');
  const codes = await embedCodes(page, fragment);
  const frame = await openCourse(page, baseURL!, 'stripped', 390, codes);
  const m = await measure(page, frame);
  expect(m.iframe.width).toBe(390);
  expect(m.scrollHeight).toBeLessThanOrEqual(FRAME_HEIGHT);
  expect(m.scrollWidth, 'no sideways scrolling').toBeLessThanOrEqual(m.clientWidth);
  expectTwoUp(m, FRAME_HEIGHT);
  // The player is one line.
  const player = await frame.locator('.player').evaluate((el) => el.getBoundingClientRect().height);
  expect(player).toBeLessThan(64);
  await shot('embed-stripped-390');
});

for (const width of [820, 390] as const) {
  test(`compact embed at ${width} px paused at a guided moment: the caption and the guide both readable, neither over the other`, async ({ page, baseURL, shot }) => {
    test.setTimeout(90_000);
    const fragment = presetFragment('storm_jitter', 'en');
    const codes = await embedCodes(page, fragment);
    const frame = await openCourse(page, baseURL!, 'stripped', width, codes);
    const before = await measure(page, frame);
    // Fast, so the player soon reaches the first moment and waits there.
    await frame.getByTestId('speed').fill('3');
    await frame.getByTestId('play').click();
    await expect(frame.getByTestId('moment-caption')).toBeVisible({ timeout: 30_000 });
    await expect(frame.getByTestId('play')).toHaveAttribute('aria-pressed', 'false');
    const caption = await uncovered(frame, '[data-testid=moment-caption]');
    const guide = await uncovered(frame, '[data-testid=guide] p');
    expect(caption && guide, 'both are on the page').toBeTruthy();
    for (const [name, box] of [['caption', caption!], ['guide', guide!]] as const) {
      expect(box.firstLine, `nothing covers the ${name}'s first line`).toBe(true);
      expect(box.middle, `nothing covers the middle of the ${name}`).toBe(true);
      expect(box.top, `the ${name} is in the frame`).toBeGreaterThanOrEqual(0);
      expect(box.top + 60, `the ${name} shows a few lines`).toBeLessThanOrEqual(FRAME_HEIGHT);
      expect(box.width, `the ${name} has room to be read`).toBeGreaterThan(width >= 640 ? 300 : 250);
    }
    // The two boxes do not overlap.
    const overlapX = Math.min(caption!.right, guide!.right) - Math.max(caption!.left, guide!.left);
    const overlapY = Math.min(caption!.bottom, guide!.bottom) - Math.max(caption!.top, guide!.top);
    expect(overlapX <= 0 || overlapY <= 0, `caption ${JSON.stringify(caption)} and guide ${JSON.stringify(guide)} overlap`).toBe(true);
    // The guide's title, in half the frame beside its pause toggle, shows the preset's
    // name, not just "Try this —" (it read "Experimente —.").
    const named = await frame.evaluate(() => {
      const name = document.querySelector('[data-testid=guide-preset]') as HTMLElement;
      const tryThis = document.querySelector('[data-testid=guide] .guide-try') as HTMLElement;
      const toggle = document.querySelector('.guide-toggle') as HTMLElement;
      return { name: name.getBoundingClientRect().width, tryThis: tryThis.getBoundingClientRect().width, toggle: toggle.getBoundingClientRect().width };
    });
    expect(named.tryThis, 'no "Try this" at a moment').toBe(0);
    // …and the pause toggle beside it says just "Pauses" ("Storm of…" was all the room left).
    expect(named.toggle, `a short toggle (${JSON.stringify(named)})`).toBeLessThan(110);
    expect(named.name, `the preset's name has room (${JSON.stringify(named)})`).toBeGreaterThan(width >= 640 ? 150 : 80);
    await expect(frame.getByRole('checkbox', { name: 'Pause at key moments' })).toBeChecked();
    // And the embed's height has not changed.
    const at = await measure(page, frame);
    expect(at.iframe.height).toBe(FRAME_HEIGHT);
    expect(at.scrollHeight).toBeLessThanOrEqual(FRAME_HEIGHT);
    expect(at.mainHeight).toBe(before.mainHeight);
    // Both stage cards are still in view (at least their tops).
    for (const card of at.cards) expect(card.top).toBeLessThan(at.stageBottom - 40);
    // And the stage drawings too, under the cards' charts: most of each is in
    // view in the stage area, and nothing (the caption) lies over it.
    const drawings = await frame.locator('.lab-stage .stage-svg').evaluateAll((svgs) =>
      svgs.map((el) => {
        const r = el.getBoundingClientRect();
        return { top: r.top, bottom: r.bottom, height: r.height };
      }),
    );
    expect(drawings).toHaveLength(2);
    for (const svg of drawings) {
      const shown = Math.min(svg.bottom, at.stageBottom) - svg.top;
      expect(shown / svg.height, `the stage drawing is in view (${shown} of ${svg.height} px)`).toBeGreaterThanOrEqual(0.6);
    }
    const drawingOnTop = await frame.evaluate(() =>
      [...document.querySelectorAll('.lab-stage .stage-plot')].every((plot) => {
        const r = plot.getBoundingClientRect();
        const stage = document.querySelector('.lab-stage')!.getBoundingClientRect();
        const y = (r.top + Math.min(r.bottom, stage.bottom)) / 2;
        const hit = document.elementFromPoint(r.left + r.width / 2, y);
        return !!hit && plot.contains(hit);
      }),
    );
    expect(drawingOnTop, 'nothing covers the stage drawing').toBe(true);
    // The guide's title is one line (the preset's name cut, whole on hover and focus)...
    const title = await frame.evaluate(() => {
      const h3 = document.querySelector('[data-testid=guide] h3')!;
      const name = document.querySelector('[data-testid=guide-preset]') as HTMLElement;
      const line = parseFloat(getComputedStyle(name).lineHeight) || parseFloat(getComputedStyle(name).fontSize) * 1.3;
      return { height: name.getBoundingClientRect().height, h3: h3.getBoundingClientRect().height, line, title: name.getAttribute('title'), text: name.textContent };
    });
    expect(title.height, `the preset's name is one line (${JSON.stringify(title)})`).toBeLessThan(title.line * 1.5);
    expect(title.h3, 'the title row is one line (or as tall as the pause toggle beside it)').toBeLessThanOrEqual(36);
    // The pause toggle sits on that line, as on the full page, so the foot is
    // short (124 px) and the stage above it has the room.
    const row = await frame.evaluate(() => {
      const mid = (e: Element) => { const r = e.getBoundingClientRect(); return (r.top + r.bottom) / 2; };
      const foot = document.querySelector('.compact-foot')!.getBoundingClientRect().height;
      return { title: mid(document.querySelector('[data-testid=guide] h3')!), toggle: mid(document.querySelector('.guide-toggle')!), foot };
    });
    expect(Math.abs(row.title - row.toggle), `the toggle beside the title (${JSON.stringify(row)})`).toBeLessThan(12);
    if (width >= 640) expect(row.foot).toBeLessThanOrEqual(130);
    if (title.title !== null) {
      expect(title.text).toContain(title.title);
      await frame.getByTestId('guide-preset').focus();
      await expect.poll(() => frame.getByTestId('guide-preset').evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
      await frame.getByTestId('guide-preset').blur();
    }
    // ...and the guide's conclusion is reachable: "more ↓" scrolls to it.
    const more = frame.getByTestId('guide-more');
    if ((await more.count()) > 0) {
      for (let i = 0; i < 10 && (await more.count()) > 0; i++) {
        await more.click();
        await frame.waitForTimeout(450);
      }
      await expect(more).toHaveCount(0);
      const end = await frame.evaluate(() => {
        const p = document.querySelector('[data-testid=guide] p') as HTMLElement;
        const range = document.createRange();
        range.selectNodeContents(p);
        const rects = range.getClientRects();
        const last = rects[rects.length - 1];
        const box = p.getBoundingClientRect();
        return last.bottom <= box.bottom + 1 && last.top >= box.top - 1;
      });
      expect(end, "the guide's last line is in view after \"more\"").toBe(true);
    }
    await shot(`embed-moment-${width}`);
  });
}

test.describe('phones', () => {
  // A phone: touch, so taps are taps and hover is not there.
  test.use({ hasTouch: true, isMobile: true });
  for (const [width, height] of [
    [390, 844],
    [360, 740],
  ] as const) {
    test(`phone ${width}×${height}: the stage and the guide are in the first screen, legible, nothing cut off`, async ({ page, shot }) => {
      await page.setViewportSize({ width, height });
      await page.goto(`/#${presetFragment('storm_jitter', 'en')}`);
      await expect(page.locator('.lab-stage .side')).toHaveCount(2);
      const layout = await page.evaluate(() => {
        const cards = [...document.querySelectorAll('.lab-stage .side')].map((el) => el.getBoundingClientRect());
        const player = document.querySelector('.player')!.getBoundingClientRect();
        const buttons = [...document.querySelectorAll('.player button')].map((el) => el.getBoundingClientRect());
        return {
          cards: cards.map((r) => ({ top: r.top, left: r.left, right: r.right })),
          player: { top: player.top, bottom: player.bottom, height: player.height },
          smallestButton: Math.min(...buttons.map((r) => Math.min(r.width, r.height))),
          scrollWidth: document.documentElement.scrollWidth,
          clientWidth: document.documentElement.clientWidth,
        };
      });
      // The stage starts in the first screen, with room to see it.
      expect(layout.cards[0].top).toBeLessThan(height - 200);
      // And so does the stage drawing itself, under the cards' charts: at least its top.
      const drawing = await page.locator('.lab-stage .stage-svg').first().boundingBox();
      expect(drawing, 'the stage is drawn').not.toBeNull();
      expect(drawing!.y + 40, 'the top of the stage drawing is in the first screen').toBeLessThanOrEqual(height);
      // Two-up: A and B side by side.
      expect(layout.cards[0].right).toBeLessThanOrEqual(layout.cards[1].left + 1);
      expect(Math.abs(layout.cards[0].top - layout.cards[1].top)).toBeLessThan(2);
      // A one-line player above the stage, not over it; touch-sized buttons.
      expect(layout.player.height).toBeLessThan(64);
      expect(layout.player.bottom).toBeLessThanOrEqual(layout.cards[0].top);
      expect(layout.smallestButton).toBeGreaterThanOrEqual(40);
      expect(layout.scrollWidth, 'no sideways scrolling').toBeLessThanOrEqual(layout.clientWidth);
      // The try-this guide is in the first screen, before the stage (not below both cards).
      const guide = await page.getByTestId('guide').boundingBox();
      expect(guide, 'the guide is shown').not.toBeNull();
      expect(guide!.y, 'the guide starts in the first screen').toBeLessThan(height - 100);
      expect(guide!.y + guide!.height, 'the guide comes before the stage').toBeLessThanOrEqual(layout.cards[0].top + 1);
      // Nothing in the two-up cards is cut off: every text inside its card and its box.
      const clipped = await page.evaluate(() => {
        const out: string[] = [];
        for (const card of document.querySelectorAll('.lab-stage .side')) {
          const c = card.getBoundingClientRect();
          const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            if (!n.textContent?.trim()) continue;
            const el = n.parentElement!;
            if (el.closest('svg, .visually-hidden') || !el.getClientRects().length) continue;
            const range = document.createRange();
            range.selectNodeContents(n);
            const r = range.getBoundingClientRect();
            if (r.width === 0) continue;
            if (r.left < c.left - 1 || r.right > c.right + 1) out.push(`"${n.textContent.trim()}" sticks out of its card`);
          }
          for (const el of card.querySelectorAll<HTMLElement>('*')) {
            // Text for screen readers only (a provisional value's "(provisional)") is clipped on purpose.
            if (el.closest('svg, .visually-hidden') || !el.textContent?.trim()) continue;
            const style = getComputedStyle(el);
            if (style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1) out.push(`"${el.textContent.trim().slice(0, 40)}" is cut (scrollWidth ${el.scrollWidth} > ${el.clientWidth})`);
          }
          // The drawing's labels stay inside the drawing.
          for (const svg of card.querySelectorAll('svg')) {
            const s = svg.getBoundingClientRect();
            for (const t of svg.querySelectorAll('text')) {
              if (!t.textContent?.trim()) continue;
              const r = t.getBoundingClientRect();
              if (r.left < s.left - 1 || r.right > s.right + 1) out.push(`"${t.textContent.trim()}" runs off its drawing`);
            }
          }
        }
        return out;
      });
      expect(clipped).toEqual([]);
      // The stage's labels read at 10 px or more on screen, however small the drawing.
      const sizes = await page.locator('.lab-stage .stage-svg').evaluateAll((svgs) =>
        svgs.flatMap((svg) => {
          const scale = svg.getBoundingClientRect().width / (svg as SVGSVGElement).viewBox.baseVal.width;
          return [...svg.querySelectorAll('text')]
            .filter((t) => t.textContent?.trim() && getComputedStyle(t).opacity !== '0')
            .map((t) => ({ text: t.textContent!.trim(), px: parseFloat(getComputedStyle(t).fontSize) * scale }));
        }),
      );
      expect(sizes.length).toBeGreaterThan(4);
      const small = sizes.filter((s) => s.px < 10);
      expect(small, 'stage text smaller than 10 px on screen').toEqual([]);
      // The settings' help lines are text on the page (reachable by touch), not hover-only titles.
      await expect(page.locator('.lab-controls .field .help').first()).toBeVisible();
      // Tapping a node on the stage says what it is, in words under the stage (not a hover title).
      await page.locator('.lab-stage .side[data-side=A] [data-testid=stage-node]').first().tap();
      await expect(page.locator('.lab-stage .side[data-side=A] [data-testid=stage-detail]')).toContainText('node_1');
      await shot(`phone-${width}`);
    });
  }
});

// A teacher's link wrong in three settings, opened in the course page's frame:
// the message's title and Close stay in sight on one line, the settings it
// names scroll in a strip under them, and the lab keeps most of the frame.
test('compact embed at 820 × 720: a mended link\'s message keeps Close in sight, and Close closes it', async ({ page }) => {
  await page.setViewportSize({ width: 820, height: FRAME_HEIGHT });
  const json = { seed: 4242, config: { service: { transient_failure_rate: 5, latency_ms: 99999999 }, strategy: { base_ms: -5 } } };
  await page.goto(`/retry.html?embed=1#/es/retry/2.${deflateSync(Buffer.from(JSON.stringify(json))).toString('base64url')}`);
  const problem = page.getByTestId('link-problem');
  await expect(problem).toContainText('el resto del enlace se conserva');
  // Each setting named as its field is labelled, in the link's language.
  for (const field of ['«Tasa de fallo transitorio» debe estar entre 0 y 1', '«Latencia mediana»', '«Retardo base»']) await expect(problem).toContainText(field);
  await expect(problem).not.toContainText('latency_ms');
  const close = problem.getByRole('button', { name: 'Cerrar' });
  await expect(close).toBeInViewport({ ratio: 1 });
  const [box, button, title] = [(await problem.boundingBox())!, (await close.boundingBox())!, (await problem.locator('strong').boundingBox())!];
  expect(button.y + button.height, 'Close inside the box').toBeLessThanOrEqual(box.y + box.height);
  expect(Math.abs(button.y + button.height / 2 - (title.y + title.height / 2)), 'Close on the title\'s line').toBeLessThan(6);
  expect(box.height, 'the lab keeps its frame').toBeLessThanOrEqual(110);
  // The message scrolls inside its strip: every setting it names can be reached.
  const text = problem.locator('p.pre');
  expect(await text.evaluate((e) => e.scrollHeight > e.clientHeight)).toBe(true);
  await text.evaluate((e) => { e.scrollTop = e.scrollHeight; });
  await expect(close).toBeInViewport({ ratio: 1 });
  await expect(page.getByTestId('seed')).toHaveValue('4242');
  await close.click();
  await expect(problem).toHaveCount(0);
  await expect(page.getByTestId('play')).toBeInViewport();
});

test('compact embed at 720 px: once the run has finished, the seed and its dice are still in the bar', async ({ page }) => {
  await page.setViewportSize({ width: 720, height: 720 });
  await page.goto(`/retry.html?embed=1#${presetFragment('herd', 'es')}`);
  await runToEnd(page, { timeout: 60_000 });
  const bar = (await page.locator('.lab-player .player').boundingBox())!;
  const dice = (await page.getByTestId('new-seed').boundingBox())!;
  const seed = (await page.getByTestId('seed').boundingBox())!;
  // The bar scrolls sideways when it must: nothing of these is scrolled out of it.
  expect(dice.x + dice.width).toBeLessThanOrEqual(bar.x + bar.width - 8);
  expect(seed.x).toBeGreaterThanOrEqual(bar.x);
  expect(await page.locator('.lab-player .player').evaluate((e) => e.scrollLeft)).toBe(0);
});

test('compact embed at 820 px: the seed is labelled, and a finished run\'s bar fits in every lab, in pt', async ({ page }) => {
  await page.setViewportSize({ width: 820, height: 720 });
  for (const lab of ['retry', 'choreography', 'cqrs', 'replica', 'availability']) {
    await page.goto(`/${lab}.html?embed=1#/pt/${lab}`);
    await runToEnd(page, { timeout: 60_000 });
    const label = page.locator('.lab-player .seed label > span');
    await expect(label).toHaveText('Semente');
    const box = (await label.boundingBox())!;
    expect(box.width, `${lab}: the seed's word is shown`).toBeGreaterThan(20);
    const bar = page.locator('.lab-player .player');
    const [scroll, client] = await bar.evaluate((e) => [e.scrollWidth, e.clientWidth]);
    expect(scroll, `${lab}: nothing scrolled out of the bar`).toBeLessThanOrEqual(client);
  }
});

test('one configuration shows no lone "A" badge; A | B shows both', async ({ page }) => {
  await page.setViewportSize({ width: 820, height: 720 });
  const widths = async () => page.locator('.lab-stage .side > .side-title').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
  for (const lab of ['cqrs', 'replica', 'availability']) {
    await page.goto(`/${lab}.html?embed=1#/pt/${lab}`);
    await expect(page.locator('.lab-stage .side')).toHaveCount(1);
    const [w] = await widths();
    expect(w, `${lab}: the heading is for screen readers only`).toBeLessThanOrEqual(1);
    await expect(page.locator('.lab-stage .side > .side-title')).toHaveText('A');
  }
  await page.goto(`/choreography.html?embed=1#${presetFragment('demo', 'pt', 'choreography')}`);
  await expect(page.locator('.lab-stage .side')).toHaveCount(2);
  for (const w of await widths()) expect(w, 'A and B are named').toBeGreaterThan(10);
});

// The stage scrolls inside the frame; overlay scrollbars (macOS, phones) show
// nothing until it is scrolled, and the availability seismograph's verdict
// strip sat under the guide with no sign of it. A shade at the stage's foot
// says more lies below, and fades once the end is reached; with nothing to
// scroll, there is none — with reduced motion too (it follows the scroll).
for (const motion of ['no-preference', 'reduce'] as const) {
  test(`compact embed: a shade at the stage's foot while more of it lies below (motion: ${motion})`, async ({ page }) => {
    await page.emulateMedia({ reducedMotion: motion });
    await page.setViewportSize({ width: 1440, height: 900 });
    const shade = () => page.locator('.lab.compact > .lab-stage').evaluate((el) => ({
      opacity: Number(getComputedStyle(el, '::after').opacity),
      scrolls: el.scrollHeight > el.clientHeight + 1,
    }));
    await page.goto(`/availability.html?embed=1#${presetFragment('split_brain', 'en', 'availability')}`);
    await expect(page.locator('.lab-stage .side')).toHaveCount(2);
    const top = await shade();
    expect(top.scrolls, 'the A | B stage is taller than its frame').toBe(true);
    expect(top.opacity).toBeGreaterThan(0.9);
    await page.locator('.lab.compact > .lab-stage').evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await expect.poll(async () => (await shade()).opacity).toBeLessThan(0.1);
    // A stage that fits its frame has no shade.
    await page.setViewportSize({ width: 1440, height: 3000 });
    await page.goto(`/retry.html?embed=1#${presetFragment('tenacity', 'en', 'retry')}`);
    await expect(page.locator('.lab-stage .side').first()).toBeVisible();
    const fits = await shade();
    expect(fits.scrolls, 'a 3000 px frame holds the whole stage').toBe(false);
    expect(fits.opacity).toBeLessThan(0.1);
  });
}
