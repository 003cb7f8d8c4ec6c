/**
 * Takes the chunks of one resource type from BullMQ, one at a time and only while the local
 * runtime has room for a job of that type (RoomGate: a worker holds no chunk another worker could
 * run now, but one in reserve when the type's chunks run short). BullMQ's Worker is driven by hand (no processor): each chunk it hands out
 * is locked to this worker, the lock renewed here while the chunk runs; a worker that dies stops
 * renewing, and BullMQ's stalled check (run by every worker) hands the chunk to another. A chunk
 * whose jobs are all written complete is moved to completed (and removed).
 */
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ResourceType } from '../types/job-options.js';
import type { ChunkJobData } from './chunk-queues.js';
import { BULLMQ_PREFIX } from './redis-keys.js';
import { SHORT_CHUNK_MS, type RoomGate } from './room-gate.js';

/**
 * How long a blocked fetch waits for a chunk before it asks again, in seconds (BullMQ's
 * drainDelay): a new chunk wakes it at once (BullMQ's marker); this bounds only how long a
 * stopping worker waits for a fetch it cannot take back.
 */
const FETCH_BLOCK_S = 2;
/** After a chunk failed for a reason of this worker's (Redis down): when it is offered again. */
const RETRY_MS = 1_000;
/** BullMQ's own count of stalls before it fails a chunk: never, nimbus counts attempts per job. */
const MAX_STALLED = 1_000_000;

export interface IntakeSettings {
  type: ResourceType;
  /** Shared by the intakes of a worker (BullMQ duplicates it for its blocking fetch); its owner closes it. */
  connection: Redis;
  /** The BullMQ queue's name: `{queue}-{type}`. */
  queueName: string;
  /** How long a chunk stays locked without renewal: the bound on noticing a lost worker. */
  lockMs: number;
  gate: RoomGate;
  /**
   * Runs a chunk; `submitted` is called once its jobs are in the local runtime. Resolves when they
   * are written complete: false; or true at once when the chunk is handed back for another worker.
   */
  runChunk: (data: ChunkJobData, submitted: () => void) => Promise<boolean>;
  report: (error: unknown) => void;
}

interface ActiveChunk {
  job: Job<ChunkJobData>;
  token: string;
  running: Promise<void>;
}

export class ChunkIntake {
  readonly #settings: IntakeSettings;
  readonly #worker: Worker<ChunkJobData>;
  readonly #active = new Map<string, ActiveChunk>();
  readonly #renewal: NodeJS.Timeout;
  #loop: Promise<void> | undefined;
  #taking = true;
  /** The last chunk of this type ran short (see RoomGate): one may be taken in reserve. */
  #short = false;
  /** Resolved when the running chunks are abandoned: a finish under way waits for them no more. */
  readonly #abandoned: Promise<void>;
  #abandon!: () => void;
  #tokens = 0;

  constructor(settings: IntakeSettings) {
    this.#settings = settings;
    this.#worker = new Worker<ChunkJobData>(settings.queueName, null, {
      connection: settings.connection,
      prefix: BULLMQ_PREFIX,
      autorun: false,
      lockDuration: settings.lockMs,
      stalledInterval: settings.lockMs,
      maxStalledCount: MAX_STALLED,
      drainDelay: FETCH_BLOCK_S,
    });
    this.#worker.on('error', settings.report);
    this.#abandoned = new Promise((resolve) => (this.#abandon = resolve));
    this.#renewal = setInterval(() => this.#renewLocks(), settings.lockMs / 2);
  }

  /** Starts taking chunks, and checking for chunks of lost workers (BullMQ's stalled check). */
  async start(): Promise<void> {
    await this.#worker.waitUntilReady();
    await this.#worker.startStalledCheckTimer();
    this.#loop = this.#takeChunks();
  }

  /** Chunks taken and not finished. */
  get active(): number {
    return this.#active.size;
  }

  /** Takes no more chunks; the ones running go on (see finish). */
  stopTaking(): void {
    this.#taking = false;
  }

  /** Stops taking chunks, waits for the running ones to be written complete, and closes. */
  async finish(): Promise<void> {
    this.stopTaking();
    const running = () => Promise.all([...this.#active.values()].map((chunk) => chunk.running));
    while (this.#active.size > 0) if ((await Promise.race([running(), this.#abandoned])) === undefined) return;
    await this.#close();
  }

  /** Stops at once: running chunks go back to BullMQ's queue for another worker (their jobs' claims say what runs again). */
  async abandon(): Promise<void> {
    this.stopTaking();
    this.#abandon();
    const chunks = [...this.#active.values()];
    this.#active.clear();
    await Promise.all(chunks.map(({ job, token }) => job.moveToWait(token).catch(this.#settings.report)));
    await this.#close();
  }

  async #close(): Promise<void> {
    clearInterval(this.#renewal);
    // Forced: BullMQ drops its blocking connection at once, ending a fetch in flight (a graceful
    // QUIT would wait for it), and waits for no processor (there is none: chunks run here).
    await this.#worker.close(true);
    await this.#loop;
  }

  async #takeChunks(): Promise<void> {
    const { gate, type, report } = this.#settings;
    while (this.#taking) {
      await gate.whenRoom(type, this.#short);
      if (!this.#taking) break;
      const token = `${this.#worker.id}:${this.#tokens++}`;
      let job: Job<ChunkJobData> | undefined;
      try {
        job = await this.#worker.getNextJob(token, { block: true });
      } catch (error) {
        if (!this.#taking) break;
        report(error);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        continue;
      }
      if (!job) continue;
      if (!this.#taking) {
        await job.moveToWait(token).catch(report);
        break;
      }
      // The next chunk is looked for once this one's jobs are in the runtime: only then does the gate know whether room is left.
      await new Promise<void>((submitted) => this.#run(job, token, submitted));
    }
  }

  #run(job: Job<ChunkJobData>, token: string, submitted: () => void): void {
    const { runChunk, report } = this.#settings;
    const id = job.id!;
    let submittedAt: number | undefined;
    const running = runChunk(job.data, () => {
      submittedAt = Date.now();
      submitted();
    })
      .then((handedBack) => {
        if (submittedAt !== undefined && !handedBack) this.#short = Date.now() - submittedAt <= SHORT_CHUNK_MS;
        return handedBack;
      })
      .then(
        // Handed back: offered again after a while (to a larger worker, if one comes), not at once to this one.
        (handedBack) => (handedBack ? job.moveToDelayed(Date.now() + this.#settings.lockMs, token) : job.moveToCompleted(null, token, false)),
        (error: unknown) => {
          report(error);
          // Offered again soon, to this worker or another; its jobs' claims say which of them still run.
          return job.moveToDelayed(Date.now() + RETRY_MS, token);
        },
      )
      .then(
        () => {},
        (error: unknown) => report(error),
      )
      .finally(() => {
        this.#active.delete(id);
        submitted();
      });
    this.#active.set(id, { job, token, running });
  }

  /** Renews the locks of every running chunk in one call. */
  #renewLocks(): void {
    if (this.#active.size === 0) return;
    const chunks = [...this.#active.values()];
    this.#worker
      .extendJobLocks(
        chunks.map(({ job }) => job.id!),
        chunks.map(({ token }) => token),
        this.#settings.lockMs,
      )
      .catch(this.#settings.report);
  }
}
