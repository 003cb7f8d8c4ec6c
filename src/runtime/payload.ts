/**
 * Values on their way to or from a job. Packing happens once, at the edge (at `call` for the
 * arguments, in the job for its result): it takes the snapshot, and it is where a value that
 * cannot cross a thread is refused, with the path to the part at fault.
 */
import { deserialize, serialize } from 'node:v8';
import { show } from '../errors.js';
import type { Packed, PackedBytes, Primitive } from '../types/job-outcome.js';

/** Packs a value, or returns why it cannot travel (`{ unshippable }`). */
export function pack(value: unknown, path: string): Packed | { unshippable: string } {
  if (isPlainPrimitive(value)) return value;
  try {
    return { packed: serialize(value) };
  } catch {
    return { unshippable: describeUnshippable(value, path) };
  }
}

export function unpack(packed: Packed): unknown {
  if (packed === null || typeof packed !== 'object' || Array.isArray(packed)) return packed;
  return deserialize((packed as PackedBytes).packed);
}

/** Packs an argument list: a list of primitives travels as it is, anything else as one blob. */
export function packArguments(args: readonly unknown[]): Packed | { unshippable: string } {
  for (const arg of args) {
    if (!isPlainPrimitive(arg)) return pack(args, 'args');
  }
  return args as readonly Primitive[];
}

export function isUnshippable(packed: Packed | { unshippable: string }): packed is { unshippable: string } {
  return packed !== null && typeof packed === 'object' && 'unshippable' in packed;
}

function isPlainPrimitive(value: unknown): value is Primitive {
  const type = typeof value;
  return value === null || type === 'number' || type === 'string' || type === 'boolean'
    || type === 'undefined' || type === 'bigint';
}

/** Walks into a value that failed to serialise to name the innermost part at fault. */
function describeUnshippable(value: unknown, path: string): string {
  const seen = new Set<unknown>();
  const culprit = findCulprit(value, path, seen);
  return `${culprit.path} is ${show(culprit.value)}${culprit.why}`;
}

interface Culprit { path: string; value: unknown; why: string }

/** Plain data whose failure lies in what it holds, not in what it is. */
const CONTAINERS = new Set<unknown>([Object.prototype, Array.prototype, Map.prototype, Set.prototype, null]);

function findCulprit(value: unknown, path: string, seen: Set<unknown>): Culprit {
  if (typeof value === 'function') return { path, value, why: ' (functions cannot be sent as values; pass data, or call a function inside the job)' };
  if (typeof value === 'symbol') return { path, value, why: ' (symbols cannot be cloned)' };
  if (value === null || typeof value !== 'object' || seen.has(value)) return { path, value, why: '' };
  // An instance of a class (a Socket, a stream, a client) is the culprit itself, not some
  // listener deep inside it: it is what the user passed.
  if (!CONTAINERS.has(Object.getPrototypeOf(value)) && !isBuiltIn(value)) {
    return { path, value, why: ' (an object of a class that holds functions or a native handle cannot be sent; pass the data it holds)' };
  }
  seen.add(value);
  for (const [key, child] of childrenOf(value)) {
    if (canSerialize(child)) continue;
    return findCulprit(child, `${path}${key}`, seen);
  }
  return { path, value, why: ' (it holds a native handle or a host object that cannot be cloned)' };
}

/** Made by the engine or Node itself (a WeakMap, a Promise), not by a JavaScript class. */
function isBuiltIn(value: object): boolean {
  const constructor = (value as { constructor?: unknown }).constructor;
  return typeof constructor === 'function' && Function.prototype.toString.call(constructor).endsWith('{ [native code] }');
}

function* childrenOf(value: object): Iterable<[string, unknown]> {
  if (value instanceof Map) {
    for (const [k, v] of value) yield [`.get(${show(k)})`, v];
  } else if (value instanceof Set) {
    for (const v of value) yield ['[set member]', v];
  } else {
    for (const key of Object.keys(value)) {
      yield [Array.isArray(value) ? `[${key}]` : `.${key}`, (value as Record<string, unknown>)[key]];
    }
  }
}

function canSerialize(value: unknown): boolean {
  if (isPlainPrimitive(value)) return true;
  try {
    serialize(value);
    return true;
  } catch {
    return false;
  }
}
