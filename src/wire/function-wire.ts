/**
 * The host's side of wire-function.ts: a shipped function's shape and its data's hash, made once
 * per ShippedFunction object (a WeakMap, as shipping itself), so that no batch pays for hashing.
 * Large data is also put in shared memory once, for threads: a SharedArrayBuffer crosses to a
 * thread without a copy, and the thread decodes it once (its cache keeps the values). A worker
 * process is given large data as a file it reads itself (runtime/process/data-files.ts).
 */
import { createHash } from 'node:crypto';
import type { ShippedFunction } from '../types/shipped-function.js';
import type { DataFile, FunctionShape, WireData, WireFunction } from '../types/wire-function.js';

/**
 * Data up to this size rides along with every batch to a thread (copying it costs less than a
 * microsecond per KB), and through the channel to a process; larger data goes in shared memory,
 * or in a file for a process.
 */
const SHARED_FROM_BYTES = 64 * 1024;

interface Parts {
  readonly shape: FunctionShape;
  /** The data with its bytes copied, or undefined when there is none. */
  readonly data: WireData | undefined;
  /** The whole function, its data copied: what a process is sent first, or fetches. */
  readonly whole: WireFunction;
  /** The function by reference only: for a worker that was sent all of it. */
  readonly reference: WireFunction;
  /** The whole function for a thread: its data shared when large. Made on first use. */
  forThreads?: WireFunction;
}

const parts = new WeakMap<ShippedFunction, Parts>();

function partsOf(fn: ShippedFunction): Parts {
  let found = parts.get(fn);
  if (!found) {
    const shape: FunctionShape = { name: fn.name, root: fn.root, nodes: fn.nodes };
    const data: WireData | undefined = fn.data && { hash: hashOf(fn.data), size: fn.data.byteLength, bytes: fn.data };
    const reference = { id: fn.id, shape: undefined, data: data && { ...data, bytes: undefined } };
    found = { shape, data, whole: { id: fn.id, shape, data }, reference };
    parts.set(fn, found);
  }
  return found;
}

/** The whole of `fn`, its data copied. */
export function wholeFunction(fn: ShippedFunction): WireFunction {
  return partsOf(fn).whole;
}

/**
 * `fn` for a worker that was sent some of it: its shape unless `hasShape`, its data's bytes unless
 * `hasData` (the hash always: it names the entry the worker should have).
 */
export function partialFunction(fn: ShippedFunction, hasShape: boolean, hasData: boolean): WireFunction {
  const { shape, data, whole, reference } = partsOf(fn);
  if (!hasShape && !hasData) return whole;
  if (hasShape && (hasData || !data)) return reference;
  return { id: fn.id, shape: hasShape ? undefined : shape, data: data && hasData ? { ...data, bytes: undefined } : data };
}

/** The hash a worker caches `fn`'s data under; undefined when it has none. */
export function dataHashOf(fn: ShippedFunction): string | undefined {
  return partsOf(fn).data?.hash;
}

/** Whether `wire` carries its data's bytes, and they are large enough to go by file to a process. */
export function carriesLargeData(wire: WireFunction): boolean {
  return wire.data?.bytes !== undefined && wire.data.size >= SHARED_FROM_BYTES;
}

/** `wire` with its data's bytes left in `file` instead. */
export function withDataFile(wire: WireFunction, file: DataFile): WireFunction {
  return { id: wire.id, shape: wire.shape, data: { ...wire.data!, bytes: undefined, file } };
}

/** `fn` for a thread, whole (what a thread is sent first, or fetches): its large data shared. */
export function threadFunction(fn: ShippedFunction): WireFunction {
  const found = partsOf(fn);
  if (!found.forThreads) {
    const { data, whole } = found;
    found.forThreads = data && data.size >= SHARED_FROM_BYTES ? { ...whole, data: { ...data, bytes: sharedCopy(fn.data!) } } : whole;
  }
  return found.forThreads;
}

function hashOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function sharedCopy(bytes: Uint8Array): SharedArrayBuffer {
  const shared = new SharedArrayBuffer(bytes.byteLength);
  new Uint8Array(shared).set(bytes);
  return shared;
}
