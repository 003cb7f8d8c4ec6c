/** What the pool executor and its workers say to each other. Shapes only. */
import type { MessagePort } from 'node:worker_threads';
import type { WireBatch } from '../types/executor.js';

/** In every nimbus worker's workerData: how a thread knows it is one. */
export interface NimbusWorkerData {
  nimbusWorker: true;
  /**
   * One Int32 per batch slot: the worker stores there 1 + the index, in its batch, of the job it
   * is running, so the executor knows whom a crash or a stop concerns without asking.
   */
  progress: SharedArrayBuffer;
}

export interface BatchTask {
  batch: WireBatch;
  slot: number;
}

/** Posted once by each worker as it starts: its end of the nested-client channel. */
export interface PortAnnouncement {
  nimbusPort: MessagePort;
}

export function isPortAnnouncement(message: unknown): message is PortAnnouncement {
  return typeof message === 'object' && message !== null && 'nimbusPort' in message;
}
