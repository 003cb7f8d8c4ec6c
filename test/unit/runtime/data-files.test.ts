/**
 * The host's data files (runtime/process/data-files.ts): one file per entry however many batches
 * are lent it, gone once none holds it (after a linger), all gone at close, and no error when a
 * file cannot be written: the caller is told to send the bytes through the channel instead.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DataFiles } from '../../../src/runtime/process/data-files.js';
import { sealOf } from '../../../src/wire/data-file-seal.js';
import { until } from '../../boundary/pids.js';

const bytes = (fill: number) => new Uint8Array(100_000).fill(fill);

describe('data files', () => {
  let files: DataFiles | undefined;
  afterEach(() => files?.close());

  it('writes an entry once for every batch lent it, sealed as written', () => {
    files = new DataFiles();
    const first = files.lend('a', bytes(1))!;
    const second = files.lend('a', bytes(1))!;
    expect(second).toEqual(first);
    expect(readFileSync(first.path)).toEqual(Buffer.from(bytes(1)));
    expect(sealOf(statSync(first.path, { bigint: true }))).toBe(first.seal);
    // Read-only: a job's stray write is refused (unless it runs as root).
    expect(statSync(first.path).mode & 0o777).toBe(0o400);
  });

  it('removes a file once no batch holds it, after a linger in which it is lent again as it is', async () => {
    files = new DataFiles();
    const lent = files.lend('a', bytes(1))!;
    files.release('a');
    expect(files.lend('a', bytes(1))).toEqual(lent);
    files.release('a');
    await until(() => !existsSync(lent.path), 'the file to go');
    // Lent again after it went: written again.
    expect(existsSync(files.lend('a', bytes(1))!.path)).toBe(true);
  });

  it('removes its directory at close, and lends nothing after', () => {
    files = new DataFiles();
    files.lend('a', bytes(1));
    const dir = files.directory!;
    files.close();
    expect(existsSync(dir)).toBe(false);
    expect(files.lend('b', bytes(2))).toBeUndefined();
  });

  it('lends nothing when a file cannot be written: the bytes go through the channel', () => {
    files = new DataFiles();
    files.lend('a', bytes(1));
    // Someone cleaned /dev/shm under us.
    rmSync(files.directory!, { recursive: true, force: true });
    expect(files.lend('b', bytes(2))).toBeUndefined();
  });
});
