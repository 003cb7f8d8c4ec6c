/**
 * The settings of a runtime whose jobs run on this machine's worker processes or threads, from
 * its resource plan: what a Cloud's local engine runs, and what a `nimbus worker` runs for Redis.
 * One place, so that both hold jobs to the same compute units, memory limits and isolation.
 */
import { PoolExecutor } from '../runtime/thread/pool-executor.js';
import { PROCESS_BATCH_BOUND, ProcessExecutor } from '../runtime/process/process-executor.js';
import type { RuntimeSettings } from '../runtime/runtime.js';
import { computeUnitsOf } from '../types/resource-profiles.js';
import { MAX_PARKED_JOBS, memoryLimitMb, type ResourcePlan } from './resource-plan.js';

export function workerSettings(plan: ResourcePlan): RuntimeSettings {
  const inProcesses = plan.isolation === 'process';
  const Executor = inProcesses ? ProcessExecutor : PoolExecutor;
  return {
    computeUnits: plan.computeUnits,
    capacity: plan.computeUnits,
    costOf: computeUnitsOf,
    maxRunning: (type) => (type === 's1' ? plan.s1Concurrency : Infinity),
    maxParked: MAX_PARKED_JOBS,
    followers: true,
    // A process's message costs more than a thread's: its batches carry more (process-executor.ts).
    batchBound: inProcesses ? PROCESS_BATCH_BOUND : undefined,
    maxRestarts: plan.maxRestarts,
    memoryLimitOf: (type, cores) => memoryLimitMb(plan, type, cores),
    createExecutor: (events, service) => new Executor(events, service, plan),
  };
}
