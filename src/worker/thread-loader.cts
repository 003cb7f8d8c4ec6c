/**
 * The file piscina loads in each worker thread. piscina tries require() before import(), and on
 * Node 20 a thread stopped while require() is loading an ES module aborts the whole process. This
 * CommonJS file loads the ES-module entry with import(), which a thread can be stopped in safely.
 */
import type { BatchTask } from '../wire/thread-protocol.js';

const entry = import('./thread-entry.js');

export = async function runThreadBatch(task: BatchTask): Promise<unknown> {
  return (await entry).default(task);
};
