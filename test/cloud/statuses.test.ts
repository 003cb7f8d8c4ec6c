import { CloudError, CloudException } from 'nimbus';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EVENTUALLY, SHARED_MODES, STOPPING_MODES, hang, makeCloud, stamp } from '../support/clouds.js';

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
    expect(highAt! < middleAt!).toBe(true);
    expect(middleAt! < lowAt!).toBe(true);
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
    expect(info.created! <= info.started! && info.started! <= info.finished!).toBe(true);
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
