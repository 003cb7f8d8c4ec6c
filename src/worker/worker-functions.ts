/**
 * The functions a worker knows: their shapes by id, their captured data by content (data-cache.ts),
 * each rebuilt once and kept while its data stays cached. A batch carries only what its host
 * thinks this worker lacks (wire-function.ts); whatever the worker lacks all the same (evicted,
 * forgotten) it fetches from the host, which answers with the whole function: a miss costs a
 * round trip, never an error. A function with no data costs one Map lookup per batch.
 *
 * Large data may come as a file the host left for this worker (runtime/process/data-files.ts): it
 * is read here, on the worker's own time, once its seal says it is the file the host wrote. A file
 * missing or changed is no error either: the worker fetches the function again, its data in the
 * answer itself.
 *
 * Counters of what happened (`DataCacheStats`) are published on `globalThis` under
 * Symbol.for('nimbus.dataCache'), where a job (a test, a curious user) can read them.
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import type { DataFile, FunctionShape, WireData, WireFunction } from '../types/wire-function.js';
import { sealOf } from '../wire/data-file-seal.js';
import { decodeData, rebuildFunction, type CloudOf, type JobFunction } from '../shipping/rebuild-function.js';
import { DataCache, dataCacheBytes } from './data-cache.js';
import type { LazyJobCloud } from './job-cloud.js';

/**
 * Asks the host for the whole of function `id` (the one the running batch names); `inline`: its
 * data in the answer, not in a file.
 */
export type FetchFunction = (id: string, inline: boolean) => Promise<WireFunction>;

/** What the worker's data cache did, since it started. */
export interface DataCacheStats {
  /** Batches whose data was cached here already. */
  hits: number;
  /** Batches whose data was not: it was decoded, from the batch or from a fetch. */
  misses: number;
  /** Round trips to the host for what a batch did not carry. */
  fetches: number;
  /** Blobs that arrived copied (a batch's or a fetch's), not shared. */
  received: number;
  /** Blobs read from a file the host left (a process's large data). */
  read: number;
  /** Files that were missing or did not match their hash: the data was fetched instead. */
  unreadable: number;
  /** Bytes the cache holds now, and its bound. */
  bytes: number;
  maxBytes: number;
}

/** How many function shapes a worker keeps: past it, the least recently used are fetched again if needed. */
const MAX_KNOWN_FUNCTIONS = 10_000;
const STATS_KEY = Symbol.for('nimbus.dataCache');
const NO_DATA: readonly unknown[] = [];

interface Known {
  readonly shape: FunctionShape;
  /** The hash of its data; undefined when it has none. */
  readonly hash: string | undefined;
  /** The function, rebuilt on the data cached under `hash`: dropped when that entry leaves. */
  rebuilt: Promise<JobFunction> | undefined;
  /** What `rebuilt` fulfilled with, once it has: the same function, with no wait. */
  ready: JobFunction | undefined;
}

export class WorkerFunctions {
  readonly stats: DataCacheStats;
  readonly #cloud: CloudOf;
  readonly #fetch: FetchFunction;
  readonly #data: DataCache;
  /** Insertion order is recency: the first is the least recently used. */
  readonly #known = new Map<string, Known>();
  /**
   * The id last touched, so the last key of #known. Touching it again changes no order, and is
   * skipped: a delete and a set per batch wore out the Map's small table, which V8 then rebuilt
   * (new garbage every few batches of a worker running one function).
   */
  #newest: string | undefined;
  /** What #known holds under #newest (invariant): a batch of the function last run finds it with no Map lookup. */
  #newestKnown: Known | undefined;

  /**
   * @param cloud the job's own client, loaded when a rebuilt function first names `cloud`
   * @param fetch how this worker asks its host for a function it lacks
   */
  constructor(cloud: LazyJobCloud, fetch: FetchFunction) {
    this.#cloud = () => cloud.cloud();
    this.#fetch = fetch;
    const maxBytes = dataCacheBytes(process.env, getHeapStatistics().heap_size_limit);
    this.#data = new DataCache(maxBytes, (hash) => this.#forgetRebuilt(hash));
    this.stats = { hits: 0, misses: 0, fetches: 0, received: 0, read: 0, unreadable: 0, bytes: 0, maxBytes };
    (globalThis as Record<symbol, unknown>)[STATS_KEY] = this.stats;
  }

  rebuild(wire: WireFunction): Promise<JobFunction> {
    const known = this.#known.get(wire.id);
    // The hot path: rebuilt here already, on data still cached (a shape that came along again is the same).
    if (known?.rebuilt && this.#hasData(wire.data)) {
      this.#touch(wire.id, known);
      return known.rebuilt;
    }
    return this.#build(wire, known);
  }

  /** The function rebuilt here already on data still cached, with no wait; undefined otherwise (then rebuild). */
  rebuiltNow(wire: WireFunction): JobFunction | undefined {
    // A lone trip's id is a new string each message: a Map lookup hashes it again, a compare does not.
    const known = wire.id === this.#newest ? this.#newestKnown : this.#known.get(wire.id);
    if (known?.ready === undefined || !this.#hasData(wire.data)) return undefined;
    this.#touch(wire.id, known);
    return known.ready;
  }

  /** Whether `data` (none, or cached here) is at hand; a cached entry is made the most recent. */
  #hasData(data: WireData | undefined): boolean {
    if (data === undefined) return true;
    if (this.#data.get(data.hash) === undefined) return false;
    this.stats.hits++;
    return true;
  }

  async #build(wire: WireFunction, known: Known | undefined): Promise<JobFunction> {
    let shape = wire.shape ?? known?.shape;
    let values = this.#valuesOf(wire.data);
    // A file that could not be read is not asked for again: the data comes in the answer itself.
    let inline = values === undefined && wire.data?.file !== undefined;
    while (!shape || values === undefined) {
      this.stats.fetches++;
      const whole = await this.#fetch(wire.id, inline);
      const { data } = whole;
      if (!whole.shape || (data !== undefined && data.bytes === undefined && (inline || data.file === undefined)))
        throw new Error(`nimbus internal error: the host sent function ${wire.id} without its shape or data`);
      shape = whole.shape;
      values = this.#valuesOf(data);
      inline = true;
    }
    const entry: Known = { shape, hash: wire.data?.hash, rebuilt: undefined, ready: undefined };
    const rebuilt = rebuildFunction({ id: wire.id, root: shape.root, nodes: shape.nodes }, values, this.#cloud);
    entry.rebuilt = rebuilt;
    this.#touch(wire.id, entry);
    rebuilt.then(
      (fn) => {
        if (entry.rebuilt === rebuilt) entry.ready = fn;
      },
      // A failed rebuild (a module that would not import) is tried again by the next batch.
      () => {
        if (entry.rebuilt === rebuilt) entry.rebuilt = undefined;
      },
    );
    return rebuilt;
  }

  /**
   * The values of `data`: none, cached here, or decoded from what the message brought (its bytes,
   * or its file); undefined when it brought nothing, or a file that could not be read.
   */
  #valuesOf(data: WireData | undefined): readonly unknown[] | undefined {
    if (data === undefined) return NO_DATA;
    const cached = this.#data.get(data.hash);
    if (cached !== undefined) {
      this.stats.hits++;
      return cached;
    }
    if (data.bytes !== undefined) {
      if (!(data.bytes instanceof SharedArrayBuffer)) this.stats.received++;
      return this.#decode(data, data.bytes);
    }
    const bytes = data.file === undefined ? undefined : this.#readFile(data.file, data.size);
    return bytes && this.#decode(data, bytes);
  }

  /** The blob in `file`, if it is there as the host wrote it: same size, same seal. */
  #readFile(file: DataFile, size: number): Uint8Array | undefined {
    let fd: number | undefined;
    try {
      fd = openSync(file.path, 'r');
      const stats = fstatSync(fd, { bigint: true });
      if (stats.size === BigInt(size) && sealOf(stats) === file.seal) {
        const bytes = readFileSync(fd);
        this.stats.read++;
        return bytes;
      }
    } catch {
      // Missing (or unreadable): fetched instead, as a changed file is.
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    this.stats.unreadable++;
    return undefined;
  }

  #decode(data: WireData, bytes: Uint8Array | SharedArrayBuffer): readonly unknown[] {
    this.stats.misses++;
    // Decoded from a private copy: v8's deserializer makes a Buffer a view on the bytes it reads,
    // and a view on shared memory would let a job's writes reach the other threads.
    const values = decodeData(bytes instanceof SharedArrayBuffer ? new Uint8Array(bytes).slice() : bytes);
    this.#data.set(data.hash, values, data.size);
    this.stats.bytes = this.#data.bytes;
    return values;
  }

  #touch(id: string, known: Known): void {
    // Entries are one object per id at a time: the newest one is the last key already.
    if (known === this.#newestKnown) return;
    this.#newest = id;
    this.#newestKnown = known;
    this.#known.delete(id);
    this.#known.set(id, known);
    if (this.#known.size <= MAX_KNOWN_FUNCTIONS) return;
    for (const oldest of this.#known.keys()) {
      this.#known.delete(oldest);
      break;
    }
  }

  /** The data under `hash` left the cache: the functions rebuilt on it let go of it. */
  #forgetRebuilt(hash: string): void {
    for (const known of this.#known.values()) {
      if (known.hash !== hash) continue;
      known.rebuilt = undefined;
      known.ready = undefined;
    }
    this.stats.bytes = this.#data.bytes;
  }
}
