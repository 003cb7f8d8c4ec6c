import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Cloud, CloudException } from '@nimbus-js/nimbus';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/store/${name}`, import.meta.url));
const freshHome = () => mkdtempSync(join(tmpdir(), 'nimbus-home-'));

describe('the durable job store (a home)', () => {
  it('keeps jids increasing across runtimes that share a home', async () => {
    const home = freshHome();
    const first = new Cloud({ home, cores: 1 });
    const a = await first.call(() => 'a');
    await first.join(a);
    await first.close();
    const second = new Cloud({ home, cores: 1 });
    const b = await second.call(() => 'b');
    expect(b).toBeGreaterThan(a);
    expect(await second.result([a, b])).toEqual(['a', 'b']);
    await second.close();
  });

  it('gives two processes using one home at once distinct jids', async () => {
    const home = freshHome();
    const [one, two] = await Promise.all([
      run(process.execPath, [fixture('map-jobs.mjs'), home, '40'], { timeout: 30_000 }),
      run(process.execPath, [fixture('map-jobs.mjs'), home, '40'], { timeout: 30_000 }),
    ]);
    const jids = [...JSON.parse(one.stdout), ...JSON.parse(two.stdout)] as number[];
    expect(new Set(jids).size).toBe(80);
    const reader = new Cloud({ home, cores: 1 });
    expect(await reader.status(jids)).toEqual(jids.map(() => 'done'));
    expect((await reader.list({ limit: 1000 })).length).toBe(80);
    await reader.close();
  });

  it('after a runtime is SIGKILLed: its finished jobs stay readable, its unfinished ones end error, restartable ones run again', async () => {
    const home = freshHome();
    const marker = join(home, 'ran-once');
    const { stdout } = await run(process.execPath, [fixture('run-and-die.mjs'), home, marker], { timeout: 30_000 }).catch((e: { stdout: string }) => e);
    const jids = JSON.parse(stdout) as Record<'done' | 'failed' | 'hanging' | 'dependent' | 'restartable', number>;

    const cloud = new Cloud({ home, cores: 2 });
    expect(await cloud.result(jids.done)).toBe(5);
    expect(await cloud.info(jids.done, ['fn', 'stdout', 'status'])).toEqual({ fn: 'greet', stdout: 'hello world\n', status: 'done' });
    const failed = (await cloud.result(jids.failed).catch((e: unknown) => e)) as CloudException;
    expect(failed).toBeInstanceOf(CloudException);
    expect([failed.remoteName, failed.remoteMessage]).toEqual(['RangeError', 'bad input']);
    expect((await cloud.list({ label: 'fails' })).map((info) => info.jid)).toEqual([jids.failed]);
    for (const jid of [jids.hanging, jids.dependent]) {
      await expect(cloud.result(jid)).rejects.toThrow(`Job ${jid}: runtime stopped before the job finished`);
    }
    expect(await cloud.result(jids.restartable, { timeout: 15_000 })).toBe('second run');
    expect(await cloud.status(jids.restartable)).toBe('done');
    await cloud.close();
  });

  it("another process's job can be killed, and its waiters see it end", async () => {
    const home = freshHome();
    const holder = spawn(process.execPath, [fixture('hold-job.mjs'), home]);
    const lines = createInterface({ input: holder.stdout })[Symbol.asyncIterator]();
    const { jid } = JSON.parse((await lines.next()).value as string) as { jid: number };
    const cloud = new Cloud({ home, cores: 1 });
    await cloud.kill(jid);
    await expect(cloud.join(jid, { timeout: 10_000 })).rejects.toThrow(`Job ${jid}: killed`);
    expect(JSON.parse((await lines.next()).value as string)).toEqual({ ended: `CloudException: Job ${jid}: killed` });
    await cloud.close();
  });

  it('an unknown jid is unknown in the store too', async () => {
    const cloud = new Cloud({ home: freshHome(), cores: 1 });
    await expect(cloud.status(424_242)).rejects.toThrow('unknown jid 424242');
    await cloud.close();
  });
});
