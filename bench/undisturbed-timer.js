/**
 * Times short synchronous calls on a machine that other processes share. A call timed by the wall
 * clock counts whatever ran while this process was descheduled, and under load that swamps a call
 * of a few microseconds; reading the CPU clock around each call costs more than the call. So the
 * calls are timed by the wall clock, in stretches of many calls, and a stretch counts only when
 * the process had the CPU throughout it: its CPU time (process.cpuUsage) is close to its wall time.
 */

/** A stretch counts when its CPU time is at least this share of its wall time. */
const UNDISTURBED_SHARE = 0.95;

export class UndisturbedTimer {
  #stretchWall = 0;
  #stretchCpu = undefined;
  #stretchMs = 0;
  #stretchUnits = 0;
  /** Timed milliseconds and units of work (e.g. jobs) in the stretches that counted. */
  countedMs = 0;
  countedUnits = 0;
  /** Stretches seen, and those that counted. */
  stretches = 0;
  undisturbed = 0;

  /** Opens a stretch; every `time()` until `endStretch()` belongs to it. */
  beginStretch() {
    this.#stretchMs = 0;
    this.#stretchUnits = 0;
    this.#stretchCpu = process.cpuUsage();
    this.#stretchWall = performance.now();
  }

  /** Runs `call` and adds its wall time to the stretch; returns what it returned. */
  time(call) {
    const before = performance.now();
    const value = call();
    this.#stretchMs += performance.now() - before;
    return value;
  }

  /** Credits `units` of work (e.g. jobs finished) to the stretch. */
  count(units) {
    this.#stretchUnits += units;
  }

  endStretch() {
    const wallMs = performance.now() - this.#stretchWall;
    const cpu = process.cpuUsage(this.#stretchCpu);
    this.stretches++;
    if ((cpu.user + cpu.system) / 1000 < UNDISTURBED_SHARE * wallMs) return;
    this.undisturbed++;
    this.countedMs += this.#stretchMs;
    this.countedUnits += this.#stretchUnits;
  }

  /** Microseconds of timed calls per unit of work, over the stretches that counted. */
  get microsPerUnit() {
    return (this.countedMs * 1000) / this.countedUnits;
  }
}
