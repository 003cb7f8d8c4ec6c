/**
 * What a batch carries of its function to one worker thread: what the thread was not sent
 * (sent-record.ts), its large data shared rather than copied (function-wire.ts threadFunction).
 * With a thread of its own for each batch (thread-pool.ts), the host knows which thread has what,
 * so a lone job's batch carries its function by reference: no shape to clone each way. This
 * record dies with its WorkerThread.
 */
import type { ShippedFunction } from '../../types/shipped-function.js';
import type { WireFunction } from '../../types/wire-function.js';
import { threadFunction } from '../../wire/function-wire.js';
import { SentRecord } from '../sent-record.js';

export class ThreadSentFunctions {
  readonly #sent = new SentRecord();

  /** `fn` as the next batch carries it to this thread; from now on the thread is taken to have it. */
  next(fn: ShippedFunction): WireFunction {
    const wire = this.#sent.next(fn);
    if (wire.data?.bytes === undefined) return wire;
    // Bytes travel as a thread gets them: shared when large.
    return wire.shape !== undefined ? threadFunction(fn) : { ...wire, data: threadFunction(fn).data };
  }

  /** The whole of `fn`, for a thread that asked. */
  whole(fn: ShippedFunction): WireFunction {
    return threadFunction(fn);
  }
}
