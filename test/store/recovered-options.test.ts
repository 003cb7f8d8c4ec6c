/** A restartable job that runs again in another runtime runs as it was submitted: its options kept. */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Cloud, CloudException } from '@nimbus-js/nimbus';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const FIXTURE = fileURLToPath(new URL('../fixtures/store/hang-restartable-then-die.mjs', import.meta.url));
const RETRY_ENV_FIXTURE = fileURLToPath(new URL('../fixtures/store/retry-env-then-die.mjs', import.meta.url));
const MAX_RUNTIME_MS = 1_500;

describe('recovery keeps the options', () => {
  it('a recovered job that hangs is still stopped by its maxRuntime', async () => {
    const home = mkdtempSync(join(tmpdir(), 'nimbus-home-'));
    const { stdout } = await run(process.execPath, [FIXTURE, home, String(MAX_RUNTIME_MS)], { timeout: 30_000 }).catch((e: { stdout: string }) => e);
    const jid = JSON.parse(stdout) as number;
    const cloud = new Cloud({ home, cores: 1 });
    try {
      const failure = await cloud.result(jid as never, { timeout: 15_000 }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(CloudException);
      expect((failure as CloudException).remoteMessage).toMatch(`exceeded its maxRuntime of ${MAX_RUNTIME_MS} ms`);
      expect((await cloud.info(jid as never, ['attempts'])).attempts).toBe(2);
    } finally {
      await cloud.close();
    }
  }, 40_000);

  it('a recovered job keeps its retries and its env', async () => {
    const home = mkdtempSync(join(tmpdir(), 'nimbus-home-'));
    const marker = join(home, 'runs');
    const { stdout } = await run(process.execPath, [RETRY_ENV_FIXTURE, home, marker], { timeout: 30_000 }).catch((e: { stdout: string }) => e);
    const jid = JSON.parse(stdout) as number;
    const cloud = new Cloud({ home, cores: 1 });
    try {
      expect(await cloud.result(jid as never, { timeout: 15_000 })).toBe('kept');
      // Its first run in the runtime that died, a run that threw, and the retry.
      expect((await cloud.info(jid as never, ['attempts'])).attempts).toBe(3);
    } finally {
      await cloud.close();
    }
  }, 40_000);
});
