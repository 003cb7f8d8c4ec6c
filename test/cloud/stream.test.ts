import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cloud, CloudError, CloudException } from '@nimbus-js/nimbus';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { MODES, makeCloud } from '../support/clouds.js';

/** Reads a stream to its end: the values, then what ended it (undefined when it ended done). */
async function drain(values: AsyncIterable<unknown>): Promise<{ seen: unknown[]; error: unknown }> {
  const seen: unknown[] = [];
  try {
    for await (const value of values) seen.push(value);
  } catch (error) {
    return { seen, error };
  }
  return { seen, error: undefined };
}

describe.each(MODES)('stream (%s)', (mode) => {
  const cloud = makeCloud(mode);
  const single = makeCloud(mode, { cores: 1, computeUnits: 1 });
  afterAll(() => Promise.all([cloud.close(), single.close()]));

  it('yields an async generator’s values as they come, while the job still runs', async () => {
    // The job yields, then waits for a file the test writes once it has seen the first values.
    const ticking = async function* (gate: string) {
      const { existsSync } = process.getBuiltinModule('node:fs');
      yield 'first';
      yield { second: [2] };
      while (!existsSync(gate)) await new Promise((resolve) => setTimeout(resolve, 5));
      yield 'after the gate';
    };
    const gate = join(mkdtempSync(join(tmpdir(), 'nimbus-stream-')), 'gate');
    const jid = await cloud.call(ticking, gate);
    const seen: unknown[] = [];
    for await (const value of cloud.stream(jid)) {
      seen.push(value);
      if (seen.length === 2) {
        expect(await cloud.status(jid)).toBe('processing');
        writeFileSync(gate, '');
      }
    }
    expect(seen).toEqual(['first', { second: [2] }, 'after the gate']);
    expect(await cloud.result(jid)).toEqual(seen);
  });

  it('a stream opened late sees every value from the start', async () => {
    const counting = function* (n: number) {
      for (let i = 0; i < n; i++) yield i;
    };
    const jid = await cloud.call(counting, 1000);
    // A generator's jid is typed by the array of its yields; its stream, by what it yields.
    expectTypeOf(cloud.stream(jid)).toEqualTypeOf<AsyncGenerator<number, void, undefined>>();
    await cloud.join(jid);
    const { seen } = await drain(cloud.stream(jid));
    expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    // Twice, and a generator that yields nothing.
    expect((await drain(cloud.stream(jid))).seen).toHaveLength(1000);
    const none = await cloud.call(counting, 0);
    expect(await drain(cloud.stream(none))).toEqual({ seen: [], error: undefined });
  });

  it('a generator that throws ends its stream with its CloudException, after its values', async () => {
    const failing = function* () {
      yield 1;
      yield 2;
      throw new RangeError('out of values');
    };
    const jid = await cloud.call(failing);
    const { seen, error } = await drain(cloud.stream(jid));
    expect(seen).toEqual([1, 2]);
    expect(error).toBeInstanceOf(CloudException);
    expect((error as CloudException).remoteMessage).toBe('out of values');
  });

  it('a killed generator ends its stream with the kill', async () => {
    // Bounded: the simulator cannot stop a job's code, only stop listening to it.
    const endless = async function* () {
      for (let i = 0; i < 300; i++) {
        yield i;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const jid = await cloud.call(endless);
    const seen: unknown[] = [];
    let error: unknown;
    try {
      for await (const value of cloud.stream(jid)) {
        seen.push(value);
        if (seen.length === 3) await cloud.kill(jid);
      }
    } catch (e) {
      error = e;
    }
    expect(seen.slice(0, 3)).toEqual([0, 1, 2]);
    expect(error).toBeInstanceOf(CloudException);
    expect((error as CloudException).status).toBe('killed');
  });

  it('a job streams the values of a job it started, giving up its slot meanwhile', async () => {
    // One slot: the parent holds it until it reads, so the child runs only if the parent gives it up.
    // Inside the job, `cloud` (a client captured) is the job's own client of the same runtime.
    const parent = async () => {
      const child = await cloud.call(function* () {
        yield 'a';
        yield 'b';
      });
      const seen: string[] = [];
      for await (const value of cloud.stream(child)) seen.push(value);
      return seen;
    };
    const jid = await single.call(parent);
    expect(await single.result(jid)).toEqual(['a', 'b']);
  });

  it('the stream of a job that is not a generator throws ERR_NOT_GENERATOR once it is done', async () => {
    const jid = await cloud.call(() => [1, 2, 3]);
    const { seen, error } = await drain(cloud.stream(jid));
    expect(seen).toEqual([]);
    expect(error).toBeInstanceOf(CloudError);
    expect((error as CloudError).code).toBe('ERR_NOT_GENERATOR');
    expect(await drain(cloud.stream(424242))).toMatchObject({ error: { code: 'ERR_UNKNOWN_JID' } });
  });
});

describe('stream (a home)', () => {
  const cloud = new Cloud({ home: mkdtempSync(join(tmpdir(), 'nimbus-home-')), cores: 1 });
  afterAll(() => cloud.close());

  it('streams by the home’s jids, and ends a failed job with its jid', async () => {
    await cloud.call(() => 'a first job, so that jids and the runtime’s ids differ');
    const failing = function* () {
      yield 'one';
      throw new Error('two');
    };
    const jid = await cloud.call(failing);
    const { seen, error } = await drain(cloud.stream(jid));
    expect(seen).toEqual(['one']);
    expect((error as CloudException).jid).toBe(jid);
  });
});
