import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Cloud } from '@nimbus-js/nimbus';
import { afterAll, describe, expect, it } from 'vitest';
import { MODES, hang, makeCloud } from '../support/clouds.js';

const run = promisify(execFile);
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

describe.each(MODES)('a script using the default instance (%s)', (mode) => {
  it('exits by itself when its work is done, without close()', async () => {
    const env = { ...process.env, NIMBUS_SIMULATOR: mode === 'simulator' ? '1' : '' };
    const { stdout } = await run(process.execPath, [fixture('no-close.mjs')], { env, timeout: 15_000 });
    expect(JSON.parse(stdout)).toEqual({ results: [2, 4, 6], nested: 'from a child', simulator: mode === 'simulator' });
  });
});

describe('a job importing nimbus in its module', () => {
  it("catches its child's failure as a CloudException, by class", async () => {
    const { stdout } = await run(process.execPath, [fixture('catch-by-class.mjs')], { timeout: 15_000 });
    expect(JSON.parse(stdout)).toBe('CloudException RangeError');
  });
});

describe('nimbus from CommonJS', () => {
  it('require() says nimbus is an ES module and how to load it, not ERR_PACKAGE_PATH_NOT_EXPORTED', async () => {
    const { stdout } = await run(process.execPath, [fixture('require-nimbus.cjs')], { timeout: 15_000 });
    const { code, message } = JSON.parse(stdout) as { code: string; message: string };
    expect(code).toBe('ERR_REQUIRE_ESM');
    expect(message).toContain('nimbus is an ES module only');
    expect(message).toContain("await import('@nimbus-js/nimbus')");
  });
});

describe('closing while workers are still starting', () => {
  it('never takes the process down (threads loading an ES module used to abort Node 20)', async () => {
    for (let round = 0; round < 15; round++) {
      const cloud = new Cloud({ cores: 4, isolation: round % 2 ? 'thread' : 'process' });
      expect(await cloud.result(await cloud.call((n: number) => n, round))).toBe(round);
      expect(await cloud.close()).toBe(true);
    }
    // Fifteen clouds of ten workers each, started and closed: about 7 s on 2 idle cores, three times
    // that on loaded ones. The bound is for a hung close, not for speed.
  }, 90_000);
});

describe.each(MODES)('close (%s)', (mode) => {
  const cloud = makeCloud(mode);
  afterAll(() => cloud.close());

  it('kills unfinished jobs, says whether it was running, and the next call starts again', async () => {
    const stuck = await cloud.call(hang);
    const waiter = cloud.result(stuck).catch((e: unknown) => e);
    expect(await cloud.close()).toBe(true);
    expect(await cloud.close()).toBe(false);
    expect(await cloud.status(stuck)).toBe('killed');
    expect(String(await waiter)).toBe(`CloudException: Job ${stuck}: killed`);
    const again = await cloud.call(() => 'again');
    expect(again).toBeGreaterThan(stuck);
    expect(await cloud.result(again)).toBe('again');
  });

  it('startSimulator switches to in-thread execution and keeps earlier jobs readable', async () => {
    const before = await cloud.call(() => 'before');
    await cloud.join(before);
    await cloud.startSimulator();
    expect(cloud.isSimulator).toBe(true);
    const after = await cloud.call(() => 'after');
    expect(after).toBeGreaterThan(before);
    expect(await cloud.result([before, after])).toEqual(['before', 'after']);
  });
});
