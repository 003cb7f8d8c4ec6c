import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WORKER_MODES, makeCloud } from '../support/clouds.js';
import { isRunning, killAll, readPids, waitGone } from './pids.js';

/**
 * Spawns children of several kinds, writes their pids to `path` (one a line), then returns them or
 * hangs: a plain `sleep`, a `node -e` child, a detached `sleep`, and a `sleep` a shell left
 * behind (its parent, the shell, has exited).
 */
const spawnChildren = async (path: string, then: string) => {
  const { spawn, execFile } = process.getBuiltinModule('node:child_process');
  const { appendFileSync } = process.getBuiltinModule('node:fs');
  const plain = spawn('sleep', ['1000'], { stdio: 'ignore' });
  const node = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const detached = spawn('sleep', ['1000'], { stdio: 'ignore', detached: true });
  detached.unref();
  const orphan = await new Promise<number>((resolve) => {
    execFile('sh', ['-c', 'sleep 1000 >/dev/null 2>&1 & echo $!'], (_error, stdout) => resolve(Number(stdout.trim())));
  });
  const pids = [plain.pid!, node.pid!, detached.pid!, orphan];
  appendFileSync(path, pids.map((pid) => `${pid}\n`).join(''));
  if (then === 'hang') await new Promise(() => {});
  return pids;
};

const CHILDREN = 4;
let leftovers: number[] = [];
afterEach(() => {
  killAll(leftovers);
  leftovers = [];
});

const pidFile = () => join(mkdtempSync(join(tmpdir(), 'nimbus-children-')), 'pids');

describe.each(WORKER_MODES)('children a job spawns (%s)', (mode) => {
  const cloud = makeCloud(mode, { cores: 2 });
  afterAll(() => cloud.close());

  it('end when the job ends', async () => {
    const pids = await cloud.result(await cloud.call(spawnChildren, pidFile(), 'return'));
    leftovers = pids;
    expect(pids).toHaveLength(CHILDREN);
    await waitGone(pids);
    // The worker goes on: the next job runs.
    expect(await cloud.result(await cloud.call(() => 'next'))).toBe('next');
  });

  it('end when the job is killed', async () => {
    const path = pidFile();
    const jid = await cloud.call(spawnChildren, path, 'hang');
    leftovers = await readPids(path, CHILDREN);
    expect(leftovers.every(isRunning)).toBe(true);
    await cloud.kill(jid);
    await waitGone(leftovers);
  });

  it('end when the cloud is closed', async () => {
    const closing = makeCloud(mode, { cores: 2 });
    const path = pidFile();
    await closing.call(spawnChildren, path, 'hang');
    leftovers = await readPids(path, CHILDREN);
    expect(leftovers.every(isRunning)).toBe(true);
    await closing.close();
    await waitGone(leftovers);
  });
});
