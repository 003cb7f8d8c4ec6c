/** Cancellation as the ecosystem does it: an AbortSignal on a view and on waits, and kill that follows a job's children. */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Cloud, CloudError, type Jid } from '@nimbus-js/nimbus';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EVENTUALLY, SHARED_MODES, makeCloud } from '../support/clouds.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

// Inside a job, the name `cloud` is the job's own client of the same runtime.
declare const cloud: import('@nimbus-js/nimbus').Cloud;

const forever = (): Promise<never> => new Promise(() => {});

describe.each(SHARED_MODES)('an AbortSignal (%s)', (mode) => {
  const runtime = makeCloud(mode);
  afterAll(() => runtime.close());
  afterEach(() => runtime.kill());

  it("kills the view's unfinished jobs when it aborts, and only those", async () => {
    const controller = new AbortController();
    const view = runtime.with({ signal: controller.signal, label: 'cancellable' });
    const finished = await view.call(() => 'early');
    expect(await runtime.result(finished)).toBe('early');
    const hanging = await view.map((_: number) => new Promise<never>(() => {}), [1, 2, 3]);
    const other = await runtime.call(forever);
    controller.abort();
    await runtime.join(hanging, { ignoreErrors: true, timeout: 10_000 });
    expect(await runtime.status([...hanging, finished])).toEqual(['killed', 'killed', 'killed', 'done']);
    expect(await runtime.status(other)).not.toBe('killed');
  });

  it('a view whose signal aborted refuses new jobs with the reason', async () => {
    const controller = new AbortController();
    const view = runtime.with({ signal: controller.signal });
    const reason = new Error('user left');
    controller.abort(reason);
    await expect(view.call(() => 1)).rejects.toBe(reason);
    await expect(view.map((x: number) => x, [1])).rejects.toBe(reason);
  });

  it('join, result, iresult and iresultUnordered reject with the reason; the jobs go on', async () => {
    const job = await runtime.call(forever);
    for (const wait of [
      (signal: AbortSignal) => runtime.join(job, { signal }),
      (signal: AbortSignal) => runtime.result(job, { signal }),
      async (signal: AbortSignal) => {
        for await (const value of runtime.iresult([job], { signal })) return value;
        return undefined;
      },
      async (signal: AbortSignal) => {
        for await (const pair of runtime.iresultUnordered([job], { signal })) return pair;
        return undefined;
      },
    ]) {
      const controller = new AbortController();
      const waiting = wait(controller.signal);
      controller.abort('stop waiting');
      await expect(waiting).rejects.toBe('stop waiting');
    }
    expect(await runtime.status(job)).not.toBe('killed');
  });

  it('a wait given a signal that has aborted already rejects at once', async () => {
    const job = await runtime.call(forever);
    await expect(runtime.result(job, { signal: AbortSignal.abort('gone') })).rejects.toBe('gone');
    // The simulator runs one job at a time: the next runs once this one is gone.
    await runtime.kill(job);
    const done = await runtime.call(() => 2);
    expect(await runtime.result(done, { signal: new AbortController().signal })).toBe(2);
  });

  it('a signal that is not an AbortSignal is a CloudError', async () => {
    expect(() => runtime.with({ signal: 'abort' as never })).toThrow(CloudError);
    expect(() => runtime.with({ signal: { aborted: false } as never })).toThrow(/signal must be an AbortSignal/);
    const job = await runtime.call(() => 1);
    await expect(runtime.join(job, { signal: {} as never })).rejects.toMatchObject({ code: 'ERR_BAD_OPTION' });
    await expect(runtime.kill(job, { recursive: 'no' as never })).rejects.toMatchObject({ code: 'ERR_BAD_OPTION' });
  });
});

// 'home': a durable home (SQLite), whose jids are the home's, not the runtime's.
describe.each([...SHARED_MODES, 'home' as const])('kill follows the jobs a job started (%s)', (mode) => {
  const runtime = mode === 'home' ? new Cloud({ cores: 2, isolation: 'thread', home: mkdtempSync(join(tmpdir(), 'nimbus-kill-')) }) : makeCloud(mode);
  afterAll(() => runtime.close());
  afterEach(() => runtime.kill());

  /**
   * A parent that maps two children, each starting a grandchild that never ends, all labelled
   * `label`; resolves once the tree has grown as far as it can (the simulator runs one job at a
   * time: the first grandchild holds its slot, so the second child never runs).
   */
  async function tree(label: string): Promise<{ parent: Jid; descendants: Jid[] }> {
    const parent = await runtime.call(async (tag: string) => {
      const children = await cloud.with({ label: tag }).map(
        async (_: number) => {
          const grandchild = await cloud.with({ label: tag }).call(() => new Promise<never>(() => {}));
          await cloud.join(grandchild);
        },
        [1, 2],
      );
      await cloud.join(children);
    }, label);
    const expected = mode === 'simulator' ? 3 : 4;
    await expect.poll(async () => (await runtime.list({ label })).length, EVENTUALLY).toBe(expected);
    return { parent, descendants: (await runtime.list({ label })).map((info) => info.jid) };
  }

  it('kill(parent) kills its children and their children', async () => {
    const { parent, descendants } = await tree('recursive');
    await runtime.kill(parent);
    await runtime.join([parent, ...descendants], { ignoreErrors: true, timeout: 10_000 });
    expect(await runtime.status([parent, ...descendants])).toEqual(Array(descendants.length + 1).fill('killed'));
  });

  it('kill(parent, { recursive: false }) leaves them running', async () => {
    const { parent, descendants } = await tree('kept');
    await runtime.kill(parent, { recursive: false });
    expect(await runtime.status(parent)).toBe('killed');
    for (const status of await runtime.status(descendants)) expect(status).not.toBe('killed');
  });

  it("an aborted view's signal kills the children of its jobs too", async () => {
    const controller = new AbortController();
    const parent = await runtime.with({ signal: controller.signal }).call(async () => {
      const child = await cloud.with({ label: 'aborted-child' }).call(() => new Promise<never>(() => {}));
      await cloud.join(child);
    });
    await expect.poll(async () => (await runtime.list({ label: 'aborted-child' })).length, EVENTUALLY).toBe(1);
    const [child] = (await runtime.list({ label: 'aborted-child' })).map((info) => info.jid);
    controller.abort();
    await runtime.join([parent, child!], { ignoreErrors: true, timeout: 10_000 });
    expect(await runtime.status([parent, child!])).toEqual(['killed', 'killed']);
  });
});

describe('an aborted wait on Redis', () => {
  let server: RedisServer | undefined;
  afterAll(() => server?.stop());

  it('holds the script no more: it exits by itself', async () => {
    server = await startRedisServer();
    const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
    // No worker serves the queue: the job stays queued, and only the abort ends the wait.
    const script = `
      import { Cloud } from ${JSON.stringify(dist)};
      const cloud = new Cloud({ redis: ${JSON.stringify(server.url)}, queue: 'aborted-wait' });
      const jid = await cloud.call(() => 1);
      console.log(await cloud.result(jid, { signal: AbortSignal.timeout(200) }).catch((e) => e.name));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 15_000 });
    expect(stdout).toBe('TimeoutError\n');
  });
});
