/**
 * What the host sent one worker process of the functions it runs: shapes by function id, data by
 * hash. A batch then carries only what the process was not sent (function-wire.ts), and large data
 * as the path of a file the process reads itself (data-files.ts), held until the batch ends. The
 * process may have let go of some of it since (its cache is bounded): it asks, and the answer is
 * whole. This record dies with its WorkerProcess, so a replaced worker starts with nothing.
 */
import type { ShippedFunction } from '../../types/shipped-function.js';
import type { WireFunction } from '../../types/wire-function.js';
import { carriesLargeData, dataHashOf, partialFunction, wholeFunction, withDataFile } from '../../wire/function-wire.js';
import type { DataFiles } from './data-files.js';

/** Past this many ids or hashes, the record starts again: the worker fetches what it lacks. */
const MAX_REMEMBERED = 10_000;

export class SentFunctions {
  readonly #files: DataFiles;
  readonly #shapes = new Set<string>();
  readonly #data = new Set<string>();
  /** The hashes of the files the running batch was lent: released when it ends. */
  readonly #lent: string[] = [];

  constructor(files: DataFiles) {
    this.#files = files;
  }

  /** `fn` as the next batch carries it to this worker; from now on the worker is taken to have it. */
  next(fn: ShippedFunction): WireFunction {
    const hash = dataHashOf(fn);
    const wire = partialFunction(fn, this.#shapes.has(fn.id), hash !== undefined && this.#data.has(hash));
    this.#remember(this.#shapes, fn.id);
    if (hash !== undefined) this.#remember(this.#data, hash);
    return this.#byFile(fn, wire);
  }

  /**
   * The whole of `fn`, for a worker that asked: its large data by file, unless `inline` (the
   * worker could not read the file it was given).
   */
  whole(fn: ShippedFunction, inline: boolean): WireFunction {
    const wire = wholeFunction(fn);
    return inline ? wire : this.#byFile(fn, wire);
  }

  /** The running batch ended: its process needs none of the files it was lent any more. */
  settle(): void {
    for (const hash of this.#lent) this.#files.release(hash);
    this.#lent.length = 0;
  }

  #byFile(fn: ShippedFunction, wire: WireFunction): WireFunction {
    if (!carriesLargeData(wire)) return wire;
    const hash = wire.data!.hash;
    const file = this.#files.lend(hash, fn.data!);
    if (file === undefined) return wire;
    this.#lent.push(hash);
    return withDataFile(wire, file);
  }

  #remember(set: Set<string>, key: string): void {
    if (set.size >= MAX_REMEMBERED) set.clear();
    set.add(key);
  }
}
