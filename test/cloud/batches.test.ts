import { CloudException } from '@nimbus-js/nimbus';
import { afterAll, describe, expect, it } from 'vitest';
import { MODES, WORKER_MODES, makeCloud } from '../support/clouds.js';

/** One function for every job of a batch; what job i does comes with its arguments. */
const act = (x: number, action: string) => {
  if (action === 'throw') throw new RangeError(`job ${x} failed`);
  if (action === 'exit') process.exit(5);
  if (action === 'hang') return new Promise<number>(() => {});
  return x * 2;
};

const COUNT = 300;
const MIDDLE = 150;
const actions = (middle: string) => Array.from({ length: COUNT }, (_, i) => (i === MIDDLE ? middle : 'ok'));
const inputs = Array.from({ length: COUNT }, (_, i) => i);

describe.each(MODES)('a failure in the middle of a batch (%s)', (mode) => {
  // One slot: once the function's duration is known, the whole map travels as one batch.
  const cloud = makeCloud(mode, { cores: 1, computeUnits: 1 });
  afterAll(() => cloud.close());

  it('an error ends only its own job; the batch around it is done', async () => {
    await cloud.result(await cloud.map(act, [1, 2], ['ok', 'ok']));
    const jids = await cloud.map(act, inputs, actions('throw'));
    const results = await cloud.result(jids, { ignoreErrors: true });
    expect((results[MIDDLE] as unknown as CloudException).remoteMessage).toBe(`job ${MIDDLE} failed`);
    expect(results.filter((_, i) => i !== MIDDLE)).toEqual(inputs.filter((i) => i !== MIDDLE).map((i) => i * 2));
  });

  it('a kill of a job inside a dispatched batch kills only it; the others run', async () => {
    await cloud.result(await cloud.map(act, [1, 2], ['ok', 'ok']));
    const jids = await cloud.map(act, inputs, actions('hang'));
    await cloud.kill(jids[MIDDLE]);
    const results = await cloud.result(jids, { ignoreErrors: true });
    expect((results[MIDDLE] as unknown as CloudException).status).toBe('killed');
    expect(results.filter((_, i) => i !== MIDDLE)).toEqual(inputs.filter((i) => i !== MIDDLE).map((i) => i * 2));
  });
});

describe.each(WORKER_MODES)('a crash in the middle of a batch (%s)', (mode) => {
  const cloud = makeCloud(mode, { cores: 1, computeUnits: 1 });
  afterAll(() => cloud.close());

  it('blames the job that was running; the rest of its batch runs again and is done', async () => {
    await cloud.result(await cloud.map(act, [1, 2], ['ok', 'ok']));
    const jids = await cloud.map(act, inputs, actions('exit'));
    const results = await cloud.result(jids, { ignoreErrors: true });
    expect((results[MIDDLE] as unknown as CloudException).message).toBe(`Job ${jids[MIDDLE]}: worker exited (code 5)`);
    expect(results.filter((_, i) => i !== MIDDLE)).toEqual(inputs.filter((i) => i !== MIDDLE).map((i) => i * 2));
    // The other jobs of its batch ran again (their outcomes went down with the worker): second
    // attempts on both sides of it, one run of them. Where the batch began and ended is the
    // scheduler's choice (it sizes batches by the jobs' learned duration, which a loaded machine
    // stretches); every job outside it ran once.
    const attempts = (await cloud.info(jids, ['attempts'])).map((job) => job.attempts);
    const twice = jids.map((_, i) => i).filter((i) => i !== MIDDLE && attempts[i] === 2);
    const batch = [Math.min(MIDDLE, ...twice), Math.max(MIDDLE, ...twice)];
    expect(twice.length).toBe(batch[1]! - batch[0]!);
    expect(attempts.filter((n, i) => i !== MIDDLE && n !== 1 && n !== 2)).toEqual([]);
  });
});

/**
 * What job i is, by its kind: a synchronous job (which the worker runs with no await), one that
 * awaits a timer (and prints after it), or a generator; each prints its own line first.
 */
const mixed = (x: number, kind: string): number | Promise<number> | Generator<number> => {
  console.log(`job ${x}`);
  if (kind === 'async') {
    return new Promise<number>((resolve) =>
      setTimeout(() => {
        console.log(`late ${x}`);
        resolve(x * 2);
      }, 1),
    );
  }
  if (kind === 'gen') {
    return (function* () {
      yield x;
      yield x * 2;
    })();
  }
  return x * 2;
};

describe.each(MODES)('synchronous and asynchronous jobs in one batch (%s)', (mode) => {
  const cloud = makeCloud(mode, { cores: 1, computeUnits: 1 });
  afterAll(() => cloud.close());

  it('each job keeps its own value, output and times, one after the other', async () => {
    await cloud.result(await cloud.map(mixed, [1, 2], ['sync', 'sync']));
    const kinds = Array.from({ length: 60 }, (_, i) => ['sync', 'sync', 'async', 'gen'][i % 4]!);
    const xs = kinds.map((_, i) => i);
    const jids = await cloud.map(mixed, xs, kinds);
    const results: unknown[] = await cloud.result(jids);
    expect(results).toEqual(xs.map((x, i) => (kinds[i] === 'gen' ? [x, x * 2] : x * 2)));
    const jobs = await cloud.info(jids, ['stdout', 'started', 'finished']);
    expect(jobs.map((job) => job.stdout)).toEqual(xs.map((x, i) => (kinds[i] === 'async' ? `job ${x}\nlate ${x}\n` : `job ${x}\n`)));
    // One slot: the jobs ran one at a time, in order, each starting no earlier than the one before ended.
    for (let i = 0; i < jobs.length; i++) {
      expect(jobs[i]!.started!).toBeLessThanOrEqual(jobs[i]!.finished!);
      if (i > 0) expect(jobs[i]!.started!).toBeGreaterThanOrEqual(jobs[i - 1]!.finished!);
    }
  });
});
