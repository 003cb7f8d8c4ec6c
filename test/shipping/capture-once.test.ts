/**
 * What a function captures is read once per function object, at the first call that ships it,
 * and travels inside the shipped function: rebuilt once per worker, shared by every job there.
 */
import { serialize } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { shipFunction } from '../../dist/shipping/ship-function.js';
import { BIG, readBig, snapshot } from '../fixtures/shipping/cases.mjs';
import { MODES, makeCloud } from '../support/clouds.js';

const BIG_BYTES = BIG.length * 4; // at least: small integers serialise in 1-5 bytes each

describe('the analysis, once per function object', () => {
  it('gives the same shipped function (same id, same captured bytes) for every call', () => {
    const first = shipFunction(readBig);
    expect(shipFunction(readBig)).toBe(first);
  });

  it('carries a captured array of 1e6 numbers once, whatever the number of jobs in a batch', () => {
    const shipped = shipFunction(readBig);
    expect(shipped.data!.byteLength).toBeGreaterThan(BIG_BYTES / 2);
    // A batch message holds its function once, next to each job's arguments.
    const batch = { fn: shipped, jids: Array.from({ length: 1000 }, (_, i) => i + 1), args: Array.from({ length: 1000 }, (_, i) => [i]) };
    expect(serialize(batch).byteLength).toBeLessThan(shipped.data!.byteLength + 100_000);
  });
});

describe.each(MODES)('captured values at run time (%s)', (mode) => {
  const cloud = makeCloud(mode);
  afterAll(() => cloud.close());

  it('rebuilds the captured array once per worker: every job of a map sees the same copy', async () => {
    const indexes = Array.from({ length: 200 }, (_, i) => i * 1000);
    const results = await cloud.result(await cloud.map(readBig as (i: number) => [number, number], indexes));
    expect(results.map(([value]) => value)).toEqual(indexes);
    expect(new Set(results.map(([, copies]) => copies))).toEqual(new Set([1]));
  });

  it('reads values at the first call of a function object: later changes are not seen by it', async () => {
    const { read, bump, freshReader, current } = snapshot;
    const first = await cloud.result(await cloud.call(read));
    bump();
    expect(current()).not.toBe(first);
    expect(await cloud.result(await cloud.call(read))).toBe(first);
    expect(await cloud.result(await cloud.call(freshReader()))).toBe(current());
  });
});
