import { CloudException, CloudTimeoutError } from '@nimbus-js/nimbus';
import { afterAll, describe, expect, it } from 'vitest';
import { MODES, hang, makeCloud } from '../support/clouds.js';

/** Runs `body` with stderr posing as a terminal, and returns what was drawn on it. */
async function onTerminal(body: () => Promise<unknown>): Promise<{ drawn: string; outcome: unknown }> {
  const stderr = process.stderr as NodeJS.WriteStream & { isTTY: boolean };
  const { write } = stderr;
  const wasTTY = stderr.isTTY;
  let drawn = '';
  stderr.isTTY = true;
  stderr.write = (chunk: string) => {
    drawn += chunk;
    return true;
  };
  try {
    const outcome = await body().catch((error: unknown) => error);
    return { drawn, outcome };
  } finally {
    stderr.write = write;
    stderr.isTTY = wasTTY;
  }
}

describe.each(MODES)('join and result with progress: true (%s)', (mode) => {
  const cloud = makeCloud(mode);
  afterAll(() => cloud.close());

  it('draws the counts on a terminal and gives the same results', async () => {
    const jids = await cloud.map((x: number) => x * 3, [1, 2, 3, 4]);
    const { drawn, outcome } = await onTerminal(() => cloud.result(jids, { progress: true }));
    expect(outcome).toEqual([3, 6, 9, 12]);
    expect(drawn).toContain('4/4');
  });

  it('still rejects as soon as a job fails, and counts it', async () => {
    const jids = await cloud.map(
      (x: number) => {
        if (x === 2) throw new Error('two');
        return x;
      },
      [1, 2],
    );
    const { drawn, outcome } = await onTerminal(() => cloud.join(jids, { progress: true }));
    expect(outcome).toBeInstanceOf(CloudException);
    expect(drawn).toMatch(/error/);
  });

  it('keeps one timeout for the whole wait', async () => {
    const stuck = await cloud.call(hang);
    const { outcome } = await onTerminal(() => cloud.join(stuck, { progress: true, timeout: 50 }));
    expect(outcome).toBeInstanceOf(CloudTimeoutError);
    await cloud.kill(stuck);
  });
});
