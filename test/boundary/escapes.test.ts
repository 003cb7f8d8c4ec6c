import type { CloudException } from '@nimbus-js/nimbus';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WORKER_MODES, makeCloud } from '../support/clouds.js';

/** One function for every job; what each does comes with its arguments. */
const act = async (x: number, action: string) => {
  // Which worker runs it: a process, and a thread in it.
  const here = `${process.pid}:${process.getBuiltinModule('node:worker_threads').threadId}`;
  switch (action) {
    // Return now; leave something that goes off 20 ms later, while the next job runs.
    case 'leave-throw':
      setTimeout(() => {
        throw new Error(`thrown later by ${x}`);
      }, 20);
      break;
    case 'leave-exit':
      setTimeout(() => process.exit(1), 20);
      break;
    case 'leave-reject':
      setTimeout(() => {
        void Promise.reject(new Error(`rejected later by ${x}`));
      }, 20);
      break;
    case 'reject-now':
      void Promise.reject(new Error(`rejected by ${x}`));
      break;
    // Runs long enough for what the previous job left to go off.
    case 'wait':
      await new Promise((resolve) => setTimeout(resolve, 300));
      break;
    // Fails by what escapes from its own code while it still runs.
    case 'own-throw':
      setTimeout(() => {
        throw new RangeError(`own timer of ${x}`);
      }, 0);
      await new Promise(() => {});
      break;
    case 'own-reject':
      void Promise.reject(new TypeError(`own rejection of ${x}`));
      await new Promise(() => {});
      break;
    case 'own-exit':
      setTimeout(() => process.exit(3), 0);
      await new Promise(() => {});
      break;
  }
  return [x, here];
};

/**
 * A job that needs no await (a thread runs and reports it in the turn its batch came:
 * batch-runner.ts runBatchNow) and leaves something that escapes right after it returns.
 */
const leaveNow = (x: number, action: string) => {
  const here = `${process.pid}:${process.getBuiltinModule('node:worker_threads').threadId}`;
  if (action === 'microtask-throw')
    queueMicrotask(() => {
      throw new Error(`thrown in a microtask left by ${x}`);
    });
  else if (action === 'reject-now') void Promise.reject(new Error(`rejected by ${x}`));
  return [x, here];
};

describe.each(WORKER_MODES)('errors that escape a job (%s)', (mode) => {
  // One slot: every job runs on the same worker as the one before, unless that one was retired.
  const cloud = makeCloud(mode, { cores: 1, computeUnits: 1 });
  afterAll(() => cloud.close());

  it.each(['leave-throw', 'leave-exit', 'leave-reject', 'reject-now'])(
    '%s: the leaver is done, the job running when it goes off is done, the worker is retired',
    async (action) => {
      const leaver = await cloud.call(act, 1, action);
      const bystander = await cloud.call(act, 2, 'wait');
      const [[one, leaverWorker], [two, bystanderWorker]] = (await cloud.result([leaver, bystander])) as [[number, string], [number, string]];
      expect([one, two]).toEqual([1, 2]);
      const [, later] = (await cloud.result(await cloud.call(act, 3, 'none'))) as [number, string];
      // The worker that had the escape runs nothing after the job it was running.
      expect(later).not.toBe(leaverWorker);
      if (bystanderWorker === leaverWorker) expect(later).not.toBe(bystanderWorker);
    },
  );

  it.each(['microtask-throw', 'reject-now'])(
    'a synchronous job that leaves a %s: it is done with its value, the worker is retired, the next job runs elsewhere',
    async (action) => {
      // First on a worker that has the function rebuilt already (a thread then runs the leaver with no await).
      const [, warmWorker] = (await cloud.result(await cloud.call(leaveNow, 0, 'none'))) as [number, string];
      const [one, leaverWorker] = (await cloud.result(await cloud.call(leaveNow, 1, action))) as [number, string];
      expect(one).toBe(1);
      expect(leaverWorker).toBe(warmWorker);
      const [two, later] = (await cloud.result(await cloud.call(act, 2, 'none'))) as [number, string];
      expect(two).toBe(2);
      expect(later).not.toBe(leaverWorker);
    },
  );

  it.each([
    ['own-throw', 'RangeError', 'own timer of 4'],
    ['own-reject', 'TypeError', 'own rejection of 4'],
  ])('%s: the job ends error with what escaped, and only it', async (action, name, message) => {
    const jids = await cloud.map(act, [4, 5], [action, 'none']);
    const [failed, next] = await cloud.result(jids, { ignoreErrors: true });
    expect((failed as unknown as CloudException).remoteName).toBe(name);
    expect((failed as unknown as CloudException).remoteMessage).toBe(message);
    expect((next as [number, string])[0]).toBe(5);
  });

  it('a job that calls process.exit while it runs ends error, and only it', async () => {
    const jids = await cloud.map(act, [6, 7, 8], ['none', 'own-exit', 'none']);
    const [before, exited, after] = await cloud.result(jids, { ignoreErrors: true });
    expect((exited as unknown as CloudException).message).toBe(`Job ${jids[1]}: worker exited (code 3)`);
    expect([(before as [number])[0], (after as [number])[0]]).toEqual([6, 8]);
  });

  it('an escape in the middle of a batch: the jobs after it run on another worker, each once', async () => {
    // Trivial jobs: once its duration is known, a whole map of this function travels as one batch.
    const quick = async (x: number, action: string) => {
      if (action === 'leave-throw')
        setTimeout(() => {
          throw new Error(`thrown later by ${x}`);
        }, 0);
      // Waits past the timer the job before it left, which goes off meanwhile.
      if (action === 'wait') await new Promise((resolve) => setTimeout(resolve, 5));
      return [x, `${process.pid}:${process.getBuiltinModule('node:worker_threads').threadId}`];
    };
    await cloud.result(await cloud.map(quick, [1, 2, 3], ['none', 'none', 'none']));
    const actions = ['none', 'leave-throw', 'wait', ...Array.from({ length: 50 }, () => 'none')];
    const jids = await cloud.map(
      quick,
      actions.map((_, i) => i),
      actions,
    );
    const results = (await cloud.result(jids)) as [number, string][];
    expect(results.map(([x]) => x)).toEqual(actions.map((_, i) => i));
    expect(results.at(-1)![1]).not.toBe(results[1]![1]);
    expect((await cloud.info(jids, ['attempts'])).every((info) => (info.attempts ?? 0) <= 2)).toBe(true);
  });

  it('a retiring worker hands on what it ran before it exits: no job of its batch runs twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nimbus-retiring-'));
    try {
      // Each run leaves a file of its own: a job that ran twice leaves two.
      const mark = async (x: number, action: string, where: string) => {
        const { writeFileSync } = process.getBuiltinModule('node:fs');
        writeFileSync(`${where}/${x}_${process.pid}_${process.getBuiltinModule('node:worker_threads').threadId}_${Math.random()}`, '');
        if (action === 'leave-throw')
          setTimeout(() => {
            throw new Error(`thrown later by ${x}`);
          }, 0);
        if (action === 'wait') await new Promise((resolve) => setTimeout(resolve, 5));
        return x;
      };
      await cloud.result(await cloud.map(mark, [-3, -2, -1], ['none', 'none', 'none'], [dir, dir, dir]));
      const actions = ['none', 'none', 'leave-throw', 'wait', ...Array.from({ length: 30 }, () => 'none')];
      const xs = actions.map((_, i) => i);
      const jids = await cloud.map(
        mark,
        xs,
        actions,
        xs.map(() => dir),
      );
      expect(await cloud.result(jids)).toEqual(xs);
      const runs = readdirSync(dir).map((name) => Number(name.split('_')[0]));
      for (const x of xs)
        expect(
          runs.filter((run) => run === x),
          `runs of job ${x}`,
        ).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('many leavers and bystanders interleaved: every job ends with its own value', async () => {
    const actions = Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? ['leave-throw', 'leave-exit', 'leave-reject', 'reject-now'][(i / 4) % 4]! : 'none'));
    const jids = await cloud.map(
      act,
      actions.map((_, i) => i),
      actions,
    );
    expect(((await cloud.result(jids)) as [number][]).map(([x]) => x)).toEqual(actions.map((_, i) => i));
  });
});
