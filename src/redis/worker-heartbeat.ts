/**
 * A worker's heartbeat: it registers the worker with its load every third of its alive TTL, so
 * that clients sum the live workers' load and a claim can tell a live holder from a dead one; a
 * worker that stops beating drops out when its alive key runs out. Each beat also runs the
 * worker's periodic chores (the kill sweep, re-adding ready chunks), one beat at a time.
 */
import type { RuntimeLoad } from '../types/job-service.js';
import type { WorkerRecord } from './record-types.js';
import type { RedisRecords } from './redis-records.js';

export interface HeartbeatParts {
  records: Pick<RedisRecords, 'register' | 'unregister'>;
  /** The worker's record but its load and time. */
  record: Omit<WorkerRecord, 'load' | 'beat'>;
  load: () => Promise<RuntimeLoad>;
  /** How long the worker counts as alive after a beat. */
  aliveMs: number;
  /** What else runs with each beat; a failure is reported, the beat goes on. */
  chores: readonly (() => Promise<void>)[];
  report: (error: unknown) => void;
}

export class WorkerHeartbeat {
  readonly #parts: HeartbeatParts;
  #timer: NodeJS.Timeout | undefined;
  #beating: Promise<void> | undefined;

  constructor(parts: HeartbeatParts) {
    this.#parts = parts;
  }

  /** Registers the worker (rejects when it cannot), then beats until stopped. */
  async start(): Promise<void> {
    await this.#register();
    this.#timer = setInterval(() => {
      this.#beating ??= this.#beat().finally(() => (this.#beating = undefined));
    }, this.#parts.aliveMs / 3);
  }

  /** Stops beating and unregisters: the worker is gone from the registry at once. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#beating;
    await this.#parts.records.unregister(this.#parts.record.id).catch(this.#parts.report);
  }

  async #beat(): Promise<void> {
    try {
      await this.#register();
    } catch (error) {
      this.#parts.report(error);
    }
    for (const chore of this.#parts.chores) await chore().catch(this.#parts.report);
  }

  async #register(): Promise<void> {
    const { records, record, load, aliveMs } = this.#parts;
    await records.register({ ...record, load: await load(), beat: Date.now() }, aliveMs);
  }
}
