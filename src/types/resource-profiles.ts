/**
 * The one table of resource profiles, PiCloud's: what a job of each type reserves of a machine, in
 * compute units (a core offers 2.5), and the memory it may use for one core's worth (`cores: n`
 * multiplies both). Whatever counts or limits resources reads it: the scheduler, the resource
 * plan, load(), the options' checks. Constants of the contract, no code that runs.
 */
import type { Isolation, ResourceType } from './job-options.js';

export interface ResourceProfile {
  /** Compute units one job of this type reserves, with `cores: 1`. */
  readonly computeUnits: number;
  /** The memory limit of one job of this type, in MB, with `cores: 1` (configurable). */
  readonly memoryMb: number;
}

export const RESOURCE_PROFILES: Readonly<Record<ResourceType, ResourceProfile>> = {
  c1: { computeUnits: 1, memoryMb: 300 },
  c2: { computeUnits: 2.5, memoryMb: 800 },
  f2: { computeUnits: 5.5, memoryMb: 3840 },
  m1: { computeUnits: 3.25, memoryMb: 8192 },
  s1: { computeUnits: 1, memoryMb: 300 },
};

/** What one core offers, in compute units. */
export const COMPUTE_UNITS_PER_CORE = 2.5;

/** The smallest memory limit a job runs under, in MB, by where jobs run. */
export const MIN_MEMORY_LIMIT_MB: Readonly<Record<Isolation, number>> = {
  // A worker process is held to its resident size, and Node alone takes about 60 MB of it.
  process: 100,
  // A worker thread is held to its JS heap; below about 10 MB V8 cannot start a job in it.
  thread: 32,
};

/** The compute units one job of `type` with `cores` reserves. */
export function computeUnitsOf(type: ResourceType, cores: number): number {
  return RESOURCE_PROFILES[type].computeUnits * cores;
}
