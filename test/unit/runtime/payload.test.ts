import { describe, expect, it } from 'vitest';
import { isUnshippable, pack, packArguments, unpack } from '../../../src/runtime/payload.js';
import type { Packed } from '../../../src/types/job-outcome.js';

const FUNCTION_REASON = '(functions cannot be sent as values; pass data, or call a function inside the job)';

/** Packs a value that can travel, or fails the test with the reason it cannot. */
function packed(value: unknown, path = 'value'): Packed {
  const result = pack(value, path);
  if (isUnshippable(result)) throw new Error(`expected ${path} to pack, but ${result.unshippable}`);
  return result;
}

function roundTrip(value: unknown): unknown {
  return unpack(packed(value));
}

/** The reason packing the arguments fails, or undefined when they pack. */
function refusal(args: unknown[]): string | undefined {
  const result = packArguments(args);
  return isUnshippable(result) ? result.unshippable : undefined;
}

describe('primitives', () => {
  it.each([42, -0, NaN, 'text', '', true, false, null, undefined, 10n])('travel as they are: %s', (value) => {
    expect(Object.is(pack(value, 'value'), value)).toBe(true);
    expect(Object.is(unpack(value as Packed), value)).toBe(true);
  });

  it('travel as a plain list when every argument is one', () => {
    const args = [1, 'a', null, undefined, true, 2n];
    const result = packArguments(args);
    expect(Array.isArray(result)).toBe(true);
    expect(result).toEqual(args);
    expect(unpack(result as Packed)).toEqual(args);
  });

  it('travel as an empty list when there are no arguments', () => {
    expect(packArguments([])).toEqual([]);
  });
});

describe('structured values', () => {
  it('pack into bytes once, and unpack to an equal value', () => {
    const value = { name: 'x', nested: { list: [1, 2, { deep: true }] }, missing: undefined };
    const result = packed(value);
    expect(result).toHaveProperty('packed');
    expect((result as { packed: unknown }).packed).toBeInstanceOf(Uint8Array);
    expect(unpack(result)).toEqual(value);
  });

  it('keep Maps, Sets and Dates', () => {
    const value = { map: new Map<unknown, unknown>([['a', 1], [2, { b: 3 }]]), set: new Set([1, 'two']), when: new Date(86_400_000) };
    const back = roundTrip(value) as typeof value;
    expect(back.map).toBeInstanceOf(Map);
    expect(back.map).toEqual(value.map);
    expect(back.set).toEqual(value.set);
    expect(back.when).toBeInstanceOf(Date);
    expect(back.when.getTime()).toBe(86_400_000);
  });

  it('keep typed arrays and Buffers with their type', () => {
    const back = roundTrip([new Float64Array([1.5, -2]), new Int32Array([7]), Buffer.from('hi')]) as unknown[];
    expect(back[0]).toBeInstanceOf(Float64Array);
    expect([...(back[0] as Float64Array)]).toEqual([1.5, -2]);
    expect(back[1]).toBeInstanceOf(Int32Array);
    expect(Buffer.isBuffer(back[2])).toBe(true);
    expect((back[2] as Buffer).toString()).toBe('hi');
  });

  it('keep BigInts and special numbers inside objects', () => {
    expect(roundTrip({ big: 2n ** 80n, nan: NaN, inf: -Infinity })).toEqual({ big: 2n ** 80n, nan: NaN, inf: -Infinity });
  });

  it('keep cycles', () => {
    const value: { self?: unknown } = {};
    value.self = value;
    const back = roundTrip(value) as { self: unknown };
    expect(back.self).toBe(back);
  });

  it('are a snapshot: a change after packing is not seen', () => {
    const value = { count: 1 };
    const result = packed(value);
    value.count = 2;
    expect(unpack(result)).toEqual({ count: 1 });
  });

  it('unpack to a new copy each time', () => {
    const result = packed({ list: [1] });
    expect(unpack(result)).not.toBe(unpack(result));
  });

  it('pack a mixed argument list as one blob that unpacks to the list', () => {
    const args = [1, { a: [2] }, new Map([[3, 4]])];
    const result = packArguments(args);
    expect(result).toHaveProperty('packed');
    expect(unpack(result as Packed)).toEqual(args);
  });
});

describe('what cannot be shipped', () => {
  it('names the path to a function nested in an object', () => {
    expect(refusal([1, { handler: () => 0 }])).toBe(`args[1].handler is a function handler ${FUNCTION_REASON}`);
  });

  it('names the path through arrays and Maps', () => {
    const callback = function onTick() {};
    expect(refusal([[0, [1, callback]]])).toBe(`args[0][1][1] is a function onTick ${FUNCTION_REASON}`);
    expect(refusal([new Map([['key', { run: callback }]])])).toBe(`args[0].get("key").run is a function onTick ${FUNCTION_REASON}`);
  });

  it('names a function passed as an argument itself', () => {
    expect(refusal([(x: number) => x])).toBe(`args[0] is a function (anonymous) ${FUNCTION_REASON}`);
  });

  it('names a symbol', () => {
    expect(refusal(['ok', Symbol('token')])).toBe('args[1] is Symbol(token) (symbols cannot be cloned)');
  });

  it('names a symbol deep in an object', () => {
    expect(refusal([{ meta: { id: Symbol.iterator } }])).toBe('args[0].meta.id is Symbol(Symbol.iterator) (symbols cannot be cloned)');
  });

  it('names process.stdout itself, as the object of a class it is', () => {
    expect(refusal([process.stdout])).toMatch(/^args\[0\] is a \w+ \(an object of a class that holds functions or a native handle cannot be sent; pass the data it holds\)$/);
  });

  it('says when a host object cannot be cloned at all', () => {
    expect(refusal([{ cache: new WeakMap() }])).toBe('args[0].cache is a WeakMap (it holds a native handle or a host object that cannot be cloned)');
  });

  it('names the path given for a job result', () => {
    expect(pack({ then: () => 0 }, 'result')).toEqual({ unshippable: `result.then is a function then ${FUNCTION_REASON}` });
  });

  it('is told apart from a packed value', () => {
    expect(isUnshippable(pack(() => 0, 'value'))).toBe(true);
    expect(isUnshippable(pack({ a: 1 }, 'value'))).toBe(false);
    expect(isUnshippable(pack(null, 'value'))).toBe(false);
    expect(isUnshippable(packArguments([1, 2]))).toBe(false);
  });
});
