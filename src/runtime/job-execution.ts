/**
 * Runs one job where it is: in a worker or, for the simulator, in the caller's thread. Both go
 * through this one function, so a job behaves the same in both: arguments unpacked, generators
 * collected, output captured, the result packed or the error turned into plain data.
 */
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
  let result: { value: unknown } | { error: unknown };
  try {
    const value = await runInJob({ jid, output }, () => runToValue(fn, unpack(args) as unknown[]));
    result = { value };
  } catch (error) {
    result = { error };
  }
  const base = {
    jid,
    started,
    finished: Date.now(),
    cputime: meter.cpuMs(),
    memory: meter.peakBytes(),
    stdout: output.stdout,
    stderr: output.stderr,
  };
  if ('error' in result) return { ...base, status: 'error', error: toRemoteError(result.error) };
  const packed = pack(result.value, 'result');
  if (isUnshippable(packed)) {
    return { ...base, status: 'error', error: { name: 'CloudError', message: errors.unshippableResult(packed.unshippable), stack: undefined } };
  }
  return { ...base, status: 'done', value: packed };
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
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: `a non-Error value was thrown: ${String(error)}`, stack: undefined };
}

function isGenerator(value: unknown): value is Generator {
  return Object.prototype.toString.call(value) === '[object Generator]';
}

function isAsyncGenerator(value: unknown): value is AsyncGenerator {
  return Object.prototype.toString.call(value) === '[object AsyncGenerator]';
}
