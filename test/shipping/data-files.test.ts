/**
 * Large captured data reaches worker processes as a file the host writes once in /dev/shm
 * (runtime/process/data-files.ts), which each worker reads and checks itself. No file outlives
 * its cloud or its host (closed, ended by a signal, or killed and swept by the next host), and a
 * file deleted or damaged under a worker is fetched through the channel instead: right results,
 * never an error or a hang.
 */
import type { Cloud } from '@nimbus-js/nimbus';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { readerOf } from '../fixtures/shipping/captured-data.mjs';
import { spoilerOf } from '../fixtures/shipping/data-files.mjs';
import { makeCloud } from '../support/clouds.js';
import type { Reading } from './support/readings.js';

const SHM = '/dev/shm';
const HOST = fileURLToPath(new URL('../fixtures/shipping/data-files-host.mjs', import.meta.url));

interface Spoiled extends Reading {
  intact: boolean;
  parent: string;
}

/** The data directories of the host `pid` in /dev/shm. */
const dataDirsOf = (pid: number) => readdirSync(SHM).filter((name) => name.startsWith(`nimbus-data-${pid}-`));
/** 100,000 numbers: 800 KB, well past what goes through the channel (64 KB). */
const filled = (value: number) => new Float64Array(100_000).fill(value);

// Skipped where there is no /dev/shm (not Linux): the files then go to the temp dir, which these
// tests do not look in; test/unit/runtime/data-files.test.ts runs wherever the files go.
describe.skipIf(!existsSync(SHM))('captured data in files (process)', () => {
  let cloud: Cloud | undefined;
  afterEach(() => cloud?.close());

  it('hands every worker one file, written once, and removes it when the cloud closes', async () => {
    const before = new Set(dataDirsOf(process.pid));
    cloud = makeCloud('process');
    const readings = (await cloud.result(await cloud.map(readerOf(filled(7), 3), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))) as Reading[];
    expect(readings.every(({ value }) => value === 7)).toBe(true);
    for (const { stats } of readings) {
      expect(stats).toMatchObject({ misses: 1, received: 0, read: 1, unreadable: 0, fetches: 0 });
    }
    const made = dataDirsOf(process.pid).filter((name) => !before.has(name));
    expect(made).toHaveLength(1);
    await cloud.close();
    cloud = undefined;
    expect(dataDirsOf(process.pid).filter((name) => !before.has(name))).toEqual([]);
  });

  it.each(['delete', 'damage'] as const)('fetches through the channel what a worker finds on %s of its file', async (how) => {
    // One slot: the parent's worker is busy waiting, so another worker runs the child, and is
    // given the file the parent's batch still holds.
    cloud = makeCloud('process', { cores: 1, computeUnits: 1 });
    const spoiled = (await cloud.result(await cloud.call(spoilerOf(filled(9), how), 0))) as Spoiled;
    expect(spoiled.worker).not.toBe(spoiled.parent);
    expect(spoiled.value).toBe(9);
    expect(spoiled.intact).toBe(true);
    expect(spoiled.stats).toMatchObject({ misses: 1, read: 0, unreadable: 1, fetches: 1, received: 1 });
  });
});

// Skipped where there is no /dev/shm, as above.
describe.skipIf(!existsSync(SHM))('a host that ends leaves no data file', () => {
  let host: ChildProcess | undefined;
  afterEach(() => {
    host?.kill('SIGKILL');
  });

  /** Starts a host whose worker was handed a data file; resolves once it has. */
  async function startHost(): Promise<ChildProcess> {
    host = spawn(process.execPath, [HOST], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    host.stdout!.setEncoding('utf8');
    for await (const chunk of host.stdout! as AsyncIterable<string>) {
      out += chunk;
      if (out.includes('\n')) break;
    }
    expect(out).toBe('ready 5\n');
    expect(dataDirsOf(host.pid!)).toHaveLength(1);
    return host;
  }

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('ended by %s, it removes its files, then ends by the signal', async (signal) => {
    const ended = await startHost();
    const exit = once(ended, 'exit');
    ended.kill(signal);
    const [code, by] = (await exit) as [number | null, NodeJS.Signals | null];
    expect({ code, by }).toEqual({ code: null, by: signal });
    expect(dataDirsOf(ended.pid!)).toEqual([]);
  });

  it('killed (SIGKILL), its files are removed by the next host that writes some', async () => {
    const killed = await startHost();
    const exit = once(killed, 'exit');
    killed.kill('SIGKILL');
    await exit;
    expect(dataDirsOf(killed.pid!)).toHaveLength(1);
    const cloud = makeCloud('process', { cores: 1, computeUnits: 1 });
    try {
      const reading = await cloud.result(await cloud.call(readerOf(filled(3)) as (i: number) => Reading, 0));
      expect(reading.value).toBe(3);
    } finally {
      await cloud.close();
    }
    expect(dataDirsOf(killed.pid!)).toEqual([]);
  });
});
