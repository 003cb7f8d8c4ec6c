/**
 * The disk store's folder is a boundary that symbolic links planted inside it cannot cross: a
 * write never goes through a link (to a file or a folder) to a file outside, a read of a name
 * whose link leads outside is refused, and what the store creates is private to its owner.
 */
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudFiles, createFileStore } from '../../src/files/index.js';
import { refusal } from './support/refusals.js';

const OUTSIDE_CONTENT = 'outside, must stay as it is';

describe('the disk store and symbolic links planted in it', () => {
  let dir: string;
  let root: string;
  let outside: string;
  let outsideFile: string;
  let files: CloudFiles;
  const store = () => `disk store at ${root}`;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nimbus-links-'));
    root = join(dir, 'store');
    outside = join(dir, 'outside');
    outsideFile = join(outside, 'secret.txt');
    await mkdir(outside);
    await writeFile(outsideFile, OUTSIDE_CONTENT);
    files = new CloudFiles(createFileStore({ dir: root }));
    await files.putf('first', 'first.txt'); // the store's folder exists, made by the store
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const outsideUnchanged = async () => {
    expect(await readFile(outsideFile, 'utf8')).toBe(OUTSIDE_CONTENT);
    expect(await readdir(outside)).toEqual(['secret.txt']);
  };

  it('putf to a name that is a link to a file outside replaces the link, and the outside file stays', async () => {
    await symlink(outsideFile, join(root, 'planted.txt'));
    await files.putf('new content', 'planted.txt');
    await outsideUnchanged();
    expect((await lstat(join(root, 'planted.txt'))).isSymbolicLink()).toBe(false);
    expect(await text(await files.getf('planted.txt'))).toBe('new content');
  });

  it('get, getf, md5 and exists refuse a name that is a link to a file outside', async () => {
    await symlink(outsideFile, join(root, 'planted.txt'));
    const refused = `"planted.txt" is a symbolic link that leads outside the ${store()}: the store does not read through it`;
    expect((await refusal(files.getf('planted.txt'))).message).toBe(`cloud.files.getf: ${refused}`);
    expect((await refusal(files.get('planted.txt', join(dir, 'copy.txt')))).message).toBe(`cloud.files.get: ${refused}`);
    expect((await refusal(files.md5('planted.txt'))).message).toBe(`cloud.files.md5: ${refused}`);
    expect(await files.exists('planted.txt')).toBe(false);
    expect(await readdir(dir)).not.toContain('copy.txt');
  });

  it('a link to a folder outside: no write, read or listing goes through it', async () => {
    await symlink(outside, join(root, 'linked'));
    const error = await refusal(files.putf('x', 'linked/new.txt'));
    expect(error.message).toBe(
      `cloud.files.putf: cannot store "linked/new.txt": "linked" is a symbolic link in the ${store()}, which never writes through links; nothing was stored`,
    );
    expect((await refusal(files.putf('x', 'linked/deeper/new.txt'))).message).toMatch(/"linked" is a symbolic link/);
    expect((await refusal(files.putf('x', 'linked/secret.txt'))).message).toMatch(/"linked" is a symbolic link/);
    expect((await refusal(files.getf('linked/secret.txt'))).message).toMatch(/"linked\/secret\.txt" is a symbolic link that leads outside/);
    expect(await files.list('linked/')).toEqual([]);
    expect(await files.list()).toEqual(['first.txt']);
    expect(await files.delete('linked/secret.txt')).toBe(false);
    await outsideUnchanged();
  });

  it("a link in place of the store's own folder (.nimbus) or of an MD5 record: nothing written outside", async () => {
    const own = join(root, '.nimbus');
    await rm(own, { recursive: true });
    await symlink(outside, own);
    expect((await refusal(files.putf('x', 'a.txt'))).message).toMatch(/"\.nimbus" is a symbolic link/);
    await rm(own);
    await files.putf('y', 'b.txt'); // makes .nimbus/md5 again
    const record = join(root, '.nimbus', 'md5', createHash('sha256').update('c.txt').digest('hex'));
    await symlink(outsideFile, record);
    const error = await refusal(files.putf('z', 'c.txt'));
    expect(error.message).toMatch(
      /^cloud\.files\.putf: writing "c\.txt" on the .* failed: a symbolic link is in the way \(not followed\), or links loop \(ELOOP\)$/,
    );
    await outsideUnchanged();
  });

  it('a link that stays inside the store is read; deleting a planted link removes the link only', async () => {
    await symlink(join(root, 'first.txt'), join(root, 'alias.txt'));
    expect(await text(await files.getf('alias.txt'))).toBe('first');
    await symlink(outsideFile, join(root, 'planted.txt'));
    expect(await files.delete('planted.txt')).toBe(true);
    await expect(readlink(join(root, 'planted.txt'))).rejects.toThrow(/ENOENT/);
    await outsideUnchanged();
  });

  it('creates its folders 0700 and its files 0600', async () => {
    await rm(root, { recursive: true });
    await files.putf('private', 'deep/er/file.txt');
    const mode = async (path: string) => (await stat(path)).mode & 0o777;
    for (const folder of [root, join(root, 'deep'), join(root, 'deep', 'er'), join(root, '.nimbus'), join(root, '.nimbus', 'md5')]) {
      expect([folder, await mode(folder)]).toEqual([folder, 0o700]);
    }
    expect(await mode(join(root, 'deep', 'er', 'file.txt'))).toBe(0o600);
    const [record] = await readdir(join(root, '.nimbus', 'md5'));
    expect(await mode(join(root, '.nimbus', 'md5', record!))).toBe(0o600);
  });
});
