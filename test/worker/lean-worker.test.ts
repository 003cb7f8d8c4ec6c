/**
 * A worker loads what running a job needs, and nothing of the host: not SQLite, not the AWS SDK,
 * not the dashboard or node:http, not the scheduler or the runtime, and, in a worker process, not
 * piscina. Checked from outside (every module a worker process loads is recorded by a loader hook)
 * and from inside a job (the libraries its process has mapped, and its CommonJS module cache).
 * Nor does it load the job's own `cloud` (the Cloud class, shipping's parser, comlink)
 * before a job needs it: a plain job never does, a job that names `cloud` loads it then.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cloud } from '@nimbus-js/nimbus';
import { afterAll, describe, expect, it } from 'vitest';
import { whatIsLoaded } from '../fixtures/worker/what-is-loaded.mjs';

const RECORDER = fileURLToPath(new URL('../fixtures/worker/record-loads.mjs', import.meta.url));
// Inside a job, the name `cloud` is the job's own client of the same runtime.
declare const cloud: Cloud;

/** What a job's own cloud brings: loaded when a job first needs it, never for a plain job. */
const JOB_CLOUD = [
  /\/dist\/cloud\.js$/,
  /\/dist\/shipping\/capture\.js$/,
  /\/dist\/worker\/job-client\.js$/,
  /\/node_modules\/(acorn|periscopic|nanoid|import-meta-resolve)\//,
  // comlink itself; its node adapter, a file that loads nothing of it, makes the worker's endpoint.
  /\/node_modules\/comlink\/(?!dist\/esm\/node-adapter\.mjs$)/,
];
const HOST_ONLY = [
  /\/node_modules\/better-sqlite3\//,
  /\/node_modules\/@aws-sdk\//,
  /\/node_modules\/piscina\//,
  /\/dist\/dashboard\//,
  /\/dist\/store\/(?!home-dir)/,
  /\/dist\/runtime\//,
  /\/dist\/simulator\//,
  /\/dist\/local\/local-engine/,
  /\/dist\/cli\//,
  /^node:http$/,
];

describe('a lean worker process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-loads-'));
  const log = join(dir, 'loads.txt');
  const saved = { options: process.env.NODE_OPTIONS, log: process.env.NIMBUS_TEST_LOAD_LOG };
  // Worker processes inherit this environment: each records what it loads.
  process.env.NODE_OPTIONS = `${saved.options ?? ''} --import ${RECORDER}`.trim();
  process.env.NIMBUS_TEST_LOAD_LOG = log;
  // A home and an S3 store: the host uses SQLite and knows of the AWS SDK; its workers must not.
  const runtime = new Cloud({ cores: 1, home: join(dir, 'home'), files: { s3: { bucket: 'never-used', endpoint: 'http://127.0.0.1:9' } } });
  afterAll(async () => {
    await runtime.close();
    process.env.NODE_OPTIONS = saved.options;
    process.env.NIMBUS_TEST_LOAD_LOG = saved.log;
    if (saved.options === undefined) delete process.env.NODE_OPTIONS;
    if (saved.log === undefined) delete process.env.NIMBUS_TEST_LOAD_LOG;
  });

  it('loads no module of the host, and maps no SQLite library', async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the assertion states what the value is
    const seen = (await runtime.result(await runtime.call(whatIsLoaded))) as { pid: number; maps: string; commonJs: string[] };
    expect(seen.pid).not.toBe(process.pid);
    expect(seen.maps).not.toContain('better_sqlite3');
    expect(seen.commonJs.filter((file) => HOST_ONLY.some((pattern) => pattern.test(file)))).toEqual([]);

    const loaded = loadsOf(seen.pid);
    // The recorder saw the worker start: its entry, and not the job's own cloud.
    expect(loaded.some((url) => url.endsWith('/dist/worker/process-entry.js'))).toBe(true);
    expect(loaded.filter((url) => HOST_ONLY.some((pattern) => pattern.test(url)))).toEqual([]);
    expect(loaded.filter((url) => JOB_CLOUD.some((pattern) => pattern.test(url)))).toEqual([]);
  });

  it("loads the job's own cloud when a job names it, and it works", async () => {
    const [pid, child] = await runtime.result(await runtime.call(async () => [process.pid, await cloud.result(await cloud.call((x: number) => x * 2, 21))]));
    expect(child).toBe(42);
    const loaded = loadsOf(pid);
    expect(loaded.some((url) => url.endsWith('/dist/cloud.js'))).toBe(true);
    expect(loaded.filter((url) => HOST_ONLY.some((pattern) => pattern.test(url)))).toEqual([]);
  });

  /** The module URLs the worker process `pid` loaded, as the recorder logged them. */
  function loadsOf(pid: number): string[] {
    return readFileSync(log, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith(`${pid} `))
      .map((line) => line.slice(line.indexOf(' ') + 1));
  }
});
