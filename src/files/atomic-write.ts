/**
 * Writing a file so that a reader sees the previous version or the new one, never a part of one:
 * the content streams into a partial file on the same file system, which one rename puts in
 * place once it is whole. A write that fails removes its partial file.
 */
import { dirname } from 'node:path';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { hasCode } from './file-errors.js';
import { removeIfPresent, type FileStats, type FsLike } from './file-system.js';

// Bytes a file being written may have queued: several chunks, so that the next chunk is read and
// measured while the one before is written.
const WRITE_QUEUE_BYTES = 4 * 1024 * 1024;
const RENAME_ATTEMPTS = 3; // a concurrent delete may remove the target's folder between mkdir and rename

export interface AtomicWrite {
  readonly target: string;
  /** A path no one else writes, on the target's file system. */
  readonly partial: string;
  /** Streams the content passes through on its way (a ContentMeter). */
  readonly through?: readonly Transform[];
  /** Runs once the partial file is whole, before it is put in place. */
  readonly beforeRename?: (stats: FileStats) => Promise<void>;
}

/** Streams `source` into `write.target`; resolves with the stats of the version written. */
export async function writeFileAtomically(fs: FsLike, source: Readable, write: AtomicWrite): Promise<FileStats> {
  // Folders first: a name that cannot be stored fails before any byte moves.
  await fs.promises.mkdir(dirname(write.target), { recursive: true });
  await fs.promises.mkdir(dirname(write.partial), { recursive: true });
  try {
    const sink = fs.createWriteStream(write.partial, { flags: 'wx', highWaterMark: WRITE_QUEUE_BYTES });
    await pipeline([source, ...(write.through ?? []), sink]);
    const stats = await fs.promises.stat(write.partial);
    await write.beforeRename?.(stats);
    await renameIntoPlace(fs, write.partial, write.target);
    return stats;
  } catch (error) {
    await removeIfPresent(fs, write.partial).catch(() => {});
    throw error;
  }
}

async function renameIntoPlace(fs: FsLike, partial: string, target: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await refuseDirectory(fs, target);
    try {
      await fs.promises.rename(partial, target);
      return;
    } catch (error) {
      if (!hasCode(error, 'ENOENT') || attempt === RENAME_ATTEMPTS) throw error;
      await fs.promises.mkdir(dirname(target), { recursive: true });
    }
  }
}

/** Fails with EISDIR when `target` is a directory: node's rename would, memfs's replaces it. */
async function refuseDirectory(fs: FsLike, target: string): Promise<void> {
  const stats = await fs.promises.stat(target).catch(() => undefined);
  if (stats?.isDirectory()) {
    throw Object.assign(new Error(`EISDIR: illegal operation on a directory, rename '${target}'`), { code: 'EISDIR', path: target });
  }
}
