/**
 * The frames a worker process and its host exchange on their data channel (frame-channel.ts):
 * each is a 4-byte length, a format byte, then the message. A batch and its outcomes (the tuples
 * of process-tuples.ts, every lone job's two messages) are written in nimbus's own tuple format;
 * anything else, and any tuple holding a value that format does not carry exactly, in v8's.
 *
 * Why a format of our own: v8's serializer, which Node's 'advanced' IPC runs for every message,
 * is a native object made, written and thrown away per message, each way, and that cost a lone
 * job's trip more than everything nimbus does for it (bench/README.md, "Eighth pass"). The
 * tuples hold few kinds of values, which a loop over a Buffer writes and reads back exactly: no
 * message-pack library says when it would not (an Error, a Map, a shared object).
 */
import { deserialize, serialize } from 'node:v8';

/** Bytes before a frame's message: its length (of what follows), then its format. */
export const FRAME_HEAD_BYTES = 5;
const TUPLE_FORMAT = 0;
const V8_FORMAT = 1;

const UNDEFINED = 0;
const NULL = 1;
const FALSE = 2;
const TRUE = 3;
const NUMBER = 4;
/** A string whose every character fits a byte, written one byte each. */
const LATIN1 = 5;
/** Any other string, two bytes per UTF-16 unit: a lone surrogate reads back as it was. */
const UTF16 = 6;
const ARRAY = 7;
const FLOAT64_ARRAY = 8;
const UINT8_ARRAY = 9;
const BUFFER = 10;
const BIGINT = 11;
/** An object whose prototype is Object.prototype, with its own enumerable keys. */
const PLAIN_OBJECT = 12;

/**
 * Deeper than this the tuple format gives up, and v8's is used: nimbus's tuples are a few levels
 * deep, and a cycle (which v8 writes as a reference) never ends.
 */
const MAX_DEPTH = 32;
const WIDE_CHARACTER = /[\u0100-\uffff]/;

/** A value the tuple format does not write exactly: the frame is written in v8's instead. */
class NotATuple extends Error {}
const NOT_A_TUPLE = new NotATuple();

/** The frame of `message`: in the tuple format when it is an array that format carries exactly. */
export function encodeFrame(message: unknown): Buffer {
  if (Array.isArray(message)) {
    try {
      return new TupleWriter().frame(message);
    } catch (error) {
      if (!(error instanceof NotATuple)) throw error;
    }
  }
  const body = serialize(message);
  const frame = Buffer.allocUnsafe(FRAME_HEAD_BYTES + body.length);
  frame.writeUInt32LE(body.length + 1, 0);
  frame[4] = V8_FORMAT;
  body.copy(frame, FRAME_HEAD_BYTES);
  return frame;
}

/** Reads a frame's message: `frame` holds the frame whole, from its head on. */
export function decodeFrame(frame: Buffer): unknown {
  if (frame[4] === V8_FORMAT) return deserialize(frame.subarray(FRAME_HEAD_BYTES));
  return new TupleReader(frame, FRAME_HEAD_BYTES).value();
}

/** Bytes of a frame that say whether it is one (frameLength): its head and its message's first byte. */
export const FRAME_CHECK_BYTES = FRAME_HEAD_BYTES + 1;
/** What every message of a format begins with: the tuple format's array tag; v8's version tag. */
const FIRST_BYTE = [ARRAY, 0xff];

/**
 * How many bytes the frame at `offset` takes in all, its head included, from its first
 * FRAME_CHECK_BYTES; -1 when they are not a frame's (job code wrote on the descriptor): its
 * format is unknown, or its message does not begin as that format's do. Text read as a length
 * would have had the reader wait for gigabytes that never come.
 */
export function frameLength(bytes: Buffer, offset: number): number {
  const format = bytes[offset + 4]!;
  if (format >= FIRST_BYTE.length || bytes[offset + FRAME_HEAD_BYTES] !== FIRST_BYTE[format]) return -1;
  return 4 + bytes.readUInt32LE(offset);
}

/**
 * Writes one message into a buffer that grows as it fills. Its scratch is copied out at the end,
 * a frame of its exact length: the socket may hold a frame after write() returns.
 */
class TupleWriter {
  static #scratch = Buffer.allocUnsafe(4096);
  #buffer = TupleWriter.#scratch;
  #at = FRAME_HEAD_BYTES;

  frame(message: readonly unknown[]): Buffer {
    this.#value(message, 0);
    const frame = Buffer.allocUnsafe(this.#at);
    this.#buffer.copy(frame, 0, 0, this.#at);
    frame.writeUInt32LE(this.#at - 4, 0);
    frame[4] = TUPLE_FORMAT;
    return frame;
  }

  #value(value: unknown, depth: number): void {
    switch (typeof value) {
      case 'number':
        this.#room(9);
        this.#buffer[this.#at] = NUMBER;
        this.#buffer.writeDoubleLE(value, this.#at + 1);
        this.#at += 9;
        return;
      case 'string':
        return this.#string(value);
      case 'boolean':
        return this.#tag(value ? TRUE : FALSE);
      case 'undefined':
        return this.#tag(UNDEFINED);
      case 'bigint':
        this.#tag(BIGINT);
        return this.#string(value.toString());
      case 'object':
        if (value === null) return this.#tag(NULL);
        if (depth >= MAX_DEPTH) throw NOT_A_TUPLE;
        return this.#object(value, depth + 1);
      default:
        throw NOT_A_TUPLE;
    }
  }

  #object(value: object, depth: number): void {
    if (Array.isArray(value)) return this.#array(value, depth);
    if (value instanceof Float64Array && value.constructor === Float64Array) return this.#bytes(FLOAT64_ARRAY, value);
    if (value instanceof Uint8Array) {
      if (value.constructor === Uint8Array) return this.#bytes(UINT8_ARRAY, value);
      if (value.constructor === Buffer) return this.#bytes(BUFFER, value);
      throw NOT_A_TUPLE;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype) throw NOT_A_TUPLE;
    const keys = Object.keys(value);
    this.#count(PLAIN_OBJECT, keys.length);
    for (const key of keys) {
      this.#string(key);
      this.#value((value as Record<string, unknown>)[key], depth);
    }
  }

  #array(list: readonly unknown[], depth: number): void {
    this.#count(ARRAY, list.length);
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      // A hole reads as undefined here; v8's format keeps it a hole.
      if (item === undefined && !(i in list)) throw NOT_A_TUPLE;
      this.#value(item, depth);
    }
  }

  #string(text: string): void {
    const wide = WIDE_CHARACTER.test(text);
    const bytes = wide ? text.length * 2 : text.length;
    this.#count(wide ? UTF16 : LATIN1, bytes);
    this.#room(bytes);
    this.#at += this.#buffer.write(text, this.#at, bytes, wide ? 'utf16le' : 'latin1');
  }

  #bytes(tag: number, view: Float64Array | Uint8Array): void {
    this.#count(tag, view.length);
    this.#room(view.byteLength);
    this.#buffer.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), this.#at);
    this.#at += view.byteLength;
  }

  #count(tag: number, count: number): void {
    this.#room(5);
    this.#buffer[this.#at] = tag;
    this.#buffer.writeUInt32LE(count, this.#at + 1);
    this.#at += 5;
  }

  #tag(tag: number): void {
    this.#room(1);
    this.#buffer[this.#at++] = tag;
  }

  /** Makes room for `bytes` more; a message larger than the shared scratch gets its own. */
  #room(bytes: number): void {
    if (this.#at + bytes <= this.#buffer.length) return;
    const larger = Buffer.allocUnsafe(Math.max(2 * this.#buffer.length, this.#at + bytes));
    this.#buffer.copy(larger, 0, 0, this.#at);
    this.#buffer = larger;
  }
}

class TupleReader {
  readonly #frame: Buffer;
  #at: number;

  constructor(frame: Buffer, at: number) {
    this.#frame = frame;
    this.#at = at;
  }

  value(): unknown {
    const frame = this.#frame;
    const tag = frame[this.#at++];
    switch (tag) {
      case UNDEFINED:
        return undefined;
      case NULL:
        return null;
      case FALSE:
        return false;
      case TRUE:
        return true;
      case NUMBER: {
        const number = frame.readDoubleLE(this.#at);
        this.#at += 8;
        return number;
      }
      case BIGINT:
        return BigInt(this.value() as string);
      case LATIN1:
      case UTF16:
        return this.#string(tag);
      case ARRAY:
        return this.#array();
      case FLOAT64_ARRAY:
      case UINT8_ARRAY:
      case BUFFER:
        return this.#bytes(tag);
      case PLAIN_OBJECT:
        return this.#object();
      default:
        throw new Error(`nimbus internal error: a frame holds an unknown tag ${tag}`);
    }
  }

  #count(): number {
    const count = this.#frame.readUInt32LE(this.#at);
    this.#at += 4;
    return count;
  }

  #string(tag: number): string {
    const bytes = this.#count();
    const text = this.#frame.toString(tag === UTF16 ? 'utf16le' : 'latin1', this.#at, this.#at + bytes);
    this.#at += bytes;
    return text;
  }

  #array(): unknown[] {
    const length = this.#count();
    // Filled by push: a packed array (process-tuples.ts, packedList).
    const list: unknown[] = [];
    for (let i = 0; i < length; i++) list.push(this.value());
    return list;
  }

  #object(): Record<string, unknown> {
    const keys = this.#count();
    const object: Record<string, unknown> = {};
    for (let i = 0; i < keys; i++) {
      const key = this.value() as string;
      const value = this.value();
      // An own '__proto__' (a job's env may name a variable so) is a key, not the prototype.
      if (key === '__proto__') Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
      else object[key] = value;
    }
    return object;
  }

  /** A copy of the bytes: a view would keep the whole chunk the socket read alive. */
  #bytes(tag: number): Float64Array | Uint8Array {
    const length = this.#count();
    const width = tag === FLOAT64_ARRAY ? Float64Array.BYTES_PER_ELEMENT : 1;
    const view = tag === FLOAT64_ARRAY ? new Float64Array(length) : tag === BUFFER ? Buffer.allocUnsafe(length) : new Uint8Array(length);
    new Uint8Array(view.buffer, view.byteOffset, length * width).set(this.#frame.subarray(this.#at, this.#at + length * width));
    this.#at += length * width;
    return view;
  }
}
