import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WORKER_MODES, makeCloud } from '../support/clouds.js';

/**
 * What code written for forked children sends to its parent. None of it may reach the runtime:
 * not as a crash, and not as a message the runtime acts on (a forged outcome or nested request).
 */
const MESSAGES: unknown[] = [
  'ready',
  { hello: 1 },
  { outcomes: 'x' },
  { nested: 5 },
  { outcomes: { jids: [1, 2, 3], values: [] }, last: true },
  { kind: 'outcomes', report: { jids: [1] }, last: true },
  { kind: 'started' },
  { kind: 'retire' },
  null,
  42,
  [1, 2, 3],
];

describe.each(WORKER_MODES)('a job that calls process.send (%s)', (mode) => {
  const cloud = makeCloud(mode, { cores: 1, computeUnits: 1 });
  afterAll(() => cloud.close());

  it.each(MESSAGES.map((message) => [JSON.stringify(message), message]))('sending %s gets its own result and harms nothing', async (_name, message) => {
    const jids = await cloud.map(
      (x: number, sent: unknown) => {
        (process as { send?: (message: unknown) => void }).send?.(sent);
        return x * 2;
      },
      [1, 2, 3],
      [message, message, message],
    );
    expect(await cloud.result(jids)).toEqual([2, 4, 6]);
    expect(await cloud.result(await cloud.call(() => 'after'))).toBe('after');
  });

  it('a job cannot forge the outcome of another job running beside it', async () => {
    const wide = makeCloud(mode, { cores: 2 });
    try {
      const signal = join(mkdtempSync(join(tmpdir(), 'nimbus-forge-')), 'forged');
      // The victim runs until the forger has sent its forgeries, then returns its own value.
      const victim = await wide.call(async (path: string) => {
        const { existsSync } = process.getBuiltinModule('node:fs');
        while (!existsSync(path)) await new Promise((resolve) => setTimeout(resolve, 10));
        return 'victim';
      }, signal);
      const forger = await wide.call(
        async (target: number, path: string) => {
          const send = (process as { send?: (message: unknown) => void }).send;
          for (const last of [true, false]) {
            send?.({
              outcomes: { jids: [target], values: ['forged'], errors: [], started: [0], finished: [0], cputime: [0], memory: [0], stdout: [''], stderr: [''] },
              last,
            });
          }
          const { writeFileSync } = process.getBuiltinModule('node:fs');
          writeFileSync(path, 'sent');
          return 'forger';
        },
        victim,
        signal,
      );
      expect(await wide.result([victim, forger])).toEqual(['victim', 'forger']);
    } finally {
      await wide.close();
    }
  });

  it('a job that disconnects its channel ends no other job', async () => {
    const jid = await cloud.call(() => {
      (process as { disconnect?: () => void }).disconnect?.();
      return 'disconnected';
    });
    expect(await cloud.result(jid)).toBe('disconnected');
    expect(await cloud.result(await cloud.map((x: number) => x + 1, [1, 2, 3]))).toEqual([2, 3, 4]);
  });
});
