import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudError, CloudException } from '@nimbus-js/nimbus';
import { afterAll, describe, expect, it } from 'vitest';
import { EVENTUALLY, MODES, makeCloud } from '../support/clouds.js';

/**
 * A job that appends one line to `file` per run and throws `errorName` on its first `failures`
 * runs; runs are counted in a file so that they are seen whatever the worker.
 */
function flaky(file: string, failures: number, errorName = 'Error'): string {
  const { appendFileSync, readFileSync: read } = process.getBuiltinModule('node:fs');
  appendFileSync(file, `${Date.now()}\n`);
  const runs = read(file, 'utf8').trim().split('\n').length;
  if (runs <= failures) {
    const error = new Error(`run ${runs} failed`);
    error.name = errorName;
    throw error;
  }
  return `ok after ${runs} runs`;
}

const folder = mkdtempSync(join(tmpdir(), 'nimbus-retries-'));
let files = 0;
const freshFile = (): string => join(folder, `runs-${++files}`);
const runTimes = (file: string): number[] => readFileSync(file, 'utf8').trim().split('\n').map(Number);

describe.each(MODES)('retries (%s)', (mode) => {
  const cloud = makeCloud(mode);
  afterAll(() => cloud.close());

  it('runs a failing job again until it succeeds, counting every run in attempts', async () => {
    const file = freshFile();
    const jid = await cloud.with({ retries: 3 }).call(flaky, file, 2);
    expect(await cloud.result(jid)).toBe('ok after 3 runs');
    expect(await cloud.info(jid, ['status', 'attempts', 'exception'])).toMatchObject({ status: 'done', attempts: 3, exception: undefined });
  });

  it('reports the last error once the retries are spent', async () => {
    const file = freshFile();
    const jid = await cloud.with({ retries: 2 }).call(flaky, file, 10);
    const error = (await cloud.result(jid).catch((e: unknown) => e)) as CloudException;
    expect(error).toBeInstanceOf(CloudException);
    expect(error.remoteMessage).toBe('run 3 failed');
    expect((await cloud.info(jid)).attempts).toBe(3);
  });

  it('retries only the errors retryOn names', async () => {
    const named = freshFile();
    const retried = await cloud.with({ retries: 1, retryOn: ['TypeError'] }).call(flaky, named, 1, 'TypeError');
    const other = freshFile();
    const notRetried = await cloud.with({ retries: 1, retryOn: ['TypeError'] }).call(flaky, other, 1, 'RangeError');
    expect(await cloud.result(retried)).toBe('ok after 2 runs');
    const error = (await cloud.result(notRetried).catch((e: unknown) => e)) as CloudException;
    expect([error.remoteName, (await cloud.info(notRetried)).attempts]).toEqual(['RangeError', 1]);
  });

  it('waits retryDelay between runs, reading queued meanwhile', async () => {
    const file = freshFile();
    const jid = await cloud.with({ retries: 1, retryDelay: 300 }).call(flaky, file, 1);
    // Between its runs (it ran once, and has not run again yet), it reads queued.
    await expect.poll(async () => existsSync(file) && (await cloud.status(jid)), { timeout: 10_000, interval: 5 }).toBe('queued');
    expect(runTimes(file)).toHaveLength(1);
    expect(await cloud.result(jid)).toBe('ok after 2 runs');
    const [first, second] = runTimes(file);
    expect(second! - first!).toBeGreaterThanOrEqual(300);
  });

  it('backs off exponentially, up to max', async () => {
    const file = freshFile();
    const jid = await cloud.with({ retries: 3, retryDelay: { type: 'exponential', base: 100, max: 150 } }).call(flaky, file, 3);
    expect(await cloud.result(jid)).toBe('ok after 4 runs');
    const times = runTimes(file);
    // Delays of 100, then 150 (200 capped), then 150 (400 capped).
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(100);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(150);
    expect(times[3]! - times[2]!).toBeGreaterThanOrEqual(150);
  });

  it('a job killed while it waits to be retried stays killed', async () => {
    const file = freshFile();
    const jid = await cloud.with({ retries: 5, retryDelay: 60_000 }).call(flaky, file, 10);
    await expect.poll(async () => existsSync(file) && (await cloud.status(jid)), EVENTUALLY).toBe('queued');
    await cloud.kill(jid);
    expect(await cloud.status(jid)).toBe('killed');
    expect(runTimes(file)).toHaveLength(1);
  });

  // The simulator cannot stop running code (README, Limits): an endless job there never ends, so
  // there is no maxRuntime error to retry.
  it.skipIf(mode === 'simulator')('retries a job over its maxRuntime only when retryOn names it', async () => {
    const endless = () => {
      for (;;);
    };
    const named = await cloud.with({ maxRuntime: 100, retries: 1, retryOn: ['ERR_MAX_RUNTIME'] }).call(endless);
    const unnamed = await cloud.with({ maxRuntime: 100, retries: 1 }).call(endless);
    await cloud.join([named, unnamed], { ignoreErrors: true });
    const infos = await cloud.info([named, unnamed], ['status', 'attempts']);
    expect(infos).toEqual([
      { status: 'error', attempts: 2 },
      { status: 'error', attempts: 1 },
    ]);
  });

  it('refuses bad retry options with a CloudError', () => {
    const refused = (options: object): string => {
      try {
        cloud.with(options);
      } catch (e) {
        expect(e).toBeInstanceOf(CloudError);
        expect((e as CloudError).code).toBe('ERR_BAD_OPTION');
        return (e as CloudError).message;
      }
      throw new Error('not refused');
    };
    expect(refused({ retries: -1 })).toBe('retries must be a whole number (0 or more), got -1');
    expect(refused({ retries: 1.5 })).toBe('retries must be a whole number (0 or more), got 1.5');
    expect(refused({ retryDelay: -5 })).toMatch(/^retryDelay must be a number of milliseconds from 0 to/);
    expect(refused({ retryDelay: { type: 'linear', base: 1 } })).toBe(`retryDelay.type must be 'exponential', got "linear"`);
    expect(refused({ retryDelay: { type: 'exponential' } })).toMatch(/^retryDelay.base must be a number of milliseconds/);
    expect(refused({ retryOn: 'TypeError' })).toMatch(/^retryOn must be a list of error names or codes/);
    expect(refused({ retryOn: ['TypeError', 3] })).toBe('retryOn[1] must be a non-empty string, got 3');
    expect(refused({ retryOn: [] })).toMatch(
      /^retryOn must be a list of error names or codes .*, not empty \(leave it out to retry every error the job's code throws\), got an array of length 0$/,
    );
  });
});
