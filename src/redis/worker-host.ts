/**
 * A `nimbus worker`: a local runtime (the same scheduler and process or thread executors as a
 * Cloud on one machine, the same compute units, memory limits, maxRuntime and output capture)
 * fed with chunks from the queue's BullMQ queues, one intake per resource type. What the runtime
 * does with the jobs is written back to Redis (OutcomeWriter); kills reach it by pub/sub
 * (KillListener); a heartbeat keeps it registered and alive. Closing gracefully lets the running
 * jobs finish; closing by force stops them and gives back what had not started.
 */
import { Redis } from 'ioredis';
import { createFileStore } from '../files/files-config.js';
import { FileChannelHost } from '../files/file-channel-host.js';
import { jobFacingService } from '../local/job-facing-service.js';
import { planResources, type ResourcePlan } from '../local/resource-plan.js';
import { workerSettings } from '../local/worker-settings.js';
import { Runtime } from '../runtime/runtime.js';
import { RESOURCE_TYPES } from '../types/job-options.js';
import type { JobService } from '../types/job-service.js';
import type { NimbusWorker, WorkerOptions } from '../types/worker-options.js';
import { ChunkIntake } from './chunk-intake.js';
import { ChunkQueues, lockDurationMs } from './chunk-queues.js';
import { ChunkRun, type ChunkRunParts } from './chunk-run.js';
import { HeldJobs } from './held-jobs.js';
import { KillListener } from './kill-listener.js';
import { OutcomeWriter } from './outcome-writer.js';
import type { WorkerIdentity } from './record-types.js';
import { connectRedis, describeRedisUrl } from './redis-connection.js';
import { DEFAULT_QUEUE, WIRE_VERSION } from './redis-keys.js';
import { RedisRecords, workerName } from './redis-records.js';
import { RedisService } from './redis-service.js';
import { RoomGate } from './room-gate.js';
import { ShippedFunctions } from './shipped-functions.js';
import { WorkerHeartbeat } from './worker-heartbeat.js';
import { newWorkerIdentity } from './worker-identity.js';
import { NIMBUS_VERSION } from './nimbus-version.js';
import { WorkerJobRequests } from './worker-job-requests.js';

/**
 * Jobs the local runtime may have run before its table is cleared (about 130 bytes each stay in
 * it until then): past this, the worker takes no chunk until its runtime is idle, then clears it.
 */
const CLEAR_AFTER_JOBS = 1_000_000;

/** Everything a worker holds, made by startWorkerHost. */
interface HostParts {
  options: WorkerOptions;
  queue: string;
  plan: ResourcePlan;
  me: WorkerIdentity;
  version: string;
  lockMs: number;
  /** Records, queues and the intakes' BullMQ workers (which duplicate it for their blocking fetches). */
  connection: Redis;
  subscriber: Redis;
  records: RedisRecords;
  queues: ChunkQueues;
  runtime: Runtime;
  held: HeldJobs;
  writer: OutcomeWriter;
  report: (error: unknown) => void;
}

export async function startWorkerHost(options: WorkerOptions): Promise<NimbusWorker> {
  const me = newWorkerIdentity();
  const name = `nimbus worker ${workerName(me)}`;
  const connection = await connectRedis(options.redis, { maxRetriesPerRequest: null, name });
  let subscriber: Redis;
  try {
    subscriber = await connectRedis(options.redis, { maxRetriesPerRequest: null, name: `${name} (kill)` });
  } catch (error) {
    connection.disconnect();
    throw error;
  }
  const host = new WorkerHost(partsOf(options, me, connection, subscriber));
  try {
    await host.start();
  } catch (error) {
    await host.close({ force: true }).catch(() => {});
    throw error;
  }
  return host;
}

function partsOf(options: WorkerOptions, me: WorkerIdentity, connection: Redis, subscriber: Redis): HostParts {
  const queue = options.queue ?? DEFAULT_QUEUE;
  const plan = planResources(options);
  const version = NIMBUS_VERSION;
  const records = new RedisRecords(connection, queue);
  const queues = new ChunkQueues(connection, records.keys, version);
  // Jobs arrive here a chunk at a time, so a larger batch than a thread's (a process's bound) would
  // bind a later job of lower priority to the first before a higher one arrives (statuses.test.ts).
  const runtime = new Runtime({ ...workerSettings(plan), batchBound: undefined });
  const held = new HeldJobs();
  const report = warnOnce(workerName(me));
  const writer = new OutcomeWriter({ runtime, held, records, queues, me, report });
  return { options, queue, plan, me, version, lockMs: lockDurationMs(), connection, subscriber, records, queues, runtime, held, writer, report };
}

class WorkerHost implements NimbusWorker {
  readonly closed: Promise<void>;
  readonly #parts: HostParts;
  readonly #gate: RoomGate;
  readonly #kills: KillListener;
  readonly #heartbeat: WorkerHeartbeat;
  readonly #intakes: ChunkIntake[];
  /** The queue's client service, for jobs that start jobs: made on the first such request. */
  #service: Promise<JobService> | undefined;
  #closing: Promise<void> | undefined;
  #forced = false;
  /** Everything is stopped and closed: a close now has nothing to do. */
  #released = false;
  #markClosed!: () => void;

  constructor(parts: HostParts) {
    this.#parts = parts;
    this.closed = new Promise((resolve) => (this.#markClosed = resolve));
    const { runtime, held, records, writer, me, report } = parts;
    // A runtime due to be cleared takes nothing more: it runs what it holds, then starts over.
    const gate = (this.#gate = new RoomGate({
      hasRoomFor: (type, cores) => runtime.lastJid < CLEAR_AFTER_JOBS && runtime.hasRoomFor(type, cores),
      get hasQueued() {
        return runtime.lastJid >= CLEAR_AFTER_JOBS || runtime.hasQueued;
      },
    }));
    held.onEmpty(() => {
      if (runtime.lastJid < CLEAR_AFTER_JOBS || runtime.unfinished > 0) return;
      runtime.clear();
      gate.reconsider();
    });
    runtime.watchChanges((local) => {
      writer.changed(local);
      gate.reconsider();
    });
    const files = createFileStore(parts.options.files);
    const jobs = new WorkerJobRequests(
      () => this.#clientService(),
      runtime,
      held,
      () => gate.reconsider(),
    );
    runtime.exposeToJobs(jobFacingService(jobs, new FileChannelHost(files)));
    this.#kills = new KillListener(runtime, held, parts.subscriber, records.keys.killChannel, report);
    this.#heartbeat = new WorkerHeartbeat({
      records,
      record: {
        ...me,
        version: parts.version,
        wire: WIRE_VERSION,
        cores: parts.plan.cores,
        computeUnits: parts.plan.computeUnits,
        isolation: parts.plan.isolation,
      },
      load: () => runtime.load(),
      aliveMs: parts.lockMs,
      chores: [() => this.#kills.sweep(records), () => this.#readdReady()],
      report,
    });
    const chunkParts: ChunkRunParts = {
      runtime,
      records,
      queues: parts.queues,
      functions: new ShippedFunctions(records),
      held,
      me,
      version: parts.version,
      computeUnits: parts.plan.computeUnits,
      maxRestarts: parts.plan.maxRestarts,
      aliveMs: parts.lockMs,
    };
    this.#intakes = RESOURCE_TYPES.map(
      (type) =>
        new ChunkIntake({
          type,
          connection: parts.connection,
          queueName: records.keys.bullQueue(type),
          lockMs: parts.lockMs,
          gate,
          runChunk: (data, submitted) => new ChunkRun(chunkParts, data, submitted).run(),
          report,
        }),
    );
  }

  get id(): string {
    return this.#parts.me.id;
  }

  get name(): string {
    return workerName(this.#parts.me);
  }

  get redis(): string {
    return describeRedisUrl(this.#parts.options.redis);
  }

  get queue(): string {
    return this.#parts.queue;
  }

  get cores(): number {
    return this.#parts.plan.cores;
  }

  get computeUnits(): number {
    return this.#parts.plan.computeUnits;
  }

  /** Registers, listens for kills, then takes chunks. */
  async start(): Promise<void> {
    await this.#kills.start();
    await this.#heartbeat.start();
    await Promise.all(this.#intakes.map((intake) => intake.start()));
  }

  close(options: { force?: boolean } = {}): Promise<void> {
    if (this.#released) return this.closed;
    if (options.force && !this.#forced) {
      this.#forced = true;
      const graceful = this.#closing;
      this.#closing = this.#closeNow(graceful);
    }
    this.#closing ??= this.#closeGracefully();
    return this.#closing;
  }

  async #closeGracefully(): Promise<void> {
    for (const intake of this.#intakes) intake.stopTaking();
    this.#gate.openForGood();
    await Promise.all(this.#intakes.map((intake) => intake.finish()));
    // A forced close overtook this one: it ends when that one does.
    if (this.#forced) return this.closed;
    await this.#parts.writer.drain();
    await this.#release();
  }

  /** Stops at once; a graceful close under way is overtaken (its waits end as the chunks are abandoned). */
  async #closeNow(graceful: Promise<void> | undefined): Promise<void> {
    for (const intake of this.#intakes) intake.stopTaking();
    this.#gate.openForGood();
    void graceful?.catch(() => {});
    // With Redis unreachable, a forced close does not wait for it: what it could not write, the
    // next worker to take the chunks settles (the lost worker's way).
    await within(this.#parts.lockMs, this.#handBack());
    await this.#release();
  }

  /** Writes what ended and what started, gives back the jobs not started, and the chunks. */
  async #handBack(): Promise<void> {
    const { writer, runtime, held, records, me, report } = this.#parts;
    // What started is written started: it runs again elsewhere, or ends 'error' (worker lost).
    await writer.drain();
    writer.stop();
    const holding = [...held.entries()];
    const statuses = await runtime.status(holding.map(([, local]) => local));
    const unstarted = holding.filter((_, i) => statuses[i] === 'queued').map(([global]) => global);
    if (unstarted.length > 0) await records.returned(unstarted, me).catch(report);
    await Promise.all(this.#intakes.map((intake) => intake.abandon()));
  }

  /** Stops the runtime (and its workers), leaves the registry and closes every connection. */
  async #release(): Promise<void> {
    const { runtime, connection, subscriber, lockMs } = this.#parts;
    try {
      this.#parts.writer.stop();
      await runtime.close();
      await within(lockMs, this.#leave());
    } finally {
      // Whatever did not quit in time is cut.
      connection.disconnect();
      subscriber.disconnect();
      this.#released = true;
      this.#markClosed();
    }
  }

  async #leave(): Promise<void> {
    const { queues, connection, subscriber, report } = this.#parts;
    await this.#heartbeat.stop();
    const service = await this.#service?.catch(() => undefined);
    await service?.close().catch(report);
    await queues.close().catch(report);
    await Promise.all([connection.quit().catch(() => {}), subscriber.quit().catch(() => {})]);
  }

  /** Chunks made ready whose add to BullMQ may have been lost (their adder died): added again (a no-op for those there). */
  async #readdReady(): Promise<void> {
    const ready = await this.#parts.records.readyChunks();
    if (ready.length > 0) await this.#parts.queues.add(ready);
  }

  #clientService(): Promise<JobService> {
    const { options, queue, me } = this.#parts;
    this.#service ??= RedisService.connect(options.redis, queue, { name: `nimbus worker ${workerName(me)} (jobs' cloud)` }).catch((error: unknown) => {
      this.#service = undefined;
      throw error;
    });
    return this.#service;
  }
}

/** Resolves when `work` does, or after `ms` (its timer held no longer than that). */
async function within(ms: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  try {
    await Promise.race([work.catch(() => {}), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A failure no caller hears of, said once per message as a process warning naming the worker. */
function warnOnce(worker: string): (error: unknown) => void {
  const said = new Set<string>();
  return (error) => {
    const message = error instanceof Error ? error.message : String(error);
    if (said.has(message)) return;
    said.add(message);
    process.emitWarning(`nimbus worker ${worker}: ${message}`);
  };
}
