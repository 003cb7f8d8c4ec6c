/** A worker's data cache as a specification: least recently used first out, bounded by bytes. */
import { describe, expect, it } from 'vitest';
import { DataCache, dataCacheBytes } from '../../../src/worker/data-cache.js';
import { partialFunction, threadFunction, wholeFunction } from '../../../src/wire/function-wire.js';
import type { ShippedFunction } from '../../../src/types/shipped-function.js';

describe('DataCache', () => {
  it('lets the least recently used entries go first, and tells which', () => {
    const evicted: string[] = [];
    const cache = new DataCache(100, (hash) => evicted.push(hash));
    cache.set('a', ['a'], 40);
    cache.set('b', ['b'], 40);
    expect(cache.get('a')).toEqual(['a']);
    cache.set('c', ['c'], 40);
    expect(evicted).toEqual(['b']);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.bytes).toBe(80);
  });

  it('keeps an entry bigger than the bound, alone', () => {
    const evicted: string[] = [];
    const cache = new DataCache(100, (hash) => evicted.push(hash));
    cache.set('a', ['a'], 40);
    cache.set('big', ['big'], 500);
    expect(evicted).toEqual(['a']);
    expect(cache.get('big')).toEqual(['big']);
  });

  it('is bounded by NIMBUS_DATA_CACHE_MB, else by a quarter of the heap limit up to 256 MB', () => {
    const MB = 1024 * 1024;
    expect(dataCacheBytes({ NIMBUS_DATA_CACHE_MB: '3' }, 4096 * MB)).toBe(3 * MB);
    expect(dataCacheBytes({}, 300 * MB)).toBe(75 * MB);
    expect(dataCacheBytes({}, 4096 * MB)).toBe(256 * MB);
    expect(dataCacheBytes({ NIMBUS_DATA_CACHE_MB: 'lots' }, 300 * MB)).toBe(75 * MB);
  });
});

describe('a function on the wire', () => {
  const shipped = (data: Uint8Array | undefined): ShippedFunction => ({ id: 'f', name: 'f', root: 0, nodes: [{ kind: 'primitive', value: 1 }], data });

  it('names its data by a hash of the bytes: equal bytes, equal hash; other bytes, another', () => {
    const one = wholeFunction(shipped(new Uint8Array([1, 2, 3])));
    expect(wholeFunction(shipped(new Uint8Array([1, 2, 3]))).data!.hash).toBe(one.data!.hash);
    expect(wholeFunction(shipped(new Uint8Array([1, 2, 4]))).data!.hash).not.toBe(one.data!.hash);
  });

  it('carries only what the worker lacks', () => {
    const fn = shipped(new Uint8Array([1, 2, 3]));
    expect(partialFunction(fn, true, true)).toMatchObject({ shape: undefined, data: { bytes: undefined } });
    expect(partialFunction(fn, true, false).data!.bytes).toBe(fn.data);
    expect(partialFunction(fn, false, true).shape).toBeDefined();
  });

  it('shares large data with threads, once per function', () => {
    const fn = shipped(new Uint8Array(256 * 1024));
    expect(threadFunction(fn).data!.bytes).toBeInstanceOf(SharedArrayBuffer);
    expect(threadFunction(fn)).toBe(threadFunction(fn));
    expect(threadFunction(shipped(new Uint8Array(10))).data!.bytes).toBeInstanceOf(Uint8Array);
  });
});
