/**
 * `cloud.stream(jid)`: a generator job's values as it yields them, read from the runtime in
 * chunks (each request answers once there is something new, never on a clock), then the end:
 * a job that did not end done throws its CloudException after the values it yielded.
 */
import { CloudException, errors } from './errors.js';
import type { JobRequests } from './types/job-service.js';
import type { StreamEnd } from './types/job-stream.js';
import { unpack } from './wire/payload.js';

/** What a stream of a job whose result is `R` yields: a generator job's result is the array of its yields. */
export type StreamItem<R> = R extends readonly (infer Y)[] ? Y : never;

/** @param caller the job that reads, if a job does: it gives up its slot while it waits for values */
export async function* readStream(requests: JobRequests, jid: number, caller: number | undefined): AsyncGenerator<unknown, void, undefined> {
  if (requests.stream === undefined) throw errors.noStream();
  let from = 0;
  for (;;) {
    const chunk = await requests.stream(jid, from, caller);
    for (const value of chunk.values) {
      from++;
      yield unpack(value);
    }
    if (chunk.end !== undefined) return yield* rest(chunk.end, jid, from);
  }
}

/** The values left once the job is complete (the result's items from `from` on), or why there are none. */
function* rest(end: StreamEnd, jid: number, from: number): Generator<unknown, void, undefined> {
  const { result, generator } = end;
  if (!result.ok) throw new CloudException(result.failure);
  if (generator === false) throw errors.notGenerator(jid);
  if (!end.rest) return;
  const items = unpack(result.value);
  // A job whose generator is not known (another process's, in a home) streams its result's items.
  if (!Array.isArray(items)) throw errors.notGenerator(jid);
  for (let i = from; i < items.length; i++) yield items[i];
}
