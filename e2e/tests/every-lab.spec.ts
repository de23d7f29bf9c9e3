// What the lab page template promises, checked on every lab that is not the
// retry lab (embed-lms.spec.ts checks the retry lab in more depth): the compact
// embed pasted into a course page that strips scripts and into one that keeps
// them fits its 720 px frame at 820 px wide, A and B side by side, speaks the
// link's language and never changes height while it plays; and on a phone
// (390 × 844, 360 × 740) the guide and both stage cards with the lab's own
// drawing are in the first screen, nothing cut off or wider than the screen.
import { test, expect } from '../fixtures';
import { FRAME_HEIGHT, embedCodes, openCourse, measure, expectTwoUp } from '../course';
import { noGuidedPauses, presetFragment, presetLinks } from '../lab';
import { deflateSync } from 'node:zlib';

/** Each lab with an A | B preset: the hardest case for a small frame. */
const LABS = [
  { lab: 'choreography', preset: 'demo' },
  { lab: 'cqrs', preset: 'crud_vs_cqrs' },
  { lab: 'replica', preset: 'slow_node' },
  { lab: 'availability', preset: 'phi_accrual' },
] as const;

// The browser prefers Portuguese: the embed must still speak the link's Spanish.
test.use({ locale: 'pt-BR', viewport: { width: 1440, height: 900 } });

for (const { lab, preset } of LABS) {
  for (const course of ['stripped', 'scripted'] as const) {
    test(`${lab}: compact embed in a course page that ${course === 'stripped' ? 'strips scripts' : 'keeps the resize script'}`, async ({ page, baseURL, shot }) => {
      test.setTimeout(90_000);
      const fragment = presetFragment(preset, 'es', lab);
      const codes = await embedCodes(page, fragment);
      const title = (await page.locator('h1').textContent())!.trim();
      expect(title.length).toBeGreaterThan(2);
      // A plain iframe with a fixed height and the lab's title in the link's language.
      expect(codes.frame).toMatch(/^<iframe [^>]*><\/iframe>$/);
      expect(codes.frame).toContain(`height="${FRAME_HEIGHT}"`);
      expect(codes.frame).toContain(`title="${title} — `);
      expect(codes.frame).toContain(`${lab}.html?embed=1#${fragment}`);

      const frame = await openCourse(page, baseURL!, course, 820, codes);
      await expect(frame.locator('h1')).toHaveText(title);
      await expect
        .poll(() => page.evaluate(() => (window as any).__messages.filter((m: unknown) => typeof m === 'string').map((m: string) => JSON.parse(m))))
        .toContainEqual({ subject: 'lti.frameResize', height: FRAME_HEIGHT });

      const before = await measure(page, frame);
      expect(before.lang).toBe('es');
      expect(before.iframe.height).toBe(FRAME_HEIGHT);
      expect(before.scrollHeight, 'the lab fits its frame: no scrollbar inside it').toBeLessThanOrEqual(FRAME_HEIGHT);
      expect(before.scrollWidth, 'no sideways scrolling').toBeLessThanOrEqual(before.clientWidth);
      expectTwoUp(before, FRAME_HEIGHT);
      // The lab's own drawing (under each card's verdict chart) starts in the frame.
      const own = await frame.locator('.lab-stage .side > .key-figures-top + *').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().top));
      expect(own).toHaveLength(2);
      for (const top of own) expect(top, "the lab's own drawing starts in the frame").toBeLessThan(FRAME_HEIGHT - 60);
      if (lab === 'choreography') {
        // Every service's box above the guide: the mini-charts are shorter in
        // the embed (the lowest boxes were behind the guide and its caption).
        const foot = await frame.locator('.compact-foot').evaluate((e) => e.getBoundingClientRect().top);
        const lanes = await frame.locator('.choreo-lane').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().bottom));
        expect(lanes.length).toBeGreaterThan(8);
        for (const bottom of lanes) expect(bottom, 'every box above the guide').toBeLessThanOrEqual(foot);
        // The tokens' one-line key under each drawing: without it the order
        // numbers on two tokens ("1 1") read as counts.
        const keys = await frame.getByTestId('choreo-stage-key').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()));
        expect(keys).toHaveLength(2);
        for (const k of keys) {
          expect(k.height, "the tokens' key is shown").toBeGreaterThan(8);
          expect(k.top, 'under the drawing, above the guide').toBeLessThan(foot);
        }
      }
      // The key figures the guide asks to read, a line or two under each
      // chart (the embed showed "32 done" and none of them).
      const figures = await frame
        .locator('.lab-stage .side > .key-figures-top .key-figures')
        .evaluateAll((els) => els.map((el) => el.getBoundingClientRect()));
      expect(figures).toHaveLength(2);
      for (const r of figures) {
        expect(r.height, 'the key figures are shown').toBeGreaterThan(10);
        expect(r.height, 'on a line or two').toBeLessThan(36);
        expect(r.bottom, 'in the frame').toBeLessThan(FRAME_HEIGHT - 100);
      }

      // Playing never changes the height (guided pauses off, so it really plays).
      const guide = frame.getByTestId('guide-on');
      if (await guide.isVisible()) await guide.uncheck();
      await frame.getByTestId('play').click();
      const mains = [before.mainHeight];
      const scrolls = [before.scrollHeight];
      for (let i = 0; i < 6; i++) {
        await page.waitForTimeout(400);
        const m = await measure(page, frame);
        expect(m.iframe.height).toBe(FRAME_HEIGHT);
        mains.push(m.mainHeight);
        scrolls.push(m.scrollHeight);
      }
      expect(await frame.getByTestId('sim-time').textContent(), 'it really played').not.toBe('0 ms');
      expect(new Set(mains).size, `lab heights ${mains}`).toBe(1);
      expect(Math.max(...scrolls)).toBeLessThanOrEqual(FRAME_HEIGHT);
      expectTwoUp(await measure(page, frame), FRAME_HEIGHT);
      await shot(`every-lab-${lab}-embed-${course}`);

      // Settings open over the stage without changing the height.
      await frame.getByTestId('compact-settings').click();
      await expect(frame.getByTestId('compact-settings-panel')).toBeVisible();
      expect((await measure(page, frame)).scrollHeight).toBeLessThanOrEqual(FRAME_HEIGHT);
      // Its head says "Settings" once: the controls' own title is for screen readers.
      const inner = frame.getByTestId('compact-settings-panel').locator('#controls-title');
      await expect(inner).toHaveCount(1);
      expect((await inner.boundingBox())!.height).toBeLessThanOrEqual(1);
    });
  }
}

/**
 * Known defects this spec found (Spanish in half a phone), left for the next
 * pass: the test is expected to fail until they are fixed, and fails (as an
 * unexpected pass) once they are, so the mark must then go.
 */
const KNOWN_CLIPPED: Record<string, string> = {
};

test.describe('phones', () => {
  test.use({ hasTouch: true, isMobile: true, locale: 'en-US' });
  for (const { lab, preset } of LABS) {
    for (const [width, height] of [
      [390, 844],
      [360, 740],
    ] as const) {
      test(`${lab}: phone ${width}×${height}: the guide and both stage cards in the first screen, nothing cut off`, async ({ page, shot }) => {
        const known = KNOWN_CLIPPED[`${lab} ${width}`];
        test.fail(!!known, known);
        await page.setViewportSize({ width, height });
        await page.goto(`/#${presetFragment(preset, 'es', lab)}`);
        await expect(page.locator('.lab-stage .side')).toHaveCount(2);
        await noGuidedPauses(page);
        const layout = await page.evaluate(() => {
          const cards = [...document.querySelectorAll('.lab-stage .side')].map((el) => el.getBoundingClientRect());
          const own = [...document.querySelectorAll('.lab-stage .side > .key-figures-top + *')].map((el) => el.getBoundingClientRect());
          const player = document.querySelector('.player')!.getBoundingClientRect();
          const buttons = [...document.querySelectorAll('.player button')].map((el) => el.getBoundingClientRect());
          return {
            cards: cards.map((r) => ({ top: r.top, left: r.left, right: r.right })),
            own: own.map((r) => ({ top: r.top, height: r.height })),
            player: { bottom: player.bottom, height: player.height },
            smallestButton: Math.min(...buttons.map((r) => Math.min(r.width, r.height))),
            scrollWidth: document.documentElement.scrollWidth,
            clientWidth: document.documentElement.clientWidth,
          };
        });
        expect(layout.cards[0].top, 'the stage cards start in the first screen').toBeLessThan(height - 200);
        expect(layout.cards[0].right, 'A and B side by side').toBeLessThanOrEqual(layout.cards[1].left + 1);
        expect(Math.abs(layout.cards[0].top - layout.cards[1].top)).toBeLessThan(2);
        for (const own of layout.own) {
          expect(own.height, "the lab's own drawing is drawn").toBeGreaterThan(20);
          expect(own.top + 20, "the top of the lab's own drawing is in the first screen").toBeLessThanOrEqual(height);
        }
        expect(layout.player.height, 'a one-line player').toBeLessThan(64);
        expect(layout.player.bottom, 'the player is above the stage, not over it').toBeLessThanOrEqual(layout.cards[0].top);
        expect(layout.smallestButton, 'touch-sized buttons').toBeGreaterThanOrEqual(40);
        expect(layout.scrollWidth, 'no sideways scrolling').toBeLessThanOrEqual(layout.clientWidth);
        const guide = await page.getByTestId('guide').boundingBox();
        expect(guide, 'the guide is shown').not.toBeNull();
        expect(guide!.y + guide!.height, 'the guide comes before the stage').toBeLessThanOrEqual(layout.cards[0].top + 1);
        // Play a little, then nothing in the two-up cards sticks out of its card or is cut.
        await page.getByTestId('play').click();
        await page.waitForTimeout(1500);
        await page.getByTestId('play').click();
        const clipped = await page.evaluate(() => {
          const out: string[] = [];
          // Whether `el` sits in a box (below `card`) that scrolls sideways.
          const scrolls = (el: Element, card: Element) => {
            for (let p = el.parentElement; p && p !== card; p = p.parentElement) {
              const o = getComputedStyle(p).overflowX;
              if (o === 'auto' || o === 'scroll') return true;
            }
            return false;
          };
          for (const card of document.querySelectorAll('.lab-stage .side')) {
            const c = card.getBoundingClientRect();
            const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              if (!n.textContent?.trim()) continue;
              const el = n.parentElement!;
              if (el.closest('svg, .visually-hidden') || !el.getClientRects().length) continue;
              // Text inside a box that scrolls sideways is read by scrolling it.
              if (scrolls(el, card)) continue;
              const range = document.createRange();
              range.selectNodeContents(n);
              const r = range.getBoundingClientRect();
              if (r.width === 0) continue;
              if (r.left < c.left - 1 || r.right > c.right + 1) out.push(`"${n.textContent.trim().slice(0, 40)}" sticks out of its card`);
            }
            // A drawing's labels: inside the drawing if it clips (an <svg>'s default),
            // and inside the card in any case.
            for (const svg of card.querySelectorAll('svg')) {
              if (scrolls(svg, card)) continue;
              const s = svg.getBoundingClientRect();
              const clips = getComputedStyle(svg).overflow !== 'visible';
              const [left, right] = clips ? [Math.max(s.left, c.left), Math.min(s.right, c.right)] : [c.left, c.right];
              for (const t of svg.querySelectorAll('text')) {
                if (!t.textContent?.trim() || getComputedStyle(t).display === 'none') continue;
                const r = t.getBoundingClientRect();
                if (r.width > 0 && (r.left < left - 1 || r.right > right + 1)) out.push(`"${t.textContent.trim().slice(0, 50)}" runs off its drawing`);
              }
            }
          }
          return out;
        });
        expect(clipped).toEqual([]);
        await shot(`every-lab-${lab}-phone-${width}`);
      });
    }
  }
});

/** A version-2 share payload (zlib, base64url) for a config envelope. */
function payload(json: unknown): string {
  return deflateSync(Buffer.from(JSON.stringify(json))).toString('base64url');
}

// Hostile links on every newer lab, read in Spanish: a clear message naming
// the field, in the link's language (the JSON reader's English phrases
// translated), and the lab's demo still opens.
for (const { lab } of LABS) {
  test(`${lab}: a hostile link gets a Spanish message naming the field; a wrong field is put back, the rest kept`, async ({ page }) => {
    // An unreadable link opens the demo; a link wrong in a field keeps the rest
    // (its seed here) with that field back to its default, and says so.
    const cases: [unknown, RegExp, 'kept' | 'demo'][] = [
      [{ seed: 987, config: { colour: 1 } }, /campo desconocido `colour`/, 'kept'],
      [{ seed: 'x' }, /seed debe ser un número entero/, 'demo'],
      [{ seed: 987, config: { workload: 5 } }, /workload.*se esperaba un/, 'kept'],
    ];
    for (const [json, message, opens] of cases) {
      await page.goto(`/${lab}.html#/es/${lab}/2.${payload(json)}`);
      const problem = page.getByTestId('link-problem');
      await expect(problem, JSON.stringify(json)).toContainText(message);
      await expect(problem).not.toContainText(/unknown field|expected|invalid type/);
      // Nor Rust's or the JSON reader's type names.
      await expect(problem).not.toContainText(/\b(u32|u64|f64|usize|struct|integer|string|map|sequence)\b/);
      if (opens === 'demo') {
        await expect(page.getByTestId('guide'), 'the demo opens').toHaveAttribute('data-preset', /./);
        await expect(problem).toContainText('Se muestra el laboratorio con sus valores por defecto.');
      } else {
        await expect(problem).toContainText('Estos vuelven a su valor por defecto');
        await expect(problem).toContainText('el resto del enlace se conserva');
        await expect(problem).not.toContainText('Se muestra el laboratorio con sus valores por defecto.');
        await expect(page.getByTestId('seed'), 'the link\'s seed is kept').toHaveValue('987');
      }
    }
  });
}

// → and ← on every newer lab: ← lands where → had, at a time the log shows
// (it read an untraced heartbeat's or ping's time), and → comes back.
for (const { lab } of LABS) {
  test(`${lab}: step back retraces the steps' own times`, async ({ page }) => {
    await page.goto(`/${lab}.html#/en/${lab}`);
    await expect(page.getByTestId('play')).toBeVisible();
    await noGuidedPauses(page);
    const time = page.getByTestId('sim-time');
    const seen = [(await time.textContent())!];
    // Steps until three times differ (several records may share a millisecond).
    for (let i = 0; i < 20 && new Set(seen).size < 4; i++) {
      await page.getByTestId('step').click();
      seen.push((await time.textContent())!);
    }
    expect(new Set(seen).size, `${seen}`).toBeGreaterThan(3);
    const n = seen.length - 1;
    for (let i = n - 1; i >= n - 3; i--) {
      await page.getByTestId('step-back').click();
      await expect(time, `← from ${seen[i + 1]}`).toHaveText(seen[i]);
    }
    await page.getByTestId('step').click();
    await expect(time).toHaveText(seen[n - 2]);
  });
}

// A wide screen (1440 × 900), every preset of every lab, in Spanish (longer
// texts): the header is one band, the scenarios head the settings column, and
// the player, the guide, the stage cards and the top of the lab's own drawing
// (at least 120 px of it) are in the first screen before Play is pressed.
for (const lab of ['retry', ...LABS.map((l) => l.lab)]) {
  test(`${lab}: 1440×900, every preset: the lab's own drawing starts in the first screen`, async ({ page, baseURL }) => {
    test.setTimeout(120_000);
    const presets = presetLinks(lab, baseURL);
    expect(presets.length).toBeGreaterThan(3);
    for (const { id, link } of presets) {
      await page.goto('about:blank');
      await page.goto(link.replace('#/en/', '#/es/'));
      await expect(page.locator('.lab-stage .side').first()).toBeVisible();
      await expect(page.getByTestId('guide')).toBeVisible();
      const m = await page.evaluate(() => {
        const box = (el: Element | null) => el!.getBoundingClientRect();
        // The lab's own drawing: the first sizeable box after a card's key figures.
        const own = [...document.querySelectorAll('.lab-stage .side')].map((side) => {
          const after = [...side.querySelectorAll(':scope > .key-figures-top ~ *')];
          return box(after.find((el) => el.getBoundingClientRect().height > 60) ?? null).top;
        });
        return {
          title: box(document.querySelector('.lab-title')).bottom,
          presets: box(document.querySelector('.lab-header .presets')),
          controls: box(document.querySelector('.lab-controls')),
          main: box(document.querySelector('.lab-main')),
          guide: box(document.querySelector('[data-testid=guide]')),
          own,
          scrollWidth: document.documentElement.scrollWidth,
        };
      });
      const at = `${lab} ${id}`;
      expect(m.title, `${at}: a one-band header`).toBeLessThan(200);
      expect(m.presets.right, `${at}: the scenarios in the settings column`).toBeLessThanOrEqual(m.main.left);
      expect(m.presets.bottom, `${at}: the scenarios above the settings`).toBeLessThanOrEqual(m.controls.top);
      expect(m.guide.bottom, `${at}: the guide in the first screen`).toBeLessThan(900);
      for (const top of m.own) expect(top, `${at}: the top of the lab's own drawing in the first screen`).toBeLessThanOrEqual(900 - 120);
      expect(m.scrollWidth, `${at}: no sideways scrolling`).toBeLessThanOrEqual(1440);
    }
  });
}
