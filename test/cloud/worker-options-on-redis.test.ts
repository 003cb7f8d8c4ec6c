/**
 * Retries and env on Redis: the worker that runs a chunk retries its jobs and sets their env
 * itself. A stream is not served there (ERR_NO_STREAM). Between runs a job reads processing there (its worker holds it), and `attempts` counts
 * the worker's claims, not its runs: README, Retries.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudError } from '@nimbus-js/nimbus';
import { afterAll, describe, expect, it } from 'vitest';
import { makeCloud } from '../support/clouds.js';

describe('retries and env (redis)', () => {
  const cloud = makeCloud('redis');
  afterAll(() => cloud.close());

  it('a failing job runs again on its worker, with its env', async () => {
    // Its runs are counted in a file: a retry may run in another worker process of the same machine.
    const flaky = (file: string): string => {
      const { appendFileSync, readFileSync } = process.getBuiltinModule('node:fs');
      appendFileSync(file, 'x');
      const runs = readFileSync(file, 'utf8').length;
      if (runs < 3) throw new Error(`run ${runs} failed`);
      return `${process.env.NIMBUS_TEST_GREETING} after ${runs} runs`;
    };
    const file = join(mkdtempSync(join(tmpdir(), 'nimbus-redis-retries-')), 'runs');
    const jid = await cloud.with({ retries: 2, retryDelay: 10, env: { NIMBUS_TEST_GREETING: 'hello' } }).call(flaky, file);
    expect(await cloud.result(jid, { timeout: 20_000 })).toBe('hello after 3 runs');
    // One worker took it, and ran it three times.
    expect((await cloud.info(jid)).attempts).toBe(1);
  }, 30_000);

  it('stream is refused with ERR_NO_STREAM: the values are read with result', async () => {
    const jid = await cloud.call(function* () {
      yield 1;
    });
    const refused = await cloud
      .stream(jid)
      .next()
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CloudError);
    expect((refused as CloudError).code).toBe('ERR_NO_STREAM');
    expect(await cloud.result(jid, { timeout: 20_000 })).toEqual([1]);
  }, 30_000);
});
