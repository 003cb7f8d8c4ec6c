/**
 * The channel between a running job's `cloud` and the runtime, over comlink: a MessagePort for
 * worker threads, the data channel for child processes (their endpoints: nested-endpoints.ts). The
 * runtime's JobRequests are exposed as it is; what crosses is plain data. Errors keep their class
 * and code: a CloudError thrown by the runtime is a CloudError with the same code in the job that
 * caused it.
 */
import type { Endpoint, TransferHandler } from 'comlink';
// The ESM build, not the package's main (a UMD file Node would load as CommonJS): comlink-esm.d.ts.
import { expose, transferHandlers, wrap } from 'comlink/dist/esm/comlink.mjs';
import { CloudError, CloudTimeoutError, type ErrorCode } from '../errors.js';
import type { JobRequests } from '../types/job-service.js';

export function exposeService(service: JobRequests, endpoint: Endpoint): void {
  keepCloudErrorClasses();
  expose(service, endpoint);
}

export function connectService(endpoint: Endpoint): JobRequests {
  keepCloudErrorClasses();
  // Every method is there on a proxy: the optional ones (yielded, stream) answer if the far end has them.
  return wrap<Required<JobRequests>>(endpoint);
}

let installed = false;

/** Wraps comlink's handler for thrown values so that nimbus's errors arrive as themselves. */
function keepCloudErrorClasses(): void {
  if (installed) return;
  installed = true;
  const original = transferHandlers.get('throw') as TransferHandler<unknown, unknown>;
  transferHandlers.set('throw', {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- the listener is called unbound on purpose
    canHandle: original.canHandle,
    // comlink sends an Error's name, message and stack; a CloudError's code goes along.
    serialize(thrown) {
      const [serialized, transfer] = original.serialize(thrown);
      const error = (thrown as { value: unknown }).value;
      if (error instanceof CloudError) (serialized as { value: { code?: string } }).value.code = error.code;
      return [serialized, transfer];
    },
    deserialize(serialized) {
      try {
        return original.deserialize(serialized);
      } catch (error) {
        throw reviveError(error);
      }
    },
  });
}

function reviveError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const code = (error as { code?: ErrorCode }).code;
  const revived =
    error.name === 'CloudError'
      ? new CloudError(error.message, { code: code ?? 'ERR_CLOUD' })
      : error.name === 'CloudTimeoutError'
        ? Object.assign(new CloudTimeoutError(0), { message: error.message })
        : error;
  revived.stack = error.stack;
  return revived;
}
