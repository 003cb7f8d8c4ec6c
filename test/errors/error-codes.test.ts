/**
 * Every error nimbus raises carries a stable code: one representative of each family, through the
 * public API, in every mode. A job's failure is a CloudException whose code says how it ended and
 * whose remoteCode says why (the runtime's code, or the code of what the job threw).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cloud, CloudException, CloudTimeoutError, type ErrorCode } from '@nimbus-js/nimbus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_MODES, STOPPING_MODES, hang, makeCloud, type Mode } from '../support/clouds.js';
import { refusal } from '../support/refusal.js';

// Inside a job, the name `cloud` is the job's own client of the same runtime.
declare const cloud: Cloud;

async function codeOf(attempt: () => unknown): Promise<ErrorCode> {
  return (await refusal(attempt)).code;
}

/** The CloudException a job's result rejects with. */
async function failureOf(runtime: Cloud, jid: number): Promise<CloudException> {
  const error = await refusal(() => runtime.result(jid as never));
  expect(error).toBeInstanceOf(CloudException);
  return error as CloudException;
}

/** A job over the limit of MEMORY_LIMIT_MB[mode], in a way the mode's limit catches. */
const processHog = () => {
  const held: Buffer[] = [];
  for (;;) held.push(Buffer.alloc(1 << 20, 1));
};
const HOG: Record<Mode, () => unknown> = {
  process: processHog,
  thread: () => {
    const held: object[] = [];
    for (let i = 0; ; i++) held.push({ i, text: `item ${i}` });
  },
  simulator: () => undefined,
  // A cluster's worker runs jobs in processes, under its own limits (c1's default: 300 MB).
  redis: processHog,
};
const MEMORY_LIMIT_MB: Record<Mode, number | undefined> = { process: 160, thread: 64, simulator: undefined, redis: undefined };

const readMissing = () => readFileSync('/nimbus-test/no-such-file');

describe.each(SHARED_MODES)('error codes (%s)', (mode) => {
  const limit = MEMORY_LIMIT_MB[mode];
  const runtime = makeCloud(mode, limit === undefined ? {} : { memoryLimits: { c1: limit } });
  afterAll(() => runtime.close());

  it('a bad call: ERR_NOT_FUNCTION, ERR_NOT_ITERABLE, ERR_UNSHIPPABLE', async () => {
    expect(await codeOf(() => runtime.call(42 as never))).toBe('ERR_NOT_FUNCTION');
    expect(await codeOf(() => runtime.map((x: number) => x, 5 as never))).toBe('ERR_NOT_ITERABLE');
    expect(
      await codeOf(() =>
        runtime.call(
          (f: unknown) => f,
          () => 1,
        ),
      ),
    ).toBe('ERR_UNSHIPPABLE');
  });

  // A cluster can grow: on Redis, a job larger than every worker waits queued for a larger one
  // (test/redis/worker-host.test.ts).
  it.skipIf(mode === 'redis')('a job larger than the whole cloud: ERR_NEVER_FITS', async () => {
    expect(await codeOf(() => runtime.with({ cores: 64, type: 'c2' }).call(() => 1))).toBe('ERR_NEVER_FITS');
  });

  it('bad options and jids: ERR_BAD_OPTION, ERR_UNKNOWN_OPTION, ERR_BAD_JID, ERR_UNKNOWN_JID', async () => {
    expect(await codeOf(() => runtime.with({ maxRuntime: -5 }))).toBe('ERR_BAD_OPTION');
    expect(await codeOf(() => runtime.with({ maxRuntim: 5 } as never))).toBe('ERR_UNKNOWN_OPTION');
    expect(await codeOf(() => makeCloud(mode, { cores: -2 }))).toBe('ERR_BAD_OPTION');
    expect(await codeOf(() => runtime.status(0 as never))).toBe('ERR_BAD_JID');
    expect(await codeOf(() => runtime.status(424242 as never))).toBe('ERR_UNKNOWN_JID');
  });

  it('a wait that times out: CloudTimeoutError, ERR_TIMEOUT; deleting a running job: ERR_NOT_COMPLETE', async () => {
    const running = await runtime.call(hang);
    const error = await refusal(() => runtime.result(running, { timeout: 10 }));
    expect(error).toBeInstanceOf(CloudTimeoutError);
    expect(error.code).toBe('ERR_TIMEOUT');
    expect(await codeOf(() => runtime.delete(running))).toBe('ERR_NOT_COMPLETE');
    await runtime.kill(running);
  });

  it('a job that threw: ERR_JOB_FAILED, with no remote code of its own', async () => {
    const error = await failureOf(
      runtime,
      await runtime.call(() => {
        throw new RangeError('out of range');
      }),
    );
    expect(error.code).toBe('ERR_JOB_FAILED');
    expect(error.remoteName).toBe('RangeError');
    expect(error.remoteCode).toBeUndefined();
  });

  it("a job that threw a system error keeps its code as the remote code ('ENOENT')", async () => {
    const jid = await runtime.call(readMissing);
    const error = await failureOf(runtime, jid);
    expect([error.code, error.remoteCode]).toEqual(['ERR_JOB_FAILED', 'ENOENT']);
    expect((await runtime.info(jid)).exception?.code).toBe('ENOENT');
  });

  it("a job that made a bad call of its own cloud keeps the CloudError's code across the boundary", async () => {
    // Refused by the runtime (an unknown jid, across the channel) and by the job's own client.
    const asked = await failureOf(
      runtime,
      await runtime.call(async () => {
        await cloud.status(424242 as never);
      }),
    );
    expect([asked.code, asked.remoteName, asked.remoteCode]).toEqual(['ERR_JOB_FAILED', 'CloudError', 'ERR_UNKNOWN_JID']);
    const local = await failureOf(runtime, await runtime.call(() => cloud.with({ priority: NaN })));
    expect(local.remoteCode).toBe('ERR_BAD_OPTION');
  });

  it.runIf(STOPPING_MODES.includes(mode))('a job that calls startSimulator: remote code ERR_IN_JOB', async () => {
    const switched = await failureOf(runtime, await runtime.call(() => cloud.startSimulator()));
    expect(switched.remoteCode).toBe('ERR_IN_JOB');
  });

  it('a result that cannot be sent back: remote code ERR_UNSHIPPABLE', async () => {
    const error = await failureOf(runtime, await runtime.call(() => ({ callback: () => 1 })));
    expect([error.code, error.remoteCode]).toEqual(['ERR_JOB_FAILED', 'ERR_UNSHIPPABLE']);
  });

  it('a job over its maxRuntime ends with MaxRuntimeExceeded, ERR_MAX_RUNTIME', async () => {
    // The pool stops even a busy loop; the simulator can only stop a job that yields.
    const body =
      mode === 'simulator'
        ? hang
        : () => {
            for (;;);
          };
    const jid = await runtime.with({ maxRuntime: 50 }).call(body);
    const error = await failureOf(runtime, jid);
    expect([error.code, error.remoteName, error.remoteCode]).toEqual(['ERR_JOB_FAILED', 'MaxRuntimeExceeded', 'ERR_MAX_RUNTIME']);
    expect(error.message).toBe(`Job ${jid}: exceeded its maxRuntime of 50 ms and was stopped`);
    expect((await runtime.info(jid)).exception).toMatchObject({ name: 'MaxRuntimeExceeded', code: 'ERR_MAX_RUNTIME' });
  });

  it('a killed job: ERR_JOB_KILLED; one stalled on a failed dependency: ERR_JOB_STALLED', async () => {
    const killed = await runtime.call(hang);
    await runtime.kill(killed);
    const kill = await failureOf(runtime, killed);
    expect([kill.code, kill.status, kill.remoteCode]).toEqual(['ERR_JOB_KILLED', 'killed', undefined]);
    const failing = await runtime.call(() => {
      throw new Error('no');
    });
    const stalled = await failureOf(runtime, await runtime.with({ dependsOn: failing }).call(() => 1));
    expect([stalled.code, stalled.status]).toEqual(['ERR_JOB_STALLED', 'stalled']);
  });

  it.runIf(STOPPING_MODES.includes(mode))('a job over its memory limit: MemoryLimitExceeded, ERR_MEMORY_LIMIT', async () => {
    const error = await failureOf(runtime, await runtime.call(HOG[mode]));
    expect([error.code, error.remoteName, error.remoteCode]).toEqual(['ERR_JOB_FAILED', 'MemoryLimitExceeded', 'ERR_MEMORY_LIMIT']);
  });

  it.runIf(STOPPING_MODES.includes(mode))('a job whose worker died: WorkerCrashed, ERR_WORKER_CRASHED', async () => {
    const error = await failureOf(runtime, await runtime.call(() => process.exit(3)));
    expect([error.code, error.remoteName, error.remoteCode]).toEqual(['ERR_JOB_FAILED', 'WorkerCrashed', 'ERR_WORKER_CRASHED']);
  });
});

describe('codes kept by a home', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'nimbus-codes-home-'));
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it("a job's remote code survives the store: read back by the next runtime of the home", async () => {
    const first = makeCloud('thread', { home });
    const jid = await first.with({ maxRuntime: 50 }).call(() => {
      for (;;);
    });
    expect((await failureOf(first, jid)).remoteCode).toBe('ERR_MAX_RUNTIME');
    await first.close();
    const next = makeCloud('thread', { home });
    try {
      expect((await next.info(jid)).exception).toMatchObject({ name: 'MaxRuntimeExceeded', code: 'ERR_MAX_RUNTIME' });
      const error = await failureOf(next, jid);
      expect([error.code, error.remoteName, error.remoteCode]).toEqual(['ERR_JOB_FAILED', 'MaxRuntimeExceeded', 'ERR_MAX_RUNTIME']);
    } finally {
      await next.close();
    }
  });
});

describe('cloud.files codes', () => {
  const runtime = new Cloud({ simulator: true, files: 'memory' });
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nimbus-codes-'));
  });
  afterAll(async () => {
    await runtime.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('ERR_BAD_FILE_NAME, ERR_BAD_ARGUMENT, ERR_FILE_NOT_FOUND, ERR_FILE_CONFLICT', async () => {
    const { files } = runtime;
    expect(await codeOf(() => files.putf('x', '../outside'))).toBe('ERR_BAD_FILE_NAME');
    expect(await codeOf(() => files.putf(42 as never, 'answer'))).toBe('ERR_BAD_ARGUMENT');
    expect(await codeOf(() => files.getf('never-stored'))).toBe('ERR_FILE_NOT_FOUND');
    expect(await codeOf(() => files.put(join(dir, 'no-such-file')))).toBe('ERR_FILE_NOT_FOUND');
    expect(await codeOf(() => files.put(dir, 'a-folder'))).toBe('ERR_BAD_ARGUMENT');
    await files.putf('text', 'a');
    expect(await codeOf(() => files.putf('text', 'a/b'))).toBe('ERR_FILE_CONFLICT');
  });

  it('a bad files config: ERR_BAD_OPTION, ERR_UNKNOWN_OPTION', async () => {
    expect(await codeOf(() => new Cloud({ simulator: true, files: { s3: { bucket: 'b', bukcet: 'b' } } as never }).files)).toBe('ERR_UNKNOWN_OPTION');
    expect(await codeOf(() => new Cloud({ simulator: true, files: { dir: '' } }).files)).toBe('ERR_BAD_OPTION');
  });
});

describe('dashboard codes', () => {
  const runtime = new Cloud({ simulator: true });
  afterAll(() => runtime.close());

  it('bad options: ERR_BAD_OPTION, ERR_UNKNOWN_OPTION; a port taken: ERR_DASHBOARD_LISTEN', async () => {
    expect(await codeOf(() => runtime.dashboard({ port: -1 }))).toBe('ERR_BAD_OPTION');
    expect(await codeOf(() => runtime.dashboard({ prot: 80 } as never))).toBe('ERR_UNKNOWN_OPTION');
    expect(await codeOf(() => runtime.dashboard({ port: 0, host: '0.0.0.0' }))).toBe('ERR_BAD_OPTION');
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = holder.address() as { port: number };
      expect(await codeOf(() => runtime.dashboard({ port }))).toBe('ERR_DASHBOARD_LISTEN');
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('options are one plain object, as every option of nimbus: a Map is refused (ERR_BAD_OPTION)', async () => {
    const error = await refusal(() => runtime.dashboard(new Map() as never));
    expect(error.code).toBe('ERR_BAD_OPTION');
    expect(error.message).toBe('dashboard options must be a plain object, got a Map');
  });
});
