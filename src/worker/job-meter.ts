/**
 * Measures one job's CPU time and peak memory where the place it runs can tell. A thread shares
 * its process with others, so it can only tell CPU time (Node 22+ has threadCpuUsage) and no
 * memory of its own; a child process running one job at a time can tell both exactly.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { lastReading } from './job-clock.js';

export interface JobMeter {
  start(): void;
  /** CPU milliseconds since start, or undefined. */
  cpuMs(): number | undefined;
  /** Peak bytes since start, or undefined. */
  peakBytes(): number | undefined;
}

class ThreadMeter implements JobMeter {
  #cpuBefore: number | undefined;

  start(): void {
    this.#cpuBefore = threadCpuMicros();
  }

  cpuMs(): number | undefined {
    const now = threadCpuMicros();
    return now === undefined || this.#cpuBefore === undefined ? undefined : (now - this.#cpuBefore) / 1000;
  }

  peakBytes(): undefined {
    return undefined;
  }
}

/** Jobs at least this long get the kernel's exact peak; shorter ones the resident set at their end. */
const EXACT_PEAK_MS = 1;
/**
 * How old the resident set a short job reports may be. Reading it costs 2.5 us on a quiet Linux
 * and 17-30 us where /proc is slow (a sandbox, as on the bench machine): once a millisecond, that
 * was a tenth of a lone job's round trip. A job too short for an exact peak changes the resident
 * set by little, and in 20 ms the process runs few of them.
 */
const RESIDENT_READ_EVERY_MS = 20;
/**
 * How close a job's CPU time is to the truth, at worst. A CPU reading costs a system call (about
 * 5 us, more than a trivial job; two per job were a tenth of a lone job's round trip), so:
 * - a job that ends within this of its start reports its wall time as its CPU time (an upper
 *   bound, off by less than this), and takes no reading at its end;
 * - a job that starts within this of the last reading starts its CPU clock from that reading
 *   (what the process did since then, the jobs before it and the receipt of its batch, counts in
 *   its time: less than this).
 * So trivial jobs, lone or in a batch, take one reading every REUSE_READING_MS between them,
 * and a job long enough to matter takes one as it ends.
 */
const REUSE_READING_MS = 0.5;

/**
 * For a process that runs one job at a time: its CPU time, and its resident-set high-water mark
 * (VmHWM), which Linux resets when 5 is written to clear_refs. Reading and resetting it costs
 * about 12 us, more than a trivial job, so short jobs report the resident set (read at most once
 * every RESIDENT_READ_EVERY_MS) and the mark is read, and reset, after jobs long enough to have a peak.
 */
export class ProcessMeter implements JobMeter {
  #cpuBefore = 0;
  #startedAt = 0;
  /** The last CPU reading (microseconds, user + system), and when it was taken. */
  #lastCpu = 0;
  #lastCpuAt = -Infinity;
  #resident = 0;
  #residentAt = -Infinity;
  /** When cpuMs was last asked: the job's end. */
  #endedAt = 0;

  /** Called right after the job's clock read its start (job-clock.ts): that reading serves here. */
  start(): void {
    const now = lastReading();
    if (now - this.#lastCpuAt > REUSE_READING_MS) this.#read(now);
    this.#cpuBefore = this.#lastCpu;
    this.#startedAt = now;
  }

  /** Called right after the job's clock read its end (job-clock.ts): that reading serves here. */
  cpuMs(): number {
    const now = lastReading();
    this.#endedAt = now;
    const wall = now - this.#startedAt;
    if (wall < REUSE_READING_MS) return wall;
    this.#read(now);
    return (this.#lastCpu - this.#cpuBefore) / 1000;
  }

  /** Read right after cpuMs (as a job's outcome is built): its clock reading serves both. */
  peakBytes(): number {
    const now = this.#endedAt;
    if (now - this.#startedAt >= EXACT_PEAK_MS) {
      this.#resident = Math.max(process.memoryUsage.rss(), readAndResetPeak() ?? 0);
      this.#residentAt = now;
    } else if (now - this.#residentAt >= RESIDENT_READ_EVERY_MS) {
      // Even the resident set costs microseconds to read: short jobs share a recent reading.
      this.#resident = process.memoryUsage.rss();
      this.#residentAt = now;
    }
    return this.#resident;
  }

  #read(now: number): void {
    this.#lastCpu = cpuMicros();
    this.#lastCpuAt = now;
  }
}

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** The peak resident bytes since the last reset, where Linux tells; then a new period starts. */
function readAndResetPeak(): number | undefined {
  try {
    const kib = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    writeFileSync('/proc/self/clear_refs', '5');
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}

let meter: JobMeter = new ThreadMeter();

/** The meter every job in this thread or process uses; a worker process installs its own. */
export function jobMeter(): JobMeter {
  return meter;
}

export function useJobMeter(chosen: JobMeter): void {
  meter = chosen;
}

/**
 * The thread's own CPU clock (Node 22+), looked up once: a missing property of `process` is a
 * lookup up its prototype chain, twice per job.
 */
const threadCpuUsage = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.bind(process);

function threadCpuMicros(): number | undefined {
  if (threadCpuUsage === undefined) return undefined;
  const usage = threadCpuUsage();
  return usage.user + usage.system;
}
