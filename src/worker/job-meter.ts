/**
 * Measures one job's CPU time and peak memory where the place it runs can tell. A thread shares
 * its process with others, so it can only tell CPU time (Node 22+ has threadCpuUsage) and no
 * memory of its own; a child process running one job at a time can tell both exactly.
 */
import { readFileSync, writeFileSync } from 'node:fs';

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
 * A job that starts within this of the last job's end (back to back in a batch) starts its CPU
 * clock from that end's reading: a reading costs a system call (about 5 us, more than a trivial
 * job), and the batch runner's few microseconds between the two jobs count in the second.
 */
const REUSE_READING_MS = 0.5;
/**
 * A job shorter than this reports its wall time as its CPU time, read with no system call: a
 * reading per job was a quarter of a worker's busy time on a 1M-job trivial map. The process
 * runs one job at a time, so its wall time bounds its CPU time, and at this length they differ
 * by a preemption at most.
 */
const UNREAD_BELOW_MS = 0.1;

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

  start(): void {
    const now = performance.now();
    // Since a recent reading, the jobs that ran were short (unread): their wall time is their CPU time.
    if (now - this.#lastCpuAt <= REUSE_READING_MS) this.#cpuBefore = this.#lastCpu + (now - this.#lastCpuAt) * 1000;
    else this.#read(now);
    this.#startedAt = now;
  }

  cpuMs(): number {
    const now = performance.now();
    if (now - this.#startedAt < UNREAD_BELOW_MS) return now - this.#startedAt;
    const before = this.#cpuBefore;
    this.#read(now);
    // The estimate of what ran since the last reading may exceed it (a preemption): never below zero.
    return Math.max(0, this.#lastCpu - before) / 1000;
  }

  #read(now: number): void {
    this.#cpuBefore = this.#lastCpu = cpuMicros();
    this.#lastCpuAt = now;
  }

  peakBytes(): number {
    const now = performance.now();
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

function threadCpuMicros(): number | undefined {
  const usage = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.();
  return usage ? usage.user + usage.system : undefined;
}
