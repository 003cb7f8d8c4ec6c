/**
 * Runs one chunk on this worker: reads its jobs (a chunk of another wire version is refused, its
 * jobs ended 'error' naming both versions and this worker; one whose jobs need more compute units
 * than this worker has is handed back unclaimed, for a larger worker), claims them, submits the
 * ones this worker may run to the local runtime, and resolves when each of them is written complete.
 * Jobs another live worker holds are claimed again once that worker's alive key would have run
 * out, so a chunk BullMQ handed over too early still ends with each of its jobs accounted for.
 */
import { remoteErrors } from '../errors.js';
import type { HostRuntime } from '../types/host-runtime.js';
import type { JobInfo } from '../types/job-info.js';
import type { ResourceType } from '../types/job-options.js';
import type { RemoteError } from '../types/job-outcome.js';
import { computeUnitsOf } from '../types/resource-profiles.js';
import type { ChunkJobData, ChunkQueues } from './chunk-queues.js';
import type { HeldJobs } from './held-jobs.js';
import type { ChunkContents, ClaimResult, ClaimVerdict, TakeResult, WorkerIdentity } from './record-types.js';
import { WIRE_VERSION } from './redis-keys.js';
import type { ShippedFunctions } from './shipped-functions.js';
import { workerName, type RedisRecords } from './redis-records.js';

export interface ChunkRunParts {
  runtime: Pick<HostRuntime, 'submit' | 'kill'>;
  records: Pick<RedisRecords, 'take' | 'claim' | 'complete' | 'returned'>;
  queues: Pick<ChunkQueues, 'add'>;
  functions: ShippedFunctions;
  held: HeldJobs;
  me: WorkerIdentity;
  /** This worker's nimbus version, and the compute units of its runtime. */
  version: string;
  computeUnits: number;
  maxRestarts: number;
  /** How long a worker's alive key lasts: after it, a job held by a worker that died is free. */
  aliveMs: number;
}

/** The take's claim of a chunk's jobs, and those of them `held` was told are arriving. */
interface Taken {
  claimed: ClaimResult;
  arriving: number[];
}

export class ChunkRun {
  readonly #parts: ChunkRunParts;
  readonly #data: ChunkJobData;
  readonly #onSubmitted: () => void;
  #submittedSaid = false;
  #handedBack = false;

  /** @param onSubmitted told once, when the chunk's jobs are in the local runtime (or none will be) */
  constructor(parts: ChunkRunParts, data: ChunkJobData, onSubmitted: () => void) {
    this.#parts = parts;
    this.#data = data;
    this.#onSubmitted = onSubmitted;
  }

  /** Resolves when the chunk is done with on this worker: true when it was handed back unclaimed (its jobs need a larger worker). */
  async run(): Promise<boolean> {
    try {
      await this.#run();
      return this.#handedBack;
    } finally {
      this.#submitted();
    }
  }

  async #run(): Promise<void> {
    const data = this.#data;
    const jids = Array.from({ length: data.count }, (_, i) => data.first + i);
    if (data.v !== WIRE_VERSION) return this.#refuse(jids, data.type, this.#versionError(data.v, data.version));
    // Read and claimed in one call (RedisRecords.take), unless this worker may not run it.
    const { records, held, me, maxRestarts, computeUnits } = this.#parts;
    const arriving = this.#arriving(jids);
    let taken: TakeResult;
    try {
      taken = await records.take(data.chunk, jids, me, maxRestarts, computeUnits);
    } catch (error) {
      held.notArriving(arriving);
      throw error;
    }
    // Every job of it is complete already (its arguments are gone).
    if (taken.kind === 'gone') return held.notArriving(arriving);
    const { contents } = taken;
    if (taken.kind === 'read') {
      held.notArriving(arriving);
      if (contents.version !== WIRE_VERSION) return this.#refuse(contents.jids, data.type, this.#versionError(contents.version, data.version));
      // A job larger than this worker stays queued for a larger one (as for no worker at all), unclaimed.
      this.#handedBack = computeUnitsOf(contents.options.type, contents.options.cores) > computeUnits;
      if (this.#handedBack) return;
    }
    const written: Promise<void>[] = [];
    let left = jids;
    // What the take claimed; a chunk only read (it was not to fit, by the script's reading) is claimed below.
    let first: Taken | undefined = taken.kind === 'taken' ? { claimed: taken.claimed, arriving } : undefined;
    for (;;) {
      const { run, heldElsewhere } = await this.#claimAndSubmit(contents, left, first);
      first = undefined;
      this.#submitted();
      // `run` includes the jobs this worker runs under an earlier take of the chunk (its lock ran out): they are waited for too.
      written.push(this.#parts.held.whenWritten(run));
      if (heldElsewhere.length === 0) break;
      // Held by a worker whose alive key still stands: by the end of its TTL it renewed it (it lives, and the job ends there) or it is free.
      await new Promise((resolve) => setTimeout(resolve, this.#parts.aliveMs));
      left = heldElsewhere;
    }
    await Promise.all(written);
  }

  /**
   * The jobs of `jids` no take of the chunk runs here already, told to `held` as arriving (a kill
   * meanwhile is kept for them) before they are claimed.
   */
  #arriving(jids: number[]): number[] {
    const arriving = jids.filter((jid) => !this.#parts.held.knows(jid));
    this.#parts.held.arriving(arriving);
    return arriving;
  }

  /**
   * Claims `jids` of the chunk (or reads the claim the take made of them, `taken`) and submits
   * those this worker is to run. Returns the jobs to wait for here (those, and those an earlier
   * take of the chunk runs here still: its lock ran out and BullMQ handed it over again) and those
   * held by another worker.
   */
  async #claimAndSubmit(contents: ChunkContents, jids: number[], taken?: Taken): Promise<{ run: number[]; heldElsewhere: number[] }> {
    const { records, queues, held, me, maxRestarts } = this.#parts;
    const arriving = taken?.arriving ?? this.#arriving(jids);
    const coming = new Set(arriving);
    const runningHere = new Set(jids.filter((jid) => !coming.has(jid)));
    let verdicts: ClaimVerdict[];
    try {
      const result = taken?.claimed ?? (await records.claim(jids, me, maxRestarts));
      verdicts = result.verdicts;
      if (result.ready.length > 0) await queues.add(result.ready);
    } catch (error) {
      held.notArriving(arriving);
      throw error;
    }
    const run: number[] = [];
    const heldElsewhere: number[] = [];
    for (const [i, verdict] of verdicts.entries()) {
      const jid = jids[i]!;
      if (runningHere.has(jid)) continue;
      // Held by this worker and run by no take of it here (one that failed before its jobs ran): it is this worker's to run.
      if (verdict.kind === 'run' || verdict.kind === 'rerun' || (verdict.kind === 'held' && verdict.holder === me.id)) run.push(jid);
      else if (verdict.kind === 'held') heldElsewhere.push(jid);
    }
    const toRun = new Set(run);
    held.notArriving(arriving.filter((jid) => !toRun.has(jid)));
    if (run.length > 0) await this.#submit(contents, run);
    return { run: [...run, ...runningHere], heldElsewhere };
  }

  /** Submits claimed jobs to the local runtime; on failure their claims are given back, so that they run (here or elsewhere) when the chunk is offered again. */
  async #submit(contents: ChunkContents, run: number[]): Promise<void> {
    const { runtime, held, functions, records, me } = this.#parts;
    const first = contents.jids[0]!;
    const killedOnArrival: number[] = [];
    try {
      const fn = await functions.get(contents.fnId);
      await runtime.submit(
        {
          fn,
          argsList: run.map((jid) => contents.args[jid - first]),
          // Dependencies were met in Redis before the chunk became ready; the local runtime runs it at once.
          options: { ...contents.options, dependsOn: [] },
        },
        (local) => {
          for (const [i, jid] of run.entries()) if (held.hold(jid, local + i)) killedOnArrival.push(local + i);
        },
      );
    } catch (error) {
      held.notArriving(run);
      await records.returned(run, me).catch(() => {});
      throw error;
    }
    if (killedOnArrival.length > 0) await runtime.kill(killedOnArrival);
  }

  /** Claims the jobs of a chunk this worker must not run, and ends those it got 'error'. */
  async #refuse(jids: number[], type: ResourceType, error: RemoteError): Promise<void> {
    const { verdicts } = await this.#parts.records.claim(jids, this.#parts.me, this.#parts.maxRestarts);
    const mine = jids.filter((_, i) => verdicts[i]!.kind === 'run' || verdicts[i]!.kind === 'rerun');
    await this.#endHeld(mine, type, error);
  }

  /** Writes jobs claimed by this worker, and never run, complete with `error`. */
  async #endHeld(jids: number[], type: ResourceType, error: RemoteError): Promise<void> {
    if (jids.length === 0) return;
    const now = Date.now();
    const ready = await this.#parts.records.complete(
      jids.map((jid) => ({ jid, info: refusedInfo(jid, type, error, now), value: undefined })),
      this.#parts.me,
    );
    if (ready.length > 0) await this.#parts.queues.add(ready);
  }

  #versionError(wire: number | undefined, version: string | undefined): RemoteError {
    const theirs = `${version ?? '(unknown)'} (wire version ${wire ?? 'unknown'})`;
    return remoteErrors.wireVersion(workerName(this.#parts.me), theirs, `${this.#parts.version} (wire version ${WIRE_VERSION})`);
  }

  #submitted(): void {
    if (this.#submittedSaid) return;
    this.#submittedSaid = true;
    this.#onSubmitted();
  }
}

/** The outcome of a job refused before it ran: what complete writes (status, times, exception). */
function refusedInfo(jid: number, type: ResourceType, error: RemoteError, now: number): JobInfo {
  return {
    jid,
    status: 'error',
    type,
    cores: 1,
    priority: 0,
    label: undefined,
    fn: '',
    created: now,
    started: now,
    finished: now,
    runtime: 0,
    cputime: undefined,
    memory: undefined,
    memoryLimit: undefined,
    stdout: '',
    stderr: '',
    exception: error,
    dependsOn: [],
    attempts: 0,
  };
}
