/**
 * A job that throws, or returns, a value that throws as it is read (a getter, a Proxy trap,
 * `toString`) ends only that job, 'error', with a message that says what happened; the main
 * process goes on and so do later jobs. The simulator runs these in the main thread itself.
 */
import { CloudException, type Cloud, type Jid } from '@nimbus-js/nimbus';
import { afterAll, describe, expect, it } from 'vitest';
import { MODES, makeCloud } from '../support/clouds.js';

/** Enough for a trivial job even on a loaded machine; a hung simulator never answers at all. */
const ANSWER_WITHIN_MS = 15_000;

/** Each shape, as a job (shipped by its source: everything it needs is inside it) and what its error must say. */
const SHAPES: { name: string; job: () => unknown; remoteName: string; message: RegExp }[] = [
  {
    name: 'an object whose message getter throws',
    job: () => {
      throw {
        get message(): string {
          throw 1;
        },
      };
    },
    remoteName: 'Error',
    message: /^a non-Error value was thrown: \[object Object\]$/,
  },
  {
    name: 'an Error subclass whose stack getter throws',
    job: () => {
      class Unstackable extends Error {
        constructor() {
          super('no stack here');
          Object.defineProperty(this, 'stack', {
            get() {
              throw new Error('stack denied');
            },
          });
        }
      }
      throw new Unstackable();
    },
    remoteName: 'Error',
    message: /^no stack here$/,
  },
  {
    name: 'an Error whose name and message getters throw',
    job: () => {
      const error = new TypeError('unused');
      Object.defineProperty(error, 'name', {
        get() {
          throw 1;
        },
      });
      Object.defineProperty(error, 'message', {
        get() {
          throw 2;
        },
      });
      throw error;
    },
    remoteName: 'Error',
    message: /^an Error was thrown whose message cannot be read$/,
  },
  {
    name: 'a Proxy that throws on every trap',
    job: () => {
      const refuse = () => {
        throw new Error('trap');
      };
      throw new Proxy({}, { get: refuse, has: refuse, ownKeys: refuse, getPrototypeOf: refuse, getOwnPropertyDescriptor: refuse });
    },
    remoteName: 'Error',
    message: /^a non-Error value was thrown: an object that cannot be turned into text$/,
  },
  {
    name: 'an object with no prototype',
    job: () => {
      throw Object.create(null);
    },
    remoteName: 'Error',
    message: /^a non-Error value was thrown: an object with no prototype$/,
  },
  {
    name: 'an object whose toString throws',
    job: () => {
      throw {
        toString() {
          throw new Error('no text');
        },
      };
    },
    remoteName: 'Error',
    message: /^a non-Error value was thrown: an object that cannot be turned into text$/,
  },
  {
    name: 'a Symbol',
    job: () => {
      throw Symbol('odd');
    },
    remoteName: 'Error',
    message: /^a non-Error value was thrown: Symbol\(odd\)$/,
  },
  {
    name: 'a returned object with a throwing getter',
    job: () => ({
      get answer(): number {
        throw new RangeError('getter refused');
      },
    }),
    remoteName: 'CloudError',
    message: /^the job's return value cannot be sent back: .*getter refused/,
  },
];

describe.each(MODES)('values that throw when read (%s)', (mode) => {
  const cloud = makeCloud(mode);
  afterAll(() => cloud.close());

  it.each(SHAPES)('$name ends only its job, as an error, and a later job still runs', async ({ job, remoteName, message }) => {
    const jid = await cloud.call(job);
    const later = await cloud.call((x: number) => x + 1, 41);
    const failure = await failureOf(cloud, jid);
    expect(failure.status).toBe('error');
    expect(failure.remoteName).toBe(remoteName);
    expect(failure.remoteMessage).toMatch(message);
    expect(await cloud.result(later, { timeout: ANSWER_WITHIN_MS })).toBe(42);
  });

  it('a batch of such jobs ends each of them alone, and its good jobs keep their values', async () => {
    const jids = await cloud.map(
      (i: number) => {
        if (i % 3 === 1) throw Object.create(null);
        if (i % 3 === 2)
          return {
            get x(): number {
              throw new Error('no');
            },
          };
        return i * 10;
      },
      [0, 1, 2, 3, 4, 5],
    );
    // join rejects once a job failed; each job's status is asked afterwards, when all have ended.
    await cloud.join(jids, { timeout: ANSWER_WITHIN_MS }).catch(() => undefined);
    await Promise.all(jids.map((jid) => cloud.join(jid, { timeout: ANSWER_WITHIN_MS }).catch(() => undefined)));
    expect(await cloud.status(jids)).toEqual(['done', 'error', 'error', 'done', 'error', 'error']);
    expect(await cloud.result([jids[0]!, jids[3]!])).toEqual([0, 30]);
  });
});

async function failureOf(cloud: Cloud, jid: Jid): Promise<CloudException> {
  const outcome = await cloud.result(jid, { timeout: ANSWER_WITHIN_MS }).then(
    (value) => ({ value }),
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(CloudException);
  return outcome as CloudException;
}
