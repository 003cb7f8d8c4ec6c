import { CloudException } from '@nimbus-js/nimbus';
import { afterAll, describe, expect, it } from 'vitest';
import { SHARED_MODES, hang, makeCloud } from '../support/clouds.js';

describe.each(SHARED_MODES)('dependsOn (%s)', (mode) => {
  const cloud = makeCloud(mode);
  afterAll(() => cloud.close());

  it('a job waits until its dependencies are done, then runs', async () => {
    const gate = await cloud.call(hang);
    const dependent = await cloud.with({ dependsOn: gate }).call(() => 'after');
    expect(await cloud.status(dependent)).toBe('waiting');
    expect((await cloud.info(dependent)).dependsOn).toEqual([gate]);
    await cloud.kill(gate);
    expect(await cloud.status(dependent)).toBe('stalled');
  });

  it('runs after every dependency is done', async () => {
    const parts = await cloud.map((x: number) => x, [1, 2, 3]);
    const total = await cloud.with({ dependsOn: parts }).call(() => 'all done');
    expect(await cloud.result(total)).toBe('all done');
    expect(await cloud.status(parts)).toEqual(['done', 'done', 'done']);
  });

  it('a failed dependency stalls the chain after it, transitively', async () => {
    const root = await cloud.call(() => {
      throw new Error('root failed');
    });
    const a = await cloud.with({ dependsOn: root }).call(() => 'a');
    const b = await cloud.with({ dependsOn: a }).call(() => 'b');
    const c = await cloud.with({ dependsOn: b }).call(() => 'c');
    await cloud.join([root, a, b, c], { ignoreErrors: true });
    expect(await cloud.status([root, a, b, c])).toEqual(['error', 'stalled', 'stalled', 'stalled']);
    const error = (await cloud.result(c).catch((e: unknown) => e)) as CloudException;
    expect(error).toBeInstanceOf(CloudException);
    expect(error.message).toBe(`Job ${c}: could not start, a dependency failed`);
  });

  it('a diamond stalls its join when one branch fails', async () => {
    const gate = await cloud.call(hang);
    const left = await cloud.with({ dependsOn: gate }).call(() => {
      throw new Error('left');
    });
    const right = await cloud.with({ dependsOn: gate }).call(() => 'right');
    const bottom = await cloud.with({ dependsOn: [left, right] }).call(() => 'bottom');
    expect(await cloud.status([left, right, bottom])).toEqual(['waiting', 'waiting', 'waiting']);
    await cloud.kill(gate);
    expect(await cloud.status([gate, left, right, bottom])).toEqual(['killed', 'stalled', 'stalled', 'stalled']);
  });

  it('a diamond whose branches succeed runs its join', async () => {
    const top = await cloud.call(() => 1);
    const left = await cloud.with({ dependsOn: top }).call(() => 'left');
    const right = await cloud.with({ dependsOn: top }).call(() => 'right');
    const bottom = await cloud.with({ dependsOn: [left, right] }).call(() => 'bottom');
    expect(await cloud.result(bottom)).toBe('bottom');
  });

  it('depending on a job that already failed stalls at once', async () => {
    const failed = await cloud.call(() => {
      throw new Error('x');
    });
    await cloud.join(failed, { ignoreErrors: true });
    const late = await cloud.with({ dependsOn: failed }).call(() => 'late');
    expect(await cloud.status(late)).toBe('stalled');
  });

  it("dependsOnErrors: 'ignore' counts a failed dependency as finished", async () => {
    const failed = await cloud.call(() => {
      throw new Error('x');
    });
    const runs = await cloud.with({ dependsOn: failed, dependsOnErrors: 'ignore' }).call(() => 'ran anyway');
    expect(await cloud.result(runs)).toBe('ran anyway');
  });

  it('a killed waiting job never runs', async () => {
    const gate = await cloud.call(() => 'gate');
    const waiting = await cloud.with({ dependsOn: gate }).call(() => 'never');
    await cloud.kill(waiting);
    await cloud.join(gate);
    expect(await cloud.status(waiting)).toBe('killed');
  });

  it('depending on an unknown jid is refused at call time', async () => {
    await expect(cloud.with({ dependsOn: 999_999 }).call(() => 1)).rejects.toThrow('unknown jid 999999');
  });

  it('a map whose jobs all depend on one job waits for it', async () => {
    const setup = await cloud.call(() => 'ready');
    const jids = await cloud.with({ dependsOn: setup }).map((x: number) => x * 2, [1, 2, 3]);
    expect(await cloud.result(jids)).toEqual([2, 4, 6]);
  });
});
