import { Cloud, CloudError, CloudException } from '@nimbus-js/nimbus';
import { afterAll, describe, expect, it } from 'vitest';

/** What a user reads when they get something slightly wrong: plain English, with the fix named. */
describe('error messages read as English and name the fix', () => {
  const cloud = new Cloud({ cores: 1, isolation: 'thread' });
  afterAll(() => cloud.close());

  it('says "an" before a vowel sound and "a" before a consonant', () => {
    expect(() => cloud.with({ label: new AbortController() as unknown as string })).toThrow('label must be a string, got an AbortController');
    expect(() => cloud.with({ label: new URL('http://example.com') as unknown as string })).toThrow('label must be a string, got a URL');
    expect(() => cloud.with({ label: new Map() as unknown as string })).toThrow('label must be a string, got a Map');
  });

  it('hints at a missing await when a Promise is given where a value belongs', async () => {
    const pending = cloud.call(() => 1);
    const error = await cloud.status(pending as unknown as number).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudError);
    expect((error as CloudError).message).toBe('status jid must be a jid (a positive integer), got a Promise (did you forget an `await`?)');
    await cloud.result(await pending);
  });

  it('a map without an iterable says what a map call looks like', async () => {
    const error = await (cloud.map as (fn: () => number) => Promise<number[]>)(() => 1).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_NOT_ITERABLE', message: 'map needs at least one iterable after the function, as in map(fn, [1, 2, 3])' });
  });

  it('a URL returned by a job is refused by name, never silently turned into {}', async () => {
    const jid = await cloud.call(() => ({ links: [new URL('http://example.com/a')] }));
    const error = await cloud.result(jid).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudException);
    expect((error as CloudException).message).toContain('result.links[0] is a URL (its state is private to its class, so it would arrive as an empty object');
  });

  it('a URLSearchParams argument is refused at call time', async () => {
    const error = await cloud.call((params: URLSearchParams) => String(params), new URLSearchParams('a=1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudError);
    expect((error as CloudError).message).toContain('args[0] is a URLSearchParams (its state is private to its class');
  });

  it('a job past its maxRuntime is named once, by the prefix', async () => {
    const jid = await cloud.with({ maxRuntime: 50 }).call(() => new Promise(() => {}));
    const error = await cloud.result(jid).catch((e: unknown) => e);
    expect((error as CloudException).message).toBe(`Job ${jid}: exceeded its maxRuntime of 50 ms and was stopped`);
  });
});
