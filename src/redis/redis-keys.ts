/**
 * Every key and channel nimbus keeps in Redis for one queue, in one place, and the wire version
 * that workers and clients must share. Nothing here talks to Redis: it only names things.
 *
 * The layout, with P = `nimbus:{queue}:` (the scripts in record-scripts.ts are its only writers):
 *
 * - `P jid`                the jid counter: one INCRBY per submission.
 * - `P fn:{sha1}`          a shipped function, v8 bytes, content-addressed (SET NX): a worker fetches
 *                          each once. `P fnrefs` counts the unfinished chunks that may run each; at 0
 *                          it expires a minute later unless submitted again (a client that stored
 *                          it stores it again when told 'nofn').
 * - `P chunk:{id}`         a hash per chunk: the consecutive jobs `first .. first+count-1` of one
 *                          submission, and what they share: `fn`, `fnName`, `type`, `cores`,
 *                          `priority`, `label`, `dependsOn` (comma list), `dependsOnErrors`,
 *                          `maxRuntime`, `restartable`, `parent`, `created`, `v` (wire version), `workerOptions` (JSON: retry, env);
 *                          `pending` (its dependencies not complete yet: they are shared by every
 *                          job of a submission, so they are counted once per chunk), `left` (jobs
 *                          not complete: at 0 the args go) and `records` (job records not deleted:
 *                          at 0 the chunk goes), `claim` (the worker whose first take of the
 *                          whole chunk claimed each job of it at once: a job without its own
 *                          `claim` is held by that worker). Its id is its first jid.
 * - `P args:{id}`          the chunk's argument lists, v8 `Packed[]`; deleted once every job of
 *                          the chunk is complete.
 * - `P job:{jid}`          a small hash per job: `status` and `chunk`, then what happens to it:
 *                          `claim` (the worker id that holds it, '' none; absent: its chunk's
 *                          `claim` says), `worker` (`host:pid` that ran it),
 *                          `started`, `finished`, `attempts`, `cputime`, `memory`, `memoryLimit`,
 *                          `stdout`, `stderr`, `exception` (JSON RemoteError), `value` (v8 Packed),
 *                          and `dependents` ('1' once some chunk waits on it).
 * - `P dependents:{jid}`   the chunks waiting on this job (a set of chunk ids).
 * - `P children:{jid}`     the chunks of the jobs this job started (a set of chunk ids): what a
 *                          recursive kill follows; deleted with the job.
 * - `P counts`             unfinished jobs by `status|type|cores`: what load() reads without a scan.
 * - `P live`               the chunks with unfinished jobs (kill of everything walks them).
 * - `P ready`              chunks made ready and not yet claimed: a worker's sweep re-adds them to
 *                          BullMQ, so a caller that dies between the script and the add loses nothing.
 * - `P workers`            worker id -> JSON WorkerRecord; `P alive:{id}`: a key with a PX TTL the
 *                          worker's heartbeat renews. A worker is alive while that key exists.
 * - channels `P done` (jids just complete, `a-b` ranges and single jids, comma-separated: those
 *   that ended otherwise than 'done', then, when some ended 'done', a '|' and those),
 *   `P done:value` (a lone job's small value, published just before `done` names it: its jid, a
 *   '|', its v8 bytes) and `P kill` (jids to stop now, same form as `done`).
 *
 * BullMQ keeps its own keys under the prefix `nimbus`, one queue per resource type named
 * `{queue}-{type}`; a BullMQ job there is one chunk (jobId `c{chunk id}`: BullMQ refuses ids that read as integers).
 */
import type { ResourceType } from '../types/job-options.js';

/**
 * The version of this layout and of what a chunk's BullMQ job carries. A worker that takes a chunk
 * of another version refuses it (its jobs end 'error' naming both) instead of running it wrongly.
 */
export const WIRE_VERSION = 1;

/** The queue a Cloud on Redis uses when it names none. */
export const DEFAULT_QUEUE = 'nimbus';

/** The prefix of BullMQ's own keys. */
export const BULLMQ_PREFIX = 'nimbus';

/** The names of one queue's keys and channels. */
export class RedisKeys {
  readonly queue: string;
  /** `nimbus:{queue}:`, the start of every key below. */
  readonly prefix: string;
  readonly jid: string;
  readonly counts: string;
  readonly live: string;
  readonly ready: string;
  readonly workers: string;
  readonly doneChannel: string;
  readonly valueChannel: string;
  readonly killChannel: string;

  constructor(queue: string) {
    this.queue = queue;
    this.prefix = `nimbus:${queue}:`;
    this.jid = `${this.prefix}jid`;
    this.counts = `${this.prefix}counts`;
    this.live = `${this.prefix}live`;
    this.ready = `${this.prefix}ready`;
    this.workers = `${this.prefix}workers`;
    this.doneChannel = `${this.prefix}done`;
    this.valueChannel = `${this.prefix}done:value`;
    this.killChannel = `${this.prefix}kill`;
  }

  fn(id: string): string {
    return `${this.prefix}fn:${id}`;
  }

  chunk(id: string): string {
    return `${this.prefix}chunk:${id}`;
  }

  args(chunk: string): string {
    return `${this.prefix}args:${chunk}`;
  }

  job(jid: number): string {
    return `${this.prefix}job:${jid}`;
  }

  dependents(jid: number): string {
    return `${this.prefix}dependents:${jid}`;
  }

  alive(workerId: string): string {
    return `${this.prefix}alive:${workerId}`;
  }

  /** The BullMQ queue that carries the chunks of one resource type. */
  bullQueue(type: ResourceType): string {
    return `${this.queue}-${type}`;
  }
}

/** Jids as a channel message: consecutive runs as `a-b`, comma-separated. */
export function formatJidList(jids: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < jids.length;) {
    let end = i;
    while (end + 1 < jids.length && jids[end + 1] === jids[end]! + 1) end++;
    parts.push(end === i ? String(jids[i]) : `${jids[i]}-${jids[end]}`);
    i = end + 1;
  }
  return parts.join(',');
}

/** A channel message back into jids. */
export function parseJidList(message: string): number[] {
  const jids: number[] = [];
  for (const part of message.split(',')) {
    if (part === '') continue;
    const dash = part.indexOf('-');
    if (dash < 0) {
      jids.push(Number(part));
      continue;
    }
    const last = Number(part.slice(dash + 1));
    for (let jid = Number(part.slice(0, dash)); jid <= last; jid++) jids.push(jid);
  }
  return jids;
}
