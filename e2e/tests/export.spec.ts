// Export and "run 100 seeds", end to end on the release build: each export
// (metrics CSV and JSON, a chart as SVG and PNG, the trace as JSON lines) is
// downloaded and parsed, the JSON and the trace match the CLI byte for byte or
// value for value, a run too long for the page gives the CLI command, and 100
// seeds of the tenacity demo put its theoretical give-up rate in the interval.
//
// The page's parts are found by data-testid: `export-toggle`, `export-csv`,
// `export-json`, `export-svg-<chart>`, `export-png-<chart>`, `export-trace`,
// `export-trace-status`, `export-trace-command`; `seed-sweep-run`,
// `seed-sweep-status`, `seed-sweep-table` (rows `tr[data-key]`, cells
// `td[data-side=a|b]` with `data-mean`, `data-low`, `data-high`).
import { test, expect } from '../fixtures';
import { cli, runToEnd } from '../lab';
import { type Download, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';



/** A version-2 share payload (zlib, base64url) for a config envelope. */
function payload(json: unknown): string {
  return deflateSync(Buffer.from(JSON.stringify(json))).toString('base64url');
}

async function openPreset(page: Page, id: string) {
  await page.goto('/#/en/retry');
  await expect(page.getByTestId('play')).toBeVisible();
  await page.getByTestId(`preset-${id}`).click();
}

async function openMenu(page: Page) {
  const menu = page.getByTestId('export-menu');
  if (!(await menu.evaluate((d: HTMLDetailsElement) => d.open))) await page.getByTestId('export-toggle').click();
}

/** Clicks `testid` and returns the file it downloads. */
async function download(page: Page, testid: string): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: 30_000 }),
    page.getByTestId(testid).click(),
  ]);
  const d = file as Download;
  const path = await d.path();
  if (!path) throw new Error(`${testid}: the download failed (${await d.failure()})`);
  return { name: d.suggestedFilename(), bytes: readFileSync(path) };
}

/** Splits one CSV line, honouring quotes. */
function csvCells(line: string): string[] {
  const cells = [''];
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"' && quoted && line[i + 1] === '"') {
      cells[cells.length - 1] += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) cells.push('');
    else cells[cells.length - 1] += c;
  }
  expect(quoted, `unbalanced quotes: ${line}`).toBe(false);
  return cells;
}

test('every export downloads a file that parses and matches the CLI', async ({ page, shot }) => {
  test.setTimeout(120_000);
  await openPreset(page, 'herd');
  await runToEnd(page);
  const link = page.url();
  const cliReport = JSON.parse(execFileSync(cli(), ['run', link], { encoding: 'utf8' }));
  await openMenu(page);
  await shot('export-menu');

  // Metrics as CSV: key,label,A,B and a plain number (or nothing) in each value cell.
  const csv = await download(page, 'export-csv');
  expect(csv.name).toBe('retry-metrics.csv');
  const lines = csv.bytes.toString('utf8').trimEnd().split('\n');
  expect(lines[0]).toBe('key,label,A,B');
  expect(lines.length).toBeGreaterThan(10);
  const byKey = new Map<string, string[]>();
  for (const line of lines.slice(1)) {
    const cells = csvCells(line);
    expect(cells, line).toHaveLength(4);
    for (const v of cells.slice(2)) expect(v === '' || Number.isFinite(Number(v)), line).toBe(true);
    byKey.set(cells[0], cells);
  }
  expect(Number(byKey.get('calls')![2])).toBe(cliReport.metrics.calls);
  expect(Number(byKey.get('calls')![3])).toBe(cliReport.b.metrics.calls);

  // Metrics as JSON: exactly what `playground run` prints for the link.
  const json = await download(page, 'export-json');
  expect(json.name).toBe('retry-metrics.json');
  expect(JSON.parse(json.bytes.toString('utf8'))).toEqual(cliReport);

  // A chart as SVG: standalone, colours inlined, with its title; and as PNG at 2×.
  const svgButton = page.locator('[data-testid^="export-svg-"]').first();
  await expect(svgButton).toBeVisible();
  const chart = (await svgButton.getAttribute('data-testid'))!.replace('export-svg-', '');
  const svg = await download(page, `export-svg-${chart}`);
  expect(svg.name).toBe(`retry-${chart}.svg`);
  const svgText = svg.bytes.toString('utf8');
  expect(svgText).toContain('<svg');
  expect(svgText).toMatch(/<title>[^<]+<\/title>/);
  expect(svgText).not.toContain('var(--');
  const parseErrors = await page.evaluate(
    (text) => new DOMParser().parseFromString(text, 'image/svg+xml').getElementsByTagName('parsererror').length,
    svgText,
  );
  expect(parseErrors).toBe(0);
  const width = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svgText)![1]);
  const png = await download(page, `export-png-${chart}`);
  expect(png.name).toBe(`retry-${chart}.png`);
  expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.bytes.readUInt32BE(16)).toBe(Math.round(width * 2)); // IHDR width

  // The trace as JSON lines: one per call of A and B, the same bytes as `--trace`.
  const trace = await download(page, 'export-trace');
  expect(trace.name).toBe('retry-trace.jsonl');
  const traceLines = trace.bytes.toString('utf8').trimEnd().split('\n');
  for (const line of traceLines) {
    const v = JSON.parse(line);
    for (const key of ['side', 'request', 'attempt', 'node', 'start_ms', 'end_ms', 'result', 'wait_before_ms']) {
      expect(v, line).toHaveProperty(key);
    }
  }
  expect(traceLines.length).toBe(cliReport.metrics.calls + cliReport.b.metrics.calls);
  const out = join(mkdtempSync(join(tmpdir(), 'export-e2e-')), 'trace.jsonl');
  execFileSync(cli(), ['run', link, '--trace', out]);
  expect(trace.bytes.equals(readFileSync(out))).toBe(true);
  await expect(page.getByTestId('export-trace-status')).toContainText('written');
});

test('a trace too long for the page gives the CLI command instead', async ({ page }) => {
  test.setTimeout(120_000);
  // 1,000 clients × 4 requests/s × 60 s: some 240,000 calls, past the page's 200,000 lines.
  const big = { seed: 1, config: { workload: { kind: 'poisson', clients: 1000, rate_per_client: 4, duration_ms: 60000 } } };
  await page.goto('/#/en/retry/2.' + payload(big));
  await expect(page.getByTestId('play')).toBeVisible();
  await openMenu(page);
  let downloaded = false;
  page.on('download', () => (downloaded = true));
  await page.getByTestId('export-trace').click();
  const command = page.getByTestId('export-trace-command');
  await expect(command).toBeVisible({ timeout: 90_000 });
  const link = page.url();
  expect(await command.textContent()).toBe(`playground run '${link}' --trace trace.jsonl`);
  expect(downloaded).toBe(false);
  // The command works as given.
  const out = join(mkdtempSync(join(tmpdir(), 'export-e2e-')), 'trace.jsonl');
  execFileSync(cli(), ['run', link, '--trace', out]);
  expect(readFileSync(out, 'utf8').split('\n').length).toBeGreaterThan(200_000);
});

test('100 seeds of the tenacity demo: the give-up rate of theory (12.5 %) is in the interval', async ({ page, shot }) => {
  await openPreset(page, 'tenacity');
  await page.getByTestId('seed-sweep-run').click();
  await expect(page.getByTestId('seed-sweep-status')).toHaveText('100 of 100 seeds', { timeout: 30_000 });
  const cell = page.locator('[data-testid=seed-sweep-table] tr[data-key=success_rate] td[data-side=a]');
  await expect(cell).toContainText('%');
  const low = Number(await cell.getAttribute('data-low'));
  const high = Number(await cell.getAttribute('data-high'));
  // Give-up rate = 1 − success rate.
  expect(1 - high).toBeLessThanOrEqual(0.125);
  expect(1 - low).toBeGreaterThanOrEqual(0.125);
  await shot('seed-sweep-tenacity');
});

// The newer labs' exports, from each demo run to its end: the JSON is what
// `playground run` prints, the trace the same bytes as `--trace`, and the note
// beside the trace button says what that lab's lines hold (each writes its own
// events in the attempt fields).
const LAB_TRACES: Record<string, { note: RegExp; results: string[] }> = {
  choreography: { note: /step a service handled/, results: ['ok'] },
  cqrs: { note: /command committed or rejected/, results: ['committed', 'applied', 'fresh'] },
  replica: { note: /attempt of a chunk/, results: ['ok'] },
  availability: { note: /request that failed/, results: ['502'] },
};
for (const [lab, want] of Object.entries(LAB_TRACES)) {
  test(`${lab}: the exports of its demo match the CLI and its trace says what it holds`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.goto(`/${lab}.html#/en/${lab}`);
    await expect(page.getByTestId('play')).toBeVisible();
    await runToEnd(page, { fastest: true, timeout: 60_000 });
    const link = page.url();
    const cliReport = JSON.parse(execFileSync(cli(), ['run', link], { encoding: 'utf8' }));
    await openMenu(page);
    const json = await download(page, 'export-json');
    expect(json.name).toBe(`${lab}-metrics.json`);
    expect(JSON.parse(json.bytes.toString('utf8'))).toEqual(cliReport);
    await expect(page.getByTestId('export-trace-help')).toHaveText(want.note);
    const trace = await download(page, 'export-trace');
    expect(trace.name).toBe(`${lab}-trace.jsonl`);
    const out = join(mkdtempSync(join(tmpdir(), 'export-e2e-')), 'trace.jsonl');
    execFileSync(cli(), ['run', link, '--trace', out]);
    expect(trace.bytes.equals(readFileSync(out)), 'the same bytes as --trace').toBe(true);
    const results = new Set(trace.bytes.toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l).result));
    for (const r of want.results) expect([...results], `${lab}: a line with result ${r}`).toContain(r);
  });
}
