/**
 * Runs one job where it is: in a worker or, for the simulator, in the caller's thread. Both go
 * through this one function, so a job behaves the same in both: arguments unpacked, generators
 * collected, output captured, the result packed or the error turned into plain data.
 */
import { fileURLToPath } from 'node:url';
import { errors } from '../errors.js';
import type { JobOutcome, Packed, RemoteError } from '../types/job-outcome.js';
import { runInJob } from './job-context.js';
import { jobMeter } from './job-meter.js';
import { JobOutput, patchOutputStreams } from './output-capture.js';
import { isUnshippable, pack, unpack } from './payload.js';
import type { JobFunction } from './shipping/rebuild-function.js';

export async function executeJob(fn: JobFunction, jid: number, args: Packed): Promise<JobOutcome> {
  patchOutputStreams();
  const output = new JobOutput();
  const meter = jobMeter();
  const started = Date.now();
  meter.start();
  let value: unknown;
  let error: RemoteError | undefined;
  try {
    value = await runInJob({ jid, output }, () => runToValue(fn, unpack(args) as unknown[]));
  } catch (thrown) {
    error = toRemoteError(thrown);
  }
  const packed = error ? undefined : pack(value, 'result');
  if (packed !== undefined && isUnshippable(packed)) {
    error = { name: 'CloudError', message: errors.unshippableResult(packed.unshippable), stack: undefined };
  }
  // Built field by field: a spread of a shared base costs more than a trivial job.
  const finished = Date.now();
  const cputime = meter.cpuMs();
  const memory = meter.peakBytes();
  const { stdout, stderr } = output;
  return error
    ? { jid, status: 'error', error, started, finished, cputime, memory, stdout, stderr }
    : { jid, status: 'done', value: packed as Packed, started, finished, cputime, memory, stdout, stderr };
}

/** The outcome of a job that could not even start (its function could not be rebuilt). */
export function failedJob(jid: number, error: unknown): JobOutcome {
  const now = Date.now();
  return { jid, status: 'error', error: toRemoteError(error), started: now, finished: now, cputime: undefined, memory: undefined, stdout: '', stderr: '' };
}

/** Calls the function; a generator's yields are collected into an array, which is the result. */
async function runToValue(fn: JobFunction, args: unknown[]): Promise<unknown> {
  const value = await fn(...args);
  if (isGenerator(value)) return Array.from(value);
  if (isAsyncGenerator(value)) {
    const items: unknown[] = [];
    for await (const item of value) items.push(item);
    return items;
  }
  return value;
}

function toRemoteError(error: unknown): RemoteError {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: withoutRunnerFrames(error.stack) };
  return { name: 'Error', message: `a non-Error value was thrown: ${String(error)}`, stack: undefined };
}

/** Where the frames of the code that runs jobs come from: nimbus's runtime, and the pool under it. */
const RUNNER_LOCATIONS = [
  new URL('.', import.meta.url).href, fileURLToPath(new URL('.', import.meta.url)), '/node_modules/piscina/', 'node:internal/',
  'AsyncLocalStorage.run (node:async_hooks',
];

/** The job's own frames: the lines of nimbus's machinery below them say nothing to a user. */
function withoutRunnerFrames(stack: string | undefined): string | undefined {
  return stack?.split('\n').filter((line) => !RUNNER_LOCATIONS.some((location) => line.includes(location))).join('\n');
}

function isGenerator(value: unknown): value is Generator {
  return Object.prototype.toString.call(value) === '[object Generator]';
}

function isAsyncGenerator(value: unknown): value is AsyncGenerator {
  return Object.prototype.toString.call(value) === '[object AsyncGenerator]';
}
