/**
 * Runs one job where it is: in a worker or, for the simulator, in the caller's thread. Both go
 * through this one function, so a job behaves the same in both: arguments unpacked, generators
 * collected, output captured, the result packed or the error turned into plain data.
 */
import { fileURLToPath } from 'node:url';
import { types } from 'node:util';
import { remoteErrors } from '../errors.js';
import type { JobOutcome, Packed, RemoteError } from '../types/job-outcome.js';
import { appendJob, type ReportBuilder } from './outcome-report.js';
import { JobContext, runInJob } from './job-context.js';
import { jobEnvironment } from './job-env.js';
import { YieldSender, type YieldSink } from './job-yields.js';
import { mappedStack } from './stack-source-maps.js';
import { jobMeter, type JobMeter } from './job-meter.js';
import { jobEnded } from './job-clock.js';
import { isUnshippable, pack, unpack } from '../wire/payload.js';
import type { JobFunction } from '../shipping/rebuild-function.js';

/**
 * Where a job's outcome is written as it ends: asked then, not before (while a job awaits, the
 * report it would have gone into may have been handed on).
 */
export interface OutcomeTarget {
  report(): ReportBuilder;
}

/**
 * Runs one job, writes its outcome into `target`'s report, and tells whether it ended 'done'. A
 * function whose value needs no waiting (not a thenable, not a generator) is called and its
 * outcome written with no await: no promise is made, so neither a microtask turn nor
 * AsyncLocalStorage's promise hooks are paid per job, which cost more than a trivial job.
 * Anything else is awaited (and a generator collected) inside the job's context, as it comes.
 * Never rejects, and never throws but for nimbus's own failure.
 *
 * @param started when the job starts, epoch ms: its batch's runner read the clock already
 * @param env the variables `process.env` holds inside this job only
 * @param watch what watches the call of the function (a worker's escape guard), if anything
 */
export function executeJob(
  fn: JobFunction,
  jid: number,
  args: Packed,
  started: number,
  env: Readonly<Record<string, string>> | undefined,
  yields: YieldSink | undefined,
  target: OutcomeTarget,
  watch: JobCallWatch | undefined,
): boolean | Promise<boolean> {
  const context = new JobContext(jid, env && jobEnvironment(env));
  const meter = jobMeter();
  meter.start();
  let value: unknown;
  watching = watch;
  try {
    value = runInJob(context, callJob, fn, args);
  } catch (thrown) {
    return endedJob(target, context, meter, started, undefined, toRemoteError(thrown));
  }
  if (!valueAwaited) return endedJob(target, context, meter, started, value, undefined);
  return settleJob(target, context, meter, started, value, yields);
}

/** Whether the value the last callJob returned must be awaited; read right after it returns (one thread, no reentry between). */
let valueAwaited = false;

/**
 * What a worker does around each call of a job's function: job-escapes.ts's guard learns which
 * job is being called and may stand a promise it can end in for the thenable the function
 * returned. A hook, not a wrapper around each function: a wrapper's rest parameter and spread
 * cost an array per job.
 */
export interface JobCallWatch {
  /** The function of the job being entered (job-context.ts's enteredJob) is about to be called. */
  calling(): void;
  /** What the call returned: the job's value from then on. */
  returned(value: unknown): unknown;
}

/** The watch of the job executeJob is about to call: set right before, read by callJob as it starts. */
let watching: JobCallWatch | undefined;

/** Calls the job's function (inside its context): its arguments are unpacked there, so a failure to read them is the job's. */
function callJob(fn: JobFunction, args: Packed): unknown {
  const watch = watching;
  const list = unpack(args) as unknown[];
  watch?.calling();
  let value = callWith(fn, list);
  if (watch !== undefined) value = watch.returned(value);
  // Read here, in the job's context: a `then` or `Symbol.toStringTag` getter is the job's code.
  valueAwaited = needsAwaiting(value);
  return value;
}

/**
 * `fn(...list)`, with a job's usual one or two arguments passed by index: a spread boxes each
 * number it reads from a list of doubles (a map's column of numbers arrives as one), about 40
 * bytes per trivial job, where a read by index passes a small integer as it is.
 */
function callWith(fn: JobFunction, list: unknown[]): unknown {
  switch (list.length) {
    case 1:
      return fn(list[0]);
    case 2:
      return fn(list[0], list[1]);
    default:
      return fn(...list);
  }
}

/** The job whose value needs awaiting: awaited, or its generator collected, inside its context. */
async function settleJob(
  target: OutcomeTarget,
  context: JobContext,
  meter: JobMeter,
  started: number,
  pending: unknown,
  yields: YieldSink | undefined,
): Promise<boolean> {
  let value: unknown;
  try {
    value = await runInJob(context, runToValue, pending, yields && { sink: yields, jid: context.jid });
  } catch (thrown) {
    return endedJob(target, context, meter, started, undefined, toRemoteError(thrown));
  }
  return endedJob(target, context, meter, started, value, undefined);
}

/** Writes the outcome of a job that returned `value` or threw `thrown`: its value packed, its clocks read. True when it ended 'done'. */
function endedJob(target: OutcomeTarget, context: JobContext, meter: JobMeter, started: number, value: unknown, thrown: RemoteError | undefined): boolean {
  let error = thrown;
  const packed = error ? undefined : packResult(value);
  if (packed !== undefined && isUnshippable(packed)) {
    error = remoteErrors.unshippableResult(packed.unshippable);
  }
  const finished = jobEnded();
  const cputime = meter.cpuMs() ?? NaN;
  const memory = meter.peakBytes() ?? NaN;
  appendJob(target.report(), context.jid, error ? undefined : (packed as Packed), error, started, finished, cputime, memory, context.stdout, context.stderr);
  return error === undefined;
}

/** The outcome of a job that could not even start (its function could not be rebuilt). */
export function failedJob(jid: number, error: unknown): JobOutcome {
  const now = Date.now();
  return { jid, status: 'error', error: toRemoteError(error), started: now, finished: now, cputime: undefined, memory: undefined, stdout: '', stderr: '' };
}

/** A value that is not the job's result yet: a thenable (awaited), or a generator (collected). */
function needsAwaiting(value: unknown): boolean {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  return typeof (value as PromiseLike<unknown>).then === 'function' || isGenerator(value) || isAsyncGenerator(value);
}

/**
 * Awaits the function's value; a generator's yields are collected into an array, which is the
 * result, and each also goes to `yields` as it comes (every value sent before the job's outcome
 * is built).
 */
async function runToValue(pending: unknown, yields: { sink: YieldSink; jid: number } | undefined): Promise<unknown> {
  const value = await pending;
  if (!isGenerator(value) && !isAsyncGenerator(value)) return value;
  const sender = yields && new YieldSender(yields.sink, yields.jid);
  const items: unknown[] = [];
  try {
    if (isGenerator(value)) {
      for (const item of value) {
        items.push(item);
        sender?.push(item);
      }
    } else {
      for await (const item of value) {
        items.push(item);
        sender?.push(item);
      }
    }
  } finally {
    await sender?.end();
  }
  return items;
}

/** Packs the job's value; a value that throws as it is read (a getter, a Proxy trap) is refused too. */
function packResult(value: unknown): ReturnType<typeof pack> {
  try {
    return pack(value, 'result');
  } catch (thrown) {
    return { unshippable: `reading it threw ${describeValue(thrown)}` };
  }
}

/**
 * Anything a job threw, as plain strings. Total: it never throws, whatever the value's getters,
 * Proxy traps or `toString` do; a field that cannot be read is described instead. A string
 * `code` (a CloudError's 'ERR_...', a system error's 'ENOENT') goes along; any other is left out.
 */
function toRemoteError(thrown: unknown): RemoteError {
  try {
    if (!isError(thrown)) return { name: 'Error', message: `a non-Error value was thrown: ${describeValue(thrown)}`, stack: undefined };
    const message = readText(() => thrown.message);
    const stack = readText(() => thrown.stack);
    const code = readCode(thrown);
    const error: RemoteError = {
      name: readText(() => thrown.name) ?? 'Error',
      message: message ?? `an Error was thrown whose message cannot be read`,
      stack: stack === undefined ? undefined : mappedStack(withoutRunnerFrames(stack)),
    };
    if (code !== undefined) error.code = code;
    return error;
  } catch {
    return { name: 'Error', message: 'a value was thrown that cannot be described', stack: undefined };
  }
}

/** An Error of this realm or another (a vm context); a Proxy whose traps throw is not one. */
function isError(value: unknown): value is Error {
  try {
    return types.isNativeError(value) || value instanceof Error;
  } catch {
    return false;
  }
}

/** A field meant to be text: undefined when reading it throws or it is not a primitive. */
function readText(read: () => unknown): string | undefined {
  try {
    const value = read();
    if (typeof value === 'string') return value;
    return value === null || typeof value === 'object' || typeof value === 'function' || typeof value === 'symbol'
      ? undefined
      : // eslint-disable-next-line @typescript-eslint/no-base-to-string -- describing any value, as String() does
        String(value);
  } catch {
    return undefined;
  }
}

/** The error's `code` when it is a string (as Node's and nimbus's are); undefined otherwise, or when reading it throws. */
function readCode(error: Error): string | undefined {
  try {
    const code: unknown = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/** A thrown (non-Error) value in words, by `String` when it allows, by its kind when not. */
function describeValue(value: unknown): string {
  // String() of a symbol calls no user code, unlike a template literal, which throws.
  if (typeof value === 'symbol') return String(value);
  if (isError(value)) return `${readText(() => value.name) ?? 'Error'}: ${readText(() => value.message) ?? '(unreadable message)'}`;
  try {
    return String(value);
  } catch {
    // Its toString (or its Symbol.toPrimitive, or a Proxy trap) threw: say what kind of value it was.
  }
  if (value === null || typeof value !== 'object') return `a ${typeof value}`;
  try {
    return Object.getPrototypeOf(value) === null ? 'an object with no prototype' : 'an object that cannot be turned into text';
  } catch {
    return 'an object that cannot be turned into text';
  }
}

/** Where the frames of the code that runs jobs come from: nimbus's runtime, and the pool under it. */
const NIMBUS_ROOT = new URL('..', import.meta.url);
const RUNNER_LOCATIONS = [NIMBUS_ROOT.href, fileURLToPath(NIMBUS_ROOT), 'node:internal/', 'AsyncLocalStorage.run (node:async_hooks'];

/** The job's own frames: the lines of nimbus's machinery below them say nothing to a user. */
function withoutRunnerFrames(stack: string): string {
  return stack
    .split('\n')
    .filter((line) => !RUNNER_LOCATIONS.some((location) => line.includes(location)))
    .join('\n');
}

function isGenerator(value: unknown): value is Generator {
  return Object.prototype.toString.call(value) === '[object Generator]';
}

function isAsyncGenerator(value: unknown): value is AsyncGenerator {
  return Object.prototype.toString.call(value) === '[object AsyncGenerator]';
}
