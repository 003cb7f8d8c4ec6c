/**
 * Another process holds the home's database write-locked for longer than SQLite's busy timeout
 * (10 s) while a runtime's jobs run: none of the runtime's timers (the kill-request poll, the
 * lease, the record writer) throws; the process stays up, and its jobs finish and are written
 * once the lock goes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Cloud } from '@nimbus-js/nimbus';
import { describe, expect, it } from 'vitest';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/store/${name}`, import.meta.url));
/** Longer than the 10 s busy timeout a SQLite call of ours waits at most. */
const HOLD_MS = 11_000;
const JOBS = 8;
const JOB_MS = 300;

describe('a home write-locked by another process for longer than the busy timeout', () => {
  it('the runtime stays up, its jobs finish, and their records are written once the lock goes', async () => {
    const home = mkdtempSync(join(tmpdir(), 'nimbus-locked-'));
    const worker = spawn(process.execPath, [fixture('work-through-lock.mjs'), home, String(JOBS), String(JOB_MS)]);
    let stderr = '';
    // eslint-disable-next-line @typescript-eslint/restrict-plus-operands -- a test that adds what it read
    worker.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => worker.on('exit', resolve));
    const lines = createInterface({ input: worker.stdout })[Symbol.asyncIterator]();
    const { submitted } = JSON.parse((await lines.next()).value as string) as { submitted: number[] };

    const locker = spawn(process.execPath, [fixture('hold-write-lock.mjs'), join(home, 'jobs.sqlite'), String(HOLD_MS)]);
    const lockerLines = createInterface({ input: locker.stdout })[Symbol.asyncIterator]();
    expect((await lockerLines.next()).value).toBe('locked');

    const { results } = JSON.parse((await lines.next()).value as string) as { results: number[] };
    expect(results).toEqual(submitted.map((_, i) => i * 2));
    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/SQLITE_BUSY|database is locked|Unhandled|Uncaught/i);

    const reader = new Cloud({ home, cores: 1 });
    expect(await reader.status(submitted)).toEqual(submitted.map(() => 'done'));
    expect(await reader.result(submitted)).toEqual(results);
    await reader.close();
  }, 60_000);
});
