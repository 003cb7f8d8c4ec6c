/**
 * The machinery of a Cloud made in the user's own thread: one runtime, driving the worker
 * processes or threads, or the simulator, made durable by the home's store when there is one.
 * Switching to the simulator keeps the job table, so jids stay unique and earlier jobs stay
 * readable. Loaded on a Cloud's first request (local-backend.ts), never by a worker.
 */
import type { Cloud } from '../cloud.js';
import { errors } from '../errors.js';
import { planResources, type ResourcePlan } from './resource-plan.js';
import { workerSettings } from './worker-settings.js';
import { Runtime, type RuntimeSettings } from '../runtime/runtime.js';
import type { CloudFiles } from '../files/cloud-files.js';
import { FileChannelHost } from '../files/file-channel-host.js';
import { jobFacingService } from './job-facing-service.js';
import { nanoid } from 'nanoid';
import { DurableService } from '../store/durable-service.js';
import { openHomeStore } from '../store/open-home-store.js';
import { SimulatorExecutor } from '../simulator/simulator-executor.js';
import type { CloseOptions, CloudConfig } from '../types/job-options.js';
import type { JobStatus } from '../types/job-status.js';
import type { JobService } from '../types/job-service.js';
import type { JobStore } from '../types/job-store.js';

/** Internal settings, not CloudConfig: how the CLI opens a home only to read it. */
export interface BackendSettings {
  /** Open the home's store read-only: nothing is written, no job is recovered (see store/). */
  readOnlyHome?: boolean;
}

export class LocalEngine {
  readonly #cloud: Cloud;
  readonly #plan: ResourcePlan;
  #simulator: boolean;
  /** The home's store, opened (and checked) with the engine, at the Cloud's first request. */
  readonly #store: JobStore | undefined;
  readonly #files: CloudFiles;
  #runtime: Runtime | undefined;
  /** The runtime as jobs and the Cloud see it: itself, or made durable by a home. */
  #service: JobService | undefined;

  /** The engine of a Cloud, with its home's store opened (SQLite is loaded only for a home). */
  static async open(cloud: Cloud, config: CloudConfig, settings: BackendSettings, files: CloudFiles, simulator: boolean): Promise<LocalEngine> {
    const plan = planResources(config);
    const store = config.home === undefined ? undefined : await openHomeStore(config.home, nanoid(), { readOnly: settings.readOnlyHome ?? false });
    return new LocalEngine(cloud, plan, store, files, simulator);
  }

  private constructor(cloud: Cloud, plan: ResourcePlan, store: JobStore | undefined, files: CloudFiles, simulator: boolean) {
    this.#cloud = cloud;
    this.#plan = plan;
    this.#store = store;
    this.#files = files;
    this.#simulator = simulator;
  }

  get isSimulator(): boolean {
    return this.#simulator;
  }

  service(): JobService {
    if (!this.#service) {
      const runtime = (this.#runtime = new Runtime(this.#settings()));
      this.#service = this.#store === undefined ? runtime : this.#durable(runtime, this.#store);
      runtime.exposeToJobs(jobFacingService(this.#service, new FileChannelHost(this.#files.store)));
    }
    return this.#service;
  }

  #durable(runtime: Runtime, store: JobStore): DurableService {
    const durable = new DurableService(runtime, store, { maxRestarts: this.#plan.maxRestarts });
    durable.recover().catch((error: unknown) => process.emitWarning(`nimbus: could not recover the jobs of a runtime that stopped: ${String(error)}`));
    return durable;
  }

  async startSimulator(): Promise<void> {
    if (this.#simulator) return;
    const runtime = this.#runtime;
    if (runtime && runtime.unfinished > 0) throw errors.switchWithJobs();
    this.#simulator = true;
    await runtime?.reconfigure(this.#settings());
  }

  /** With `wait`, the jobs in flight (and those they start meanwhile) finish before the workers stop. */
  async close(options?: CloseOptions): Promise<boolean> {
    if (options?.wait && this.#runtime) await finished(this.#runtime);
    return (await this.#service?.close()) ?? false;
  }

  #settings(): RuntimeSettings {
    return this.#simulator ? simulatorSettings(this.#cloud, this.#plan) : workerSettings(this.#plan);
  }
}

const UNFINISHED: JobStatus[] = ['queued', 'processing', 'waiting'];

/** Resolves once `runtime` has no unfinished job: jobs started while it waits are waited for too. */
async function finished(runtime: Runtime): Promise<void> {
  while (runtime.unfinished > 0) {
    const jids = (await runtime.list({ status: UNFINISHED, label: undefined, limit: Infinity })).map((info) => info.jid);
    const verdict = await runtime.wait({ jids, timeout: undefined, ignoreErrors: true, values: false, any: false, caller: undefined });
    if (verdict.kind === 'closed') return;
  }
}

/** One job at a time, whatever its type: every job costs the one slot there is. */
function simulatorSettings(cloud: Cloud, plan: ResourcePlan): RuntimeSettings {
  return {
    computeUnits: plan.computeUnits,
    capacity: 1,
    costOf: () => 1,
    maxRestarts: plan.maxRestarts,
    memoryLimitOf: () => undefined,
    createExecutor: (events) => new SimulatorExecutor(events, cloud),
  };
}
