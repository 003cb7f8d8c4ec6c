/**
 * better-sqlite3 is an optional dependency, loaded only for a home: an install that could not
 * build it runs every job, and a home there is refused with ERR_SQLITE_UNAVAILABLE, never a raw
 * module error.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/store/${name}`, import.meta.url));

describe('a nimbus whose better-sqlite3 is missing', () => {
  it('runs jobs without a home, and refuses a home with ERR_SQLITE_UNAVAILABLE saying what to install', async () => {
    const { stdout } = await run(process.execPath, ['--import', fixture('without-sqlite.mjs'), fixture('app-without-sqlite.mjs')], { timeout: 30_000 });
    const { value, refused } = JSON.parse(stdout) as { value: number; refused: { code: string; message: string } };
    expect(value).toBe(42);
    expect(refused.code).toBe('ERR_SQLITE_UNAVAILABLE');
    expect(refused.message).toContain('a home needs the package better-sqlite3');
    expect(refused.message).toContain('npm install better-sqlite3');
  });
});
