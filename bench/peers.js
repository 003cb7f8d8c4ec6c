/**
 * The pools nimbus is measured against, each started on the same work (workers/*.js) with one
 * thread per core, so that a comparison is between runtimes, not between thread counts. Every
 * starter returns `{ run(x), close() }`, and whoever starts one must await its close(). The raw
 * floors (one bare worker thread, one bare child process) answer one message at a time.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import workerpool from 'workerpool';

const workerFile = (name) => new URL(`./workers/${name}`, import.meta.url);

export const PEER_THREADS = availableParallelism();

export function startPiscina() {
  const piscina = new Piscina({
    filename: workerFile('piscina-add-two.js').href,
    minThreads: PEER_THREADS,
    maxThreads: PEER_THREADS,
  });
  return { run: (x) => piscina.run(x), close: () => piscina.destroy() };
}

export function startWorkerpool() {
  const pool = workerpool.pool(fileURLToPath(workerFile('workerpool-add-two.js')), {
    workerType: 'thread',
    minWorkers: PEER_THREADS,
    maxWorkers: PEER_THREADS,
  });
  return { run: (x) => pool.exec('addTwo', [x]), close: () => pool.terminate() };
}

/** One bare worker answering one message at a time: `run` is a single postMessage round trip. */
export function startRawWorker() {
  const worker = new Worker(workerFile('raw-add-two.js'));
  const run = (x) =>
    new Promise((resolve) => {
      worker.once('message', resolve);
      worker.postMessage(x);
    });
  return { run, close: () => worker.terminate() };
}

/**
 * One bare child process answering one IPC message at a time: `run` is a single round trip over
 * the channel nimbus's worker processes use (fork, serialization 'advanced').
 */
export function startRawChildProcess() {
  const child = fork(fileURLToPath(workerFile('ipc-add-two.js')), [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const run = (x) =>
    new Promise((resolve) => {
      child.once('message', resolve);
      child.send(x);
    });
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill();
    await exited;
  };
  return { run, close };
}
