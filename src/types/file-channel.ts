/**
 * How a job's `cloud.files` reaches the runtime's file store from another thread or process:
 * plain calls that carry bytes a chunk at a time, so a file of any size crosses with flat memory.
 */
import type { FileStat } from './file-store.js';

export interface FileChannel {
  /** Up to `maxBytes` of `name` from byte `start`; empty past the end. */
  fileReadChunk(name: string, start: number, maxBytes: number): Promise<Uint8Array>;
  fileStat(name: string): Promise<FileStat | undefined>;
  fileExists(name: string): Promise<boolean>;
  fileRemove(name: string): Promise<boolean>;
  fileList(prefix: string): Promise<string[]>;
  /** Starts writing `name`; returns a token for the chunks. Nothing is visible until it closes. */
  fileWriteOpen(name: string): Promise<number>;
  fileWriteChunk(token: number, bytes: Uint8Array): Promise<void>;
  /** Ends a write: `failed` discards it and leaves the previous version in place. */
  fileWriteClose(token: number, failed: boolean): Promise<FileStat | undefined>;
}

export const FILE_CHANNEL_METHODS = [
  'fileReadChunk',
  'fileStat',
  'fileExists',
  'fileRemove',
  'fileList',
  'fileWriteOpen',
  'fileWriteChunk',
  'fileWriteClose',
] as const satisfies readonly (keyof FileChannel)[];
