/**
 * A shipped function as a batch carries it to a worker that may know it already. Its shape (the
 * nodes) and its captured data travel only when the worker is thought to lack them; the data is
 * named by a hash of its bytes, so a worker caches it by content, and a value that changed is a
 * new entry. A worker that lacks what a batch does not carry asks its host for it: never an error.
 */
import type { ShippedNode } from './shipped-function.js';

export interface WireFunction {
  /** The shipped function's id: a worker keeps what it rebuilt under it. */
  readonly id: string;
  /** The nodes, when they travel with this batch; undefined: the worker was sent them already. */
  readonly shape: FunctionShape | undefined;
  /** The captured data, when the function has some (ShippedFunction.data). */
  readonly data: WireData | undefined;
}

/** What a worker needs of a shipped function, but its data, to rebuild it. */
export interface FunctionShape {
  readonly name: string;
  readonly root: number;
  readonly nodes: readonly ShippedNode[];
}

export interface WireData {
  /** sha256 of the bytes, in hex: equal bytes, one entry in a worker's cache. */
  readonly hash: string;
  /** How many bytes the blob holds: what the entry weighs in the worker's bounded cache. */
  readonly size: number;
  /**
   * The blob (v8.serialize of the captured values), when it travels with this message: copied (a
   * Uint8Array) or shared (a SharedArrayBuffer, which crosses to a thread without a copy).
   * Undefined: the worker was sent it already and should have it cached, or it is in `file`.
   */
  readonly bytes: Uint8Array | SharedArrayBuffer | undefined;
  /**
   * A file that holds the blob (large data, to a worker process): the worker reads it on its own
   * time rather than the host pushing it through the channel. A file that is missing or changed
   * since the host wrote it is fetched again, through the channel itself.
   */
  readonly file?: DataFile;
}

export interface DataFile {
  readonly path: string;
  /** The file as the host wrote it (wire/data-file-seal.ts): a file that differs was changed. */
  readonly seal: string;
}
