/**
 * The MessagePort between a worker's `cloud` and the runtime, over comlink. The runtime's
 * JobService is exposed as it is; what crosses is plain data. Errors keep their class: a
 * CloudError thrown by the runtime is a CloudError in the job that caused it.
 */
import { expose, transferHandlers, wrap, type Remote, type TransferHandler } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { MessagePort } from 'node:worker_threads';
import { CloudError, CloudTimeoutError } from '../errors.js';
import type { JobService } from '../types/job-service.js';

export function exposeService(service: JobService, port: MessagePort): void {
  keepCloudErrorClasses();
  expose(service, nodeEndpoint(port));
  // The port must not keep the process alive: running jobs do, through their workers.
  port.unref();
}

export function connectService(port: MessagePort): Remote<JobService> {
  keepCloudErrorClasses();
  const remote = wrap<JobService>(nodeEndpoint(port));
  port.unref();
  return remote;
}

let installed = false;

/** Wraps comlink's handler for thrown values so that nimbus's errors arrive as themselves. */
function keepCloudErrorClasses(): void {
  if (installed) return;
  installed = true;
  const original = transferHandlers.get('throw') as TransferHandler<unknown, unknown>;
  transferHandlers.set('throw', {
    canHandle: original.canHandle,
    serialize: original.serialize,
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
  const revived = error.name === 'CloudError' ? new CloudError(error.message)
    : error.name === 'CloudTimeoutError' ? Object.assign(new CloudTimeoutError(0), { message: error.message })
      : error;
  revived.stack = error.stack;
  return revived;
}
