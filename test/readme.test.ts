/**
 * The README's examples, as written, in the README's order: each `it` is one code block, and each
 * `// value` comment or "rejects:" note in the README is an assertion here. When an example
 * changes in the README, change it here too.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nimbus, { Cloud, CloudError, CloudException, CloudTimeoutError, type Jid } from '@nimbus-js/nimbus';
import { describe, expect, it } from 'vitest';

// The README writes `import cloud from '@nimbus-js/nimbus'`. Under vitest an imported name used inside a job
// would be rewritten (`__vite_ssr_import_0__.default`) and refused when shipped, so the examples
// see the same default instance through a local name, as the README advises for such tools.
const cloud = nimbus;

// Names the README's blocks share, in the order they appear there.
const sleep = (ms: number) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms));
let nap: Jid<number>;

describe('README', () => {
  it('Use nimbus in your project', async () => {
    const jids = await cloud.map((x: number) => x * x, [1, 2, 3]);
    expect(await cloud.result(jids)).toEqual([1, 4, 9]);
  });

  it('A first job', async () => {
    const add = (x: number, y: number) => x + y;
    const jid = await cloud.call(add, 1, 2); // a Jid<number>, as soon as the job is accepted
    expect(await cloud.result(jid)).toBe(3);
  });

  it('call and map', async () => {
    const jids = await cloud.map((x: number, y: number) => x * y, [1, 2, 3], [4, 5, 6]);
    expect(await cloud.result(jids)).toEqual([4, 10, 18]);

    const padded = await cloud.map((n: number, tag?: string) => `${n}${tag ?? '-'}`, new Set([1, 2, 3]), ['x']);
    expect(await cloud.result(padded)).toEqual(['1x', '2-', '3-']);
  });

  it('status, join, result', async () => {
    nap = await cloud.call(sleep, 100);
    await cloud.join(nap);
    expect(await cloud.status(nap)).toBe('done');

    const long = await cloud.call(sleep, 2_000);
    let timedOut: unknown;
    try {
      await cloud.join(long, { timeout: 100 });
    } catch (e) {
      timedOut = e;
    }
    expect(timedOut).toBeInstanceOf(CloudTimeoutError);
    expect((timedOut as CloudTimeoutError).message).toBe('timed out after 100 ms; the jobs go on');
    expect(await cloud.status([nap, long])).toEqual(['done', 'processing']);

    const fails = await cloud.call((what: string) => {
      throw new RangeError(`no ${what}`);
    }, 'cheese');
    let failure: unknown;
    try {
      await cloud.result(fails);
    } catch (e) {
      failure = e;
    }
    expect(failure).toBeInstanceOf(CloudException);
    const e = failure as CloudException;
    expect(e.message).toBe(`Job ${fails}: no cheese`);
    expect([e.jid === fails, e.status]).toEqual([true, 'error']);
    expect([e.remoteName, e.remoteMessage]).toEqual(['RangeError', 'no cheese']);
    expect(e.remoteStack).toContain('RangeError: no cheese');

    const both: unknown[] = await cloud.result([nap, fails], { ignoreErrors: true });
    expect([both[0], both[1] instanceof CloudException]).toEqual([100, true]);
  });

  it('iresult and iresultUnordered', async () => {
    const inOrder: number[] = [];
    const asFinished: number[] = [];

    const ordered = await cloud.map(sleep, [600, 100, 300]);
    for await (const ms of cloud.iresult(ordered)) inOrder.push(ms);

    const unordered = await cloud.map(sleep, [600, 100, 300]);
    for await (const [jid, ms] of cloud.iresultUnordered(unordered)) {
      expect(unordered).toContain(jid);
      asFinished.push(ms);
    }

    expect(inOrder).toEqual([600, 100, 300]);
    expect(asFinished).toEqual([100, 300, 600]);
  });

  it('wait', async () => {
    const naps = await cloud.map(sleep, [100, 5_000, 5_000]);
    const { done, pending } = await cloud.wait(naps, { count: 1 });
    expect([done.length, pending.length]).toEqual([1, 2]);
    expect(await cloud.wait(pending, { timeout: 50 })).toEqual({ done: [], pending });
    await cloud.kill(pending);
  });

  it('Cancelling with an AbortSignal', async () => {
    const controller = new AbortController();
    const batch = cloud.with({ signal: controller.signal });
    const slow = await batch.map(sleep, [5_000, 5_000]);
    controller.abort();
    await cloud.join(slow, { ignoreErrors: true });
    expect(await cloud.status(slow)).toEqual(['killed', 'killed']);
    await expect(batch.call(sleep, 10)).rejects.toMatchObject({ name: 'AbortError' });

    const long = await cloud.call(sleep, 5_000);
    await expect(cloud.result(long, { signal: AbortSignal.timeout(100) })).rejects.toMatchObject({ name: 'TimeoutError' });
    await cloud.kill(long);
  });

  it('Callbacks and the status feed', async () => {
    const finished: number[] = [];
    let allDone!: () => void;
    const three = new Promise<void>((resolve) => (allDone = resolve));
    const notify = cloud.with({
      onDone: (jid) => {
        finished.push(jid);
        if (finished.length === 3) allDone();
      },
      onError: (jid, e) => console.error(jid, e.message),
    });
    const squares = await notify.map((x: number) => x * x, [1, 2, 3]);

    const feed = cloud.events();
    const watched = await cloud.call(sleep, 200);
    const seen: string[] = [];
    for await (const { jid, status } of feed) {
      if (jid === watched) seen.push(status);
      if (jid === watched && status === 'done') break;
    }
    expect(seen).toEqual(['queued', 'processing', 'done']);
    await three;
    expect(finished.sort()).toEqual(squares);
  });

  it('kill and delete', async () => {
    const forever = await cloud.call(() => {
      for (;;);
    });
    await cloud.kill(forever);
    expect(await cloud.status(forever)).toBe('killed');

    await cloud.delete(nap);
    await expect(cloud.status(nap)).rejects.toThrow(CloudError);
    await expect(cloud.status(nap)).rejects.toThrow(`unknown jid ${nap}: no such job (never created, or deleted)`);
  });

  it('info', async () => {
    const greeting = await cloud.with({ label: 'greeting' }).call(function greet(name: string) {
      console.log(`hello ${name}`);
      return name.length;
    }, 'world');
    await cloud.join(greeting);
    expect(await cloud.info(greeting, ['status', 'fn', 'label', 'stdout'])).toEqual({
      status: 'done',
      fn: 'greet',
      label: 'greeting',
      stdout: 'hello world\n',
    });
  });

  it('with and job options', async () => {
    const crunch = cloud.with({ type: 'c2', label: 'crunch', priority: 1 });
    const first = await crunch.call(sleep, 200);
    const second = await cloud.with({ dependsOn: first }).call(() => 'after first');
    expect(await cloud.status(second)).toBe('waiting');
    expect(await cloud.result(second)).toBe('after first');

    const broken = await cloud.call(() => {
      throw new Error('no');
    });
    const stalls = await cloud.with({ dependsOn: broken }).call(() => 1);
    const anyway = await cloud.with({ dependsOn: broken, dependsOnErrors: 'ignore' }).call(() => 2);
    await cloud.join([stalls, anyway], { ignoreErrors: true });
    expect(await cloud.status([broken, stalls, anyway])).toEqual(['error', 'stalled', 'done']);

    const runaway = await cloud.with({ maxRuntime: 200 }).call(() => {
      for (;;);
    });
    await expect(cloud.result(runaway)).rejects.toThrow(CloudException);
    await expect(cloud.result(runaway)).rejects.toThrow(`Job ${runaway}: exceeded its maxRuntime of 200 ms and was stopped`);
  });

  it('with: a bad option throws at once, naming it', () => {
    expect(() => cloud.with({ maxRuntime: -5 })).toThrow(CloudError);
    expect(() => cloud.with({ maxRuntime: -5 })).toThrow('maxRuntime must be a positive number of milliseconds, got -5');
  });

  it('Errors: a code, and the remote code of a failed job', async () => {
    const missing = await cloud.call(() => cloud.result(424242 as never));
    expect(await cloud.result(missing).catch((e) => [e.code, e.remoteCode])).toEqual(['ERR_JOB_FAILED', 'ERR_UNKNOWN_JID']);
  });

  it('Jobs that start jobs', async () => {
    const sumOfSquares = async (n: number) => {
      const jids = await cloud.map(
        (i: number) => i * i,
        Array.from({ length: n }, (_, i) => i + 1),
      );
      const squares = await cloud.result(jids);
      return squares.reduce((sum, square) => sum + square, 0);
    };
    const parent = await cloud.call(sumOfSquares, 4);
    expect(await cloud.result(parent)).toBe(30);
  });

  it('list and load', async () => {
    const mine = new Cloud({ cores: 2 });
    const failed = await mine.with({ label: 'nightly' }).call(() => {
      throw new Error('x');
    });
    await mine.join(failed, { ignoreErrors: true });
    const failures = await mine.list({ status: 'error', label: 'nightly', limit: 10 });
    expect(failures.map((info) => info.jid)).toEqual([failed]);
    const big = await mine.with({ type: 'c2' }).call(() => new Promise(() => {}));
    const queuedJobs = await mine.map((_: number) => new Promise(() => {}), [1, 2, 3, 4, 5, 6]);
    // Each reads processing once its worker has taken it up.
    const fitting = [big, queuedJobs[0]!, queuedJobs[1]!];
    while ((await mine.status(fitting)).some((status) => status !== 'processing')) await new Promise((r) => setTimeout(r, 5));
    const { computeUnits, running, queued } = await mine.load();
    expect([computeUnits, running, queued]).toEqual([{ used: 4.5, total: 5, byType: { c2: 2.5, c1: 2 } }, { c2: 1, c1: 2 }, 4]);
    await mine.close();
  });

  it('Files (cloud.files)', async () => {
    const here = process.cwd();
    const dir = mkdtempSync(join(tmpdir(), 'nimbus-readme-'));
    process.chdir(dir);
    const withFiles = new Cloud({ files: { dir: join(dir, 'store') } });
    try {
      writeFileSync('names.txt', 'ada\ngrace\n');
      await withFiles.files.put('names.txt');
      await withFiles.files.get('names.txt', 'names2.txt');
      expect(readFileSync('names2.txt', 'utf8')).toBe('ada\ngrace\n');
      await withFiles.files.putf('a,b\n1,2\n', 'data/table.csv');
      const head = await withFiles.files.getf('data/table.csv', { start: 0, end: 3 });
      let text = '';
      for await (const chunk of head) text += chunk;
      expect(text).toBe('a,b\n');
      expect(await withFiles.files.list('data/')).toEqual(['data/table.csv']);
      expect(await withFiles.files.md5('data/table.csv')).toBe(createHash('md5').update('a,b\n1,2\n').digest('hex'));
      expect(await withFiles.files.syncToCloud('names.txt')).toBe(false);
      expect(await withFiles.files.delete('names.txt')).toBe(true);
    } finally {
      process.chdir(here);
      await withFiles.close();
    }
  });

  it('new Cloud(config)', async () => {
    const small = new Cloud({ cores: 1 }); // 2.5 compute units: two c1 jobs at once, or one c2 job
    const squares = await small.map((n: number) => n * n, [1, 2, 3]);
    expect(await small.result(squares)).toEqual([1, 4, 9]);
    await small.close();
  });

  it('What can be shipped', async () => {
    const SALT = 'pepper';
    const digest = (text: string) =>
      createHash('sha256')
        .update(SALT + text)
        .digest('hex');
    const jids = await cloud.map((word: string) => digest(word).slice(0, 8), ['a', 'b']);
    expect(await cloud.result(jids)).toEqual(['a', 'b'].map((word) => digest(word).slice(0, 8)));

    const socket = new net.Socket();
    await expect(cloud.call(() => socket.remotePort)).rejects.toThrow(CloudError);
    await expect(cloud.call(() => socket.remotePort)).rejects.toThrow("cannot ship function (anonymous): 'socket' is a Socket, an object of a class: ");
    socket.destroy();
  });

  it('The simulator', async () => {
    // startSimulator needs a cloud with no unfinished job (the README says so); the 2-second
    // job of 'status, join, result' may still be running.
    await cloud.kill();

    await cloud.startSimulator(); // from now on, this cloud's jobs run in this thread
    expect(cloud.isSimulator).toBe(true);
    const naps = await cloud.map(sleep, [300, 100, 200]);
    const finished: number[] = [];
    for await (const [, ms] of cloud.iresultUnordered(naps)) finished.push(ms);
    expect(finished).toEqual([300, 100, 200]); // one at a time
  });

  it('close', async () => {
    expect(await cloud.close()).toBe(true);
    expect(await cloud.close()).toBe(false);

    let outside: Cloud;
    {
      await using local = new Cloud({ cores: 2 });
      outside = local;
      const jids = await local.map(sleep, [100, 200]);
      await local.close({ wait: true });
      expect(await local.status(jids)).toEqual(['done', 'done']);
    }
    expect(await outside.close()).toBe(false);
  });
});
