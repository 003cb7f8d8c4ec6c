/**
 * Captures what a job prints (console.*, process.stdout/stderr.write) into its own buffers.
 * The streams are patched once per thread; the job context says which job a write belongs to,
 * so interleaved jobs never mix their output, and writes from outside any job go through.
 */
import { format } from 'node:util';
import { currentJob, type JobContext } from './job-context.js';

/** Output kept per stream and job; beyond it the rest is dropped and a marker says so. */
export const MAX_OUTPUT_CHARS = 1_000_000;
const TRUNCATED = '\n[nimbus: output truncated]\n';

/** Adds `text` to what `job` printed on `stream`, up to MAX_OUTPUT_CHARS. */
export function appendOutput(job: JobContext, stream: 'stdout' | 'stderr', text: string): void {
  const current = job[stream];
  if (current.length >= MAX_OUTPUT_CHARS) return;
  job[stream] = current.length + text.length > MAX_OUTPUT_CHARS ? current + text.slice(0, MAX_OUTPUT_CHARS - current.length) + TRUNCATED : current + text;
}

let patched = false;

/** Which stream each console method writes to. */
const CONSOLE_STREAMS = {
  log: 'stdout',
  info: 'stdout',
  debug: 'stdout',
  warn: 'stderr',
  error: 'stderr',
  trace: 'stderr',
} as const;

/**
 * Makes job output go to the running job; call before a thread runs its first job. Both the
 * console and the streams are patched: a console may not write through process.stdout (a test
 * runner's does not), and a job may write to the streams directly.
 */
export function patchOutputStreams(): void {
  if (patched) return;
  patched = true;
  for (const [method, name] of Object.entries(CONSOLE_STREAMS)) {
    const original = console[method as keyof typeof CONSOLE_STREAMS].bind(console);
    console[method as keyof typeof CONSOLE_STREAMS] = (...args: unknown[]) => {
      const job = currentJob();
      if (!job) return original(...args);
      appendOutput(job, name, (method === 'trace' ? 'Trace: ' : '') + format(...args) + '\n');
    };
  }
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name];
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = (chunk: unknown, ...rest: unknown[]) => {
      const job = currentJob();
      if (!job) return write(chunk, ...rest);
      appendOutput(job, name, typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      if (callback) queueMicrotask(callback);
      return true;
    };
  }
}
