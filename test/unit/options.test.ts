import { describe, expect, it } from 'vitest';
import { CloudError } from '../../src/errors.js';
import {
  DEFAULT_PRIORITY,
  checkConfig,
  checkInfoFields,
  checkJid,
  checkJids,
  checkJobOptions,
  checkWaitOptions,
  configFromEnvironment,
  resolveJobOptions,
} from '../../src/options.js';
import { MIN_MEMORY_LIMIT_MB } from '../../src/types/resource-profiles.js';
import { eachReadOnce, twoFacedList, twoFacedObject, twoFacedProxy } from '../support/two-faced.js';

const TYPES = "one of 'c1', 'c2', 'f2', 'm1', 's1'";

/** The message `check` throws, after making sure it is a CloudError. */
function messageOf(check: () => unknown): string {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(CloudError);
    return (error as Error).message;
  }
  throw new Error('expected a CloudError, but nothing was thrown');
}

describe('job options', () => {
  it.each([
    [{ type: 'x2' }, `type must be ${TYPES}, got "x2"`],
    [{ type: 1 }, `type must be ${TYPES}, got 1`],
    [{ cores: 0 }, 'cores must be a positive integer, got 0'],
    [{ cores: 1.5 }, 'cores must be a positive integer, got 1.5'],
    [{ cores: '2' }, 'cores must be a positive integer, got "2"'],
    [{ dependsOn: 0 }, 'dependsOn must be a jid (a positive integer), got 0'],
    [{ dependsOn: [1, -3] }, 'dependsOn[1] must be a jid (a positive integer), got -3'],
    [{ dependsOn: [2.5] }, 'dependsOn[0] must be a jid (a positive integer), got 2.5'],
    [{ dependsOnErrors: 'skip' }, "dependsOnErrors must be one of 'abort', 'ignore', got \"skip\""],
    [{ label: 7 }, 'label must be a string, got 7'],
    [{ maxRuntime: -5 }, 'maxRuntime must be a positive number of milliseconds, got -5'],
    [{ maxRuntime: 0 }, 'maxRuntime must be a positive number of milliseconds, got 0'],
    [{ maxRuntime: Infinity }, 'maxRuntime must be a positive number of milliseconds, got Infinity'],
    [{ priority: NaN }, 'priority must be a finite number, got NaN'],
    [{ priority: '1' }, 'priority must be a finite number, got "1"'],
    [{ restartable: 'yes' }, 'restartable must be true or false, got "yes"'],
  ])('refuses %o: the message names the option, the value and what is allowed', (options, message) => {
    expect(messageOf(() => checkJobOptions(options))).toBe(message);
  });

  it('accepts every option with a good value and returns a copy of them', () => {
    const options = {
      type: 'm1',
      cores: 2,
      dependsOn: [1, 2],
      dependsOnErrors: 'ignore',
      label: 'train',
      maxRuntime: 0.5,
      priority: -1.5,
      restartable: true,
    };
    const checked = checkJobOptions(options);
    expect(checked).toEqual(options);
    expect(checked).not.toBe(options);
    expect(checked.dependsOn).not.toBe(options.dependsOn);
  });

  it('accepts a single jid for dependsOn', () => {
    expect(checkJobOptions({ dependsOn: 3 })).toEqual({ dependsOn: 3 });
  });

  it('accepts an option set to undefined as not given', () => {
    expect(() => checkJobOptions({ type: undefined, priority: undefined })).not.toThrow();
  });

  it('accepts no options at all', () => {
    expect(checkJobOptions(undefined)).toEqual({});
  });

  it('refuses an unknown option, listing the known ones', () => {
    expect(messageOf(() => checkJobOptions({ attempts: 3 }))).toBe(
      "cloud.with options has no option 'attempts'; known options: type, cores, dependsOn, dependsOnErrors, label, maxRuntime, priority, restartable, retries, retryDelay, retryOn, env, signal, onDone, onError",
    );
  });

  it.each([
    [5, 'got 5'],
    [null, 'got null'],
    [[1], 'got an array of length 1'],
    ['c1', 'got "c1"'],
  ])('refuses options that are not an object: %o', (options, got) => {
    expect(messageOf(() => checkJobOptions(options))).toBe(`cloud.with options must be a plain object, ${got}`);
  });
});

describe('wait options', () => {
  it.each([
    [{ timeout: -1 }, 'timeout must be a number of milliseconds (0 or more), got -1'],
    [{ timeout: NaN }, 'timeout must be a number of milliseconds (0 or more), got NaN'],
    [{ timeout: '10' }, 'timeout must be a number of milliseconds (0 or more), got "10"'],
    [{ ignoreErrors: 1 }, 'ignoreErrors must be true or false, got 1'],
    [{ wait: true }, "wait options has no option 'wait'; known options: timeout, ignoreErrors, progress, signal"],
    [{ progress: 'yes' }, 'progress must be true or false, got "yes"'],
  ])('refuses %o', (options, message) => {
    expect(messageOf(() => checkWaitOptions(options))).toBe(message);
  });

  it('accepts a timeout of 0 and ignoreErrors', () => {
    expect(checkWaitOptions({ timeout: 0, ignoreErrors: true })).toEqual({ timeout: 0, ignoreErrors: true });
  });
});

describe('Cloud config', () => {
  it.each([
    [{ simulator: 1 }, 'simulator must be true or false, got 1'],
    [{ cores: 0 }, 'cores must be a positive integer, got 0'],
    [{ computeUnits: -2 }, 'computeUnits must be a positive number of compute units, got -2'],
    [{ memoryLimits: 300 }, 'memoryLimits must be a plain object, got 300'],
    [{ memoryLimits: { x1: 300 } }, `memoryLimits key must be ${TYPES}, got "x1"`],
    [{ memoryLimits: { c1: 0 } }, 'memoryLimits.c1 must be a positive number of MB, got 0'],
    [{ home: 42 }, 'home must be a string, got 42'],
    [
      { workers: 4 },
      "Cloud config has no option 'workers'; known options: simulator, cores, computeUnits, memoryLimits, s1Concurrency, isolation, maxRestarts, files, home, readOnly, redis, queue",
    ],
    [{ isolation: 'vm' }, "isolation must be one of 'process', 'thread', got \"vm\""],
    [{ maxRestarts: -1 }, 'maxRestarts must be a whole number (0 or more), got -1'],
    [{ s1Concurrency: 0 }, 's1Concurrency must be a positive integer, got 0'],
  ])('refuses %o', (config, message) => {
    expect(messageOf(() => checkConfig(config))).toBe(message);
  });

  it('accepts a full config', () => {
    const config = { simulator: true, cores: 4, computeUnits: 2.5, memoryLimits: { c1: 100, m1: 4_000 }, files: 'memory', home: '/tmp/nimbus' };
    expect(checkConfig(config)).toEqual(config);
  });
});

describe('jids', () => {
  it('accepts a positive integer', () => {
    expect(checkJid(7, 'status jid')).toBe(7);
  });

  it.each([
    [0, '0'],
    [-1, '-1'],
    [1.5, '1.5'],
    ['7', '"7"'],
    [undefined, 'undefined'],
    [2 ** 53, String(2 ** 53)],
  ])('refuses %o, naming where it was given', (value, shown) => {
    expect(messageOf(() => checkJid(value, 'status jid'))).toBe(`status jid must be a jid (a positive integer), got ${shown}`);
  });

  it('reads a single jid as single', () => {
    expect(checkJids(3, 'result jid')).toEqual({ jids: [3], single: true });
  });

  it('reads an array as a list, even of one jid', () => {
    expect(checkJids([3], 'result jid')).toEqual({ jids: [3], single: false });
  });

  it('reads any iterable as a list', () => {
    function* generate() {
      yield 4;
      yield 5;
    }
    expect(checkJids(new Set([1, 2]), 'join jid')).toEqual({ jids: [1, 2], single: false });
    expect(checkJids(generate(), 'join jid')).toEqual({ jids: [4, 5], single: false });
  });

  it('names the index of a bad jid in a list', () => {
    expect(messageOf(() => checkJids([1, 0], 'join jid'))).toBe('join jid[1] must be a jid (a positive integer), got 0');
    expect(messageOf(() => checkJids(new Set([1, 'x']), 'join jid'))).toBe('join jid[1] must be a jid (a positive integer), got "x"');
  });

  it('refuses a string rather than reading its characters', () => {
    expect(messageOf(() => checkJids('12', 'status jid'))).toBe('status jid must be a jid (a positive integer), got "12"');
  });
});

describe('resolveJobOptions', () => {
  it('fills in every default', () => {
    expect(resolveJobOptions({})).toEqual({
      type: 'c1',
      cores: 1,
      priority: DEFAULT_PRIORITY,
      label: undefined,
      dependsOn: [],
      dependsOnErrors: 'abort',
      maxRuntime: undefined,
      restartable: false,
    });
    expect(DEFAULT_PRIORITY).toBe(5);
  });

  it('keeps what was given', () => {
    expect(
      resolveJobOptions({
        type: 'm1',
        cores: 2,
        priority: 0,
        label: 'x',
        dependsOn: [1, 2],
        dependsOnErrors: 'ignore',
        maxRuntime: 10,
        restartable: true,
      }),
    ).toEqual({
      type: 'm1',
      cores: 2,
      priority: 0,
      label: 'x',
      dependsOn: [1, 2],
      dependsOnErrors: 'ignore',
      maxRuntime: 10,
      restartable: true,
    });
  });

  it('turns a single dependency into a list', () => {
    expect(resolveJobOptions({ dependsOn: 4 }).dependsOn).toEqual([4]);
  });

  it('copies the list of dependencies, so a later change to the caller’s array is not seen', () => {
    const dependsOn = [1];
    const resolved = resolveJobOptions({ dependsOn });
    dependsOn.push(2);
    expect(resolved.dependsOn).toEqual([1]);
  });
});

describe('configFromEnvironment', () => {
  it('is empty when no NIMBUS_* variable is set', () => {
    expect(configFromEnvironment({ PATH: '/bin' })).toEqual({});
  });

  it('reads every variable', () => {
    expect(configFromEnvironment({ NIMBUS_SIMULATOR: '1', NIMBUS_CORES: '4', NIMBUS_COMPUTE_UNITS: '7.5', NIMBUS_HOME: '/var/nimbus' })).toEqual({
      simulator: true,
      cores: 4,
      computeUnits: 7.5,
      home: '/var/nimbus',
    });
  });

  it.each([
    ['1', true],
    ['true', true],
    ['TRUE', true],
    ['yes', true],
    ['on', true],
    [' On ', true],
    ['0', false],
    ['false', false],
    ['No', false],
    ['off', false],
  ])('reads NIMBUS_SIMULATOR=%s as %s', (value, simulator) => {
    expect(configFromEnvironment({ NIMBUS_SIMULATOR: value })).toEqual({ simulator });
  });

  it('refuses a switch it cannot read instead of taking it for false', () => {
    expect(messageOf(() => configFromEnvironment({ NIMBUS_SIMULATOR: 'enabled' }))).toBe(
      'NIMBUS_SIMULATOR must be one of 1, true, yes, on (or 0, false, no, off), in any case, got "enabled"',
    );
  });

  it('ignores an empty variable', () => {
    expect(configFromEnvironment({ NIMBUS_CORES: '', NIMBUS_SIMULATOR: '' })).toEqual({});
  });

  it('refuses a value its option refuses', () => {
    expect(messageOf(() => configFromEnvironment({ NIMBUS_CORES: '0' }))).toBe('NIMBUS_CORES must be a positive integer, got "0"');
  });

  it('names the variable and the text it holds when it is not a number', () => {
    const message = messageOf(() => configFromEnvironment({ NIMBUS_CORES: 'four' }));
    expect(message).toContain('NIMBUS_CORES');
    expect(message).toContain('"four"');
  });
});

describe('limits the runtime can hold', () => {
  it.each([
    [{ memoryLimits: { c1: 0.5 } }, "memoryLimits.c1 must be a whole number of MB, at least 100 with isolation 'process', got 0.5"],
    [{ memoryLimits: { c1: 100.7 } }, "memoryLimits.c1 must be a whole number of MB, at least 100 with isolation 'process', got 100.7"],
    [{ memoryLimits: { m1: 99 } }, "memoryLimits.m1 must be a whole number of MB, at least 100 with isolation 'process', got 99"],
    [{ isolation: 'thread', memoryLimits: { c1: 31 } }, "memoryLimits.c1 must be a whole number of MB, at least 32 with isolation 'thread', got 31"],
    [{ memoryLimits: { c1: Infinity } }, 'memoryLimits.c1 must be a positive number of MB, got Infinity'],
  ])('refuses a memory limit V8 cannot take or a job cannot start under: %o', (config, message) => {
    expect(messageOf(() => checkConfig(config))).toBe(message);
  });

  it('accepts the minimum of each isolation', () => {
    expect(MIN_MEMORY_LIMIT_MB).toEqual({ process: 100, thread: 32 });
    expect(checkConfig({ memoryLimits: { c1: 100 } })).toEqual({ memoryLimits: { c1: 100 } });
    expect(checkConfig({ isolation: 'thread', memoryLimits: { c1: 32 } })).toEqual({ isolation: 'thread', memoryLimits: { c1: 32 } });
  });

  it('accepts delays up to Number.MAX_SAFE_INTEGER ms, and refuses longer ones', () => {
    expect(checkJobOptions({ maxRuntime: Number.MAX_SAFE_INTEGER })).toEqual({ maxRuntime: Number.MAX_SAFE_INTEGER });
    expect(checkWaitOptions({ timeout: 2 ** 31 })).toEqual({ timeout: 2 ** 31 });
    expect(messageOf(() => checkJobOptions({ maxRuntime: 2 ** 53 }))).toBe(
      'maxRuntime must be at most 9007199254740991 milliseconds (Number.MAX_SAFE_INTEGER), got 9007199254740992',
    );
    expect(messageOf(() => checkWaitOptions({ timeout: 1e300 }))).toBe(
      'timeout must be at most 9007199254740991 milliseconds (Number.MAX_SAFE_INTEGER), got 1e+300',
    );
  });
});

describe('options are read once', () => {
  it('job options: each getter read once, the first answer kept', () => {
    const options = twoFacedObject({ type: ['c2', 'zz'], cores: [2, 0], maxRuntime: [10, -5], priority: [1, NaN] });
    expect(checkJobOptions(options.value)).toEqual({ type: 'c2', cores: 2, maxRuntime: 10, priority: 1 });
    expect(options.reads).toEqual(eachReadOnce(options.reads));
  });

  it('job options in a Proxy: each trap answer read once', () => {
    const options = twoFacedProxy({ type: ['c2', 'zz'], label: ['x', 7] });
    expect(checkJobOptions(options.value)).toEqual({ type: 'c2', label: 'x' });
    expect(options.reads).toEqual(eachReadOnce(options.reads));
  });

  it('nested lists and objects are copied item by item, each read once', () => {
    const dependsOn = twoFacedList([
      [1, 0],
      [2, 'x'],
    ]);
    expect(checkJobOptions({ dependsOn: dependsOn.value })).toEqual({ dependsOn: [1, 2] });
    expect(dependsOn.reads).toEqual({ 0: 1, 1: 1 });
    const limits = twoFacedObject({ c1: [200, 0.5] });
    expect(checkConfig({ memoryLimits: limits.value })).toEqual({ memoryLimits: { c1: 200 } });
    expect(limits.reads).toEqual({ c1: 1 });
  });

  it('a Cloud config and wait options: each read once', () => {
    const config = twoFacedObject({ cores: [4, 0], isolation: ['thread', 'vm'] });
    expect(checkConfig(config.value)).toEqual({ cores: 4, isolation: 'thread' });
    expect(config.reads).toEqual(eachReadOnce(config.reads));
    const wait = twoFacedObject({ timeout: [5, -1], ignoreErrors: [true, 1], progress: [false, 'yes'] });
    expect(checkWaitOptions(wait.value)).toEqual({ timeout: 5, ignoreErrors: true, progress: false });
    expect(wait.reads).toEqual(eachReadOnce(wait.reads));
  });

  it('an option set to undefined is left out of the copy', () => {
    expect(checkJobOptions({ type: undefined, priority: 2 })).toEqual({ priority: 2 });
    expect(Object.keys(checkJobOptions({ type: undefined }))).toEqual([]);
  });

  it('a getter that throws is a CloudError naming the option', () => {
    const options = {
      get priority(): number {
        throw new TypeError('no priority today');
      },
    };
    expect(messageOf(() => checkJobOptions(options))).toBe('cloud.with options.priority could not be read: reading it threw TypeError: no priority today');
  });

  it('a Proxy whose traps throw is a CloudError', () => {
    const keysThrow = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys');
        },
      },
    );
    expect(messageOf(() => checkConfig(keysThrow))).toBe('Cloud config could not be read: reading it threw Error: no keys');
    const getThrows = new Proxy(
      { cores: 1 },
      {
        get() {
          throw new RangeError('no get');
        },
      },
    );
    expect(messageOf(() => checkConfig(getThrows))).toBe('Cloud config.cores could not be read: reading it threw RangeError: no get');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(messageOf(() => checkWaitOptions(proxy))).toBe('wait options must be a plain object, got a Proxy');
  });

  it('refuses objects that are not plain', () => {
    expect(messageOf(() => checkConfig(new Map()))).toBe('Cloud config must be a plain object, got a Map');
    expect(messageOf(() => checkConfig(new (class Config {})()))).toBe('Cloud config must be a plain object, got a Config');
    expect(checkConfig(Object.assign(Object.create(null) as object, { cores: 2 }))).toEqual({ cores: 2 });
  });
});

describe('info fields', () => {
  it('accepts known fields, in the order given', () => {
    expect(checkInfoFields(['status', 'jid'])).toEqual(['status', 'jid']);
    expect(checkInfoFields(undefined)).toBeUndefined();
  });

  it.each(['toString', 'constructor', '__proto__', 'valueOf'])('refuses %s, listing the known fields', (field) => {
    expect(messageOf(() => checkInfoFields(['jid', field]))).toBe(
      `info fields[1] must be one of 'jid', 'status', 'type', 'cores', 'priority', 'label', 'fn', 'created', 'started', 'finished', 'runtime', 'cputime', 'memory', 'memoryLimit', 'stdout', 'stderr', 'exception', 'dependsOn', 'attempts', 'worker', got ${JSON.stringify(field)}`,
    );
  });

  it('refuses fields that are not a list', () => {
    expect(messageOf(() => checkInfoFields('status'))).toMatch(/^info fields must be a list of field names \(jid, status, /);
  });
});
