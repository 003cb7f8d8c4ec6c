import { CloudError, CloudException, type Jid } from '@nimbus-js/nimbus';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EVENTUALLY, MODES, SHARED_MODES, STOPPING_MODES, hang, makeCloud, stamp } from '../support/clouds.js';

describe.each(SHARED_MODES)('statuses and kill (%s)', (mode) => {
  // One slot: a hanging job keeps every later one queued.
  const cloud = makeCloud(mode, { cores: 1, computeUnits: 1 });
  afterAll(() => cloud.close());
  // A test that fails while its blocker holds the one slot must not starve the next test.
  afterEach(() => cloud.kill());

  it('a job is queued while the slot is taken, processing while it runs, then done', async () => {
    const blocker = await cloud.call(hang);
    const next = await cloud.call(() => 'next');
    // Dispatch happens after the call returns (on a worker, in another process).
    await expect.poll(() => cloud.status(blocker), EVENTUALLY).toBe('processing');
    expect(await cloud.status([blocker, next])).toEqual(['processing', 'queued']);
    await cloud.kill(blocker);
    expect(await cloud.result(next)).toBe('next');
    expect(await cloud.status([blocker, next])).toEqual(['killed', 'done']);
  });

  it('a killed queued job never runs', async () => {
    const blocker = await cloud.call(hang);
    const victim = await cloud.call(() => {
      console.log('ran');
      return 'ran';
    });
    await cloud.kill(victim);
    await cloud.kill(blocker);
    const after = await cloud.call(() => 'after');
    expect(await cloud.result(after)).toBe('after');
    expect(await cloud.status(victim)).toBe('killed');
    expect((await cloud.info(victim)).started).toBeUndefined();
    expect((await cloud.info(victim)).stdout).toBe('');
    await expect(cloud.result(victim)).rejects.toThrow(`Job ${victim}: killed`);
  });

  it('complete statuses never change again', async () => {
    const done = await cloud.call(() => 1);
    const failed = await cloud.call(() => {
      throw new Error('no');
    });
    await cloud.join([done, failed], { ignoreErrors: true });
    await cloud.kill([done, failed]);
    expect(await cloud.status([done, failed])).toEqual(['done', 'error']);
    expect(await cloud.result(done)).toBe(1);
  });

  it('kill with no argument kills every unfinished job', async () => {
    const running = await cloud.call(hang);
    const queued = await cloud.map((_: number) => new Promise(() => {}), [1, 2, 3]);
    await cloud.kill();
    expect(await cloud.status([running, ...queued])).toEqual(['killed', 'killed', 'killed', 'killed']);
  });

  it('priority: among queued jobs the lower number starts first', async () => {
    const blocker = await cloud.call(hang);
    const low = await cloud.with({ priority: 9 }).call(stamp);
    const high = await cloud.with({ priority: 1 }).call(stamp);
    const middle = await cloud.call(stamp);
    await cloud.kill(blocker);
    const [lowAt, highAt, middleAt] = await cloud.result([low, high, middle]);
    expect(highAt < middleAt).toBe(true);
    // On Redis, the worker may have taken `low` in reserve (README, Limits) before `high` and
    // `middle` were submitted: then it runs first. It never runs between them.
    if (mode === 'redis') expect(lowAt < highAt || middleAt < lowAt).toBe(true);
    else expect(middleAt < lowAt).toBe(true);
  });

  it('maxRuntime stops a job that runs too long and ends it error', async () => {
    // The pool stops even a busy loop; the simulator can only stop a job that yields.
    const body =
      mode === 'simulator'
        ? hang
        : () => {
            for (;;);
          };
    const jid = await cloud.with({ maxRuntime: 50 }).call(body);
    const error = (await cloud.result(jid).catch((e: unknown) => e)) as CloudException;
    expect(error).toBeInstanceOf(CloudException);
    expect(error.status).toBe('error');
    expect(error.message).toContain('exceeded its maxRuntime of 50 ms');
    expect(await cloud.result(await cloud.call(() => 'still fine'))).toBe('still fine');
  });

  it('info tells what the job was and what happened to it', async () => {
    const jid = await cloud.with({ label: 'sum', type: 'c1', priority: 3 }).call(
      function sum(a: number, b: number) {
        console.log('adding', a, b);
        console.error('careful');
        return a + b;
      },
      2,
      3,
    );
    await cloud.join(jid);
    const info = await cloud.info(jid);
    expect(info).toMatchObject({
      jid,
      status: 'done',
      type: 'c1',
      label: 'sum',
      fn: 'sum',
      priority: 3,
      stdout: 'adding 2 3\n',
      stderr: 'careful\n',
      exception: undefined,
      dependsOn: [],
    });
    expect(info.created <= info.started! && info.started! <= info.finished!).toBe(true);
    expect(info.runtime).toBe(info.finished! - info.started!);
    expect(await cloud.info(jid, ['status', 'label'])).toEqual({ status: 'done', label: 'sum' });
  });

  it('output of jobs that interleave stays with each job', async () => {
    const jids = await cloud.map(
      (name: string) => {
        console.log(`I am ${name}`);
        return name;
      },
      ['a', 'b', 'c'],
    );
    await cloud.join(jids);
    const infos = await cloud.info(jids, ['stdout']);
    expect(infos.map((i) => i.stdout)).toEqual(['I am a\n', 'I am b\n', 'I am c\n']);
  });

  it('delete forgets a complete job; afterwards it is unknown', async () => {
    const jid = await cloud.call(() => 7);
    await cloud.join(jid);
    await cloud.delete(jid);
    await expect(cloud.status(jid)).rejects.toThrow(`unknown jid ${jid}`);
    await expect(cloud.result(jid)).rejects.toBeInstanceOf(CloudError);
  });

  it('delete refuses an unfinished job', async () => {
    const jid = await cloud.call(hang);
    await expect(cloud.delete(jid)).rejects.toThrow(`job ${jid} is not complete`);
    await cloud.kill(jid);
  });
});

describe.each(MODES)('statuses tell the truth: processing means started (%s)', (mode) => {
  // One slot: a batch of jobs runs them one after the other on one worker.
  const cloud = makeCloud(mode, { cores: 1, computeUnits: 1 });
  afterAll(() => cloud.close());
  afterEach(() => cloud.kill());

  /** Resolves once the job reads processing. */
  async function untilProcessing(jid: Jid): Promise<void> {
    while ((await cloud.status(jid)) !== 'processing') await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /** Runs jobs of `fn` until the runtime knows them fast: its next jobs then travel in one batch. */
  async function learnFastFunction(fn: (x: number, at: number) => unknown): Promise<void> {
    const xs = Array.from({ length: 30 }, (_, i) => i + 1);
    expect(
      await cloud.result(
        await cloud.map(
          fn,
          xs,
          xs.map(() => 0),
        ),
      ),
    ).toEqual(xs);
  }

  it('jobs of a batch that have not started read queued, with no start time; the one running reads processing', async () => {
    const blockAt = (x: number, at: number) => (x === at ? new Promise(() => {}) : x);
    await learnFastFunction(blockAt);
    const jids = await cloud.map(blockAt, [0, 1, 2, 3, 4, 5], [0, 0, 0, 0, 0, 0]);
    await untilProcessing(jids[0]!);
    expect(await cloud.status(jids)).toEqual(['processing', 'queued', 'queued', 'queued', 'queued', 'queued']);
    const infos = await cloud.info(jids);
    expect(infos[0]!.started).toBeGreaterThan(0);
    expect(infos.slice(1).map((info) => info.started)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect((await cloud.list({ status: 'processing' })).map((info) => info.jid)).toEqual([jids[0]]);
    expect((await cloud.list({ status: 'queued' })).map((info) => info.jid).sort((a, b) => a - b)).toEqual(jids.slice(1));
    const load = await cloud.load();
    expect([load.running, load.queued]).toEqual([{ c1: 1 }, 5]);
    // The jobs behind the stopped one run after all.
    await cloud.kill(jids[0]);
    expect(await cloud.result(jids.slice(1))).toEqual([1, 2, 3, 4, 5]);
  });

  it('a job later in its batch reads processing once it has started, with its start time', async () => {
    const blockAt = (x: number, at: number) => (x === at ? new Promise(() => {}) : x);
    await learnFastFunction(blockAt);
    const before = Date.now();
    const jids = await cloud.map(blockAt, [0, 1, 2], [1, 1, 1]);
    await untilProcessing(jids[1]!);
    expect((await cloud.status(jids)).slice(1)).toEqual(['processing', 'queued']);
    const infos = await cloud.info(jids);
    expect(infos[1]!.started).toBeGreaterThanOrEqual(before);
    expect(infos[2]!.started).toBeUndefined();
    expect(infos.filter((info) => info.status === 'processing').every((info) => info.started !== undefined)).toBe(true);
  });
});

describe.each(STOPPING_MODES)('kill on workers stops the code (%s)', (mode) => {
  const cloud = makeCloud(mode, { cores: 1, computeUnits: 1 });
  afterAll(() => cloud.close());

  it('a busy loop is killed, and later jobs run on a fresh thread', async () => {
    const jid = await cloud.call(() => {
      for (;;);
    });
    await expect.poll(() => cloud.status(jid), EVENTUALLY).toBe('processing');
    await cloud.kill(jid);
    expect(await cloud.status(jid)).toBe('killed');
    expect(await cloud.result(await cloud.call(() => 'alive'))).toBe('alive');
  });

  it('a job whose worker exits ends error and later jobs still run', async () => {
    const jid = await cloud.call(() => process.exit(3));
    const error = (await cloud.result(jid).catch((e: unknown) => e)) as CloudException;
    expect(error).toBeInstanceOf(CloudException);
    expect(error.message).toBe(`Job ${jid}: worker exited (code 3)`);
    expect(error.remoteName).toBe('WorkerCrashed');
    expect(await cloud.result(await cloud.call(() => 'alive'))).toBe('alive');
  });
});
