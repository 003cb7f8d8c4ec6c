/**
 * The BullMQ queues that carry ready chunks to workers: one queue per resource type, one BullMQ
 * job per chunk (a range of jobs, never one BullMQ job per nimbus job). A chunk is added with its
 * id as the BullMQ jobId (bullJobId), so adding it twice (a sweep, a retry) is a no-op while it is there.
 * Only the chunk's reference travels; its jobs and arguments stay in the records.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ResourceType } from '../types/job-options.js';
import type { ChunkRef } from './record-types.js';
import { BULLMQ_PREFIX, WIRE_VERSION, type RedisKeys } from './redis-keys.js';

/** What a chunk's BullMQ job carries. */
export interface ChunkJobData {
  /** WIRE_VERSION of the client that added it; a worker of another version refuses the chunk. */
  v: number;
  /** The nimbus version of that client, for the refusal's message. */
  version: string;
  chunk: string;
  type: ResourceType;
  first: number;
  count: number;
}

/** A chunk's BullMQ jobId: `c` and the chunk id (BullMQ refuses ids that read as integers). */
export function bullJobId(chunk: string): string {
  return `c${chunk}`;
}

/**
 * How long a worker holds a chunk's lock without renewing it. A lost worker's jobs are taken over
 * within twice this (the lock runs out, then the next stalled check finds it): 30 s by default.
 */
export const DEFAULT_LOCK_MS = 15_000;

/** The lock duration: NIMBUS_REDIS_LOCK_MS when set (tests use ~2 s), else DEFAULT_LOCK_MS. */
export function lockDurationMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.NIMBUS_REDIS_LOCK_MS);
  return Number.isSafeInteger(value) && value > 0 ? value : DEFAULT_LOCK_MS;
}

/** Jobs per chunk: spread over the live workers' cores 8 ways each, between 1 and MAX_CHUNK jobs. */
export const MAX_CHUNK = 1_024;

export function chunkSize(count: number, liveCores: number): number {
  return Math.max(1, Math.min(MAX_CHUNK, Math.ceil(count / (8 * Math.max(1, liveCores)))));
}

/** BullMQ's highest priority number (its lowest priority). */
const PRIORITY_LIMIT = 2 ** 21 - 1;
/** nimbus's priority 0 sits in the middle of BullMQ's range, so negative priorities keep their order. */
const PRIORITY_ZERO = 1_000_000;

/** A nimbus priority (any finite number, lower first) as BullMQ's (an integer 1 .. 2^21 - 1, lower first). */
export function bullPriority(priority: number): number {
  return Math.min(PRIORITY_LIMIT, Math.max(1, Math.round(priority) + PRIORITY_ZERO));
}

export class ChunkQueues {
  readonly #connection: Redis;
  readonly #keys: RedisKeys;
  readonly #version: string;
  readonly #queues = new Map<ResourceType, Queue<ChunkJobData>>();

  /** @param connection shared by the queues (they make no blocking call); closed by its owner, not here */
  constructor(connection: Redis, keys: RedisKeys, version: string) {
    this.#connection = connection;
    this.#keys = keys;
    this.#version = version;
  }

  /** Adds chunks to their types' queues, each type in one addBulk; a chunk already there stays as it is. */
  async add(chunks: readonly ChunkRef[]): Promise<void> {
    const byType = new Map<ResourceType, ChunkRef[]>();
    for (const chunk of chunks) {
      const list = byType.get(chunk.type);
      if (list) list.push(chunk);
      else byType.set(chunk.type, [chunk]);
    }
    await Promise.all(
      [...byType].map(([type, refs]) =>
        this.#queue(type).addBulk(
          refs.map((ref) => ({
            name: 'chunk',
            data: this.#dataOf(ref),
            opts: { jobId: bullJobId(ref.id), priority: bullPriority(ref.priority), removeOnComplete: true, removeOnFail: true },
          })),
        ),
      ),
    );
  }

  /** Closes the queues (not the shared connection). */
  async close(): Promise<void> {
    const queues = [...this.#queues.values()];
    this.#queues.clear();
    await Promise.all(queues.map((queue) => queue.close()));
  }

  #dataOf(ref: ChunkRef): ChunkJobData {
    return { v: WIRE_VERSION, version: this.#version, chunk: ref.id, type: ref.type, first: Number(ref.id), count: ref.count };
  }

  #queue(type: ResourceType): Queue<ChunkJobData> {
    let queue = this.#queues.get(type);
    if (!queue) {
      queue = new Queue<ChunkJobData>(this.#keys.bullQueue(type), { connection: this.#connection, prefix: BULLMQ_PREFIX });
      this.#queues.set(type, queue);
    }
    return queue;
  }
}
