/**
 * The thread parent-watch.ts starts inside each worker process. It must stay tiny: it shares the
 * worker's memory limit, and it must run even while a job's busy loop holds the main thread.
 */
import { workerData } from 'node:worker_threads';
import type { ParentWatchData } from './parent-watch.js';
import { killAll, killGroup, leftBehind } from '../platform/process-tree.js';

/** How often the parent pid is checked: the bound on how long a worker outlives its host. */
const PARENT_CHECK_MS = 100;

const { hostPid } = workerData as ParentWatchData;

setInterval(() => {
  // An orphan is adopted by init or a subreaper: its parent pid changes.
  if (process.ppid === hostPid) return;
  killAll(leftBehind([process.pid], [process.pid]));
  // The worker leads its own group (the host forks it detached): this ends it and what is left.
  if (!killGroup(process.pid)) process.kill(process.pid, 'SIGKILL');
}, PARENT_CHECK_MS);
