/**
 * The three stores every cloud.files behaviour is specified on, each opened fresh for a suite,
 * with a way to see the files a store keeps for itself (which a failed write must not leave).
 */
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memfs } from 'memfs';
import { createFileStore, type FileStore } from '../../../src/files/index.js';
import type { FsLike } from '../../../src/files/file-system.js';
import { MEMORY_STORE_ROOT, createMemoryStore } from '../../../src/files/memory-store.js';
import { startS3Server, type S3Server } from './s3-server.js';

export interface OpenBackend {
  readonly store: FileStore;
  /** The store's own files that are not MD5 records: partial files, staging uploads. */
  leftovers(): Promise<string[]>;
  close(): Promise<void>;
}

export interface Backend {
  readonly name: 'memory' | 'disk' | 's3';
  /** The store keeps names as paths: 'a' and 'a/b' cannot both be stored. */
  readonly namesArePaths: boolean;
  open(): Promise<OpenBackend>;
}

export const BACKENDS: readonly Backend[] = [
  {
    name: 'memory',
    namesArePaths: true,
    async open() {
      const { fs } = memfs();
      return {
        store: createMemoryStore(fs as unknown as FsLike),
        leftovers: async () => (await fs.promises.readdir(`${MEMORY_STORE_ROOT}/.nimbus/partial`).catch(() => [])).map(String),
        close: async () => {},
      };
    },
  },
  {
    name: 'disk',
    namesArePaths: true,
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'nimbus-files-'));
      return {
        store: createFileStore({ dir }),
        leftovers: () => readdir(join(dir, '.nimbus', 'partial')).catch(() => []),
        close: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 's3',
    namesArePaths: false,
    async open() {
      const server: S3Server = await startS3Server();
      const store = createFileStore({ s3: server.config });
      return {
        store,
        leftovers: () => listKeys(server, '.nimbus/staging/'),
        close: async () => {
          await store.close?.();
          await server.stop();
        },
      };
    },
  },
];

/** The keys under `prefix` in the server's bucket, read with a client of the test's own. */
export async function listKeys(server: S3Server, prefix: string): Promise<string[]> {
  const client = rawClient(server);
  try {
    const { Contents } = await client.send(new ListObjectsV2Command({ Bucket: server.config.bucket, Prefix: prefix }));
    return (Contents ?? []).map(({ Key }) => Key!);
  } finally {
    client.destroy();
  }
}

export function rawClient(server: S3Server): S3Client {
  return new S3Client({
    endpoint: server.config.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { ...server.config.credentials! }, // a copy: the SDK writes into it
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
