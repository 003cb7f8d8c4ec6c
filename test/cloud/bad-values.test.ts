import { Cloud, CloudError, type CloudConfig, type JobInfoField, type JobOptions, type WaitOptions } from '@nimbus-js/nimbus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODES, WORKER_MODES, makeCloud } from '../support/clouds.js';
import { eachReadOnce, twoFacedList, twoFacedObject, twoFacedProxy, type TwoFaces } from '../support/two-faced.js';

/** The longest delay one Node timer holds, in ms; a longer one fires at once unless chained. */
const NODE_TIMER_MAX_MS = 2 ** 31 - 1;
/** A wait that must end long before a test's own timeout, so that a hang fails the test clearly. */
const WAIT_MS = 10_000;

const refusal = async (attempt: Promise<unknown>): Promise<CloudError> => {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CloudError);
  return error as CloudError;
};

const sleepThen = async (ms: number): Promise<string> => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return `slept ${ms}`;
};

describe.each(MODES)('delays of 2^31 ms and more (%s)', (mode) => {
  const cloud = makeCloud(mode);
  const overflows: Error[] = [];
  const onWarning = (warning: Error) => {
    if (warning.name === 'TimeoutOverflowWarning') overflows.push(warning);
  };
  beforeAll(() => process.on('warning', onWarning));
  afterAll(async () => {
    process.off('warning', onWarning);
    await cloud.close();
  });

  it('a job with maxRuntime 2**31 + 1 that runs 100 ms ends done', async () => {
    const jid = await cloud.with({ maxRuntime: NODE_TIMER_MAX_MS + 2 }).call(sleepThen, 100);
    expect(await cloud.result(jid)).toBe('slept 100');
    expect(await cloud.status(jid)).toBe('done');
    expect(overflows).toEqual([]);
  });

  it('a job with maxRuntime Number.MAX_SAFE_INTEGER ends done', async () => {
    const jid = await cloud.with({ maxRuntime: Number.MAX_SAFE_INTEGER }).call(sleepThen, 50);
    expect(await cloud.result(jid)).toBe('slept 50');
    expect(overflows).toEqual([]);
  });

  it('a wait with timeout 2**31 on a short job resolves with the result', async () => {
    const jid = await cloud.call(sleepThen, 100);
    expect(await cloud.result(jid, { timeout: 2 ** 31 })).toBe('slept 100');
    const other = await cloud.call(sleepThen, 50);
    await cloud.join(other, { timeout: Number.MAX_SAFE_INTEGER });
    expect(overflows).toEqual([]);
  });

  it('a delay above Number.MAX_SAFE_INTEGER is refused, saying the maximum', async () => {
    expect(() => cloud.with({ maxRuntime: 2 ** 53 })).toThrow(
      `maxRuntime must be at most ${Number.MAX_SAFE_INTEGER} milliseconds (Number.MAX_SAFE_INTEGER), got ${2 ** 53}`,
    );
    const jid = await cloud.call(() => 1);
    const error = await refusal(cloud.result(jid, { timeout: 1e300 }));
    expect(error.message).toBe(`timeout must be at most ${Number.MAX_SAFE_INTEGER} milliseconds (Number.MAX_SAFE_INTEGER), got 1e+300`);
  });
});

describe.each(WORKER_MODES)('memory limits V8 can hold (%s)', (mode) => {
  const minimum = mode === 'process' ? 100 : 32;

  it.each([0.5, 100.7])('a limit of %s MB is refused at construction', (limit) => {
    expect(() => makeCloud(mode, { memoryLimits: { c1: limit } })).toThrow(CloudError);
    expect(() => makeCloud(mode, { memoryLimits: { c1: limit } })).toThrow(
      `memoryLimits.c1 must be a whole number of MB, at least ${minimum} with isolation '${mode}', got ${limit}`,
    );
  });

  it('a limit just below the minimum is refused', () => {
    expect(() => makeCloud(mode, { memoryLimits: { c2: minimum - 1 } })).toThrow(
      `memoryLimits.c2 must be a whole number of MB, at least ${minimum} with isolation '${mode}', got ${minimum - 1}`,
    );
  });

  it('a job runs under the minimum itself', async () => {
    const cloud = makeCloud(mode, { cores: 1, memoryLimits: { c1: minimum } });
    try {
      const jid = await cloud.call((n: number) => Array.from({ length: n }, (_, i) => i).length, 1000);
      expect(await cloud.result(jid, { timeout: WAIT_MS })).toBe(1000);
      expect((await cloud.info(jid)).memoryLimit).toBe(minimum);
    } finally {
      await cloud.close();
    }
  });
});

describe.each(MODES)('options are read once, and what was read is used (%s)', (mode) => {
  const cloud = makeCloud(mode);
  afterAll(() => cloud.close());

  const jobFaces: TwoFaces = {
    type: ['c2', 'zz'],
    cores: [1, 0],
    priority: [3, Number.NaN],
    label: ['two-faced', 7],
    maxRuntime: [60_000, -5],
    restartable: [false, 'yes'],
    dependsOnErrors: ['abort', 'skip'],
  };

  it.each([
    ['getters', twoFacedObject],
    ['a Proxy', twoFacedProxy],
  ] as const)('job options as %s', async (_kind, make) => {
    const options = make<JobOptions>(jobFaces);
    const jid = await cloud.with(options.value).call(() => 'ran');
    expect(await cloud.result(jid, { timeout: WAIT_MS })).toBe('ran');
    expect(await cloud.info(jid, ['type', 'cores', 'priority', 'label'])).toEqual({ type: 'c2', cores: 1, priority: 3, label: 'two-faced' });
    expect(options.reads).toEqual(eachReadOnce(options.reads));
  });

  it.each([
    ['getters', twoFacedObject],
    ['a Proxy', twoFacedProxy],
  ] as const)('wait options as %s', async (_kind, make) => {
    const faces: TwoFaces = { timeout: [WAIT_MS, 0], ignoreErrors: [false, true], progress: [false, true] };
    const forResult = make<WaitOptions>(faces);
    expect(await cloud.result(await cloud.call(sleepThen, 100), forResult.value)).toBe('slept 100');
    expect(forResult.reads).toEqual(eachReadOnce(forResult.reads));
    const forJoin = make<WaitOptions>(faces);
    await cloud.join(await cloud.call(sleepThen, 100), forJoin.value);
    expect(forJoin.reads).toEqual(eachReadOnce(forJoin.reads));
  });

  it('info fields: each read once, and only known fields', async () => {
    const jid = await cloud.call(() => 1);
    await cloud.join(jid);
    const fields = twoFacedList<JobInfoField>([
      ['status', 'toString'],
      ['label', 'constructor'],
    ]);
    expect(await cloud.info(jid, fields.value)).toEqual({ status: 'done', label: undefined });
    expect(fields.reads).toEqual({ 0: 1, 1: 1 });
  });

  it('a Cloud config, read once', async () => {
    const faces: TwoFaces = {
      cores: [2, 0],
      computeUnits: [5, -1],
      maxRestarts: [1, -1],
      memoryLimits: [{ c1: 300 }, { c1: 0.5 }],
      ...(mode === 'simulator' ? { simulator: [true, false] } : { isolation: [mode, 'vm'] }),
    };
    const config = twoFacedObject<CloudConfig>(faces);
    const twoFaced = new Cloud(config.value);
    try {
      expect(twoFaced.isSimulator).toBe(mode === 'simulator');
      const jid = await twoFaced.call(() => 'configured');
      expect(await twoFaced.result(jid, { timeout: WAIT_MS })).toBe('configured');
      expect((await twoFaced.load()).computeUnits.total).toBe(5);
      expect(config.reads).toEqual(eachReadOnce(config.reads));
    } finally {
      await twoFaced.close();
    }
  });
});

describe.each(MODES)('values that only looked right (%s)', (mode) => {
  const cloud = makeCloud(mode);
  afterAll(() => cloud.close());

  it.each([
    ['a string', 'c1', 'Cloud config must be a plain object, got "c1"'],
    ['a Map', new Map([['cores', 2]]), 'Cloud config must be a plain object, got a Map'],
    ['an array', [], 'Cloud config must be a plain object, got an array of length 0'],
    [
      'a class instance',
      new (class Settings {
        cores = 2;
      })(),
      'Cloud config must be a plain object, got a Settings',
    ],
  ])('a config that is %s is refused with a CloudError', (_kind, config, message) => {
    expect(() => new Cloud(config as never)).toThrow(CloudError);
    expect(() => new Cloud(config as never)).toThrow(message);
  });

  it('info refuses a field that is not a JobInfo field, listing those that are', async () => {
    const jid = await cloud.call(() => 1);
    for (const field of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const error = await refusal(cloud.info(jid, [field as JobInfoField]));
      expect(error.message).toBe(
        `info fields[0] must be one of 'jid', 'status', 'type', 'cores', 'priority', 'label', 'fn', 'created', 'started', 'finished', 'runtime', 'cputime', 'memory', 'memoryLimit', 'stdout', 'stderr', 'exception', 'dependsOn', 'attempts', 'worker', got ${JSON.stringify(field)}`,
      );
    }
  });

  it('of closes called at once, exactly one answers true', async () => {
    const running = makeCloud(mode);
    await running.result(await running.call(() => 'started'));
    const answers = await Promise.all([running.close(), running.close(), running.with({ label: 'view' }).close()]);
    expect(answers.filter((answer) => answer)).toEqual([true]);
    expect(await running.close()).toBe(false);
  });
});
