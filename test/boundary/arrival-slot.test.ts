import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EVENTUALLY, hang, makeCloud } from '../support/clouds.js';

/**
 * A worker process tells its host that a batch arrived by writing to its arrival slot, a
 * descriptor of its own (process-protocol.ts, ARRIVAL_FD). Job code can close that descriptor, and
 * open a file of its own that takes its number: the worker must never write into that file, and
 * must go on telling its host (by message) which jobs started.
 */
describe('the arrival slot of a worker process', () => {
  // One slot: every job runs in the same worker process, one after the other.
  const cloud = makeCloud('process', { cores: 1, computeUnits: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-slot-test-'));
  afterAll(async () => {
    await cloud.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => cloud.kill());

  it('is never written once a job closed it and opened a file of its own under its number', async () => {
    const path = join(dir, 'mine.txt');
    const hijack = await cloud.call((file: string) => {
      const fs = process.getBuiltinModule('node:fs');
      fs.closeSync(4);
      const fd = fs.openSync(file, 'w+');
      fs.writeSync(fd, 'the job owns this file', 0);
      // Left open: the descriptor keeps number 4 for the jobs that come after.
      return fd;
    }, path);
    expect(await cloud.result(hijack)).toBe(4);
    expect(await cloud.result(await cloud.map((x: number) => x + 1, [1, 2, 3]))).toEqual([2, 3, 4]);
    expect(readFileSync(path, 'utf8')).toBe('the job owns this file');

    // Its host still learns which jobs started: a running job reads processing, the next queued.
    const blocker = await cloud.call(hang);
    const next = await cloud.call(() => 'next');
    await expect.poll(() => cloud.status(blocker), EVENTUALLY).toBe('processing');
    expect(await cloud.status([blocker, next])).toEqual(['processing', 'queued']);
    expect((await cloud.info(blocker)).started).toBeTypeOf('number');
    await cloud.kill(blocker);
    expect(await cloud.result(next)).toBe('next');
    expect(readFileSync(path, 'utf8')).toBe('the job owns this file');
  });
});
