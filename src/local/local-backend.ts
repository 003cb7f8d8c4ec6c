/**
 * Where a Cloud made in the user's own thread sends its jobs. What a bad config would break is
 * checked here, at `new Cloud`: the home's path, the file store. The machinery (the runtime, the
 * executors, SQLite) is loaded on the Cloud's first request (local-engine.ts): a Cloud that runs no
 * job loads none of it, and neither does a worker, which loads the Cloud class for its jobs' own
 * `cloud` and never builds one of these.
 */
import { join } from 'node:path';
import type { Cloud, CloudBackend } from '../cloud.js';
import { CloudFiles } from '../files/cloud-files.js';
import { createFileStore } from '../files/files-config.js';
import { prepareHome } from '../store/home-dir.js';
import type { FilesConfig } from '../types/file-store.js';
import type { CloseOptions, CloudConfig } from '../types/job-options.js';
import type { JobService } from '../types/job-service.js';
import type { BackendSettings, LocalEngine } from './local-engine.js';

export type { BackendSettings } from './local-engine.js';

export function createLocalBackend(cloud: Cloud, config: CloudConfig): CloudBackend {
  return new LocalBackend(cloud, config, { readOnlyHome: config.readOnly ?? false });
}

class LocalBackend implements CloudBackend {
  readonly files: CloudFiles;
  readonly #cloud: Cloud;
  readonly #config: CloudConfig;
  readonly #settings: BackendSettings;
  #simulator: boolean;
  #engine: Promise<LocalEngine> | undefined;
  /** The engine once it has started: a Cloud's calls then reach its service without awaiting a promise each. */
  #started: LocalEngine | undefined;

  constructor(cloud: Cloud, config: CloudConfig, settings: BackendSettings) {
    if (config.home !== undefined) prepareHome(config.home, settings.readOnlyHome ?? false);
    this.files = new CloudFiles(createFileStore(filesConfig(config)));
    this.#cloud = cloud;
    this.#config = config;
    this.#settings = settings;
    this.#simulator = config.simulator ?? false;
  }

  get isSimulator(): boolean {
    return this.#simulator;
  }

  service(): JobService | Promise<JobService> {
    if (this.#started) return this.#started.service();
    return this.#starting().then((engine) => engine.service());
  }

  async startSimulator(): Promise<void> {
    if (this.#simulator) return;
    // Before the first request there is nothing to switch: the engine starts as a simulator.
    if (this.#engine) await (await this.#engine).startSimulator();
    this.#simulator = true;
  }

  /** False when nothing was ever started (or it is closed already, or could not start). */
  async close(options?: CloseOptions): Promise<boolean> {
    const engine = await this.#engine?.catch(() => undefined);
    return engine ? engine.close(options) : false;
  }

  /** The engine, started by the first request; one that could not start (a damaged home) is tried again by the next. */
  #starting(): Promise<LocalEngine> {
    this.#engine ??= import('./local-engine.js')
      .then(({ LocalEngine }) => LocalEngine.open(this.#cloud, this.#config, this.#settings, this.files, this.#simulator))
      .then((engine) => (this.#started = engine))
      .catch((error: unknown) => {
        this.#engine = undefined;
        throw error;
      });
    return this.#engine;
  }
}

/** The file store: as configured; else in memory for the simulator, in the home, or in .nimbus/files. */
function filesConfig(config: CloudConfig): FilesConfig | undefined {
  if (config.files !== undefined) return config.files;
  if (config.simulator) return 'memory';
  return config.home === undefined ? undefined : { dir: join(config.home, 'files') };
}
