// The callbacks given to page.$$eval and page.waitForFunction run in the page: they see the DOM.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The dashboard end to end in a real headless Chromium (Debian's chromium, driven by
 * playwright-core): jobs run, the page lists them, filters them, opens the failed one and shows
 * its stack, follows a dependency, lists the files, draws a live map in its task stream (the bars
 * counted in the page; a screenshot in test-artifacts/dashboard-live.png), kills a running job
 * from its page, and follows the live load.
 *
 * In CI (.ci/run installs chromium and sets CI) a missing or broken browser fails this suite.
 * On a machine without /usr/bin/chromium and without CI set, it is skipped, saying so.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cloud, type Jid } from '@nimbus-js/nimbus';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../../dist/dashboard/server.js';
import { hang } from '../support/clouds.js';
import { withFiles } from './support/dashboard-cloud.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts');
const STEP_TIMEOUT_MS = 10_000; // each wait on the page: less than a test's, so a failure says what it waited for

const required = Boolean(process.env.CI);
const present = existsSync(CHROMIUM);
if (!present && !required) {
  console.warn(`skipping the dashboard browser test: no ${CHROMIUM} here (apt-get install chromium; with CI set, this fails instead)`);
}

describe.skipIf(!present && !required)('the dashboard in Chromium', () => {
  const cloud = new Cloud({ cores: 2, isolation: 'thread' });
  const files = { list: async () => ['data/input.csv', 'notes.txt'] };
  const jids: Record<'first' | 'second' | 'failing' | 'dependent', Jid> = {} as never;
  let running: Jid;
  let dashboard: Dashboard;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    jids.first = await cloud.with({ label: 'etl' }).call(function extract() {
      return [1, 2, 3];
    });
    jids.second = await cloud.with({ label: 'etl' }).call(function load() {
      console.log('loaded 3 rows');
      return 3;
    });
    jids.failing = await cloud.with({ label: 'etl' }).call(function explode() {
      throw new TypeError('no such column: price');
    });
    jids.dependent = await cloud.with({ dependsOn: jids.first, label: 'report' }).call(function report() {
      return 'ok';
    });
    await cloud.join(Object.values(jids), { ignoreErrors: true });
    running = await cloud.call(hang);
    dashboard = await startDashboard(withFiles(cloud, files), { port: 0 });
    userDataDir = await mkdtemp(join(tmpdir(), 'nimbus-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('console', (message) => void (message.type() === 'error' && pageErrors.push(message.text())));
    await page.goto(dashboard.url);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await dashboard?.close();
    await cloud.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  const rows = () => page.$$eval('#jobs tbody tr', (trs) => trs.map((tr) => [...(tr as HTMLTableRowElement).cells].map((cell) => cell.textContent)));

  it('lists the jobs: jid, fn, label, type, status, runtime, newest first', async () => {
    await page.waitForSelector(`#jobs tbody tr[data-jid="${running}"]`);
    const runtime = expect.stringMatching(/^\d+ ms$/);
    expect(await rows()).toEqual([
      [String(running), 'hang', '', 'c1', 'processing', '-'],
      [String(jids.dependent), 'report', 'report', 'c1', 'done', runtime],
      [String(jids.failing), 'explode', 'etl', 'c1', 'error', runtime],
      [String(jids.second), 'load', 'etl', 'c1', 'done', runtime],
      [String(jids.first), 'extract', 'etl', 'c1', 'done', runtime],
    ]);
  });

  it('filters by status, and by label', async () => {
    await page.selectOption('#status-filter', 'error');
    await page.waitForFunction(() => document.querySelectorAll('#jobs tbody tr:not([data-status="error"])').length === 0);
    expect(await rows()).toEqual([[String(jids.failing), 'explode', 'etl', 'c1', 'error', expect.any(String)]]);

    await page.selectOption('#status-filter', 'done');
    await page.fill('#label-filter', 'etl');
    await page.waitForFunction(() => document.querySelectorAll('#jobs tbody tr').length === 2);
    expect((await rows()).map((row) => row[0])).toEqual([String(jids.second), String(jids.first)]);

    await page.fill('#label-filter', 'nothing like it');
    await page.waitForSelector('#jobs-empty', { state: 'visible' });
    await page.selectOption('#status-filter', '');
    await page.fill('#label-filter', '');
    await page.waitForSelector(`#jobs tbody tr[data-jid="${running}"]`);
  });

  it('opens the failed job and shows its exception with the stack', async () => {
    await page.click(`#jobs a[href="#/jobs/${jids.failing}"]`);
    await page.waitForSelector('#job', { state: 'visible' });
    await page.waitForFunction(() => document.querySelector('#job-exception')!.textContent !== '');
    expect(await page.textContent('#job-status')).toBe('error');
    const stack = await page.textContent('#job-exception');
    expect(stack).toMatch(/^TypeError: no such column: price\n\s+at explode/);
    expect(await page.isHidden('#jobs-panel')).toBe(true);
  });

  it("shows a job's output and result, and its dependencies as links", async () => {
    await page.goto(new URL(`#/jobs/${jids.dependent}`, dashboard.url).href);
    await page.waitForFunction(
      (jid) => document.querySelector('#job-jid')!.textContent === String(jid) && document.querySelector('#job-status')!.textContent === 'done',
      jids.dependent,
    );
    expect(await page.textContent('#job-result')).toBe("'ok'");
    await page.click(`#job-dependencies a[href="#/jobs/${jids.first}"]`);
    await page.waitForFunction(() => document.querySelector('#job-result')!.textContent === '[ 1, 2, 3 ]');

    await page.goto(new URL(`#/jobs/${jids.second}`, dashboard.url).href);
    await page.waitForFunction(() => document.querySelector('#job-stdout')!.textContent === 'loaded 3 rows\n');
    await page.click('#job a[href="#"]');
    await page.waitForSelector('#jobs-panel', { state: 'visible' });
  });

  it('lists the files', async () => {
    await page.waitForFunction(() => document.querySelectorAll('#files li').length === 2);
    expect(await page.$$eval('#files li', (items) => items.map((item) => item.textContent))).toEqual(['data/input.csv', 'notes.txt']);
  });

  it('draws a live map in the task stream: one bar per job that ran, its progress, a screenshot', async () => {
    const square = cloud.with({ label: 'squares' });
    const mapped = await square.map(
      function square(i: number) {
        const end = Date.now() + 50 + (i % 6) * 10; // 50-100 ms of work
        while (Date.now() < end);
        return i * i;
      },
      Array.from({ length: 40 }, (_, i) => i),
    );
    // Live: the page draws the map's bars as the jobs run, without being reloaded.
    await page.waitForFunction(() => document.querySelector('#task-stream')!.getAttribute('data-bars') !== '0');
    await cloud.join(mapped);
    const started = (await cloud.list({ limit: 1000 })).filter((job) => job.started !== undefined).length;
    type Bar = { fn: string; finished?: number };
    const squareBars = () =>
      page.evaluate(() => {
        const chart = (window as unknown as { __nimbusDashboard: { taskStream: { data: { datasets: { data: Bar[] }[] } } } }).__nimbusDashboard.taskStream;
        return chart.data.datasets.flatMap((dataset) => dataset.data).filter((bar) => bar.fn === 'square' && bar.finished !== undefined).length;
      });
    await expect.poll(squareBars, { timeout: STEP_TIMEOUT_MS }).toBe(mapped.length);
    // Every job that started has its bar, the map's 40 and the others (the one still running too).
    expect(await page.evaluate(() => (window as unknown as { __nimbusDashboard: { bars(): number } }).__nimbusDashboard.bars())).toBe(started);
    expect(await page.getAttribute('#task-stream', 'data-bars')).toBe(String(started));
    await page.waitForSelector('#progress li[data-fn="square"][data-label="squares"] .count.done:text-is("done 40")');
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-live.png'), fullPage: true });
  });

  it('kills a running job from its page; a complete one it deletes', async () => {
    const victim = await cloud.with({ label: 'victim' }).call(hang);
    await page.goto(new URL(`#/jobs/${victim}`, dashboard.url).href);
    await page.waitForSelector('#job-kill', { state: 'visible' });
    await page.waitForFunction(() => document.querySelector('#job-status')!.textContent === 'processing');
    await page.click('#job-kill');
    await page.waitForFunction(() => document.querySelector('#job-status')!.textContent === 'killed');
    expect(await cloud.status(victim)).toBe('killed');
    await page.waitForSelector('#job-delete', { state: 'visible' });
    expect(await page.isHidden('#job-kill')).toBe(true);
    await page.click('#job-delete');
    await page.waitForSelector('#overview', { state: 'visible' });
    await expect(cloud.info(victim)).rejects.toThrow(`unknown jid ${victim}`);
  });

  it('follows the live load: compute units in use, running jobs per type', async () => {
    await page.waitForFunction(() => document.querySelector('#connection')!.textContent === 'live');
    await page.waitForFunction(() => document.querySelector('#load-by-type tr[data-type="c1"] .running')!.textContent === '1');
    expect(await page.textContent('#cu-used')).toBe('1');
    expect(await page.textContent('#cu-total')).toBe('5');
    await cloud.kill(running);
    await page.waitForFunction(() => document.querySelector('#load-by-type tr[data-type="c1"] .running')!.textContent === '0');
    await page.waitForSelector(`#jobs tbody tr[data-jid="${running}"][data-status="killed"]`);
    expect(await page.textContent('#cu-used')).toBe('0');
  });

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
