/**
 * The shipping case table (modelled on cloudpickle's tests): every kind of function a user
 * writes, shipped from a real ES module (test/fixtures/shipping, loaded by Node, not by vitest's
 * transform), run as a job, in both modes. And what cannot ship: refused at `call`, naming the
 * variable.
 */
import { CloudError, CloudException } from '@nimbus-js/nimbus';
import { afterAll, describe, expect, it } from 'vitest';
import { addonRefusal, closedSocket, refusals } from '../fixtures/shipping/refusals.mjs';
import { cases } from '../fixtures/shipping/cases.mjs';
import { MODES, makeCloud } from '../support/clouds.js';

interface Case {
  fn: (...args: unknown[]) => unknown;
  args: unknown[];
  expected?: unknown;
  error?: { name: string; message?: string };
}
interface Refused {
  fn: (...args: unknown[]) => unknown;
  message: string;
}

afterAll(() => closedSocket());

describe.each(MODES)('what ships (%s)', (mode) => {
  const cloud = makeCloud(mode);
  afterAll(() => cloud.close());

  it.each(Object.entries(cases as Record<string, Case>))('%s', async (_, { fn, args, expected, error }) => {
    const jid = await cloud.call(fn, ...args);
    if (!error) {
      expect(await cloud.result(jid)).toEqual(expected);
      return;
    }
    const failure = await cloud.result(jid).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(CloudException);
    expect((failure as CloudException).remoteName).toBe(error.name);
    if (error.message) expect((failure as CloudException).remoteMessage).toBe(error.message);
  });
});

describe.each(MODES)('what is refused at call, naming the variable (%s)', (mode) => {
  const cloud = makeCloud(mode);
  afterAll(() => cloud.close());

  const refusalOf = async (fn: (...args: unknown[]) => unknown): Promise<string> => {
    const error = await cloud.call(fn).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CloudError);
    return (error as Error).message;
  };

  it.each(Object.entries(refusals as Record<string, Refused>))('%s', async (_, { fn, message }) => {
    expect(await refusalOf(fn)).toContain(message);
  });

  it('a closure over process.stdout says it is an object of a class with a native handle', async () => {
    const message = await refusalOf((refusals as Record<string, Refused>)['a closure over process.stdout']!.fn);
    expect(message).toMatch(/^cannot ship function fn: 'out' is a \w+, an object of a class: .*native handle/);
  });

  // @napi-rs/nice comes with piscina where a prebuilt binary exists for the platform.
  it.runIf(addonRefusal)('a closure over a function of a native addon (@napi-rs/nice)', async () => {
    expect(await refusalOf((addonRefusal as Refused).fn)).toContain((addonRefusal as Refused).message);
  });

  it('refuses again on every call, the same way', async () => {
    const { fn, message } = (refusals as Record<string, Refused>)['a closure over a socket']!;
    expect(await refusalOf(fn)).toContain(message);
    expect(await refusalOf(fn)).toContain(message);
  });
});
