/** The `files` configuration: each form names its store; a bad one says what is allowed. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CloudFiles, DEFAULT_FILES_DIR, createFileStore, type FileStore, type FilesConfig } from '../../src/files/index.js';
import { messageOf } from './support/refusals.js';

const ALLOWED = "'memory', { dir: string }, { s3: { bucket, prefix?, endpoint?, region?, credentials?, forcePathStyle? } } or a FileStore";

describe('createFileStore', () => {
  it('is a disk store at .nimbus/files under the working directory by default', () => {
    expect(createFileStore().description).toBe(`disk store at ${join(process.cwd(), DEFAULT_FILES_DIR)}`);
  });

  it("'memory' is a memory store", () => {
    expect(createFileStore('memory').description).toBe('memory store');
  });

  it('{ dir } is a disk store in that directory, relative to the working directory', () => {
    expect(createFileStore({ dir: 'data/files' }).description).toBe(`disk store at ${join(process.cwd(), 'data/files')}`);
  });

  it('{ s3 } is an S3 store, named by bucket, prefix and endpoint', () => {
    expect(createFileStore({ s3: { bucket: 'team-data' } }).description).toBe('S3 store s3://team-data/');
    expect(createFileStore({ s3: { bucket: 'b3t', prefix: 'runs/', endpoint: 'http://127.0.0.1:4568' } }).description).toBe(
      'S3 store s3://b3t/runs/ at http://127.0.0.1:4568',
    );
  });

  it("a FileStore of the user's own is used as it is", () => {
    const mine: FileStore = {
      description: 'my store',
      write: async () => ({ size: 0, md5: '' }),
      read: async () => {
        throw new Error('unused');
      },
      stat: async () => undefined,
      exists: async () => false,
      remove: async () => false,
      list: async () => [],
    };
    expect(createFileStore(mine)).toBe(mine);
  });

  it.each([
    [42, `files must be ${ALLOWED}, got 42`],
    ['disk', `files must be ${ALLOWED}, got "disk"`],
    [{ directory: 'x' }, `files must be ${ALLOWED}, got an object`],
    [{ dir: '' }, 'files.dir must be a non-empty string, got ""'],
    [{ s3: 'bucket' }, 'files.s3 must be an object, got "bucket"'],
    [{ s3: {} }, 'files.s3.bucket must be a non-empty string, got undefined'],
    [{ s3: { bucket: 'b', bukcet: 'b' } }, "files.s3 has no option 'bukcet'; known options: bucket, prefix, endpoint, region, credentials, forcePathStyle"],
    [{ s3: { bucket: 'b', endpoint: '127.0.0.1:4568' } }, `files.s3.endpoint must be a URL such as 'http://127.0.0.1:4568', got "127.0.0.1:4568"`],
    [{ s3: { bucket: 'b', credentials: { accessKeyId: 'k' } } }, 'files.s3.credentials.secretAccessKey must be a non-empty string, got undefined'],
    [{ write: () => {}, read: () => {} }, 'files must be a complete FileStore (it lacks stat, exists, remove, list), got an object'],
  ])('refuses %o', (config, message) => {
    expect(messageOf(() => createFileStore(config as FilesConfig))).toBe(message);
  });
});

describe('the files config is read once, as every option of nimbus', () => {
  it('each option of files.s3 is read once, and the store uses what was checked', () => {
    let reads = 0;
    const answers = ['team-data', 42];
    const s3 = {
      get bucket() {
        return answers[reads++];
      },
    };
    expect(createFileStore({ s3 } as never).description).toBe('S3 store s3://team-data/');
    expect(reads).toBe(1);
  });

  it('a getter that throws is a bad option (ERR_BAD_OPTION), not a crash', () => {
    const s3 = {
      bucket: 'b',
      get prefix(): string {
        throw new TypeError('no prefix today');
      },
    };
    let error: unknown;
    try {
      createFileStore({ s3 });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toMatchObject({ code: 'ERR_BAD_OPTION', message: 'files.s3.prefix could not be read: reading it threw TypeError: no prefix today' });
  });
});

describe('CloudFiles options', () => {
  it.each([0, -1, 1.5, 6 * 1024 ** 3, '1000'])('refuses maxFileBytes %o', (maxFileBytes) => {
    expect(messageOf(() => new CloudFiles(createFileStore('memory'), { maxFileBytes: maxFileBytes as number }))).toMatch(
      /^maxFileBytes must be a positive integer of bytes, at most 5368709120 \(5 GB\), got /,
    );
  });
});
