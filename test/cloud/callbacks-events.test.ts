/** A view's onDone / onError callbacks, and cloud.events(): every status change of a cloud's jobs. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cloud, CloudError, CloudException, type Jid } from '@nimbus-js/nimbus';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MODES, SHARED_MODES, makeCloud } from '../support/clouds.js';

// Inside a job, the name `cloud` is the job's own client of the same runtime.
declare const cloud: import('@nimbus-js/nimbus').Cloud;

const nap = (ms: number) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms));
const forever = (): Promise<never> => new Promise(() => {});

/** The next process warning, as `process.on('warning')` sees it. */
function nextWarning(): Promise<Error> {
  return new Promise((resolve) => process.once('warning', resolve));
}

describe.each(SHARED_MODES)('onDone and onError (%s)', (mode) => {
  const runtime = makeCloud(mode);
  afterAll(() => runtime.close());
  afterEach(() => runtime.kill());

  it('are called with the jid (and the CloudException) as each job of the view completes', async () => {
    const seen: string[] = [];
    let all!: () => void;
    const complete = new Promise<void>((resolve) => (all = resolve));
    const note = (entry: string) => {
      seen.push(entry);
      if (seen.length === 4) all();
    };
    const view = runtime.with({
      onDone: (jid) => note(`done ${jid}`),
      onError: (jid, error) => note(`${error.status} ${jid} ${error instanceof CloudException} ${error.jid === jid}`),
    });
    const [a, b] = await view.map((x: number) => x, [1, 2]);
    const failed = await view.call(() => {
      throw new Error('no');
    });
    const killed = await view.call(forever);
    await runtime.kill(killed);
    await complete;
    expect(seen.sort()).toEqual([`done ${a}`, `done ${b}`, `error ${failed} true true`, `killed ${killed} true true`].sort());
  });

  it('a callback that throws, or rejects, is reported as a warning and breaks nothing', async () => {
    const thrown = nextWarning();
    const job = await runtime
      .with({
        onDone: () => {
          throw new TypeError('bad callback');
        },
      })
      .call(() => 1);
    const warning = await thrown;
    expect(warning).toBeInstanceOf(CloudError);
    expect(warning).toMatchObject({ code: 'ERR_CALLBACK_FAILED' });
    expect(warning.message).toBe(`the onDone callback of job ${job} threw TypeError: bad callback; nimbus goes on`);
    const rejected = nextWarning();
    const failed = await runtime.with({ onError: () => Promise.reject(new Error('later')) }).call(() => {
      throw new Error('no');
    });
    expect((await rejected).message).toBe(`the onError callback of job ${failed} threw Error: later; nimbus goes on`);
    expect(await runtime.result(await runtime.call(() => 'still fine'))).toBe('still fine');
  });

  it('a callback that is not a function is a CloudError', () => {
    expect(() => runtime.with({ onDone: 'log' as never })).toThrow('onDone must be a function, got');
    expect(() => runtime.with({ onError: {} as never })).toThrow(CloudError);
  });
});

it('callbacks do not keep a script alive once its work is done', async () => {
  const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
  const script = `
    import cloud from ${JSON.stringify(dist)};
    const view = cloud.with({ onDone: (jid) => console.log('done', jid), signal: new AbortController().signal });
    await view.map((x) => x, [1, 2]);
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 15_000 });
  expect(stdout.split('\n').sort()).toEqual(['', 'done 1', 'done 2']);
});

/** Collects the events of `cloud` until `until` says stop, then leaves the loop. */
async function collect(source: Cloud, until: (statuses: Map<number, string[]>) => boolean, start: () => Promise<unknown>): Promise<Map<number, string[]>> {
  const statuses = new Map<number, string[]>();
  const feed = source.events();
  await start();
  for await (const { jid, status, at } of feed) {
    expect(typeof at).toBe('number');
    statuses.set(jid, [...(statuses.get(jid) ?? []), status]);
    if (until(statuses)) break;
  }
  return statuses;
}

// The README's promise: after `await cloud.join(jids)` (or result), the view's onDone for those
// jobs has run. The runtime answers a view's waits before a caller's (runtime/waiters.ts); this
// held only by luck of promise turns once join and result took fewer of them.
describe.each(MODES)("callbacks before the caller's wait returns (%s)", (mode) => {
  const runtime = makeCloud(mode);
  afterAll(() => runtime.close());

  it('onDone has run for every job of the view when join or result on them returns', async () => {
    for (let round = 0; round < 20; round++) {
      const done = new Set<number>();
      const view = runtime.with({ onDone: (jid) => done.add(jid) });
      const jids = await view.map((x: number) => x * x, [1, 2, 3]);
      if (round % 2 === 0) await runtime.join(jids);
      else expect(await runtime.result(jids)).toEqual([1, 4, 9]);
      expect([...done].sort((a, b) => a - b)).toEqual(jids);
    }
  });
});

describe.each(MODES)('cloud.events() (%s)', (mode) => {
  const runtime = makeCloud(mode);
  afterAll(() => runtime.close());
  afterEach(() => runtime.kill());

  it('tells each status of each job once, in order', async () => {
    let first!: Jid;
    let second!: Jid;
    const seen = await collect(
      runtime,
      (statuses) => statuses.get(second)?.at(-1) === 'done',
      async () => {
        first = await runtime.call(nap, 300);
        second = await runtime.with({ dependsOn: first }).call(() => 'after');
      },
    );
    expect(seen.get(first)).toEqual(['queued', 'processing', 'done']);
    expect(seen.get(second)).toEqual(['waiting', 'queued', 'processing', 'done']);
  });

  it('tells failures: error, killed, stalled', async () => {
    let failed!: Jid;
    let stalled!: Jid;
    let killed!: Jid;
    const complete = new Set(['error', 'killed', 'stalled']);
    const seen = await collect(
      runtime,
      (statuses) => [failed, stalled, killed].every((jid) => complete.has(statuses.get(jid)?.at(-1) ?? '')),
      async () => {
        failed = await runtime.call(() => {
          throw new Error('no');
        });
        stalled = await runtime.with({ dependsOn: failed }).call(() => 1);
        killed = await runtime.with({ dependsOn: stalled, dependsOnErrors: 'ignore' }).call(() => 2);
        await runtime.kill(killed);
      },
    );
    expect(seen.get(failed)?.at(-1)).toBe('error');
    expect(seen.get(stalled)).toEqual(['waiting', 'stalled']);
    expect(seen.get(killed)).toEqual(['waiting', 'killed']);
  });

  it('two feeds each see every change; a feed left before its first read is over', async () => {
    const early = runtime.events();
    await early.return();
    expect(await early.next()).toEqual({ done: true, value: undefined });
    const feeds = [runtime.events(), runtime.events()];
    const job = await runtime.call(() => 'x');
    for (const feed of feeds) {
      const statuses: string[] = [];
      for await (const change of feed) {
        if (change.jid !== job) continue;
        statuses.push(change.status);
        if (change.status === 'done') break;
      }
      expect(statuses).toEqual(['queued', 'processing', 'done']);
    }
  });

  it('a feed being read ends when its cloud closes, after the statuses the close made', async () => {
    const own = makeCloud(mode);
    const feed = own.events();
    const job = await own.call(forever);
    const statuses: string[] = [];
    let closing: Promise<boolean> | undefined;
    for await (const change of feed) {
      if (change.jid !== job) continue;
      statuses.push(change.status);
      if (change.status === 'processing') closing = own.close();
    }
    expect(await closing).toBe(true);
    expect(statuses).toEqual(['queued', 'processing', 'killed']);
  });

  it('is refused inside a job', async () => {
    const job = await runtime.call(async () => {
      try {
        await cloud.events().next();
        return 'no error';
      } catch (error) {
        return (error as { code: string }).code;
      }
    });
    expect(await runtime.result(job)).toBe('ERR_IN_JOB');
  });
});

describe('cloud.events() (redis)', () => {
  const runtime = makeCloud('redis');
  afterAll(() => runtime.close());

  it('tells the complete status of each job, as Redis publishes completions only', async () => {
    let ok!: Jid;
    let failed!: Jid;
    let killed!: Jid;
    const seen = await collect(
      runtime,
      (statuses) => [ok, failed, killed].every((jid) => statuses.has(jid)),
      async () => {
        ok = await runtime.call(() => 1);
        failed = await runtime.call(() => {
          throw new Error('no');
        });
        killed = await runtime.call(forever);
        await runtime.kill(killed);
      },
    );
    expect([seen.get(ok), seen.get(failed), seen.get(killed)]).toEqual([['done'], ['error'], ['killed']]);
  });
});

describe('cloud.events() (redis, closed while read)', () => {
  const runtime = makeCloud('redis');
  afterAll(() => runtime.close());

  // A feed being read holds the process on Redis: a close that left it open would keep the script for ever.
  it('a feed being read ends when its cloud closes', async () => {
    const feed = runtime.events();
    const job = await runtime.call(() => 1);
    let closing: Promise<boolean> | undefined;
    for await (const change of feed) if (change.jid === job) closing = runtime.close();
    expect(await closing).toBe(true);
  });
});

describe('cloud.events() (home)', () => {
  const home = mkdtempSync(join(tmpdir(), 'nimbus-events-'));
  const runtime = new Cloud({ cores: 2, isolation: 'thread', home });
  afterAll(() => runtime.close());

  it("tells the changes of this process's jobs, by their jids in the home", async () => {
    // Another process's jobs took the first jids of this home: this one's are not the runtime's own ids.
    const earlier = new Cloud({ cores: 1, isolation: 'thread', home });
    await earlier.join(await earlier.map((x: number) => x, [1, 2, 3]));
    await earlier.close();
    let job!: Jid;
    const seen = await collect(
      runtime,
      (statuses) => statuses.get(job)?.at(-1) === 'done',
      async () => {
        job = await runtime.call(nap, 200);
      },
    );
    expect(job).toBe(4);
    expect(seen.get(job)).toEqual(['queued', 'processing', 'done']);
  });
});
