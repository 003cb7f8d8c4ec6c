/**
 * What this machine offers jobs, from the config: compute units, each type's memory limit,
 * how many scraping (s1) jobs may run at once, and where jobs run (threads or processes).
 * Decided once, when a runtime starts; the scheduler and the executors only read it.
 */
import { availableParallelism, totalmem } from 'node:os';
import type { CloudConfig, Isolation, ResourceType } from '../types/job-options.js';
import { RESOURCE_TYPES } from '../types/job-options.js';
import { COMPUTE_UNITS_PER_CORE, RESOURCE_PROFILES } from '../types/resource-profiles.js';

/**
 * Jobs that may wait on other jobs with their slot lent out, at once. Each keeps its worker (a
 * process of ~50 MB, or a thread), so this bounds the workers beyond the slots; past it, a waiting
 * job keeps its slot (see Scheduler's Capacity.maxParked for the one exception).
 */
export const MAX_PARKED_JOBS = 16;

/** How often a job may run again after its worker died, when it is restartable. */
export const DEFAULT_MAX_RESTARTS = 3;

export interface ResourcePlan {
  readonly cores: number;
  readonly computeUnits: number;
  /** MB one job of this type may use, with `cores` = 1. */
  readonly memoryLimitsMb: Readonly<Record<ResourceType, number>>;
  readonly s1Concurrency: number;
  readonly isolation: Isolation;
  readonly maxRestarts: number;
}

export function planResources(config: CloudConfig): ResourcePlan {
  const cores = config.cores ?? availableParallelism();
  return {
    cores,
    computeUnits: config.computeUnits ?? cores * COMPUTE_UNITS_PER_CORE,
    memoryLimitsMb: memoryLimits(config.memoryLimits ?? {}),
    s1Concurrency: config.s1Concurrency ?? cores,
    isolation: config.isolation ?? 'process',
    maxRestarts: config.maxRestarts ?? DEFAULT_MAX_RESTARTS,
  };
}

/** The memory limit of one job, in MB. */
export function memoryLimitMb(plan: ResourcePlan, type: ResourceType, cores: number): number {
  return plan.memoryLimitsMb[type] * cores;
}

/** Each type's limit: the configured one, else PiCloud's, never more than the machine has. */
function memoryLimits(configured: Partial<Record<ResourceType, number>>): Record<ResourceType, number> {
  const machineMb = Math.floor(totalmem() / (1024 * 1024));
  const limits = {} as Record<ResourceType, number>;
  for (const type of RESOURCE_TYPES) {
    const wanted = configured[type] ?? RESOURCE_PROFILES[type].memoryMb;
    if (wanted > machineMb) {
      process.emitWarning(`nimbus: the ${type} memory limit of ${wanted} MB is more than this machine's ${machineMb} MB; using ${machineMb} MB`);
    }
    limits[type] = Math.min(wanted, machineMb);
  }
  return limits;
}
