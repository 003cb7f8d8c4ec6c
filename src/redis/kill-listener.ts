/**
 * Stops the jobs a kill names, on the worker that holds them: it listens on the queue's kill
 * channel and kills the named jobs this worker runs (the executor ends the process or the thread,
 * so an endless loop stops too); a job named while on its way in is killed as it arrives. Pub/sub
 * is not durable, so each heartbeat also asks Redis which held jobs are complete (killed) and
 * stops those: a kill missed while the connection was down is applied within one beat.
 */
import type { Redis } from 'ioredis';
import type { HostRuntime } from '../types/host-runtime.js';
import { isComplete } from '../types/job-status.js';
import type { HeldJobs } from './held-jobs.js';
import type { RedisRecords } from './redis-records.js';
import { parseJidList } from './redis-keys.js';

export class KillListener {
  readonly #runtime: Pick<HostRuntime, 'kill'>;
  readonly #held: HeldJobs;
  readonly #subscriber: Redis;
  readonly #channel: string;
  readonly #report: (error: unknown) => void;

  /** @param subscriber a connection of its own: it is put in subscriber mode */
  constructor(runtime: Pick<HostRuntime, 'kill'>, held: HeldJobs, subscriber: Redis, channel: string, report: (error: unknown) => void) {
    this.#runtime = runtime;
    this.#held = held;
    this.#subscriber = subscriber;
    this.#channel = channel;
    this.#report = report;
  }

  async start(): Promise<void> {
    this.#subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.#channel) this.#kill(parseJidList(message));
    });
    await this.#subscriber.subscribe(this.#channel);
  }

  /** Kills the held jobs Redis says are complete already (a kill whose message was missed). */
  async sweep(records: Pick<RedisRecords, 'status'>): Promise<void> {
    const globals = [...this.#held.entries()].map(([global]) => global);
    if (globals.length === 0) return;
    const statuses = await records.status(globals);
    const locals = globals.flatMap((global, i) => {
      const status = statuses[i];
      const local = this.#held.toLocal(global);
      return local !== undefined && (status === undefined || isComplete(status)) ? [local] : [];
    });
    if (locals.length > 0) await this.#runtime.kill(locals);
  }

  #kill(globals: number[]): void {
    const locals = globals.map((global) => this.#held.killed(global)).filter((local) => local !== undefined);
    if (locals.length > 0) this.#runtime.kill(locals).catch(this.#report);
  }
}
