/**
 * What the disk store adds to the shared specification (cloud-files.test.ts): its layout, its
 * directory as a boundary, MD5 records that never outlive their version, and the errors a real
 * file system raises.
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudFiles, createFileStore, type FileStore } from '../../src/files/index.js';
import { md5 } from './support/streams.js';
import { refusal } from './support/refusals.js';

const NOBODY = 65534; // the unprivileged user id

describe('the disk store', () => {
  let dir: string;
  let store: FileStore;
  let files: CloudFiles;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nimbus-disk-'));
    store = createFileStore({ dir: join(dir, 'store') });
    files = new CloudFiles(store);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps each name as the file its parts spell under its directory', async () => {
    await files.putf('results', 'runs/7/out.txt');
    expect(await readFile(join(dir, 'store', 'runs', '7', 'out.txt'), 'utf8')).toBe('results');
    expect(store.description).toBe(`disk store at ${join(dir, 'store')}`);
  });

  it('no name leads outside its directory, even handed to the store directly', async () => {
    for (const name of ['../escape', 'a/../../escape', '/etc/escape', 'a/./b', 'a//b']) {
      expect((await refusal(files.putf('x', name))).message).toMatch(/^cloud\.files\.putf: bad file name/);
    }
    const error = await refusal(store.write('../../escape', Readable.from([Buffer.from('x')])));
    expect(error.message).toBe(`file name "../../escape" would lead outside the disk store at ${join(dir, 'store')}`);
    expect(await readdir(dir)).toEqual(['store']);
  });

  it('refuses a part of a name longer than the file system allows, saying so', async () => {
    const error = await refusal(files.putf('x', 'a'.repeat(300)));
    expect(error.message).toMatch(
      /^cloud\.files\.putf: writing "a{57}\.\.\." on the disk store at .* failed: a part of the name is longer than the file system allows/,
    );
  });

  it('measures the MD5 of a file put there by another program', async () => {
    await writeFile(join(dir, 'store', 'dropped.txt'), 'dropped in');
    expect(await files.md5('dropped.txt')).toBe(md5('dropped in'));
  });

  it('does not believe an MD5 record once the file has changed, even to the same size', async () => {
    await files.putf('version A', 'rewritten.txt');
    expect(await files.md5('rewritten.txt')).toBe(md5('version A'));
    await writeFile(join(dir, 'store', 'rewritten.txt'), 'version B');
    expect(await files.md5('rewritten.txt')).toBe(md5('version B'));
  });

  it('creates its directory on the first write', async () => {
    const later = createFileStore({ dir: join(dir, 'later', 'files') });
    expect(await later.list('')).toEqual([]);
    await new CloudFiles(later).putf('x', 'first');
    expect(await readdir(join(dir, 'later', 'files'))).toContain('first');
  });

  describe('permission denied', () => {
    let locked: string;
    let lockedFiles: CloudFiles;

    beforeAll(async () => {
      locked = join(dir, 'locked');
      lockedFiles = new CloudFiles(createFileStore({ dir: locked }));
      await lockedFiles.putf('secret', 'secret.txt');
      await chmod(dir, 0o755); // mkdtemp makes it 0700: the unprivileged user must reach inside
    });

    it('writing into a directory without permission', async () => {
      await chmod(locked, 0o000);
      try {
        const error = await refusal(unprivileged(() => lockedFiles.putf('x', 'new.txt')));
        expect(error.message).toBe(`cloud.files.putf: writing "new.txt" on the disk store at ${locked} failed: permission denied (EACCES)`);
        expect(error.code).toBe('ERR_ACCESS_DENIED');
      } finally {
        await chmod(locked, 0o755);
      }
    });

    it('reading a file without permission', async () => {
      await chmod(join(locked, 'secret.txt'), 0o000);
      try {
        const error = await refusal(unprivileged(() => lockedFiles.getf('secret.txt')));
        expect(error.message).toBe(`cloud.files.getf: reading "secret.txt" on the disk store at ${locked} failed: permission denied (EACCES)`);
        expect(error.code).toBe('ERR_ACCESS_DENIED');
      } finally {
        await chmod(join(locked, 'secret.txt'), 0o644);
      }
    });

    it('getting into a local directory without permission', async () => {
      const target = join(dir, 'no-entry');
      await mkdir(target, { mode: 0o000 });
      const error = await refusal(unprivileged(() => lockedFiles.get('secret.txt', join(target, 'copy.txt'))));
      expect(error.message).toMatch(new RegExp(`^cloud\\.files\\.get: local file ${join(target, 'copy.txt')}: permission denied \\(EACCES\\)$`));
      expect(error.code).toBe('ERR_LOCAL_FILE');
    });
  });
});

/**
 * Runs `attempt` as a user that file permissions apply to. Root ignores them (tests often run as
 * root, in containers), so a root test process takes the effective user id of nobody for the
 * attempt and takes root back after it; vitest runs each test file in its own process, one test
 * at a time, so nothing else runs meanwhile as nobody.
 */
async function unprivileged<T>(attempt: () => Promise<T>): Promise<T> {
  if (process.getuid?.() !== 0) return attempt();
  process.seteuid!(NOBODY);
  try {
    return await attempt();
  } finally {
    process.seteuid!(0);
  }
}
