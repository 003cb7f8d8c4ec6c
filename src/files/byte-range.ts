/**
 * Byte ranges ({ start, end }, both inclusive, see types/file-store.ts): checked at the edge, and
 * held to by the stores that ask a server for them, whatever the server sends back.
 */
import { Readable } from 'node:stream';
import { errors } from '../errors.js';
import type { ByteRange } from '../types/file-store.js';

/** `range` if it is a valid byte range (or undefined); a CloudError naming the bad bound otherwise. */
export function checkByteRange(range: unknown): ByteRange | undefined {
  if (range === undefined) return undefined;
  if (typeof range !== 'object' || range === null || Array.isArray(range)) {
    throw errors.badOption('range', range, 'an object { start, end } of byte offsets');
  }
  for (const key of Object.keys(range)) {
    if (key !== 'start' && key !== 'end') throw errors.unknownOption('range', key, ['start', 'end']);
  }
  const { start, end } = range as { start?: unknown; end?: unknown };
  for (const [bound, value] of [
    ['start', start],
    ['end', end],
  ] as const) {
    if (value !== undefined && (!Number.isSafeInteger(value) || (value as number) < 0)) {
      throw errors.badOption(`range.${bound}`, value, 'a byte offset (an integer, 0 or more)');
    }
  }
  if (end !== undefined && (end as number) < ((start as number | undefined) ?? 0)) {
    throw errors.badOption('range.end', end, `at least range.start (${(start as number | undefined) ?? 0}); end is inclusive`);
  }
  return range;
}

/** The HTTP Range header asking for `range`; undefined when it is the whole file. */
export function httpRange(range: ByteRange | undefined): string | undefined {
  if (!range || ((range.start ?? 0) === 0 && range.end === undefined)) return undefined;
  return `bytes=${range.start ?? 0}-${range.end ?? ''}`;
}

/**
 * `body` cut to `range`, for servers that send more than they were asked for (s3rver answers
 * 'bytes=0-0' with the whole object; some ignore Range): `served` is the first offset the body
 * holds. Stops reading, and releases the body, as soon as the range is complete.
 */
export function cutToRange(body: Readable, range: ByteRange, served: number): Readable {
  let skip = (range.start ?? 0) - served;
  let take = range.end === undefined ? Infinity : range.end - (range.start ?? 0) + 1;
  async function* slice(): AsyncGenerator<Buffer> {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      const from = Math.min(skip, chunk.length);
      skip -= from;
      const piece = chunk.subarray(from, from + Math.min(take, chunk.length - from));
      take -= piece.length;
      if (piece.length > 0) yield piece;
      if (take === 0) return; // leaving the loop destroys the body
    }
  }
  return Readable.from(slice(), { objectMode: false });
}
