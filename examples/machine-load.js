// How much of the machine other programs took while the demo ran: a speedup measured on cores
// that something else was using says little, so the demo prints this beside it. On Linux it reads
// /proc/stat (busy and stolen time of every core); elsewhere it gives the 1-minute load average.
import { readFileSync } from 'node:fs';
import os from 'node:os';

const TICK_MS = 10; // /proc/stat counts in USER_HZ, 100 a second on Linux

function cpuTicks() {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, idle, iowait, irq, softirq, steal = 0] = fields.map(Number);
    return { busy: user + nice + system + irq + softirq, steal, idle: idle + iowait };
  } catch {
    return undefined;
  }
}

/** Starts watching; `stop(jobsCpuMs)` takes the CPU time the demo's jobs used (this process's own is measured here). */
export function watchMachine() {
  const started = performance.now();
  const before = cpuTicks();
  const ownBefore = process.cpuUsage();
  return {
    stop(jobsCpuMs) {
      const own = process.cpuUsage(ownBefore);
      const ownCpuMs = jobsCpuMs + (own.user + own.system) / 1000;
      const after = cpuTicks();
      const cores = os.availableParallelism();
      if (!before || !after) return `load average ${os.loadavg()[0].toFixed(2)} on ${cores} cores`;
      const capacityMs = (performance.now() - started) * cores;
      const othersMs = Math.max(0, (after.busy - before.busy) * TICK_MS - ownCpuMs);
      const stolenMs = (after.steal - before.steal) * TICK_MS;
      const others = Math.min(1, othersMs / capacityMs);
      const stolen = Math.min(1, stolenMs / capacityMs);
      const share = `other programs used ${(others * 100).toFixed(0)}% of the ${cores} cores meanwhile, the hypervisor stole ${(stolen * 100).toFixed(0)}%`;
      return others + stolen > 0.1
        ? `${share}: the machine was busy, so the speedup is lower than an idle one would show`
        : `${share}: the machine was otherwise idle`;
    },
  };
}
