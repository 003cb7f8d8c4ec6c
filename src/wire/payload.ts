/**
 * Values on their way to or from a job. Packing happens once, at the edge (at `call` for the
 * arguments, in the job for its result): it takes the snapshot, and it is where a value that
 * cannot cross a thread is refused, with the path to the part at fault. No depth of data
 * overflows the stack here: a value nested deeper than v8's serializer safely recurses travels
 * flattened (payload-graph), and every walk of ours loops instead of recursing.
 */
import { deserialize, serialize } from 'node:v8';
import { describeThrown, errors } from '../errors.js';
import type { Packed, PackedBytes, Primitive } from '../types/job-outcome.js';
import { flatten, rebuild, type Flattened } from './payload-graph.js';
import { clonedByV8, inspect } from './payload-inspection.js';

/**
 * The deepest value left to v8's own serializer, in levels of nesting. v8 recurses once per
 * level: on a main thread's stack it reads back about 1,900 levels of objects (3,200 of arrays),
 * fewer when called from deep in a stack; half of that is left as margin.
 */
export const NATIVE_MAX_DEPTH = 500;

/**
 * The first byte of a flattened value. v8's serialization always begins with its version tag,
 * 0xFF, so a packed value says by itself how to read it, wherever it was stored.
 */
const FLATTENED = 0x00;

/** Packs a value, or returns why it cannot travel (`{ unshippable }`). */
export function pack(value: unknown, path: string): Packed | { unshippable: string } {
  if (isPlainPrimitive(value)) return value;
  const inspection = inspect(value, path);
  if ('unshippable' in inspection) return inspection;
  if (inspection.depth <= NATIVE_MAX_DEPTH) {
    try {
      return { packed: serialize(value) };
    } catch {
      // Too deep for the stack left where we were called, or a getter that answered otherwise
      // this time: the flattened form may still carry it.
    }
  }
  try {
    return { packed: packFlattened(value) };
  } catch (thrown) {
    return { unshippable: `${path} cannot be cloned: ${describeThrown(thrown)}` };
  }
}

export function unpack(packed: Packed): unknown {
  if (packed === null || typeof packed !== 'object' || Array.isArray(packed)) return packed;
  const bytes = (packed as PackedBytes).packed;
  try {
    if (bytes[0] === FLATTENED) return rebuild(deserialize(bytes.subarray(1)) as Flattened);
    return deserialize(bytes);
  } catch (thrown) {
    throw errors.unreadableValue(describeThrown(thrown));
  }
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
  return value === null || type === 'number' || type === 'string' || type === 'boolean' || type === 'undefined' || type === 'bigint';
}

function packFlattened(value: object): Uint8Array {
  const body = serialize(flatten(value, clonedByV8));
  const bytes = new Uint8Array(body.length + 1);
  bytes[0] = FLATTENED;
  bytes.set(body, 1);
  return bytes;
}
