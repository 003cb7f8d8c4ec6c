/**
 * What a job running on a `nimbus worker` reaches through its own `cloud`: the queue's Redis, as
 * any client does (a RedisService), so its children run on any worker. The job knows itself by its
 * local id: the parent of what it submits, and the caller of a wait, become its Redis jid here. A
 * job that waits gives its compute units back on this worker meanwhile (its children, or anyone's
 * jobs, may run in its place), so a parent that maps many children finishes on a single core.
 */
import type { HostRuntime } from '../types/host-runtime.js';
import type { JobInfo } from '../types/job-info.js';
import type { JobFilter, JobRequests, RuntimeLoad, Submission, WaitRequest, WaitVerdict } from '../types/job-service.js';
import type { JobStatus } from '../types/job-status.js';
import type { HeldJobs } from './held-jobs.js';

export class WorkerJobRequests implements JobRequests {
  readonly #service: () => Promise<JobRequests>;
  readonly #runtime: Pick<HostRuntime, 'whileParked'>;
  readonly #held: HeldJobs;
  readonly #onParked: () => void;

  /**
   * @param service the queue's client service, made on the first request a job makes
   * @param onParked told when a job just gave its compute units back (room for another chunk)
   */
  constructor(service: () => Promise<JobRequests>, runtime: Pick<HostRuntime, 'whileParked'>, held: HeldJobs, onParked: () => void) {
    this.#service = service;
    this.#runtime = runtime;
    this.#held = held;
    this.#onParked = onParked;
  }

  async submit(submission: Submission): Promise<number> {
    const parent = submission.parent === undefined ? undefined : this.#held.toGlobal(submission.parent);
    return (await this.#service()).submit({ ...submission, parent });
  }

  async wait(request: WaitRequest): Promise<WaitVerdict> {
    const caller = request.caller;
    const service = await this.#service();
    const waiting = service.wait({ ...request, caller: caller === undefined ? undefined : this.#held.toGlobal(caller) });
    if (caller === undefined) return waiting;
    const parked = this.#runtime.whileParked(caller, waiting);
    this.#onParked();
    return parked;
  }

  async status(jids: number[]): Promise<JobStatus[]> {
    return (await this.#service()).status(jids);
  }

  async kill(jids: number[] | undefined, recursive?: boolean): Promise<void> {
    return (await this.#service()).kill(jids, recursive);
  }

  async delete(jids: number[]): Promise<void> {
    return (await this.#service()).delete(jids);
  }

  async info(jids: number[]): Promise<JobInfo[]> {
    return (await this.#service()).info(jids);
  }

  async list(filter: JobFilter): Promise<JobInfo[]> {
    return (await this.#service()).list(filter);
  }

  async load(): Promise<RuntimeLoad> {
    return (await this.#service()).load();
  }
}
