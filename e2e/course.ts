// The course-page fixtures a teacher pastes a lab's embed into, and what every
// embed test measures there. Shared by embed-lms.spec.ts (the retry lab in depth)
// and every-lab.spec.ts (the same promises, for every lab).
import { expect } from './fixtures';
import { type Frame, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = join(ROOT, 'e2e', 'fixtures');
/** The height the snippet gives its frame and a compact lab reports (embed::COMPACT_HEIGHT). */
export const FRAME_HEIGHT = 720;


/** The two embed codes the full lab offers for `fragment`. */
export async function embedCodes(page: Page, fragment: string): Promise<{ frame: string; script: string }> {
  await page.goto(`/#${fragment}`);
  await page.getByTestId('embed').click();
  const frame = await page.getByTestId('embed-snippet').inputValue();
  const script = await page.getByTestId('embed-script').inputValue();
  return { frame, script };
}

export type Course = 'stripped' | 'scripted';

/**
 * Serves a course-page fixture beside the app (same origin: Chromium will not let
 * a public page frame 127.0.0.1) with the snippet pasted in, opens it, and returns
 * the lab's frame once the lab is on screen.
 */
export async function openCourse(page: Page, baseURL: string, course: Course, width: number, codes: { frame: string; script: string }): Promise<Frame> {
  let snippet = `${codes.frame}\n${codes.script}`;
  // What Canvas's and Moodle's sanitisers do to a pasted snippet.
  if (course === 'stripped') snippet = snippet.replace(/<script[\s\S]*?<\/script>/gi, '');
  const html = readFileSync(join(FIXTURES, `course-${course}.html`), 'utf8')
    .replaceAll('{{WIDTH}}', String(width))
    .replace('{{SNIPPET}}', snippet);
  const url = new URL(`/course-${course}-${width}.html`, baseURL).toString();
  await page.route(url, (route) => route.fulfill({ contentType: 'text/html', body: html }));
  await page.goto(url);
  await expect.poll(() => page.frames().some((f) => f.url().includes('embed=1'))).toBe(true);
  const frame = page.frames().find((f) => f.url().includes('embed=1'))!;
  await expect(frame.getByTestId('play')).toBeVisible();
  await expect(frame.locator('.lab-stage .side')).toHaveCount(2);
  return frame;
}

/** What the test measures of the frame and of the lab inside it. */
export async function measure(page: Page, frame: Frame) {
  const iframe = await page.locator('iframe').evaluate((f) => {
    const r = f.getBoundingClientRect();
    return { width: r.width, height: r.height };
  });
  const inside = await frame.evaluate(() => {
    const doc = document.documentElement;
    const cards = [...document.querySelectorAll('.lab-stage .side')].map((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    });
    const svgs = [...document.querySelectorAll('.lab-stage .side')].map((el) => {
      const r = (el.querySelector('svg') ?? el).getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, height: r.height };
    });
    const main = document.querySelector('main')!.getBoundingClientRect();
    const stage = document.querySelector('.lab-stage')!.getBoundingClientRect();
    return {
      scrollHeight: doc.scrollHeight,
      scrollWidth: doc.scrollWidth,
      clientWidth: doc.clientWidth,
      innerHeight: window.innerHeight,
      mainHeight: main.height,
      stageBottom: stage.bottom,
      cards,
      svgs,
      lang: doc.lang,
    };
  });
  return { iframe, ...inside };
}

/**
 * Both stage cards side by side, each card's first drawing (its chart) in view
 * without scrolling: inside the stage area and inside the first `limit` px.
 */
export function expectTwoUp(m: Awaited<ReturnType<typeof measure>>, limit: number) {
  const [a, b] = m.cards;
  expect(a.right, 'side A is left of side B').toBeLessThanOrEqual(b.left + 1);
  expect(Math.abs(a.top - b.top), 'A and B start at the same height').toBeLessThan(2);
  expect(b.right).toBeLessThanOrEqual(m.clientWidth + 1);
  for (const svg of m.svgs) {
    expect(svg.height, 'the stage is drawn').toBeGreaterThan(40);
    expect(svg.bottom, 'the whole drawing is within the first screen').toBeLessThanOrEqual(limit);
    expect(svg.bottom, 'and in view in the stage area, not scrolled away').toBeLessThanOrEqual(m.stageBottom + 1);
  }
}

/**
 * Whether the element's first line of text is on top at its own position (nothing
 * covers it), and its box: for "the caption and the guide are both readable".
 */
export async function uncovered(frame: Frame, selector: string) {
  return frame.evaluate((sel) => {
    const el = document.querySelector(sel) as HTMLElement | null;
    if (!el) return null;
    const r = el.getBoundingClientRect();
    const probe = (x: number, y: number) => {
      const hit = document.elementFromPoint(x, y);
      return !!hit && (el === hit || el.contains(hit));
    };
    // A few points along the first line, and the middle of the visible box.
    const y = r.top + 8;
    const visibleBottom = Math.min(r.bottom, window.innerHeight);
    return {
      top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height,
      firstLine: [0.1, 0.5, 0.9].every((f) => probe(r.left + r.width * f, y)),
      middle: probe(r.left + r.width / 2, (r.top + visibleBottom) / 2),
    };
  }, selector);
}

