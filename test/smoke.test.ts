import cloud from '@nimbus-js/nimbus';
import { describe, expect, it } from 'vitest';

describe('smoke', () => {
  it('adds on a worker', async () => {
    const jid = await cloud.call((x: number, y: number) => x + y, 1, 2);
    expect(await cloud.result(jid)).toBe(3);
  });
});
