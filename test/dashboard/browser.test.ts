// The callbacks given to page.$$eval and page.waitForFunction run in the page: they see the DOM.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The dashboard end to end in a real headless Chromium (Debian's chromium, driven by
 * playwright-core): jobs run, the page lists them, filters them, opens the failed one and shows
 * its stack, follows a dependency, lists the files, and follows the live load.
 *
 * In CI (.ci/run installs chromium and sets CI) a missing or broken browser fails this suite.
 * On a machine without /usr/bin/chromium and without CI set, it is skipped, saying so.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
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
