/**
 * A home that cannot be used, or whose database is damaged, fails with a CloudError naming the
 * path and what to do (a bad path at `new Cloud(...)`, a damaged store at the first request), never
 * with a raw fs error or SqliteError; the CLI prints that message without a stack. What a home
 * makes is private to the user. Reading commands open the store read-only and write nothing.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { Cloud, CloudError } from '@nimbus-js/nimbus';
import { describe, expect, it } from 'vitest';
import { SqliteJobStore } from '../../dist/store/sqlite-job-store.js';
import { nimbusSpawned } from '../cli/support/nimbus.js';

const run = promisify(execFile);
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/store/${name}`, import.meta.url));
const freshDir = () => mkdtempSync(join(tmpdir(), 'nimbus-faults-'));

/** What `new Cloud({ home })` throws, or undefined. */
function constructionError(home: string): unknown {
  try {
    new Cloud({ home });
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('a home that cannot be used fails at new Cloud(...)', () => {
  const cases: [string, () => string, RegExp][] = [
    ['an empty path', () => '', /home "" cannot be used: it is empty/],
    [
      'a path under a regular file',
      () => {
        const file = join(freshDir(), 'a-file');
        writeFileSync(file, 'x');
        return join(file, 'home');
      },
      /cannot be used: a part of the path is a file, not a directory/,
    ],
    ['a regular file', () => '/etc/hostname', /home "\/etc\/hostname" cannot be used: it is a file, not a directory/],
  ];
  it.each(cases)('%s', (_, home, message) => {
    const error = constructionError(home());
    expect(error).toBeInstanceOf(CloudError);
    expect((error as Error).message).toMatch(message);
  });
});

describe('a damaged jobs.sqlite', () => {
  /** A home holding a real store with a finished job, then damaged by `damage`. */
  async function damagedHome(damage: (file: string) => void): Promise<string> {
    const home = freshDir();
    const cloud = new Cloud({ home, cores: 1, isolation: 'thread' });
    await cloud.join(await cloud.map((x: number) => x, [1, 2, 3]));
    await cloud.close();
    damage(join(home, 'jobs.sqlite'));
    return home;
  }

  const damages: [string, (file: string) => void][] = [
    [
      'a garbage header',
      (file) => {
        checkpoint(file);
        const bytes = readFileSync(file);
        bytes.fill(0x5a, 0, 100);
        writeFileSync(file, bytes);
      },
    ],
    [
      'a truncated file',
      (file) => {
        checkpoint(file);
        truncateSync(file, 4096 + 100);
      },
    ],
    [
      'a directory in its place',
      (file) => {
        for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
        mkdirSync(file);
      },
    ],
  ];

  it.each(damages)('(%s) gives a CloudError naming the file and what to do, at the first request', async (_, damage) => {
    const home = await damagedHome(damage);
    const cloud = new Cloud({ home });
    const error = await cloud.list().catch((e: unknown) => e);
    expect(await cloud.close()).toBe(false);
    expect(error).toBeInstanceOf(CloudError);
    expect((error as Error).message).toContain(join(home, 'jobs.sqlite'));
    expect((error as Error).message).toContain('move it away');
    expect((error as Error).constructor.name).not.toBe('SqliteError');
  });

  it.each(damages)('(%s): the CLI prints that message, no stack trace', async (_, damage) => {
    const home = await damagedHome(damage);
    const ran = await nimbusSpawned(['jobs', '--home', home]);
    expect(ran.code).not.toBe(0);
    expect(ran.stderr).toMatch(new RegExp(`^nimbus: the job store ${escape(join(home, 'jobs.sqlite'))} is damaged .*move it away`));
    expect(ran.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('what a home makes is private to the user', () => {
  it('the home directory is 0700, jobs.sqlite and its -wal and -shm 0600', async () => {
    const home = join(freshDir(), 'new-home');
    const cloud = new Cloud({ home, cores: 1, isolation: 'thread' });
    await cloud.join(await cloud.call(() => 1));
    expect(statSync(home).mode & 0o777).toBe(0o700);
    for (const name of ['jobs.sqlite', 'jobs.sqlite-wal', 'jobs.sqlite-shm']) {
      expect([name, statSync(join(home, name)).mode & 0o777]).toEqual([name, 0o600]);
    }
    await cloud.close();
  });
});

describe('a home opened to read', () => {
  /** A home whose runtime was SIGKILLed with jobs unfinished (see run-and-die.mjs). */
  async function orphanedHome(): Promise<{ home: string; hanging: number }> {
    const home = freshDir();
    const { stdout } = await run(process.execPath, [fixture('run-and-die.mjs'), home, join(home, 'marker')], { timeout: 30_000 }).catch(
      (e: { stdout: string }) => e,
    );
    return { home, hanging: (JSON.parse(stdout) as { hanging: number }).hanging };
  }
  const storedStatus = (home: string, jid: number) => {
    const db = new Database(join(home, 'jobs.sqlite'), { readonly: true });
    try {
      return (db.prepare('SELECT status FROM jobs WHERE jid = ?').get(jid) as { status: string }).status;
    } finally {
      db.close();
    }
  };

  it("the CLI's reading commands write nothing: a dead runtime's job is not marked error by a read", async () => {
    const { home, hanging } = await orphanedHome();
    const before = storedStatus(home, hanging);
    expect(['queued', 'processing']).toContain(before);
    const status = await nimbusSpawned(['status', String(hanging), '--home', home]);
    expect(status.stdout).toContain(before);
    const result = await nimbusSpawned(['result', String(hanging), '--home', home]);
    expect(result.stderr).toContain('runtime stopped before the job finished');
    await nimbusSpawned(['jobs', '--home', home]);
    await nimbusSpawned(['info', String(hanging), '--home', home]);
    expect(storedStatus(home, hanging)).toBe(before);
  });

  it('a store that may not be written (0400 file in a 0500 home) is read through the read-only opening', async () => {
    const { home, hanging } = await orphanedHome();
    chmodSync(join(home, 'jobs.sqlite'), 0o400);
    chmodSync(home, 0o500);
    try {
      const store = new SqliteJobStore(home, 'reader', undefined, { readOnly: true });
      expect((await store.get(hanging))?.info.status).toBe(storedStatus(home, hanging));
      await expect(store.renewLease()).rejects.toThrow(/is opened read-only/);
      await expect(store.recover({ name: 'x', message: 'x', stack: undefined }, 3)).rejects.toThrow(CloudError);
      await store.close();
    } finally {
      chmodSync(home, 0o700);
    }
  });

  it('new Cloud({ home, readOnly: true }) reads the jobs and refuses every write by its code', async () => {
    const { home, hanging } = await orphanedHome();
    const before = storedStatus(home, hanging);
    const reader = new Cloud({ home, readOnly: true });
    try {
      expect(await reader.status(hanging as never)).toBe(before);
      const refused = await reader.call(() => 1).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(CloudError);
      expect((refused as CloudError).code).toBe('ERR_HOME_READ_ONLY');
      expect(storedStatus(home, hanging)).toBe(before);
    } finally {
      await reader.close();
    }
  });
});

/** Moves every page from the -wal into the file, so that damage to the file is what SQLite reads. */
function checkpoint(file: string): void {
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
