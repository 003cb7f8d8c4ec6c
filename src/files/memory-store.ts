/**
 * The memory store: the simulator's default, the same layout as the disk store (fs-store.ts) on
 * an in-memory file system (memfs), so that what a disk store refuses, the simulator refuses too.
 * It lives and dies with its process; a worker thread cannot see it.
 */
import type { FileStore } from '../types/file-store.js';
import type { FsLike } from './file-system.js';
import { FsStore } from './fs-store.js';

export const MEMORY_STORE_ROOT = '/files';

/** A memory store, on a memfs of its own unless given one (`memfs().fs`) to share or look into. */
export function createMemoryStore(fs?: FsLike): FileStore {
  return new FsStore(MEMORY_STORE_ROOT, 'memory store', async () => {
    if (fs) return fs;
    const { memfs } = await import('memfs');
    // memfs types its callbacks' errors as its own IError; they carry the same code and message.
    return memfs().fs as unknown as FsLike;
  });
}
