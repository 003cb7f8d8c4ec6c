/**
 * What a batch carries of its function to one worker process: what the process was not sent
 * (sent-record.ts), its large data as the path of a file the process reads itself (data-files.ts),
 * held until the batch ends. This record dies with its WorkerProcess.
 */
import type { ShippedFunction } from '../../types/shipped-function.js';
import type { WireFunction } from '../../types/wire-function.js';
import { carriesLargeData, wholeFunction, withDataFile } from '../../wire/function-wire.js';
import { SentRecord } from '../sent-record.js';
import type { DataFiles } from './data-files.js';

export class SentFunctions {
  readonly #files: DataFiles;
  readonly #sent = new SentRecord();
  /** The hashes of the files the running batch was lent: released when it ends. */
  readonly #lent: string[] = [];

  constructor(files: DataFiles) {
    this.#files = files;
  }

  /** `fn` as the next batch carries it to this worker; from now on the worker is taken to have it. */
  next(fn: ShippedFunction): WireFunction {
    return this.#byFile(fn, this.#sent.next(fn));
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
}
