import type { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../bench/seeded-random.js';
import { FrameChannel } from '../../../src/wire/frame-channel.js';
import { FRAME_HEAD_BYTES, decodeFrame, encodeFrame } from '../../../src/wire/frame-codec.js';

const TUPLE_FORMAT = 0;
const V8_FORMAT = 1;

function crossed(message: unknown): unknown {
  return decodeFrame(encodeFrame(message));
}

function formatOf(message: unknown): number {
  return encodeFrame(message)[4]!;
}

describe('a frame', () => {
  it('carries every value of a tuple exactly, in the tuple format', () => {
    const lone = String.fromCharCode(0xd800);
    const tuple = [
      undefined,
      null,
      true,
      false,
      0,
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.MIN_VALUE,
      2 ** 53 + 2,
      12345678901234567890n,
      -7n,
      '',
      'plain text',
      'Grüße, ÿ',
      'naïve 日本語 🙂',
      `a lone surrogate ${lone} stays`,
      [],
      [1, [2, [3, 'four']]],
      new Float64Array([1.5, -0, Number.NaN, 2 ** 60]),
      new Uint8Array([0, 1, 255]),
      Buffer.from('bytes'),
      { packed: new Uint8Array([9, 8]) },
      { name: 'Error', message: 'boom', nested: { depth: [1] } },
    ];
    expect(formatOf(tuple)).toBe(TUPLE_FORMAT);
    const back = crossed(tuple) as unknown[];
    expect(back).toEqual(tuple);
    expect(Object.is(back[5], -0)).toBe(true);
    expect(back[16]).toBe(tuple[16]);
    expect(back[19]).toBeInstanceOf(Float64Array);
    expect(Object.is((back[19] as Float64Array)[1], -0)).toBe(true);
    expect((back[20] as Uint8Array).constructor).toBe(Uint8Array);
    expect(Buffer.isBuffer(back[21])).toBe(true);
  });

  it('a tuple holding what that format does not carry exactly goes in v8 format, and arrives as v8 carries it', () => {
    const shared = { same: true };
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    let deep: unknown[] = ['bottom'];
    for (let i = 0; i < 40; i++) deep = [deep];
    // eslint-disable-next-line no-sparse-arrays
    const holey = [1, , 3];
    const cases: unknown[][] = [
      [new Date(5)],
      [new Map([[1, 2]])],
      [new Error('thrown')],
      [new Int32Array([1, 2])],
      [holey],
      [Object.create(null) as object],
      cyclic,
      deep,
    ];
    for (const tuple of cases) {
      expect(formatOf(tuple)).toBe(V8_FORMAT);
      expect(crossed(tuple)).toEqual(tuple);
    }
    const holeBack = crossed([holey]) as unknown[][];
    expect(1 in holeBack[0]!).toBe(false);
    // Two references to one object: v8 keeps them one (the tuple format would copy it).
    const twice = crossed([shared, shared]) as unknown[];
    expect(twice[0]).toEqual(shared);
    const cycleBack = crossed(cyclic) as unknown[];
    expect(cycleBack[0]).toBe(cycleBack);
  });

  it("keeps an object's own key '__proto__' a key, its prototype untouched", () => {
    const env = JSON.parse('{"__proto__": "p", "constructor": "c"}') as Record<string, string>;
    const back = (crossed([env]) as Record<string, string>[])[0]!;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(['__proto__', 'constructor']);
    expect(back['__proto__']).toBe('p');
    expect(back['constructor']).toBe('c');
  });

  it('a message that is not an array goes in v8 format', () => {
    const message = { kind: 'nested', data: new Map([['a', new Set([1])]]) };
    expect(formatOf(message)).toBe(V8_FORMAT);
    expect(crossed(message)).toEqual(message);
    expect(crossed('text')).toBe('text');
  });

  it('a tuple larger than the writer starts with is carried whole', () => {
    const big = ['x'.repeat(100_000), new Float64Array(50_000).fill(3), Array.from({ length: 5000 }, (_, i) => `item ${i}`)];
    expect(formatOf(big)).toBe(TUPLE_FORMAT);
    expect(crossed(big)).toEqual(big);
    // The next frame is written in the writer's own buffer again, and is not the one before it.
    expect(crossed([1])).toEqual([1]);
  });
});

const SPECIAL_NUMBERS = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_VALUE, Number.MIN_VALUE, -1.5, 2 ** 53];
const TEXTS = ['', 'a', 'ÿ', 'Ā', '日本', '🙂', String.fromCharCode(0xdc00), 'x'.repeat(300)];

/** A value of the kinds nimbus's tuples hold, `depth` levels deep at most. */
function randomValue(random: () => number, depth: number): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const kind = Math.floor(random() * (depth > 0 ? 11 : 8));
  switch (kind) {
    case 0:
      return pick([undefined, null, true, false]);
    case 1:
      return pick(SPECIAL_NUMBERS);
    case 2:
      return (random() - 0.5) * 10 ** Math.floor(random() * 20);
    case 3:
      return BigInt(Math.floor((random() - 0.5) * 2 ** 40)) * 1000003n;
    case 4:
      return pick(TEXTS) + pick(TEXTS);
    case 5:
      return Float64Array.from({ length: Math.floor(random() * 5) }, () => pick(SPECIAL_NUMBERS));
    case 6:
      return Uint8Array.from({ length: Math.floor(random() * 5) }, () => Math.floor(random() * 256));
    case 7:
      return Buffer.from(pick(TEXTS));
    case 8:
    case 9:
      return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth - 1));
    default:
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 3) }, (_, i) => [`${pick(TEXTS)}${i}`, randomValue(random, depth - 1)]));
  }
}

describe('a frame, against v8', () => {
  it('reads back 2,000 random tuples as v8 reads them back', () => {
    const random = seededRandom(14);
    for (let i = 0; i < 2000; i++) {
      const tuple = Array.from({ length: 1 + Math.floor(random() * 6) }, () => randomValue(random, 3));
      expect(formatOf(tuple)).toBe(TUPLE_FORMAT);
      const back = crossed(tuple);
      expect(back).toEqual(deserialize(serialize(tuple)));
      expect(back).toEqual(tuple);
    }
  });
});

/** A channel whose socket is a PassThrough: what is written to it comes back as its own data. */
function loopback(): { channel: FrameChannel; stream: PassThrough; received: unknown[]; closed: () => boolean } {
  const stream = new PassThrough();
  const received: unknown[] = [];
  let closed = false;
  const channel = new FrameChannel(
    stream as unknown as Socket,
    (message) => received.push(message),
    () => (closed = true),
  );
  return { channel, stream, received, closed: () => closed };
}

describe('a frame channel', () => {
  const messages: unknown[] = [[1, 'one', [1.5]], { kind: 'fetch', id: 'f' }, ['two', new Float64Array(3000).fill(2)], [undefined]];
  const bytes = Buffer.concat(messages.map(encodeFrame));

  it('tells each message once and in order, however the bytes are cut into chunks', async () => {
    for (const size of [1, 2, 5, 6, 7, 13, 1000, 4096, bytes.length]) {
      const { stream, received } = loopback();
      for (let at = 0; at < bytes.length; at += size) stream.write(bytes.subarray(at, at + size));
      await new Promise((resolve) => setImmediate(resolve));
      expect(received, `chunks of ${size}`).toEqual(messages);
    }
  });

  it('sends what it is given as frames, and tells once it was written', async () => {
    const { channel, received } = loopback();
    const written = new Promise<void>((resolve) => channel.send(['first'], resolve));
    channel.send(['second']);
    await written;
    await new Promise((resolve) => setImmediate(resolve));
    expect(received).toEqual([['first'], ['second']]);
  });

  it('closes on bytes that are not a frame, and tells nothing of them', async () => {
    for (const garbage of [Buffer.from('garbage written by a job\n'), Buffer.from([5, 0, 0, 0, 0, 99, 1, 2, 3, 4]), Buffer.from([2, 0, 0, 0, 1, 0])]) {
      const { stream, received, closed, channel } = loopback();
      stream.write(encodeFrame(['before']));
      stream.write(garbage);
      stream.write(encodeFrame(['after']));
      await new Promise((resolve) => setImmediate(resolve));
      expect(received).toEqual([['before']]);
      expect(closed()).toBe(true);
      expect(channel.closed).toBe(true);
      // Nothing is written to a closed channel, and nothing throws.
      channel.send(['ignored']);
    }
  });

  it('a frame head says its length, its format and its first byte', () => {
    const frame = encodeFrame([1]);
    expect(frame.readUInt32LE(0)).toBe(frame.length - 4);
    expect(frame.length).toBeGreaterThan(FRAME_HEAD_BYTES);
  });
});
