/**
 * A worker's captured data, decoded, by content (the hash of its bytes), bounded by bytes: the
 * least recently used entries leave first. An entry weighs its blob's size, which is about what
 * its decoded values hold. An entry bigger than the whole bound is kept alone: the batch that
 * brought it needs it now. What leaves is told to `onEvict`, so that the functions rebuilt on it
 * let go of it too (else the bound would free nothing). Imports nothing: it runs in workers.
 */

/** The environment variable that sets a worker's bound, in MB (README: Captured data). */
export const DATA_CACHE_MB_ENV = 'NIMBUS_DATA_CACHE_MB';
/**
 * The bound when the environment sets none: a quarter of the worker's heap limit (its profile's
 * memory limit), at most 256 MB. The cache competes with the jobs for that limit, so the jobs keep
 * most of it; 256 MB holds a few large arrays, more than a worker usually runs functions of.
 */
const DEFAULT_SHARE_OF_HEAP = 0.25;
const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
const BYTES_PER_MB = 1024 * 1024;

interface Entry {
  readonly values: readonly unknown[];
  readonly size: number;
}

export class DataCache {
  readonly #maxBytes: number;
  readonly #onEvict: (hash: string) => void;
  /** Insertion order is recency: the first entry is the least recently used. */
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;

  constructor(maxBytes: number, onEvict: (hash: string) => void) {
    this.#maxBytes = maxBytes;
    this.#onEvict = onEvict;
  }

  /** The decoded values under `hash`, made the most recently used; undefined when not here. */
  get(hash: string): readonly unknown[] | undefined {
    const entry = this.#entries.get(hash);
    if (!entry) return undefined;
    this.#entries.delete(hash);
    this.#entries.set(hash, entry);
    return entry.values;
  }

  /** Keeps `values` under `hash`, making room by dropping the least recently used entries. */
  set(hash: string, values: readonly unknown[], size: number): void {
    const old = this.#entries.get(hash);
    if (old) {
      this.#entries.delete(hash);
      this.#bytes -= old.size;
    }
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes + size <= this.#maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.size;
      this.#onEvict(oldest);
    }
    this.#entries.set(hash, { values, size });
    this.#bytes += size;
  }

  get bytes(): number {
    return this.#bytes;
  }
}

/** The bound of this worker's cache: the environment's, or the default for its heap limit. */
export function dataCacheBytes(env: NodeJS.ProcessEnv, heapLimitBytes: number): number {
  const mb = Number(env[DATA_CACHE_MB_ENV]);
  if (env[DATA_CACHE_MB_ENV] !== undefined && Number.isFinite(mb) && mb >= 0) return mb * BYTES_PER_MB;
  return Math.min(DEFAULT_MAX_BYTES, heapLimitBytes * DEFAULT_SHARE_OF_HEAP);
}
