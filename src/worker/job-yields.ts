/**
 * A generator job's yields on their way to the runtime as they come, for `cloud.stream`: packed
 * one by one, sent in chunks through the job's own service (its worker's channel, or the
 * simulating cloud's), one chunk in flight at a time (what is yielded meanwhile goes with the
 * next). The last chunk is awaited before the job's outcome leaves, so the runtime has every value
 * when it hears that the job ended. A send that fails is dropped: the stream is a view of the
 * job, its result stays the authority.
 */
import type { JobRequests } from '../types/job-service.js';
import type { Packed } from '../types/job-outcome.js';
import { isUnshippable, pack } from '../wire/payload.js';

/** Where a job's yields go: the service's `yielded`. */
export type YieldSink = (jid: number, values: Packed[]) => Promise<void>;

/** Where the service that takes a job's yields comes from (a worker's loads it at the first yield). */
export interface ServiceSource {
  service(): Promise<JobRequests>;
}

/** The sink of the jobs whose service is `source`'s: its `yielded`, when it has one. */
export function yieldSinkOf(source: ServiceSource): YieldSink {
  return async (jid, values) => {
    const service = await source.service();
    await service.yielded?.(jid, values);
  };
}

export class YieldSender {
  readonly #sink: YieldSink;
  readonly #jid: number;
  #pending: Packed[] = [];
  #inFlight: Promise<void> | undefined;

  /** Tells the runtime at once that the job is a generator (an empty chunk). */
  constructor(sink: YieldSink, jid: number) {
    this.#sink = sink;
    this.#jid = jid;
    this.#send();
  }

  /** A value the generator yielded; one that cannot be packed is not streamed (the job's result says why). */
  push(value: unknown): void {
    const packed = pack(value, 'yielded value');
    if (isUnshippable(packed)) return;
    this.#pending.push(packed);
    if (this.#inFlight === undefined) this.#send();
  }

  /** Resolves once every value pushed has reached the runtime (or failed to). */
  async end(): Promise<void> {
    while (this.#inFlight !== undefined) await this.#inFlight;
  }

  #send(): void {
    const values = this.#pending;
    this.#pending = [];
    this.#inFlight = this.#sink(this.#jid, values)
      .catch(() => {})
      .then(() => {
        this.#inFlight = undefined;
        if (this.#pending.length > 0) this.#send();
      });
  }
}
