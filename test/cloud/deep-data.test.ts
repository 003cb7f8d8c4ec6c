import { CloudError, CloudException } from '@nimbus-js/nimbus';
import { afterAll, describe, expect, it } from 'vitest';
import { MODES, makeCloud } from '../support/clouds.js';

/** A linked list of `length` nodes, `{ value, next }`, built without recursion. */
interface ListNode {
  value: number;
  next: ListNode | null;
}
const LIST_NODES = 2_000;
/** Nested arrays: `[[[...]]]`, `depth` levels. */
const ARRAY_DEPTH = 5_000;
/** Far deeper than any stack: only a walk that never recurses carries it. */
const VERY_DEEP = 100_000;

function linkedList(length: number): ListNode | null {
  let head: ListNode | null = null;
  for (let i = length; i > 0; i--) head = { value: i, next: head };
  return head;
}

function nestedArray(depth: number): unknown[] {
  let inner: unknown[] = [];
  for (let i = 1; i < depth; i++) inner = [inner];
  return inner;
}

/** The sum of a list's values and its length, walked in a loop. */
function listSummary(head: ListNode | null): { length: number; sum: number } {
  let length = 0;
  let sum = 0;
  for (let node = head; node !== null; node = node.next) {
    length++;
    sum += node.value;
  }
  return { length, sum };
}

function arrayDepth(value: unknown): number {
  let depth = 0;
  for (let at = value; Array.isArray(at); at = at[0]) depth++;
  return depth;
}

describe.each(MODES)('deep data round-trips, as an argument and as a result (%s)', (mode) => {
  const cloud = makeCloud(mode);
  afterAll(() => cloud.close());

  it(`a ${LIST_NODES}-node linked list as an argument`, async () => {
    const jid = await cloud.call((head: ListNode | null) => {
      let length = 0;
      for (let node = head; node !== null; node = node.next) length++;
      return length;
    }, linkedList(LIST_NODES));
    expect(await cloud.result(jid)).toBe(LIST_NODES);
  });

  it(`a ${ARRAY_DEPTH}-deep nested array as an argument`, async () => {
    const jid = await cloud.call((nested: unknown) => {
      let depth = 0;
      for (let at = nested; Array.isArray(at); at = at[0]) depth++;
      return depth;
    }, nestedArray(ARRAY_DEPTH));
    expect(await cloud.result(jid)).toBe(ARRAY_DEPTH);
  });

  it(`a ${LIST_NODES}-node linked list as a result, read as often as asked`, async () => {
    const jid = await cloud.call((length: number) => {
      let head: { value: number; next: unknown } | null = null;
      for (let i = length; i > 0; i--) head = { value: i, next: head };
      return head;
    }, LIST_NODES);
    const expected = { length: LIST_NODES, sum: (LIST_NODES * (LIST_NODES + 1)) / 2 };
    expect(listSummary((await cloud.result(jid)) as ListNode)).toEqual(expected);
    expect(listSummary((await cloud.result(jid)) as ListNode)).toEqual(expected);
    expect(await cloud.status(jid)).toBe('done');
  });

  it(`a ${ARRAY_DEPTH}-deep nested array as a result`, async () => {
    const jid = await cloud.call((depth: number) => {
      let inner: unknown[] = [];
      for (let i = 1; i < depth; i++) inner = [inner];
      return inner;
    }, ARRAY_DEPTH);
    expect(arrayDepth(await cloud.result(jid))).toBe(ARRAY_DEPTH);
  });

  it(`a ${VERY_DEEP}-node list goes there and back, with a cycle and shared parts kept`, async () => {
    const head = linkedList(VERY_DEEP)!;
    const shared = { tag: 'shared' };
    const jid = await cloud.call(
      (list: ListNode & { shared: object }, both: object) => {
        let last: ListNode = list;
        while (last.next !== null) last = last.next;
        // The last node points back at the head, and carries the object passed twice.
        (last as { next: unknown }).next = list;
        (last as { same?: boolean }).same = list.shared === both;
        return list;
      },
      Object.assign(head, { shared }),
      shared,
    );
    const back = (await cloud.result(jid)) as ListNode;
    let last: ListNode = back;
    let length = 1;
    while (last.next !== back) {
      last = last.next!;
      length++;
    }
    expect(length).toBe(VERY_DEEP);
    expect((last as { same?: boolean }).same).toBe(true);
  });
});

describe.each(MODES)('parts of an argument that cannot travel are named (%s)', (mode) => {
  const cloud = makeCloud(mode);
  afterAll(() => cloud.close());

  const refusal = async (attempt: Promise<unknown>): Promise<string> => {
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CloudError);
    return (error as CloudError).message;
  };

  it('a getter that throws', async () => {
    const value = {
      a: {
        get b(): number {
          throw new TypeError('not today');
        },
      },
    };
    expect(await refusal(cloud.call((v: unknown) => v, value))).toBe(
      'an argument of call cannot be sent to a job: args[0].a.b could not be read: reading it threw TypeError: not today',
    );
  });

  it('a Proxy, whatever its traps do', async () => {
    const trap = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    expect(await refusal(cloud.call((v: unknown) => v, { list: [1, trap] }))).toBe(
      'an argument of call cannot be sent to a job: args[0].list[1] is a Proxy (a Proxy cannot be cloned; pass the plain data it stands for)',
    );
  });

  it('a symbol-keyed property', async () => {
    const tag = Symbol('tag');
    expect(await refusal(cloud.call((v: unknown) => v, { meta: { [tag]: 1, kept: 2 } }))).toBe(
      'an argument of call cannot be sent to a job: args[0].meta[Symbol(tag)] is keyed by a symbol (symbols cannot be cloned, as values or as keys: a copy would drop it)',
    );
  });

  it('a function at the end of a deep list, with its path', async () => {
    const head = linkedList(10_000)!;
    let last = head;
    while (last.next !== null) last = last.next;
    (last as { run?: () => void }).run = function onDone() {};
    const message = await refusal(cloud.map((v: unknown) => v, [1, head]));
    expect(
      message.startsWith('map item 1 cannot be sent to a job: args[0]' + '.next'.repeat(9_999) + '.run is a function onDone (functions cannot be sent'),
    ).toBe(true);
  });

  it('a result with a getter that throws, or a symbol key, ends the job error, saying where', async () => {
    const throwing = await cloud.call(() => ({
      deep: {
        get secret(): string {
          throw new Error('sealed');
        },
      },
    }));
    const error = (await cloud.result(throwing).catch((e: unknown) => e)) as CloudException;
    expect(error).toBeInstanceOf(CloudException);
    expect(error.message).toBe(
      `Job ${throwing}: the job's return value cannot be sent back: result.deep.secret could not be read: reading it threw Error: sealed`,
    );
    const keyed = await cloud.call(() => ({ [Symbol.for('id')]: 1 }));
    const keyedError = (await cloud.result(keyed).catch((e: unknown) => e)) as CloudException;
    expect(keyedError.message).toBe(
      `Job ${keyed}: the job's return value cannot be sent back: result[Symbol(id)] is keyed by a symbol (symbols cannot be cloned, as values or as keys: a copy would drop it)`,
    );
  });
});
