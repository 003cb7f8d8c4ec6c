/**
 * Which job the running code belongs to, in whatever thread runs it. AsyncLocalStorage follows
 * the job through its awaits, so jobs that interleave (in the simulator, or a parent waiting on
 * children) are told apart: their output goes to the right job, and a job that waits on others
 * is the one that gives up its slot.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A running job as its own code's context sees it. It also holds what the job printed
 * (output-capture.ts appends to it): one object per job, not a context and an output buffer.
 */
export class JobContext {
  /** What the job printed so far, per stream. */
  stdout = '';
  stderr = '';

  /** @param env the job's own `process.env` (job-env.ts), when it was given an env */
  constructor(
    readonly jid: number,
    readonly env: NodeJS.ProcessEnv | undefined,
  ) {}
}

const current = new AsyncLocalStorage<JobContext>();

/** The job of the innermost runInJob call on the stack now (synchronously: not followed through awaits). */
let entered: JobContext | undefined;

/** Calls `body(a, b)` as code of the job `context`: extra arguments, so that a call needs no closure. */
export function runInJob<A, B, T>(context: JobContext, body: (a: A, b: B) => T, a: A, b: B): T {
  const outer = entered;
  entered = context;
  try {
    return current.run(context, body, a, b);
  } finally {
    entered = outer;
  }
}

/**
 * The job being called, for code that runs right at a job function's call (job-escapes.ts's
 * guard): there it is the running job, as currentJob() would say, without AsyncLocalStorage's
 * lookup of the current resource. Anywhere else (after an await, in a timer), ask currentJob().
 */
export function enteredJob(): JobContext | undefined {
  return entered;
}

/** The job whose code is running now, or undefined outside any job. */
export function currentJob(): JobContext | undefined {
  return current.getStore();
}
