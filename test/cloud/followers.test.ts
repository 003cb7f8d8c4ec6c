/**
 * Chains whose links ride in their dependency's batch (src/runtime/followers.ts), seen from the
 * API: results and statuses as for any dependency, a follower killed before it starts never
 * runs, and a worker killed from outside loses nothing. The jobs that hold a chain at a link wait
 * for a file the test writes (an event), never for a delay.
 */
import { Cloud, type CloudConfig } from '@nimbus-js/nimbus';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EVENTUALLY, SHARED_MODES, WORKER_MODES, hang, makeCloud, type LocalMode } from '../support/clouds.js';

/**
 * A link of a chain: logs that it ran, then returns its tag; 'fail' throws. With a gate (a file
 * path), it writes its pid next to the gate and waits until the gate exists.
 */
const step = async (tag: string, kind: string, gate: string): Promise<string> => {
  console.log(`ran ${tag}`);
  if (kind === 'fail') throw new Error(`${tag} failed`);
  if (gate !== '') {
    writeFileSync(`${gate}.${tag}.pid`, String(process.pid));
    while (!existsSync(gate)) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return tag;
};

type Link = readonly [tag: string, kind: string, gate: string];

const directory = mkdtempSync(join(tmpdir(), 'nimbus-followers-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let gates = 0;
const newGate = (): string => join(directory, `gate-${++gates}`);

/**
 * A chain of `links` held behind a job on the one slot, so that its head is dispatched with the
 * rest already waiting: the links after it ride as its followers. The function has run once
 * first, so that its mean duration (what bounds a batch with followers) is known.
 */
async function heldChain(cloud: Cloud, links: readonly Link[]): Promise<number[]> {
  expect(await cloud.result(await cloud.call(step, 'warm', 'quick', ''))).toBe('warm');
  const blocker = await cloud.call(hang);
  const jids: number[] = [];
  for (const [tag, kind, gate] of links) {
    const view = jids.length === 0 ? cloud : cloud.with({ dependsOn: jids[jids.length - 1]! });
    jids.push(await view.call(step, tag, kind, gate));
  }
  await cloud.kill(blocker);
  return jids;
}

/** A held chain a -> b -> c whose head `a` runs now, waiting for `gate` to appear; b and c are quick. */
async function gatedChainRunning(cloud: Cloud): Promise<{ gate: string; jids: number[] }> {
  const gate = newGate();
  const jids = await heldChain(cloud, [
    ['a', 'gate', gate],
    ['b', 'quick', ''],
    ['c', 'quick', ''],
  ]);
  await expect.poll(() => existsSync(`${gate}.a.pid`), EVENTUALLY).toBe(true);
  return { gate, jids };
}

/** A one-slot cloud for one test: each test starts from a function with no durations learned. */
async function withCloud(mode: LocalMode, test: (cloud: Cloud) => Promise<void>, config: CloudConfig = {}): Promise<void> {
  const cloud = new Cloud({ cores: 1, computeUnits: 1, isolation: mode as 'process' | 'thread', ...config });
  try {
    await test(cloud);
  } finally {
    await cloud.close();
  }
}

describe.each(SHARED_MODES)('a chain of dependent jobs (%s)', (mode) => {
  const cloud = makeCloud(mode);
  afterAll(() => cloud.close());

  it('runs each link after the one before, with its result', async () => {
    const add = (x: number, y: number) => x + y;
    let previous = await cloud.call(add, 0, 1);
    const jids = [previous];
    for (let i = 1; i < 300; i++) {
      previous = await cloud.with({ dependsOn: previous }).call(add, i, 1);
      jids.push(previous);
    }
    expect(await cloud.result(jids)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    const infos = await cloud.info(jids, ['started', 'finished']);
    for (let i = 1; i < infos.length; i++) expect(infos[i]!.started!).toBeGreaterThanOrEqual(infos[i - 1]!.finished!);
  });
});

describe.each(WORKER_MODES)('followers (%s)', (mode) => {
  it('a follower reads waiting while its dependency runs, then processing with a start once it runs', () =>
    withCloud(mode, async (cloud) => {
      const [first, second] = [newGate(), newGate()];
      const [a, b, c] = await heldChain(cloud, [
        ['a', 'gate', first],
        ['b', 'gate', second],
        ['c', 'quick', ''],
      ]);
      await expect.poll(() => existsSync(`${first}.a.pid`), EVENTUALLY).toBe(true);
      expect(await cloud.status([a!, b!, c!])).toEqual(['processing', 'waiting', 'waiting']);
      expect((await cloud.info(b!)).started).toBeUndefined();
      writeFileSync(first, '');
      await expect.poll(() => existsSync(`${second}.b.pid`), EVENTUALLY).toBe(true);
      await expect.poll(() => cloud.status([a!, b!, c!]), EVENTUALLY).toEqual(['done', 'processing', 'waiting']);
      expect((await cloud.info(b!)).started).toBeGreaterThan(0);
      writeFileSync(second, '');
      expect(await cloud.result([a!, b!, c!])).toEqual(['a', 'b', 'c']);
    }));

  it('a failed dependency: its followers never run, and stall', () =>
    withCloud(mode, async (cloud) => {
      const [a, b, c] = await heldChain(cloud, [
        ['a', 'fail', ''],
        ['b', 'quick', ''],
        ['c', 'quick', ''],
      ]);
      await cloud.join([a!, b!, c!], { ignoreErrors: true });
      expect(await cloud.status([a!, b!, c!])).toEqual(['error', 'stalled', 'stalled']);
      const infos = await cloud.info([b!, c!], ['started', 'stdout']);
      expect(infos.map((info) => [info.started, info.stdout])).toEqual([
        [undefined, ''],
        [undefined, ''],
      ]);
      await expect(cloud.result(c!)).rejects.toThrow(`Job ${c}: could not start, a dependency failed`);
    }));

  it('a follower killed before it starts never runs; its dependency still ends done', () =>
    withCloud(mode, async (cloud) => {
      const {
        gate,
        jids: [a, b, c],
      } = await gatedChainRunning(cloud);
      await cloud.kill(b);
      writeFileSync(gate, '');
      expect(await cloud.result(a!)).toBe('a');
      await cloud.join([c!], { ignoreErrors: true });
      expect(await cloud.status([a!, b!, c!])).toEqual(['done', 'killed', 'stalled']);
      const infos = await cloud.info([b!, c!], ['started', 'stdout']);
      expect(infos.map((info) => [info.started, info.stdout])).toEqual([
        [undefined, ''],
        [undefined, ''],
      ]);
    }));

  it('a dependency killed while it runs: its followers stall, as for any dependent', () =>
    withCloud(mode, async (cloud) => {
      const [a, b, c] = (await gatedChainRunning(cloud)).jids;
      await cloud.kill(a);
      expect(await cloud.status([a!, b!, c!])).toEqual(['killed', 'stalled', 'stalled']);
      expect((await cloud.info(b!, ['stdout'])).stdout).toBe('');
    }));
});

describe('followers on a worker process killed from outside', () => {
  it('loses nothing: the followers it held wait again, then run', () =>
    withCloud('process', async (cloud) => {
      const {
        gate,
        jids: [a, b, c],
      } = await gatedChainRunning(cloud);
      const pid = Number(readFileSync(`${gate}.a.pid`, 'utf8'));
      rmSync(`${gate}.a.pid`);
      process.kill(pid, 'SIGKILL');
      // Its batch comes back: the dependency runs again (on another process), its followers wait.
      await expect.poll(() => existsSync(`${gate}.a.pid`), EVENTUALLY).toBe(true);
      expect(await cloud.status([b!, c!])).toEqual(['waiting', 'waiting']);
      writeFileSync(gate, '');
      expect(await cloud.result([a!, b!, c!])).toEqual(['a', 'b', 'c']);
      expect((await cloud.info(b!, ['stdout'])).stdout).toBe('ran b\n');
    }));
});
