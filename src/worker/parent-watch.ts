/**
 * Makes a worker process die with its host, whatever the host dies of (SIGKILL included, which
 * no handler sees). A thread of the worker's own checks the parent pid every PARENT_CHECK_MS: a
 * thread runs even while a job's busy loop holds the worker's main thread, which an IPC
 * 'disconnect' listener would wait behind. When the host is gone the thread ends what the jobs
 * left, then the worker's whole process group, itself included. Bound: PARENT_CHECK_MS plus a
 * /proc scan.
 */
import { Worker } from 'node:worker_threads';

const WATCH_THREAD = new URL('./parent-watch-thread.js', import.meta.url);
/** What the watch thread needs at most: it holds a few closures and reads /proc. */
const WATCH_HEAP_MB = 8;

export interface ParentWatchData {
  readonly hostPid: number;
}

/** Starts watching; the watch never keeps the worker alive by itself. */
export function watchParent(hostPid: number): void {
  const data: ParentWatchData = { hostPid };
  const watch = new Worker(WATCH_THREAD, {
    workerData: data,
    resourceLimits: { maxOldGenerationSizeMb: WATCH_HEAP_MB },
    stdout: false,
    stderr: false,
  });
  watch.unref();
  // A watch that cannot run leaves the 'disconnect' listener as the only guard: never fatal.
  watch.on('error', () => {});
}
