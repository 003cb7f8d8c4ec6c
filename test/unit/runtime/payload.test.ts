import { describe, expect, it } from 'vitest';
import { CloudError } from '../../../src/errors.js';
import { NATIVE_MAX_DEPTH, isUnshippable, pack, packArguments, unpack } from '../../../src/wire/payload.js';
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
    const value = {
      map: new Map<unknown, unknown>([
        ['a', 1],
        [2, { b: 3 }],
      ]),
      set: new Set([1, 'two']),
      when: new Date(86_400_000),
    };
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
    expect(refusal([process.stdout])).toMatch(
      /^args\[0\] is a \w+ \(an object of a class that holds functions or a native handle cannot be sent; pass the data it holds\)$/,
    );
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

interface Link {
  value: number;
  next: Link | null;
}

function linkedList(length: number): Link | null {
  let head: Link | null = null;
  for (let i = length; i > 0; i--) head = { value: i, next: head };
  return head;
}

function nested(depth: number): unknown[] {
  let inner: unknown[] = [];
  for (let i = 1; i < depth; i++) inner = [inner];
  return inner;
}

/** The first byte of a packed value: v8's version tag (0xFF), or the flattened form's mark. */
function firstByte(value: unknown): number {
  return (packed(value) as { packed: Uint8Array }).packed[0]!;
}

describe('deep values', () => {
  it('are left to v8 up to NATIVE_MAX_DEPTH levels, and flattened past it', () => {
    expect(firstByte(nested(NATIVE_MAX_DEPTH))).toBe(0xff);
    expect(firstByte(nested(NATIVE_MAX_DEPTH + 1))).toBe(0x00);
  });

  it.each([2_000, 5_000, 200_000])(
    'a %i-node linked list round-trips',
    (length) => {
      let node = roundTrip(linkedList(length)) as Link | null;
      // One expect for the whole list: an expect per node cost about a second at 200,000 nodes.
      let firstWrong: number | undefined;
      for (let i = 1; i <= length && firstWrong === undefined; i++, node = node?.next ?? null) if (node?.value !== i) firstWrong = i;
      expect(firstWrong).toBeUndefined();
      expect(node).toBeNull();
      // 200,000 nodes flattened and rebuilt take seconds of CPU: the bound leaves a loaded machine room.
    },
    60_000,
  );

  it('a 100,000-deep nested array round-trips', () => {
    let depth = 0;
    for (let at = roundTrip(nested(100_000)); Array.isArray(at); at = at[0]) depth++;
    expect(depth).toBe(100_000);
  });

  it('deep chains of Maps and Sets round-trip', () => {
    let map = new Map<string, unknown>([['end', true]]);
    let set = new Set<unknown>(['end']);
    for (let i = 0; i < 3_000; i++) {
      map = new Map<string, unknown>([
        ['next', map],
        ['i', i],
      ]);
      set = new Set<unknown>([set, i]);
    }
    let mapDepth = 0;
    for (let at = roundTrip(map) as Map<string, unknown>; at.has('next'); at = at.get('next') as Map<string, unknown>) mapDepth++;
    expect(mapDepth).toBe(3_000);
    let setDepth = 0;
    for (let at = roundTrip(set) as Set<unknown>; !at.has('end'); at = [...at][0] as Set<unknown>) setDepth++;
    expect(setDepth).toBe(3_000);
  });

  it('keep cycles, shared parts, holes, extra array properties, own __proto__ keys, dates and binary data', () => {
    const shared = { tag: 'shared', when: new Date(5), bytes: new Float64Array([1.5]) };
    const head = linkedList(1_000)!;
    let last = head;
    while (last.next !== null) last = last.next;
    // eslint-disable-next-line no-sparse-arrays -- a hole is the case under test
    const holey: unknown[] = [1, , 3];
    (holey as unknown as Record<string, unknown>).extra = 'kept';
    const protoKeyed = JSON.parse('{"__proto__": {"polluted": true}}') as object;
    Object.assign(last, { back: head, shared, again: shared, holey, protoKeyed, big: 2n ** 70n, nothing: undefined });
    const back = roundTrip(head) as Link;
    let end = back;
    while (end.next !== null) end = end.next;
    const tail = end as unknown as Record<string, unknown>;
    expect(tail.back).toBe(back);
    expect(tail.shared).toBe(tail.again);
    expect(tail.shared).toEqual({ tag: 'shared', when: new Date(5), bytes: new Float64Array([1.5]) });
    expect((tail.shared as { when: Date }).when).toBeInstanceOf(Date);
    expect((tail.shared as { bytes: Float64Array }).bytes).toBeInstanceOf(Float64Array);
    const holeyBack = tail.holey as unknown[];
    expect(holeyBack.length).toBe(3);
    expect(1 in holeyBack).toBe(false);
    expect((holeyBack as unknown as Record<string, unknown>).extra).toBe('kept');
    expect(Object.getPrototypeOf(tail.protoKeyed)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(tail.protoKeyed, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(tail.big).toBe(2n ** 70n);
    expect('nothing' in tail).toBe(true);
  });

  it('name the path to a function deep inside', () => {
    const head = linkedList(20_000)!;
    let last = head;
    while (last.next !== null) last = last.next;
    (last as unknown as Record<string, unknown>).run = function onDone() {};
    expect(pack(head, 'result')).toEqual({ unshippable: `result${'.next'.repeat(19_999)}.run is a function onDone ${FUNCTION_REASON}` });
  });
});

describe('parts that would be lost or throw', () => {
  it('a getter that throws is named with its path', () => {
    const value = {
      a: [
        0,
        {
          get b(): number {
            throw new TypeError('no b');
          },
        },
      ],
    };
    expect(refusal([value])).toBe('args[0].a[1].b could not be read: reading it threw TypeError: no b');
  });

  it('an item getter that throws is named with its index', () => {
    const list = [1, 2];
    Object.defineProperty(list, 1, {
      get() {
        throw new Error('no item');
      },
      enumerable: true,
    });
    expect(refusal([list])).toBe('args[0][1] could not be read: reading it threw Error: no item');
  });

  it('a Proxy is refused without running its traps', () => {
    let trapped = 0;
    const proxy = new Proxy(
      { a: 1 },
      {
        get() {
          trapped++;
          throw new Error('trap');
        },
        ownKeys() {
          trapped++;
          throw new Error('trap');
        },
        getPrototypeOf() {
          trapped++;
          throw new Error('trap');
        },
      },
    );
    expect(refusal([{ inner: proxy }])).toBe('args[0].inner is a Proxy (a Proxy cannot be cloned; pass the plain data it stands for)');
    expect(refusal([proxy])).toBe('args[0] is a Proxy (a Proxy cannot be cloned; pass the plain data it stands for)');
    expect(trapped).toBe(0);
  });

  it('a revoked Proxy is refused the same way', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(pack(proxy, 'result')).toEqual({ unshippable: 'result is a Proxy (a Proxy cannot be cloned; pass the plain data it stands for)' });
  });

  it('an enumerable symbol-keyed property is refused, not dropped', () => {
    expect(refusal([{ meta: { [Symbol('tag')]: 1 } }])).toBe(
      'args[0].meta[Symbol(tag)] is keyed by a symbol (symbols cannot be cloned, as values or as keys: a copy would drop it)',
    );
  });

  it('a non-enumerable symbol-keyed property is left behind, as non-enumerable properties are', () => {
    const value = { kept: 1 };
    Object.defineProperty(value, Symbol('hidden'), { value: 2, enumerable: false });
    expect(roundTrip(value)).toEqual({ kept: 1 });
  });

  it('a getter whose error cannot even be shown is still refused, never thrown', () => {
    const hostile = {
      get x(): number {
        throw Object.assign(Object.create(null) as object, { toString: undefined });
      },
    };
    expect(refusal([hostile])).toBe('args[0].x could not be read: reading it threw an object');
  });

  it('bytes that cannot be read back are a CloudError', () => {
    expect(() => unpack({ packed: new Uint8Array([0xff, 0x0f, 0x6f, 0x22]) })).toThrow(CloudError);
    expect(() => unpack({ packed: new Uint8Array([0x00, 0x01]) })).toThrow(CloudError);
  });
});
