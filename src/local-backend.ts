/**
 * Where a Cloud made in the user's own thread sends its jobs: one runtime, driving either the
 * worker pool or the simulator. Switching to the simulator keeps the job table, so jids stay
 * unique and earlier jobs stay readable.
 */
import { availableParallelism } from 'node:os';
import type { Cloud, CloudBackend } from './cloud.js';
import { errors } from './errors.js';
import { PoolExecutor } from './runtime/pool-executor.js';
import { Runtime, type RuntimeSettings } from './runtime/runtime.js';
import { computeUnitsOf } from './runtime/scheduler.js';
import { SimulatorExecutor } from './simulator/simulator-executor.js';
import type { CloudConfig } from './types/job-options.js';
import type { JobService } from './types/job-service.js';

/** What one core offers, in compute units. */
export const COMPUTE_UNITS_PER_CORE = 2.5;

export function createLocalBackend(cloud: Cloud, config: CloudConfig): CloudBackend {
  return new LocalBackend(cloud, config);
}

class LocalBackend implements CloudBackend {
  readonly #cloud: Cloud;
  readonly #config: CloudConfig;
  #simulator: boolean;
  #runtime: Runtime | undefined;

  constructor(cloud: Cloud, config: CloudConfig) {
    this.#cloud = cloud;
    this.#config = config;
    this.#simulator = config.simulator ?? false;
  }

  get isSimulator(): boolean {
    return this.#simulator;
  }

  service(): JobService {
    return (this.#runtime ??= new Runtime(this.#settings()));
  }

  async startSimulator(): Promise<void> {
    if (this.#simulator) return;
    const runtime = this.#runtime;
    if (runtime && runtime.unfinished > 0) throw errors.switchWithJobs();
    this.#simulator = true;
    await runtime?.reconfigure(this.#settings());
  }

  async close(): Promise<boolean> {
    return (await this.#runtime?.close()) ?? false;
  }

  #settings(): RuntimeSettings {
    const computeUnits = this.#config.computeUnits ?? (this.#config.cores ?? availableParallelism()) * COMPUTE_UNITS_PER_CORE;
    return this.#simulator ? simulatorSettings(this.#cloud, computeUnits) : poolSettings(computeUnits);
  }
}

function poolSettings(computeUnits: number): RuntimeSettings {
  const capacity = computeUnits;
  return {
    computeUnits,
    capacity,
    costOf: computeUnitsOf,
    createExecutor: (events, service) => new PoolExecutor(events, service, {
      slotsOf: (type) => Math.max(1, Math.floor(capacity / computeUnitsOf(type, 1))),
    }),
  };
}

/** One job at a time, whatever its type: every job costs the one slot there is. */
function simulatorSettings(cloud: Cloud, computeUnits: number): RuntimeSettings {
  return {
    computeUnits,
    capacity: 1,
    costOf: () => 1,
    createExecutor: (events) => new SimulatorExecutor(events, cloud),
  };
}
