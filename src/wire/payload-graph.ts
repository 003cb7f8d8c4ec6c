/**
 * A value too deep for v8's serializer, which recurses once per level and overflows the stack
 * (a 2,000-node linked list fails to deserialize on a main thread, 5,000 nested arrays fail to
 * serialize): flattened into a list of shallow nodes, each object once, its children named by
 * index. Building and rebuilding loop over that list, so any depth round-trips, with shared
 * parts and cycles kept. Only the parts v8 clones whole (dates, binary data, errors) are left to v8.
 */
import { isMap, isSet } from 'node:util/types';

/** What a node is. */
const enum Kind {
  Object,
  Array,
  Map,
  Set,
  Whole,
}

/**
 * A flattened value, in a few long columns that v8 writes in bulk, none of them nested. Node 0
 * is the value itself. Each node has `sizes[node]` slots, in order in `slots`: for an object or
 * an array, one per own key (in `keys`, in the same order); for a Map, its keys and values in
 * turn; for a Set, its members. A slot holds a primitive as it is or, where `refs` says so, the
 * index of another node.
 */
export interface Flattened {
  readonly kinds: Uint8Array;
  readonly sizes: Uint32Array;
  /** The length of each array node, in node order. */
  readonly lengths: number[];
  readonly keys: string[];
  readonly slots: unknown[];
  readonly refs: Uint8Array;
  /** Each value v8 clones whole (a Date, a Buffer, an Error), in node order. */
  readonly wholes: unknown[];
}

/** Flattens an object; `clonedWhole` tells the values left to v8 as they are. */
export function flatten(root: object, clonedWhole: (value: object) => boolean): Flattened {
  const ids = new Map<object, number>([[root, 0]]);
  const objects: object[] = [root];
  const kinds: number[] = [];
  const sizes: number[] = [];
  const lengths: number[] = [];
  const keys: string[] = [];
  const slots: unknown[] = [];
  const refs: number[] = [];
  const slot = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) {
      slots.push(value);
      refs.push(0);
      return;
    }
    let id = ids.get(value);
    if (id === undefined) {
      id = objects.push(value) - 1;
      ids.set(value, id);
    }
    slots.push(id);
    refs.push(1);
  };
  const wholes: unknown[] = [];
  // `objects` grows as nodes name new children: a breadth-first walk, no recursion.
  for (let id = 0; id < objects.length; id++) {
    const value = objects[id]!;
    const before = slots.length;
    if (Array.isArray(value)) {
      kinds.push(Kind.Array);
      lengths.push(value.length);
      for (const key of Object.keys(value)) {
        keys.push(key);
        slot((value as unknown as Record<string, unknown>)[key]);
      }
    } else if (isMap(value)) {
      kinds.push(Kind.Map);
      for (const [k, v] of Map.prototype.entries.call(value) as Iterable<[unknown, unknown]>) {
        slot(k);
        slot(v);
      }
    } else if (isSet(value)) {
      kinds.push(Kind.Set);
      for (const member of Set.prototype.values.call(value) as Iterable<unknown>) slot(member);
    } else if (clonedWhole(value)) {
      kinds.push(Kind.Whole);
      wholes.push(value);
    } else {
      kinds.push(Kind.Object);
      for (const key of Object.keys(value)) {
        keys.push(key);
        slot((value as Record<string, unknown>)[key]);
      }
    }
    sizes.push(slots.length - before);
  }
  return {
    kinds: Uint8Array.from(kinds),
    sizes: Uint32Array.from(sizes),
    lengths,
    keys,
    slots,
    refs: Uint8Array.from(refs),
    wholes,
  };
}

/** Rebuilds a flattened value: every object made empty first, then filled, so cycles close. */
export function rebuild(flat: Flattened): unknown {
  const { kinds, sizes, lengths, keys, slots, refs, wholes } = flat;
  const made = new Array<unknown>(kinds.length);
  let nextLength = 0;
  let nextWhole = 0;
  for (let id = 0; id < kinds.length; id++) {
    switch (kinds[id] as Kind) {
      case Kind.Object:
        made[id] = {};
        break;
      case Kind.Array:
        made[id] = new Array(lengths[nextLength++]);
        break;
      case Kind.Map:
        made[id] = new Map();
        break;
      case Kind.Set:
        made[id] = new Set();
        break;
      case Kind.Whole:
        made[id] = wholes[nextWhole++];
        break;
    }
  }
  let s = 0;
  let k = 0;
  const next = (): unknown => {
    const value = refs[s] === 1 ? made[slots[s] as number] : slots[s];
    s++;
    return value;
  };
  for (let id = 0; id < kinds.length; id++) {
    const size = sizes[id]!;
    const target = made[id];
    switch (kinds[id] as Kind) {
      case Kind.Object:
      case Kind.Array:
        for (let j = 0; j < size; j++) setOwn(target as Record<string, unknown>, keys[k++]!, next());
        break;
      case Kind.Map:
        for (let j = 0; j < size; j += 2) (target as Map<unknown, unknown>).set(next(), next());
        break;
      case Kind.Set:
        for (let j = 0; j < size; j++) (target as Set<unknown>).add(next());
        break;
      case Kind.Whole:
        break;
    }
  }
  return made[0];
}

/** `__proto__` is an own property of the value, as a clone keeps it, not the object's prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
